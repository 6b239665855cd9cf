// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @not_square(%x: tensor<2x3x4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the matrices must be square, got [2, 3, 4]}}
  %0 = blade.det %x : (tensor<2x3x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @rank(%x: tensor<3xf32>) -> tensor<f32> {
  // expected-error @+1 {{the operand must have rank 2 or more}}
  %0 = blade.det %x : (tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @result_shape(%x: tensor<2x3x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{}}
  %0 = blade.det %x : (tensor<2x3x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
