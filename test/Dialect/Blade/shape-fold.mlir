// RUN: blade-opt %s -split-input-file -canonicalize | FileCheck %s

// Shape values of static dims fold; dynamic ones stay.
// CHECK-LABEL: func.func @fold_shape_of
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x8xf32>)
func.func @fold_shape_of(%x: tensor<?x4x8xf32>) -> (tensor<2xi64>, tensor<3xi64>, tensor<i64>) {
  // CHECK-DAG: %[[C:.+]] = blade.constant dense<[4, 8]> : tensor<2xi64>
  // CHECK-DAG: %[[ALL:.+]] = blade.shape_of %[[X]][0 : 3]
  // CHECK-DAG: %[[N:.+]] = blade.size %[[X]]
  // CHECK: return %[[C]], %[[ALL]], %[[N]]
  %0 = blade.shape_of %x [1 : 3] : tensor<?x4x8xf32> -> tensor<2xi64>
  %1 = blade.shape_of %x [0 : 3] : tensor<?x4x8xf32> -> tensor<3xi64>
  %2 = blade.size %x : tensor<?x4x8xf32> -> tensor<i64>
  return %0, %1, %2 : tensor<2xi64>, tensor<3xi64>, tensor<i64>
}

// -----

// CHECK-LABEL: func.func @fold_size
func.func @fold_size(%x: tensor<2x3xf32>) -> tensor<i64> {
  // CHECK: %[[C:.+]] = blade.constant dense<6> : tensor<i64>
  // CHECK: return %[[C]]
  %0 = blade.size %x : tensor<2x3xf32> -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// Concat of constants is a constant; the blocks interleave along axis 1.
// CHECK-LABEL: func.func @fold_concat
func.func @fold_concat() -> tensor<2x3xi64> {
  // CHECK: %[[C:.+]] = blade.constant dense<{{\[}}[1, 2, 5], [3, 4, 6]]> : tensor<2x3xi64>
  // CHECK-NOT: blade.concat
  // CHECK: return %[[C]]
  %a = blade.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %b = blade.constant dense<[[5], [6]]> : tensor<2x1xi64>
  %0 = blade.concat %a, %b {axis = 1 : i64} : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// Gather of constants wraps negative indices.
// CHECK-LABEL: func.func @fold_gather
func.func @fold_gather() -> tensor<2x2xi64> {
  // CHECK: %[[C:.+]] = blade.constant dense<{{\[}}[5, 6], [1, 2]]> : tensor<2x2xi64>
  // CHECK: return %[[C]]
  %d = blade.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi64>
  %i = blade.constant dense<[-1, 0]> : tensor<2xi64>
  %0 = blade.gather %d, %i {axis = 0 : i64} : (tensor<3x2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// Slice of a constant, with a negative step.
// CHECK-LABEL: func.func @fold_slice
func.func @fold_slice() -> tensor<3xi64> {
  // CHECK: %[[C:.+]] = blade.constant dense<[4, 2, 0]> : tensor<3xi64>
  // CHECK: return %[[C]]
  %d = blade.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
  %0 = blade.slice %d [-1] to [-100] step [-2] : (tensor<5xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @fold_constant_of_shape_and_range
func.func @fold_constant_of_shape_and_range(%s: tensor<2xi64>) -> (tensor<2x2xi32>, tensor<4xf32>) {
  // CHECK-DAG: %[[F:.+]] = blade.constant dense<7> : tensor<2x2xi32>
  // CHECK-DAG: %[[R:.+]] = blade.constant dense<[1.000000e+00, 1.500000e+00, 2.000000e+00, 2.500000e+00]> : tensor<4xf32>
  // CHECK: return %[[F]], %[[R]]
  %0 = blade.constant_of_shape %s, dense<7> : tensor<1xi32> : (tensor<2xi64>) -> tensor<2x2xi32>
  %a = blade.constant dense<1.0> : tensor<f32>
  %b = blade.constant dense<3.0> : tensor<f32>
  %d = blade.constant dense<0.5> : tensor<f32>
  %1 = blade.range %a, %b, %d : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %0, %1 : tensor<2x2xi32>, tensor<4xf32>
}

// -----

// A reshape of a reshape reshapes the original operand.
// CHECK-LABEL: func.func @fold_reshape_chain
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
func.func @fold_reshape_chain(%x: tensor<?x8xf32>) -> tensor<?x2x4xf32> {
  // CHECK: %[[R:.+]] = blade.reshape %[[X]] : (tensor<?x8xf32>) -> tensor<?x2x4xf32>
  // CHECK: return %[[R]]
  %0 = blade.reshape %x : (tensor<?x8xf32>) -> tensor<?xf32>
  %1 = blade.reshape %0 : (tensor<?xf32>) -> tensor<?x2x4xf32>
  return %1 : tensor<?x2x4xf32>
}

// -----

// A checked_cast that changes no dim folds away; one that does stays.
// CHECK-LABEL: func.func @fold_checked_cast
// CHECK-SAME: (%[[X:.+]]: tensor<?xi64>, %[[Y:.+]]: tensor<3xi64>)
// CHECK: %[[C:.+]] = blade.checked_cast %[[X]] : (tensor<?xi64>) -> tensor<3xi64>
// CHECK: return %[[C]], %[[Y]]
func.func @fold_checked_cast(%x: tensor<?xi64>, %y: tensor<3xi64>) -> (tensor<3xi64>, tensor<3xi64>) {
  %0 = blade.checked_cast %x : (tensor<?xi64>) -> tensor<3xi64>
  %1 = blade.checked_cast %y : (tensor<3xi64>) -> tensor<3xi64>
  return %0, %1 : tensor<3xi64>, tensor<3xi64>
}
