// RUN: blade-opt %s -split-input-file | FileCheck %s
// RUN: blade-opt %s -split-input-file | blade-opt -split-input-file | FileCheck %s

// blade.recurrent parses, verifies and prints back with every optional
// operand keyword.

// CHECK-LABEL: func.func @lstm_all_operands
func.func @lstm_all_operands(%x: tensor<?x?x?xf32>, %w: tensor<?x?x?xf32>, %r: tensor<?x?x?xf32>, %b: tensor<?x?xf32>, %l: tensor<?xi32>, %h0: tensor<?x?x?xf32>, %c0: tensor<?x?x?xf32>, %p: tensor<?x?xf32>) -> tensor<2x?x3xf32> {
  // CHECK: %{{.+}}, %{{.+}}, %[[C:.+]] = blade.recurrent %{{.+}}, %{{.+}}, %{{.+}} bias %{{.+}} sequence_lens %{{.+}} initial_h %{{.+}} initial_c %{{.+}} peepholes %{{.+}} {{{.*}}cell = "lstm", clip = 5.000000e-01 : f32, direction = "bidirectional", hidden_size = 3 : i64, input_forget = true, linear_before_reset = false} : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xi32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>) -> (tensor<?x2x?x3xf32>, tensor<2x?x3xf32>, tensor<2x?x3xf32>)
  %y, %h, %c = blade.recurrent %x, %w, %r bias %b sequence_lens %l initial_h %h0 initial_c %c0 peepholes %p {activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"], cell = "lstm", clip = 0.5 : f32, direction = "bidirectional", hidden_size = 3 : i64, input_forget = true, linear_before_reset = false} : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xi32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>) -> (tensor<?x2x?x3xf32>, tensor<2x?x3xf32>, tensor<2x?x3xf32>)
  // CHECK: return %[[C]]
  return %c : tensor<2x?x3xf32>
}
