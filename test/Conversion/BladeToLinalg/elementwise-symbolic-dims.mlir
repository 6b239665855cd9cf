// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s
// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg='symbolic-dims=false' | FileCheck %s --check-prefix=NOSYM

// Two inputs sharing the dim_param "n": the shape system proves the dims
// equal, so the add is one generic sized by the first operand, without the
// run-time comparison and the broadcasting second version.
// CHECK-LABEL: func.func @same_param
// CHECK-SAME: (%[[A:.+]]: tensor<?x4xf32> {{.*}}, %[[B:.+]]: tensor<?x4xf32>
// CHECK-NOT: scf.if
// CHECK: %[[N:.+]] = tensor.dim %[[A]], %c0
// CHECK: %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<?x4xf32>, tensor<?x4xf32>) outs(%[[E]] : tensor<?x4xf32>)
// CHECK-NOT: scf.if
// CHECK: return
// NOSYM-LABEL: func.func @same_param
// NOSYM: scf.if
func.func @same_param(%a: tensor<?x4xf32> {blade.dim_names = ["n", ""]},
                      %b: tensor<?x4xf32> {blade.dim_names = ["n", ""]}) -> tensor<?x4xf32> {
  %0 = blade.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A residual add: the second operand derives from the first through ops
// that keep its dims, so no versions; a compare of unrelated inputs keeps
// its run-time check and second version.
// CHECK-LABEL: func.func @residual
// CHECK: math.tanh
// CHECK-NOT: scf.if
// CHECK: arith.addf
// CHECK: scf.if
// CHECK: arith.cmpf
// NOSYM-LABEL: func.func @residual
// NOSYM-COUNT-2: scf.if
func.func @residual(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xi1>) {
  %t = blade.tanh %x : tensor<?x8xf32>
  %r = blade.add %x, %t : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %c = blade.compare "lt", %r, %y : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xi1>
  return %r, %c : tensor<?x8xf32>, tensor<?x8xi1>
}
