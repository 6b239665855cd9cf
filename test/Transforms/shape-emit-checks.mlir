// RUN: blade-opt %s -split-input-file -blade-emit-shape-checks | FileCheck %s

// Concat: the non-axis dims of the inputs must agree at run time.
// Expand: a dynamic operand dim is 1, or the requested size is 1 or equal.
// CHECK: blade.shape_checks = {f = ["node 'cat': concat inputs [?, 4] and [2, ?] differ in dim 1 at run time", "node 'exp': cannot expand dim 1 of [3, ?] to the requested size at run time"]}
// CHECK-LABEL: func.func @f_shape_check
// CHECK-SAME: (%[[A:[^:]+]]: tensor<?x4xf32>, %[[B:[^:]+]]: tensor<2x?xf32>, %[[X:[^:]+]]: tensor<3x?xf32>, %[[S:[^:]+]]: tensor<2xi64>) -> i32
// CHECK: %[[DB:.+]] = tensor.dim %[[B]], %{{.+}}
// CHECK: arith.cmpi eq, %{{.+}}, %[[DB]]
// CHECK: %[[E:.+]] = tensor.extract %[[S]][%{{.+}}] : tensor<2xi64>
// CHECK: %[[EI:.+]] = arith.index_cast %[[E]] : i64 to index
// CHECK: %[[DX:.+]] = tensor.dim %[[X]], %{{.+}}
// CHECK: arith.cmpi eq, %[[EI]], %[[DX]]
func.func @f(%a: tensor<?x4xf32>, %b: tensor<2x?xf32>, %x: tensor<3x?xf32>, %s: tensor<2xi64>) -> (tensor<?x4xf32>, tensor<3x?xf32>) {
  %0 = blade.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32>, tensor<2x?xf32>) -> tensor<?x4xf32> loc("cat")
  %1 = blade.expand %x, %s : (tensor<3x?xf32>, tensor<2xi64>) -> tensor<3x?xf32> loc("exp")
  return %0, %1 : tensor<?x4xf32>, tensor<3x?xf32>
}

// -----

// dynamic_reshape: the resolved dims must be non-negative, match the static
// result dims and hold the operand's elements.
// CHECK: blade.shape_checks = {g = ["node 'r': cannot reshape [?, 4] to the shape computed at run time ([2, ?])"]}
// CHECK-LABEL: func.func @g_shape_check
// CHECK: tensor.extract
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi eq
// CHECK: arith.andi
func.func @g(%x: tensor<?x4xf32>, %s: tensor<2xi64>) -> tensor<2x?xf32> {
  %0 = blade.dynamic_reshape %x, %s : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<2x?xf32> loc("r")
  return %0 : tensor<2x?xf32>
}

// -----

// checked_cast: each dim it makes static has that size at run time.
// CHECK: blade.shape_checks = {h = ["node 'c': dim 0 must be 3 at run time (the size the model's ranks imply)"]}
// CHECK-LABEL: func.func @h_shape_check
// CHECK-SAME: (%[[S:[^:]+]]: tensor<?xi64>) -> i32
// CHECK: %[[D:.+]] = tensor.dim %[[S]], %{{.+}}
// CHECK: arith.cmpi eq, %[[D]], %{{.+}}
func.func @h(%s: tensor<?xi64>) -> tensor<3xi64> {
  %0 = blade.checked_cast %s : (tensor<?xi64>) -> tensor<3xi64> loc("c")
  return %0 : tensor<3xi64>
}

// -----

// assert: its condition, read at run time, with its message.
// CHECK: blade.shape_checks = {k = ["node 'a': axes out of range"]}
// CHECK-LABEL: func.func @k_shape_check
// CHECK-SAME: (%[[OK:[^:]+]]: tensor<i1>) -> i32
// CHECK: %[[V:.+]] = tensor.extract %[[OK]][] : tensor<i1>
// CHECK: arith.select %[[V]]
func.func @k(%ok: tensor<i1>) {
  blade.assert %ok, "axes out of range" : tensor<i1> loc("a")
  return
}
