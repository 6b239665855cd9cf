// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @scales(%x: tensor<2x3xf32>, %s: tensor<4xf32>, %z: tensor<4xui8>) -> tensor<2x3xui8> {
  // expected-error @+1 {{expects 3 scales, got 4}}
  %0 = blade.quantize %x, %s, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4xf32>, tensor<4xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

func.func @zero_point_type(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<2x3xui8> {
  // expected-error @+1 {{the result must have the input's shape and the zero point's element type}}
  %0 = blade.quantize %x, %s, %z {axis = 0 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<i8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}
