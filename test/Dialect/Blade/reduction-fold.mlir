// RUN: blade-opt %s -split-input-file -canonicalize | FileCheck %s

// Reducing only kept unit dims (or nothing) with sum/mean/prod/max/min is
// the identity.
// CHECK-LABEL: func.func @fold_unit_dims
// CHECK-SAME: (%[[X:.+]]: tensor<?x1x4xf32>)
func.func @fold_unit_dims(%x: tensor<?x1x4xf32>) -> (tensor<?x1x4xf32>, tensor<?x1x4xf32>) {
  // CHECK-NOT: blade.reduce
  // CHECK: return %[[X]], %[[X]]
  %0 = blade.reduce %x {kind = "mean", axes = array<i64: 1>, keepdims = true} : (tensor<?x1x4xf32>) -> tensor<?x1x4xf32>
  %1 = blade.reduce %x {kind = "max", axes = array<i64>, keepdims = false} : (tensor<?x1x4xf32>) -> tensor<?x1x4xf32>
  return %0, %1 : tensor<?x1x4xf32>, tensor<?x1x4xf32>
}

// -----

// Kinds that change elements (l1, sum_square, ...) and dropped dims stay.
// CHECK-LABEL: func.func @no_fold
func.func @no_fold(%x: tensor<?x1x4xf32>) -> (tensor<?x1x4xf32>, tensor<?x4xf32>) {
  // CHECK: blade.reduce %{{.+}} {axes = array<i64: 1>, keepdims = true, kind = "l1"}
  // CHECK: blade.reduce %{{.+}} {axes = array<i64: 1>, keepdims = false, kind = "sum"}
  %0 = blade.reduce %x {kind = "l1", axes = array<i64: 1>, keepdims = true} : (tensor<?x1x4xf32>) -> tensor<?x1x4xf32>
  %1 = blade.reduce %x {kind = "sum", axes = array<i64: 1>, keepdims = false} : (tensor<?x1x4xf32>) -> tensor<?x4xf32>
  return %0, %1 : tensor<?x1x4xf32>, tensor<?x4xf32>
}
