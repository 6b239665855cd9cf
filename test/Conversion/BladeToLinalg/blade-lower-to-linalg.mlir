// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg='library-calls=false' | FileCheck %s

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[X:.+]]: tensor<?x16xf32>, %[[B:.+]]: tensor<16xf32>)
func.func @add_broadcast(%x: tensor<?x16xf32>, %b: tensor<16xf32>) -> tensor<?x16xf32> {
  // CHECK: %[[DIM:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x16xf32>
  // CHECK: %[[INIT:.+]] = tensor.empty(%[[DIM]]) : tensor<?x16xf32>
  // CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
  // CHECK-SAME: ins(%[[X]], %[[B]] : tensor<?x16xf32>, tensor<16xf32>) outs(%[[INIT]] : tensor<?x16xf32>)
  // CHECK: arith.addf
  // CHECK: return %[[R]]
  %0 = blade.add %x, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// A statically-1 dim broadcasts by reading index 0; integer ops pick arith's
// integer forms.
// CHECK-DAG: #[[$BCAST:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @div_int_broadcast
func.func @div_int_broadcast(%x: tensor<2x3xi32>, %y: tensor<1x3xi32>) -> tensor<2x3xi32> {
  // CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[$BCAST]], #{{.+}}]
  // CHECK: arith.divsi
  %0 = blade.div %x, %y : (tensor<2x3xi32>, tensor<1x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: arith.maximumf
  %0 = blade.relu %x : tensor<4xf32>
  // CHECK: arith.negf
  // CHECK: math.exp
  // CHECK: arith.addf
  // CHECK: arith.divf
  %1 = blade.sigmoid %0 : tensor<4xf32>
  // CHECK: math.tanh
  %2 = blade.tanh %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.+]]: tensor<?x16xf32>, %[[W:.+]]: tensor<16x4xf32>)
func.func @matmul_2d(%a: tensor<?x16xf32>, %w: tensor<16x4xf32>) -> tensor<?x4xf32> {
  // CHECK: %[[M:.+]] = tensor.dim %[[A]], %{{.+}}
  // CHECK: %[[INIT:.+]] = tensor.empty(%[[M]]) : tensor<?x4xf32>
  // CHECK: %[[ZERO:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[INIT]] : tensor<?x4xf32>)
  // CHECK: linalg.matmul ins(%[[A]], %[[W]] : tensor<?x16xf32>, tensor<16x4xf32>) outs(%[[ZERO]] : tensor<?x4xf32>)
  %0 = blade.matmul %a, %w : (tensor<?x16xf32>, tensor<16x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Batched products: batch dims broadcast (d1 reads 0 in the lhs), k reduces.
// CHECK-DAG: #[[$LHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[$RHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_batched
func.func @matmul_batched(%a: tensor<?x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<?x3x4x5xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
  // CHECK: arith.mulf
  // CHECK: arith.addf
  %0 = blade.matmul %a, %b : (tensor<?x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<?x3x4x5xf32>
  return %0 : tensor<?x3x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
  // CHECK: linalg.fill ins(%[[NEGINF]]
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
  // CHECK: arith.maximumf
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
  // CHECK: arith.subf
  // CHECK: math.exp
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
  // CHECK: arith.addf
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
  // CHECK: arith.divf
  %0 = blade.softmax %x {axis = 1 : i64} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<?x3xf32>)
func.func @transpose(%x: tensor<?x3xf32>) -> tensor<3x?xf32> {
  // CHECK: %[[D:.+]] = tensor.dim %[[X]], %{{.+}}
  // CHECK: %[[INIT:.+]] = tensor.empty(%[[D]]) : tensor<3x?xf32>
  // CHECK: linalg.transpose ins(%[[X]] : tensor<?x3xf32>) outs(%[[INIT]] : tensor<3x?xf32>) permutation = [1, 0]
  %0 = blade.transpose %x, [1, 0] : (tensor<?x3xf32>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

// The dynamic result dim is the element count over the static dims (8).
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x2xf32>)
func.func @reshape(%x: tensor<?x4x2xf32>) -> tensor<?x8xf32> {
  // CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
  // CHECK-DAG: %[[N:.+]] = tensor.dim %[[X]]
  // CHECK: %[[Q:.+]] = arith.divui %{{.+}}, %[[C8]] : index
  // CHECK: %[[SHAPE:.+]] = tensor.from_elements %[[Q]], %{{.+}} : tensor<2xindex>
  // CHECK: tensor.reshape %[[X]](%[[SHAPE]]) : (tensor<?x4x2xf32>, tensor<2xindex>) -> tensor<?x8xf32>
  %0 = blade.reshape %x : (tensor<?x4x2xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @constant
func.func @constant() -> tensor<2xf32> {
  // CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %0 = blade.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Unsigned element types (ONNX uint*) become signless at the function
// boundary and in linalg; the blade type still picks the unsigned arith op.
// CHECK-LABEL: func.func @unsigned
// CHECK-SAME: (%[[X:.+]]: tensor<?x3xi32>, %[[Y:.+]]: tensor<3xi32>) -> tensor<?x3xi32>
func.func @unsigned(%x: tensor<?x3xui32>, %y: tensor<3xui32>) -> tensor<?x3xui32> {
  // CHECK: %[[D:.+]] = tensor.dim %[[X]]
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%[[X]], %[[Y]] : tensor<?x3xi32>, tensor<3xi32>)
  // CHECK: arith.divui
  // CHECK-NOT: arith.divsi
  %0 = blade.div %x, %y : (tensor<?x3xui32>, tensor<3xui32>) -> tensor<?x3xui32>
  // CHECK: arith.constant dense<255> : tensor<3xi32>
  %c = blade.constant dense<255> : tensor<3xui32>
  %1 = blade.add %0, %c : (tensor<?x3xui32>, tensor<3xui32>) -> tensor<?x3xui32>
  return %1 : tensor<?x3xui32>
}

// -----

// Einsum: one generic, a loop per letter, summed letters reduce.
// CHECK-DAG: #[[$EA:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$EB:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[$EO:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @einsum
func.func @einsum(%a: tensor<?x2x3xf32>, %b: tensor<?x3x4xf32>) -> tensor<?x2x4xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[$EA]], #[[$EB]], #[[$EO]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
  // CHECK: arith.mulf
  // CHECK: arith.addf
  %0 = blade.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<?x2x3xf32>, tensor<?x3x4xf32>) -> tensor<?x2x4xf32>
  return %0 : tensor<?x2x4xf32>
}
