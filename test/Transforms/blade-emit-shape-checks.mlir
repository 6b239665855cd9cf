// RUN: blade-opt %s -split-input-file -blade-emit-shape-checks | FileCheck %s

// Two dynamic dims of an elementwise op must agree at run time unless one is
// 1 (then it broadcasts); static dims and static 1s need no check.
// CHECK: module attributes {blade.shape_checks = {add = ["node 'sum': dim 0 of [?, 4] and dim 0 of [?, 4] differ at run time and neither is 1"]}}
// CHECK-LABEL: func.func @add(
// CHECK: blade.add
// CHECK-LABEL: func.func @add_shape_check
// CHECK-SAME: (%[[A:[^:]+]]: tensor<?x4xf32>, %[[B:[^:]+]]: tensor<?x4xf32>, %{{.+}}) -> i32
// CHECK-DAG: %[[DA:.+]] = tensor.dim %[[A]], %{{.+}}
// CHECK-DAG: %[[DB:.+]] = tensor.dim %[[B]], %{{.+}}
// CHECK: %[[EQ:.+]] = arith.cmpi eq, %[[DA]], %[[DB]] : index
// CHECK: %[[A1:.+]] = arith.cmpi eq, %[[DA]], %{{.+}} : index
// CHECK: %[[B1:.+]] = arith.cmpi eq, %[[DB]], %{{.+}} : index
// CHECK: %[[ONE:.+]] = arith.ori %[[A1]], %[[B1]] : i1
// CHECK: %[[OK:.+]] = arith.ori %[[EQ]], %[[ONE]] : i1
// CHECK: %[[S:.+]] = arith.select %[[OK]], %{{.+}}, %{{.+}} : i32
// CHECK: return %[[S]] : i32
func.func @add(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>, %c: tensor<1x4xf32>) -> tensor<?x4xf32> {
  %0 = blade.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32> loc("sum")
  %1 = blade.mul %0, %c : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32> loc("scale")
  return %1 : tensor<?x4xf32>
}

// -----

// A dynamic contraction dim is checked against the other operand's; a
// reshape's element count must divide by its static result dims. Check i
// reports index i; the first failing one wins.
// CHECK: blade.shape_checks = {f = ["node 'mm': the contraction dims of [2, ?] x [?, 3] differ at run time", "node 'flat': cannot reshape [2, ?] to [?, 4]: the element count does not fit at run time"]}
// CHECK-LABEL: func.func @f_shape_check
// CHECK: arith.cmpi eq
// CHECK: arith.remui %{{.+}}, %{{.+}} : index
// CHECK: arith.cmpi eq
// CHECK: %[[C1:.+]] = arith.constant 1 : i32
// CHECK: %[[S1:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C1]] : i32
// CHECK: %[[C0:.+]] = arith.constant 0 : i32
// CHECK: %[[S0:.+]] = arith.select %{{.+}}, %[[S1]], %[[C0]] : i32
// CHECK: return %[[S0]]
func.func @f(%x: tensor<2x?xf32>, %w: tensor<?x3xf32>) -> (tensor<2x3xf32>, tensor<?x4xf32>) {
  %0 = blade.matmul %x, %w : (tensor<2x?xf32>, tensor<?x3xf32>) -> tensor<2x3xf32> loc("mm")
  %1 = blade.reshape %x : (tensor<2x?xf32>) -> tensor<?x4xf32> loc("flat")
  return %0, %1 : tensor<2x3xf32>, tensor<?x4xf32>
}

// -----

// Nothing to check: no function is added and no attribute is set.
// CHECK-NOT: blade.shape_checks
// CHECK-LABEL: func.func @static
// CHECK-NOT: func.func @static_shape_check
func.func @static(%a: tensor<2x4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = blade.add %a, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Ops inside a blade.loop (or blade.if) body see values only known while the
// loop runs: they are not checked up front, only the function's own ops.
// CHECK: blade.shape_checks = {loop = ["node 'after': dim 0 of [?] and dim 0 of [?] differ at run time and neither is 1"]}
// CHECK-LABEL: func.func @loop_shape_check
// CHECK: blade.loop
// CHECK: arith.select
// CHECK: return %{{.+}} : i32
func.func @loop(%n: tensor<i64>, %a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  %0 = blade.loop trip_count %n : tensor<i64> carried(%a : tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<?xf32>):
    %s = blade.add %v, %b : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> loc("inside")
    blade.yield %c, %s : tensor<i1>, tensor<?xf32>
  }
  %1 = blade.add %a, %b : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> loc("after")
  return %1 : tensor<?xf32>
}
