// RUN: blade-opt %s -split-input-file -canonicalize | FileCheck %s

// Transposes of constants fold to permuted constants (weights of Gemm with
// transB are folded once, at compile time).
// CHECK-LABEL: func.func @fold_transpose_constant
func.func @fold_transpose_constant() -> tensor<3x2xf32> {
  // CHECK: %[[C:.+]] = blade.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
  // CHECK-NOT: blade.transpose
  // CHECK: return %[[C]]
  %c = blade.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %t = blade.transpose %c, [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %t : tensor<3x2xf32>
}

// -----

// A rank-3 permutation picks elements by the permuted strides.
// CHECK-LABEL: func.func @fold_transpose_rank3
func.func @fold_transpose_rank3() -> tensor<2x1x2xi32> {
  // CHECK: blade.constant dense<{{\[}}{{\[}}[0, 2]], {{\[}}[1, 3]]]> : tensor<2x1x2xi32>
  %c = blade.constant dense<[[[0, 1]], [[2, 3]]]> : tensor<2x1x2xi32>
  %t = blade.transpose %c, [2, 1, 0] : (tensor<2x1x2xi32>) -> tensor<2x1x2xi32>
  return %t : tensor<2x1x2xi32>
}

// -----

// CHECK-LABEL: func.func @identity_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<?x3xf32>)
func.func @identity_transpose(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // CHECK-NEXT: return %[[X]]
  %t = blade.transpose %x, [0, 1] : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %t : tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_reshape_constant
func.func @fold_reshape_constant() -> tensor<3x2xf32> {
  // CHECK: blade.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
  // CHECK-NOT: blade.reshape
  %c = blade.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %r = blade.reshape %c : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

// A reshape to the operand's own type is the operand, even with a dynamic dim.
// CHECK-LABEL: func.func @identity_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
func.func @identity_reshape(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK-NEXT: return %[[X]]
  %r = blade.reshape %x : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @keep_dynamic_transpose
func.func @keep_dynamic_transpose(%x: tensor<?x3xf32>) -> tensor<3x?xf32> {
  // CHECK: blade.transpose
  %t = blade.transpose %x, [1, 0] : (tensor<?x3xf32>) -> tensor<3x?xf32>
  return %t : tensor<3x?xf32>
}
