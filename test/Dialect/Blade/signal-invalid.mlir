// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @dft_bad_complex_dim(%x: tensor<4x10x3xf32>) -> tensor<4x10x2xf32> {
  // expected-error @+1 {{the last dim must be 1 (real) or 2 (complex), got 3}}
  %0 = blade.dft %x {axis = 1 : i64, inverse = false, onesided = false} : tensor<4x10x3xf32> -> tensor<4x10x2xf32>
  return %0 : tensor<4x10x2xf32>
}

// -----

func.func @dft_axis_is_complex_dim(%x: tensor<4x10x2xf32>) -> tensor<4x10x2xf32> {
  // expected-error @+1 {{axis 2 is not a signal dim of a rank-3 input}}
  %0 = blade.dft %x {axis = 2 : i64, inverse = false, onesided = false} : tensor<4x10x2xf32> -> tensor<4x10x2xf32>
  return %0 : tensor<4x10x2xf32>
}

// -----

func.func @dft_onesided_size(%x: tensor<4x10x1xf32>) -> tensor<4x10x2xf32> {
  // expected-error @+1 {{result shape [4, 10, 2] is incompatible with the inferred shape [4, 6, 2]}}
  %0 = blade.dft %x {axis = 1 : i64, inverse = false, onesided = true} : tensor<4x10x1xf32> -> tensor<4x10x2xf32>
  return %0 : tensor<4x10x2xf32>
}

// -----

func.func @stft_window_rank(%s: tensor<1x64x1xf32>, %step: tensor<i64>, %w: tensor<4x4xf32>) -> tensor<1x?x?x2xf32> {
  // expected-error @+1 {{the window must be 1-D}}
  %0 = blade.stft %s, %step, window %w {onesided = true} : (tensor<1x64x1xf32>, tensor<i64>, tensor<4x4xf32>) -> tensor<1x?x?x2xf32>
  return %0 : tensor<1x?x?x2xf32>
}

// -----

func.func @stft_bins(%s: tensor<1x64x1xf32>, %step: tensor<i64>, %w: tensor<16xf32>) -> tensor<1x?x16x2xf32> {
  // expected-error @+1 {{result shape [1, ?, 16, 2] is incompatible with the inferred shape [1, ?, 9, 2]}}
  %0 = blade.stft %s, %step, window %w {onesided = true} : (tensor<1x64x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x16x2xf32>
  return %0 : tensor<1x?x16x2xf32>
}
