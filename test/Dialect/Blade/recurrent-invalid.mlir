// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @cell(%x: tensor<4x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{unknown cell 'elman'}}
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = "elman", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<4x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<4x1x2x4xf32>, tensor<1x2x4xf32>)
  return %h : tensor<1x2x4xf32>
}

// -----

func.func @activations(%x: tensor<4x2x3xf32>, %w: tensor<2x4x3xf32>, %r: tensor<2x4x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+1 {{expects 2 activations, alphas and betas}}
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = "rnn", direction = "bidirectional", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<4x2x3xf32>, tensor<2x4x3xf32>, tensor<2x4x4xf32>) -> (tensor<4x2x2x4xf32>, tensor<2x2x4xf32>)
  return %h : tensor<2x2x4xf32>
}

// -----

func.func @unknown_activation(%x: tensor<4x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{unknown activation "Gelu"}}
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Gelu"], cell = "rnn", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<4x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<4x1x2x4xf32>, tensor<1x2x4xf32>)
  return %h : tensor<1x2x4xf32>
}

// -----

func.func @gates(%x: tensor<4x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{expects W of a shape compatible with [1, 12, 3], got [1, 4, 3]}}
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], cell = "gru", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<4x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<4x1x2x4xf32>, tensor<1x2x4xf32>)
  return %h : tensor<1x2x4xf32>
}

// -----

func.func @result(%x: tensor<4x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{expects Y_h of a shape compatible with [1, 2, 4], got [1, 3, 4]}}
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = "rnn", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<4x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<4x1x2x4xf32>, tensor<1x3x4xf32>)
  return %h : tensor<1x3x4xf32>
}

// -----

func.func @missing_cell_state(%x: tensor<4x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{has a Y_c result if and only if the cell is lstm}}
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], cell = "lstm", direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<4x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> (tensor<4x1x2x4xf32>, tensor<1x2x4xf32>)
  return %h : tensor<1x2x4xf32>
}

// -----

func.func @clip(%x: tensor<4x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{clip must be positive}}
  %y, %h = blade.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = "rnn", clip = -1.0 : f32, direction = "forward", hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<4x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<4x1x2x4xf32>, tensor<1x2x4xf32>)
  return %h : tensor<1x2x4xf32>
}
