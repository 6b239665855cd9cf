// RUN: blade-opt %s -split-input-file -canonicalize | FileCheck %s

// Attention scores: the rhs's summed letter moves before its column letter
// (a transpose the matmul kernel reads as a view).
// CHECK-LABEL: func.func @scores
// CHECK-SAME: (%[[Q:.+]]: tensor<?x4x?x32xf32>, %[[K:.+]]: tensor<?x4x?x32xf32>)
// CHECK: %[[KT:.+]] = blade.transpose %[[K]], [0, 1, 3, 2] : (tensor<?x4x?x32xf32>) -> tensor<?x4x32x?xf32>
// CHECK: %[[S:.+]] = blade.matmul %[[Q]], %[[KT]] : (tensor<?x4x?x32xf32>, tensor<?x4x32x?xf32>) -> tensor<?x4x?x?xf32>
// CHECK-NOT: blade.einsum
// CHECK: return %[[S]]
func.func @scores(%q: tensor<?x4x?x32xf32>, %k: tensor<?x4x?x32xf32>) -> tensor<?x4x?x?xf32> {
  %0 = blade.einsum %q, %k {equation = "bhqe,bhke->bhqk"} : (tensor<?x4x?x32xf32>, tensor<?x4x?x32xf32>) -> tensor<?x4x?x?xf32>
  return %0 : tensor<?x4x?x?xf32>
}

// -----

// A projection: the rhs has no batch letter (broadcast by rank).
// CHECK-LABEL: func.func @projection
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x6xf32>)
// CHECK: %[[Y:.+]] = blade.matmul %[[X]], %[[W]] : (tensor<?x?x8xf32>, tensor<8x6xf32>) -> tensor<?x?x6xf32>
// CHECK-NEXT: return %[[Y]]
func.func @projection(%x: tensor<?x?x8xf32>, %w: tensor<8x6xf32>) -> tensor<?x?x6xf32> {
  %0 = blade.einsum %x, %w {equation = "btd,de->bte"} : (tensor<?x?x8xf32>, tensor<8x6xf32>) -> tensor<?x?x6xf32>
  return %0 : tensor<?x?x6xf32>
}

// -----

// Heads merged by the product: the two summed letters (static) become one
// dim; the lhs is transposed and reshaped with its shape read at run time
// (two dynamic dims), the rhs reshaped statically.
// CHECK-LABEL: func.func @merge_heads
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x?x32xf32>, %[[W:.+]]: tensor<4x32x16xf32>)
// CHECK: %[[C:.+]] = blade.constant dense<128> : tensor<1xi64>
// CHECK: %[[XT:.+]] = blade.transpose %[[X]], [0, 2, 1, 3] : (tensor<?x4x?x32xf32>) -> tensor<?x?x4x32xf32>
// CHECK-DAG: %[[B:.+]] = blade.shape_of %[[XT]][0 : 1]
// CHECK-DAG: %[[T:.+]] = blade.shape_of %[[XT]][1 : 2]
// CHECK: %[[SHAPE:.+]] = blade.concat %[[B]], %[[T]], %[[C]]
// CHECK: %[[L:.+]] = blade.dynamic_reshape %[[XT]], %[[SHAPE]] {allow_zero} : (tensor<?x?x4x32xf32>, tensor<3xi64>) -> tensor<?x?x128xf32>
// CHECK: %[[R:.+]] = blade.reshape %[[W]] : (tensor<4x32x16xf32>) -> tensor<128x16xf32>
// CHECK: blade.matmul %[[L]], %[[R]] : (tensor<?x?x128xf32>, tensor<128x16xf32>) -> tensor<?x?x16xf32>
func.func @merge_heads(%x: tensor<?x4x?x32xf32>, %w: tensor<4x32x16xf32>) -> tensor<?x?x16xf32> {
  %0 = blade.einsum %x, %w {equation = "bhqe,hed->bqd"} : (tensor<?x4x?x32xf32>, tensor<4x32x16xf32>) -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

// An output in another order than [batch, rows, columns] is transposed
// from the product; a batch letter the lhs lacks between others becomes a
// unit dim.
// CHECK-LABEL: func.func @reordered
// CHECK-SAME: (%[[X:.+]]: tensor<2x5x8xf32>, %[[W:.+]]: tensor<3x4x8x6xf32>)
// CHECK: %[[L:.+]] = blade.reshape %[[X]] : (tensor<2x5x8xf32>) -> tensor<2x1x5x8xf32>
// CHECK: %[[P:.+]] = blade.matmul %[[L]], %{{.+}} : (tensor<2x1x5x8xf32>, tensor<3x1x4x8x6xf32>) -> tensor<3x2x4x5x6xf32>
// CHECK-NOT: blade.einsum
func.func @reordered(%x: tensor<2x5x8xf32>, %w: tensor<3x4x8x6xf32>) -> tensor<3x2x4x5x6xf32> {
  %0 = blade.einsum %x, %w {equation = "btd,khde->kbhte"} : (tensor<2x5x8xf32>, tensor<3x4x8x6xf32>) -> tensor<3x2x4x5x6xf32>
  return %0 : tensor<3x2x4x5x6xf32>
}

// -----

// Not matrix products: a diagonal, a letter summed in one operand only, an
// outer product, dynamic letters summed together.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-4: blade.einsum
func.func @kept(%a: tensor<4x4xf32>, %b: tensor<4x3xf32>, %c: tensor<?x?xf32>, %d: tensor<?x?x2xf32>, %u: tensor<4xf32>, %v: tensor<3xf32>) -> (tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<2xf32>) {
  %0 = blade.einsum %a, %b {equation = "ii,ij->ij"} : (tensor<4x4xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %1 = blade.einsum %a, %b {equation = "ik,ij->j"} : (tensor<4x4xf32>, tensor<4x3xf32>) -> tensor<3xf32>
  %2 = blade.einsum %u, %v {equation = "i,j->ij"} : (tensor<4xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %3 = blade.einsum %c, %d {equation = "ij,ijk->k"} : (tensor<?x?xf32>, tensor<?x?x2xf32>) -> tensor<2xf32>
  return %0, %1, %2, %3 : tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<2xf32>
}
