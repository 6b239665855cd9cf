// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @add_not_broadcastable(%x: tensor<2x3xf32>, %y: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{shapes [2, 3] and [4] are not broadcastable}}
  %0 = blade.add %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @add_wrong_result(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{result shape [2, 4] is incompatible with the inferred shape [2, 3]}}
  %0 = blade.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @add_mixed_types(%x: tensor<3xf32>, %y: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+1 {{requires the same element type for all operands and results}}
  %0 = blade.add %x, %y : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @sigmoid_int(%x: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{must be ranked tensor of floating-point values}}
  %0 = blade.sigmoid %x : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for a rank-2 operand}}
  %0 = blade.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_contraction(%x: tensor<2x3xf32>, %w: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{matmul contraction sizes differ: [2, 3] x [4, 5]}}
  %0 = blade.matmul %x, %w : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @matmul_vector(%x: tensor<3xf32>, %w: tensor<3x5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{matmul operands must be at least 2-D}}
  %0 = blade.matmul %x, %w : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @matmul_batch(%x: tensor<2x4x3xf32>, %w: tensor<5x3x6xf32>) -> tensor<2x4x6xf32> {
  // expected-error @+1 {{matmul batch dimensions of [2, 4, 3] and [5, 3, 6] are not broadcastable}}
  %0 = blade.matmul %x, %w : (tensor<2x4x3xf32>, tensor<5x3x6xf32>) -> tensor<2x4x6xf32>
  return %0 : tensor<2x4x6xf32>
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{invalid permutation entry 0}}
  %0 = blade.transpose %x, [0, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_result(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{result shape [2, 3] is incompatible with the inferred shape [3, 2]}}
  %0 = blade.transpose %x, [1, 0] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)}}
  %0 = blade.reshape %x : (tensor<2x3xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @reshape_two_dynamic(%x: tensor<?x?xf32>) -> tensor<?x?x1xf32> {
  // expected-error @+1 {{reshape result [?, ?, 1] has more than one dynamic dimension}}
  %0 = blade.reshape %x : (tensor<?x?xf32>) -> tensor<?x?x1xf32>
  return %0 : tensor<?x?x1xf32>
}

// -----

func.func @reshape_not_divisible(%x: tensor<2x3xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{element count is not divisible}}
  %0 = blade.reshape %x : (tensor<2x3xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{failed to verify that all of {value, output} have same type}}
  %0 = "blade.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @softmax_negative_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis -1 is out of range for a rank-2 operand}}
  %0 = blade.softmax %x {axis = -1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
