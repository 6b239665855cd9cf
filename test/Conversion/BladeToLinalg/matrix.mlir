// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// blade.det loops over the linearized batch, takes each matrix as a slice
// and eliminates it with scf.for loops carrying the matrix: a pivot search
// (largest |a[i, k]|), a row swap, and the row updates below the pivot.
// CHECK-LABEL: func.func @det
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x3xf32>)
func.func @det(%x: tensor<?x3x3xf32>) -> tensor<?xf32> {
  // CHECK: %[[B:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x3x3xf32>
  // CHECK: %[[INIT:.+]] = tensor.empty(%[[B]]) : tensor<?xf32>
  // CHECK: %[[R:.+]] = scf.for %[[L:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[INIT]]) -> (tensor<?xf32>) {
  // CHECK:   %[[M:.+]] = tensor.extract_slice %[[X]][%{{.+}}, 0, 0] [1, 3, 3] [1, 1, 1] : tensor<?x3x3xf32> to tensor<3x3xf32>
  // CHECK:   %[[E:.+]]:2 = scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %[[M]], %{{.+}} = %{{.+}}) -> (tensor<3x3xf32>, f32) {
  // CHECK:     scf.for
  // CHECK:       math.absf
  // CHECK:       arith.cmpf ogt
  // CHECK:     scf.for
  // CHECK:       tensor.insert
  // CHECK:       tensor.insert
  // CHECK:     arith.negf
  // CHECK:     arith.mulf
  // CHECK:     arith.cmpf oeq
  // CHECK:     scf.for
  // CHECK:       arith.divf
  // CHECK:       scf.for
  // CHECK:         arith.subf
  // CHECK:   %[[INS:.+]] = tensor.insert %[[E]]#1 into %[[ACC]][%{{.+}}] : tensor<?xf32>
  // CHECK:   scf.yield %[[INS]]
  // CHECK: return %[[R]]
  %0 = blade.det %x : (tensor<?x3x3xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
