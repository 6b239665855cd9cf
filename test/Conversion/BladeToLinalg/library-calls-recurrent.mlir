// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s
// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg='library-calls=false' | FileCheck %s --check-prefix=LOOPS

// A bidirectional LSTM with constant weights and an initial h: one call of
// the recurrent kernel writing Y, Y_h and Y_c (seq and batch sizes from X);
// absent operands (initial_c, P) stand in as Y. Scalars: site, flags (bias
// 1 | constant weights 2 | initial_h 128), cell (LSTM 0), direction
// (bidirectional 2).

// CHECK-LABEL: func.func private @blade_rt_rnn_f32
// CHECK-SAME: (memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, i64, i64, i64, i64)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @lstm_bidirectional
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x3xf32>, %[[H0:.+]]: tensor<2x?x4xf32>)
// CHECK-DAG: %[[SEQ:.+]] = tensor.dim %[[X]], %c0
// CHECK-DAG: %[[N:.+]] = tensor.dim %[[X]], %c1
// CHECK: %[[Y:.+]] = memref.alloc(%[[SEQ]], %{{.+}}) {alignment = 64 : i64} : memref<?x2x?x4xf32>
// CHECK: %[[YH:.+]] = memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<2x?x4xf32>
// CHECK: %[[YC:.+]] = memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<2x?x4xf32>
// CHECK-DAG: %[[YU:.+]] = memref.cast %[[Y]] : memref<?x2x?x4xf32> to memref<*xf32>
// CHECK-DAG: %[[YHU:.+]] = memref.cast %[[YH]] : memref<2x?x4xf32> to memref<*xf32>
// CHECK-DAG: %[[YCU:.+]] = memref.cast %[[YC]] : memref<2x?x4xf32> to memref<*xf32>
// CHECK-DAG: %[[XU:.+]] = memref.cast %{{.+}} : memref<?x?x3xf32, strided<[?, ?, ?], offset: ?>> to memref<*xf32>
// CHECK-DAG: %[[H0U:.+]] = memref.cast %{{.+}} : memref<2x?x4xf32, strided<[?, ?, ?], offset: ?>> to memref<*xf32>
// CHECK-DAG: %[[FLAGS:.+]] = arith.constant 131 : i64
// CHECK-DAG: %[[DIR:.+]] = arith.constant 2 : i64
// CHECK: call @blade_rt_rnn_f32(%[[XU]], %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[H0U]], %[[YU]], %[[YU]], %[[YU]], %[[YHU]], %[[YCU]], %{{[^,]+}}, %[[FLAGS]], %{{[^,]+}}, %[[DIR]])
// CHECK-DAG: bufferization.to_tensor %[[Y]] restrict writable
// CHECK-DAG: bufferization.to_tensor %[[YH]] restrict writable
// CHECK-DAG: bufferization.to_tensor %[[YC]] restrict writable
// LOOPS-LABEL: func.func @lstm_bidirectional
// LOOPS: scf.for
// LOOPS-NOT: call
func.func @lstm_bidirectional(%x: tensor<?x?x3xf32>, %h0: tensor<2x?x4xf32>) -> (tensor<?x2x?x4xf32>, tensor<2x?x4xf32>, tensor<2x?x4xf32>) {
  %w = blade.constant dense<0.5> : tensor<2x16x3xf32>
  %r = blade.constant dense<0.25> : tensor<2x16x4xf32>
  %b = blade.constant dense<0.125> : tensor<2x32xf32>
  %y, %yh, %yc = blade.recurrent %x, %w, %r bias %b initial_h %h0 {activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"], cell = "lstm", direction = "bidirectional", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<?x?x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>, tensor<2x?x4xf32>) -> (tensor<?x2x?x4xf32>, tensor<2x?x4xf32>, tensor<2x?x4xf32>)
  return %y, %yh, %yc : tensor<?x2x?x4xf32>, tensor<2x?x4xf32>, tensor<2x?x4xf32>
}

// -----

// A reverse GRU with linear_before_reset and weights that are arguments:
// flags bias only (1), cell 2, direction reverse (1); Y_c is stood in for
// by Y_h.
// CHECK-LABEL: func.func @gru_lbr_reverse
// CHECK: %[[Y:.+]] = memref.alloc() {alignment = 64 : i64} : memref<5x1x2x4xf32>
// CHECK: %[[YH:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x4xf32>
// CHECK-DAG: %[[YU:.+]] = memref.cast %[[Y]]
// CHECK-DAG: %[[YHU:.+]] = memref.cast %[[YH]]
// CHECK: call @blade_rt_rnn_f32(%{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[YU]], %[[YU]], %[[YU]], %[[YU]], %[[YHU]], %[[YHU]], %c0_i64, %c1_i64, %c2_i64, %c1_i64_{{[0-9]+}})
func.func @gru_lbr_reverse(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>, %b: tensor<1x24xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>) {
  %y, %yh = blade.recurrent %x, %w, %r bias %b {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], cell = "gru", direction = "reverse", hidden_size = 4 : i64, input_forget = false, linear_before_reset = true} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y, %yh : tensor<5x1x2x4xf32>, tensor<1x2x4xf32>
}

// -----

// What the kernel does not take keeps Blade's loops: sequence lengths, clip,
// activations other than the cell's defaults (an LSTM with Relu, an RNN with
// LeakyRelu), and any layer in a shape-check function.
// CHECK-LABEL: func.func @loops
// CHECK-NOT: call @blade_rt_rnn_f32
// CHECK: return
func.func @loops(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>, %l: tensor<2xi32>,
                 %w4: tensor<1x16x3xf32>, %r4: tensor<1x16x4xf32>, %w1: tensor<1x4x3xf32>, %r1: tensor<1x4x4xf32>)
    -> (tensor<5x1x2x4xf32>, tensor<5x1x2x4xf32>, tensor<5x1x2x4xf32>, tensor<5x1x2x4xf32>) {
  %y0, %h0 = blade.recurrent %x, %w, %r sequence_lens %l {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], cell = "gru", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<2xi32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  %y1, %h1 = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], cell = "gru", clip = 2.0 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  %y2, %h2, %c2 = blade.recurrent %x, %w4, %r4 {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Relu", "Tanh"], cell = "lstm", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  %y3, %h3 = blade.recurrent %x, %w1, %r1 {activation_alpha = array<f32: 0.01>, activation_beta = array<f32: 0.0>, activations = ["LeakyRelu"], cell = "rnn", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y0, %y1, %y2, %y3 : tensor<5x1x2x4xf32>, tensor<5x1x2x4xf32>, tensor<5x1x2x4xf32>, tensor<5x1x2x4xf32>
}

// -----

// CHECK-LABEL: func.func @main_shape_check
// CHECK-NOT: call @blade_rt_rnn_f32
// CHECK: return
func.func @main_shape_check(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<5x1x2x4xf32> {
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = "rnn", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y : tensor<5x1x2x4xf32>
}
