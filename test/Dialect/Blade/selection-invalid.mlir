// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @nonzero_rows(%x: tensor<2x3xf32>) -> tensor<3x?xi64> {
  // expected-error @+1 {{the result must have shape [2, ?], got [3, ?]}}
  %0 = blade.nonzero %x : (tensor<2x3xf32>) -> tensor<3x?xi64>
  return %0 : tensor<3x?xi64>
}

// -----

func.func @nonzero_scalar(%x: tensor<f32>) -> tensor<0x?xi64> {
  // expected-error @+1 {{expects an operand of rank >= 1}}
  %0 = blade.nonzero %x : (tensor<f32>) -> tensor<0x?xi64>
  return %0 : tensor<0x?xi64>
}

// -----

func.func @unique_rank(%x: tensor<4xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>) {
  // expected-error @+1 {{expects a 2-D operand, got [4]}}
  %y, %i, %v, %c = blade.unique %x {sorted = true} : (tensor<4xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %y, %i, %v, %c : tensor<?xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>
}

// -----

func.func @unique_inverse(%x: tensor<4x2xf32>) -> (tensor<?x2xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>) {
  // expected-error @+1 {{the inverse indices must have shape [4], got [3]}}
  %y, %i, %v, %c = blade.unique %x {sorted = true} : (tensor<4x2xf32>) -> (tensor<?x2xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>)
  return %y, %i, %v, %c : tensor<?x2xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>
}

// -----

func.func @unique_rows(%x: tensor<4x2xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>) {
  // expected-error @+1 {{the unique rows must have shape [?, 2], got [?, 3]}}
  %y, %i, %v, %c = blade.unique %x {sorted = true} : (tensor<4x2xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %y, %i, %v, %c : tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>
}

// -----

func.func @nms_boxes(%b: tensor<1x5x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<i64>, %t: tensor<f32>) -> tensor<?x3xi64> {
  // expected-error @+1 {{boxes must have shape [1, 6, 4], got [1, 5, 4]}}
  %0 = blade.non_max_suppression %b, %s, %m, %t, %t {center_point_box = false} : (tensor<1x5x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

func.func @nms_scalars(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<1xi64>, %t: tensor<f32>) -> tensor<?x3xi64> {
  // expected-error @+1 {{expects 0-d scalar parameters}}
  %0 = blade.non_max_suppression %b, %s, %m, %t, %t {center_point_box = false} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}
