// RUN: blade-opt %s -blade-emit-shape-checks | FileCheck %s

// blade.recurrent checks every dynamic weight and state dim against the
// directions, the gates times hidden_size, and X's batch and input dims.
// CHECK: blade.shape_checks = {rnn = ["node 'gru': dim 0 of W [?, ?, ?] is not 1 at run time", "node 'gru': dim 1 of W [?, ?, ?] is not 12 at run time", "node 'gru': dim 2 of W [?, ?, ?] is not dim 2 of X [?, ?, ?] at run time", "node 'gru': dim 2 of R [1, 12, ?] is not 4 at run time", "node 'gru': dim 1 of initial_h [1, ?, 4] is not dim 1 of X [?, ?, ?] at run time"]}
// CHECK-LABEL: func.func @rnn_shape_check
// CHECK-DAG: %[[C12:.+]] = arith.constant 12 : index
// CHECK-DAG: tensor.dim %arg1, %c1
// CHECK: arith.cmpi eq, %{{.+}}, %[[C12]] : index
func.func @rnn(%x: tensor<?x?x?xf32>, %w: tensor<?x?x?xf32>, %r: tensor<1x12x?xf32>, %h0: tensor<1x?x4xf32>) -> tensor<1x?x4xf32> {
  %y, %h = blade.recurrent %x, %w, %r initial_h %h0 {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], cell = "gru", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<1x12x?xf32>, tensor<1x?x4xf32>) -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>) loc("gru")
  return %h : tensor<1x?x4xf32>
}
