// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg -canonicalize | FileCheck %s

// A reverse GRU with sequence lengths: X read from each sequence's last step,
// one contraction with W over all steps, an scf.for over the (dynamic) time
// dim whose step contracts the state with R and updates it in one generic,
// then the steps gathered back into time order with zeros past each length.
// CHECK-LABEL: func.func @gru_reverse
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x?x3xf32>, %[[W:[^:]+]]: tensor<1x12x3xf32>, %[[R:[^:]+]]: tensor<1x12x4xf32>, %[[B:[^:]+]]: tensor<1x24xf32>, %[[L:[^:]+]]: tensor<?xi32>)
func.func @gru_reverse(%x: tensor<?x?x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>, %b: tensor<1x24xf32>, %l: tensor<?xi32>) -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>) {
  // CHECK: %[[SEQ:.+]] = tensor.dim %[[X]], %c0
  // CHECK: %[[XS:.+]] = linalg.generic
  // CHECK: tensor.extract %[[L]]
  // CHECK: arith.subi
  // CHECK: tensor.extract %[[X]]
  // CHECK: %[[WD:.+]] = tensor.extract_slice %[[W]][0, 0, 0] [1, 12, 3] [1, 1, 1] : tensor<1x12x3xf32> to tensor<12x3xf32>
  // CHECK: %[[XW:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[XS]], %[[WD]] : tensor<?x?x3xf32>, tensor<12x3xf32>)
  // CHECK: %[[LOOP:.+]]:2 = scf.for %[[S:.+]] = %c0 to %[[SEQ]] step %c1 iter_args(%[[H:.+]] = %{{.+}}, %[[STEPS:.+]] = %{{.+}}) -> (tensor<?x4xf32>, tensor<?x?x4xf32>)
  // CHECK: %[[XT:.+]] = tensor.extract_slice %[[XW]][%[[S]], 0, 0]
  // The z and r gates' recurrent product, then (r . h) with the h gate's rows.
  // CHECK: %[[HR:.+]] = linalg.generic {{.*}} ins(%[[H]], %{{.+}} : tensor<?x4xf32>, tensor<8x4xf32>)
  // CHECK: %[[RH:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %[[H]] :
  // CHECK: %[[Q:.+]] = linalg.generic {{.*}} ins(%[[RH]], %{{.+}} : tensor<?x4xf32>, tensor<4x4xf32>)
  // CHECK: %[[NEXT:.+]] = linalg.generic {{.*}} ins({{.*}}%[[Q]], %[[L]] : {{.*}}) outs(%[[H]] : tensor<?x4xf32>)
  // CHECK: math.tanh
  // CHECK: arith.cmpi slt, %[[S]]
  // CHECK: arith.select
  // CHECK: %[[INS:.+]] = tensor.insert_slice %[[NEXT]] into %[[STEPS]][%[[S]], 0, 0]
  // CHECK: scf.yield %[[NEXT]], %[[INS]]
  // CHECK: %[[Y:.+]] = linalg.generic
  // CHECK: tensor.extract %[[LOOP]]#1
  // CHECK: arith.select
  // CHECK: tensor.insert_slice %[[Y]] into %{{.+}}[0, 0, 0, 0] [%[[SEQ]], 1, %{{.+}}, 4]
  // CHECK: tensor.insert_slice %[[LOOP]]#0 into
  %y, %h = blade.recurrent %x, %w, %r bias %b sequence_lens %l {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], cell = "gru", direction = "reverse", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<?x?x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>, tensor<?xi32>) -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>)
  return %y, %h : tensor<?x1x?x4xf32>, tensor<1x?x4xf32>
}

// -----

// A bidirectional LSTM whose Y is unused: two loops carrying h and c only,
// the peepholes read per gate, the states stacked along the direction dim.
// CHECK-LABEL: func.func @lstm_bidirectional
func.func @lstm_bidirectional(%x: tensor<5x2x3xf32>, %w: tensor<2x8x3xf32>, %r: tensor<2x8x2xf32>, %p: tensor<2x6xf32>) -> (tensor<2x2x2xf32>, tensor<2x2x2xf32>) {
  // CHECK: %[[F:.+]]:2 = scf.for {{.*}} -> (tensor<2x2xf32>, tensor<2x2xf32>)
  // CHECK: linalg.generic {{.*}} outs(%{{.+}}, %{{.+}} : tensor<2x2xf32>, tensor<2x2xf32>)
  // CHECK: %[[B:.+]]:2 = scf.for {{.*}} -> (tensor<2x2xf32>, tensor<2x2xf32>)
  // CHECK: %[[H0:.+]] = tensor.insert_slice %[[F]]#0 into %{{.+}}[0, 0, 0] [1, 2, 2]
  // CHECK: tensor.insert_slice %[[B]]#0 into %[[H0]][1, 0, 0] [1, 2, 2]
  %y, %h, %c = blade.recurrent %x, %w, %r peepholes %p {activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"], cell = "lstm", clip = 3.0 : f32, direction = "bidirectional", hidden_size = 2 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x2x3xf32>, tensor<2x8x3xf32>, tensor<2x8x2xf32>, tensor<2x6xf32>) -> (tensor<5x2x2x2xf32>, tensor<2x2x2xf32>, tensor<2x2x2xf32>)
  return %h, %c : tensor<2x2x2xf32>, tensor<2x2x2xf32>
}
