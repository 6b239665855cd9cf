// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg -canonicalize | FileCheck %s

// Max pooling with indices: one generic with a value and an i64 output; the
// index is the input coordinate (iteration index minus the begin pad),
// flattened with n and c, column-major over the spatial dims for
// storage_order = 1. A strictly greater element replaces the maximum, so the
// first one wins on ties.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_indices
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[R:.+]]:2 = linalg.generic {indexing_maps = [#[[$IN]], #{{.+}}, #[[$OUT]], #[[$OUT]]]
// CHECK-SAME: ins(%[[P]], %{{.+}} : tensor<?x3x7x7xf32>, tensor<3x3xf32>) outs(%{{.+}}, %{{.+}} : tensor<?x3x5x5xf32>, tensor<?x3x5x5xi64>)
// CHECK: %[[H:.+]] = arith.subi %{{.+}}, %c1 : index
// CHECK: %[[W:.+]] = arith.subi %{{.+}}, %c1 : index
// CHECK: %[[NC:.+]] = arith.addi
// CHECK: %[[WH:.+]] = arith.muli %[[W]], %c5 : index
// CHECK: %[[S:.+]] = arith.addi %[[WH]], %[[H]] : index
// CHECK: %[[NCS:.+]] = arith.muli %[[NC]], %c25 : index
// CHECK: %[[FLAT:.+]] = arith.addi %[[NCS]], %[[S]] : index
// CHECK: %[[GT:.+]] = arith.cmpf ogt, %{{.+}}, %{{.+}} : f32
// CHECK: %[[I:.+]] = arith.index_cast %[[FLAT]] : index to i64
// CHECK: arith.select %[[GT]], %{{.+}}, %{{.+}} : f32
// CHECK: arith.select %[[GT]], %[[I]], %{{.+}} : i64
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @max_indices(%x: tensor<?x3x5x5xf32>) -> (tensor<?x3x5x5xf32>, tensor<?x3x5x5xi64>) {
  %y, %i = blade.pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, kind = "max", p = 2 : i64, pads = array<i64: 1, 1, 1, 1>, storage_order = 1 : i64, strides = array<i64: 1, 1>} : (tensor<?x3x5x5xf32>) -> (tensor<?x3x5x5xf32>, tensor<?x3x5x5xi64>)
  return %y, %i : tensor<?x3x5x5xf32>, tensor<?x3x5x5xi64>
}
