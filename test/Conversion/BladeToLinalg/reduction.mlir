// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// A mean over dims 0 and 2: a sum reduction, a divide by the run-time
// element count (1 for none: the mean of nothing is 0), and kept dims
// restored with tensor.expand_shape.
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$MID:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x?xf32>)
func.func @reduce_mean_keepdims(%x: tensor<?x4x?xf32>) -> tensor<1x4x1xf32> {
  // CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$MID]]], iterator_types = ["reduction", "parallel", "reduction"]} ins(%[[X]] : tensor<?x4x?xf32>)
  // CHECK: arith.addf
  // CHECK: %[[D0:.+]] = tensor.dim %[[X]], %c0
  // CHECK: %[[N0:.+]] = arith.muli %{{.+}}, %[[D0]]
  // CHECK: %[[D2:.+]] = tensor.dim %[[X]], %c2
  // CHECK: %[[N:.+]] = arith.muli %[[N0]], %[[D2]]
  // CHECK: %[[EMPTY:.+]] = arith.cmpi eq, %[[N]], %c0
  // CHECK: %[[NZ:.+]] = arith.select %[[EMPTY]], %c1{{.*}}, %[[N]]
  // CHECK: %[[I:.+]] = arith.index_castui %[[NZ]] : index to i64
  // CHECK: %[[F:.+]] = arith.uitofp %[[I]] : i64 to f32
  // CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<4xf32>)
  // CHECK: arith.divf %{{.+}}, %[[F]]
  // CHECK: %[[E:.+]] = tensor.expand_shape %[[MEAN]] {{\[}}[0, 1, 2]] output_shape [1, 4, 1] : tensor<4xf32> into tensor<1x4x1xf32>
  // CHECK: return %[[E]]
  %0 = blade.reduce %x {kind = "mean", axes = array<i64: 0, 2>, keepdims = true} : (tensor<?x4x?xf32>) -> tensor<1x4x1xf32>
  return %0 : tensor<1x4x1xf32>
}

// -----

// Integer max starts at the type's minimum; unsigned types (signless after
// lowering) use unsigned comparisons.
// CHECK-LABEL: func.func @reduce_max_unsigned
func.func @reduce_max_unsigned(%x: tensor<?x4xui8>, %y: tensor<?x4xi32>) -> (tensor<?xui8>, tensor<?xi32>) {
  // CHECK: %[[Z:.+]] = arith.constant 0 : i8
  // CHECK: linalg.fill ins(%[[Z]] : i8)
  // CHECK: arith.maxui
  // CHECK: %[[MIN:.+]] = arith.constant -2147483648 : i32
  // CHECK: linalg.fill ins(%[[MIN]] : i32)
  // CHECK: arith.maxsi
  %0 = blade.reduce %x {kind = "max", axes = array<i64: 1>, keepdims = false} : (tensor<?x4xui8>) -> tensor<?xui8>
  %1 = blade.reduce %y {kind = "max", axes = array<i64: 1>, keepdims = false} : (tensor<?x4xi32>) -> tensor<?xi32>
  return %0, %1 : tensor<?xui8>, tensor<?xi32>
}

// -----

// log-sum-exp reduces the max first and shifts by it (by 0 where the max
// is -inf), then sums exps and adds the shift back after the log.
// CHECK-LABEL: func.func @reduce_log_sum_exp
func.func @reduce_log_sum_exp(%x: tensor<?x8xf32>) -> tensor<?xf32> {
  // CHECK: arith.maximumf
  // CHECK: arith.cmpf oeq
  // CHECK: arith.select
  // CHECK: arith.subf
  // CHECK: math.exp
  // CHECK: arith.addf
  // CHECK: math.log
  // CHECK: arith.addf
  %0 = blade.reduce %x {kind = "log_sum_exp", axes = array<i64: 1>, keepdims = false} : (tensor<?x8xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// l1 takes absolute values, l2 squares then takes the square root, prod
// starts at 1; reducing all dims with keepdims expands a 0-D tensor.
// CHECK-LABEL: func.func @reduce_kinds
func.func @reduce_kinds(%x: tensor<2x3xf32>, %i: tensor<2x3xi64>) -> (tensor<2xf32>, tensor<1x1xf32>, tensor<2xi64>) {
  // CHECK: math.absf
  // CHECK: arith.addf
  // CHECK: arith.mulf
  // CHECK: arith.addf
  // CHECK: math.sqrt
  // CHECK: tensor.expand_shape %{{.+}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
  // CHECK: %[[ONE:.+]] = arith.constant 1 : i64
  // CHECK: linalg.fill ins(%[[ONE]] : i64)
  // CHECK: arith.muli
  %0 = blade.reduce %x {kind = "l1", axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  %1 = blade.reduce %x {kind = "l2", axes = array<i64: 0, 1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  %2 = blade.reduce %i {kind = "prod", axes = array<i64: 1>, keepdims = false} : (tensor<2x3xi64>) -> tensor<2xi64>
  return %0, %1, %2 : tensor<2xf32>, tensor<1x1xf32>, tensor<2xi64>
}

// -----

// Arg-reductions carry (value, index) through one generic; the last index
// of ties needs a non-strict comparison.
// CHECK-LABEL: func.func @arg_max_last
func.func @arg_max_last(%x: tensor<?x4xui8>, %y: tensor<?x4xf32>) -> (tensor<?xi64>, tensor<?x1xi64>) {
  // CHECK: %[[V:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.+}} : tensor<?x4xi8>) outs(%{{.+}}, %{{.+}} : tensor<?xi8>, tensor<?xi64>)
  // CHECK: %[[TAKE:.+]] = arith.cmpi uge
  // CHECK: %[[I:.+]] = linalg.index 1
  // CHECK: arith.index_cast %[[I]] : index to i64
  // CHECK: %[[W:.+]]:2 = linalg.generic
  // CHECK: arith.cmpf olt
  // CHECK: tensor.expand_shape %[[W]]#1
  %0 = blade.arg_reduce %x {kind = "max", axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<?x4xui8>) -> tensor<?xi64>
  %1 = blade.arg_reduce %y {kind = "min", axis = 1 : i64, keepdims = true, select_last_index = false} : (tensor<?x4xf32>) -> tensor<?x1xi64>
  return %0, %1 : tensor<?xi64>, tensor<?x1xi64>
}

// -----

// CumSum along a static axis is a scan: a loop over the positions along
// the axis (backwards when reversed) carrying the running sums of one slice;
// exclusive writes the sums from before the slice is added.
// CHECK-LABEL: func.func @cumsum_exclusive
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xi32>)
func.func @cumsum_exclusive(%x: tensor<?x4xi32>) -> tensor<?x4xi32> {
  // CHECK: %[[ZEROS:.+]] = linalg.fill
  // CHECK: %[[OUT:.+]] = tensor.empty
  // CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
  // CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
  // CHECK: %[[R:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %[[C4]] step %[[C1]] iter_args(%[[SUMS:.+]] = %[[ZEROS]], %[[ACC:.+]] = %[[OUT]])
  // CHECK: %[[AT:.+]] = arith.subi %{{.+}}, %[[I]]
  // CHECK: %[[SLICE:.+]] = tensor.extract_slice %[[X]][0, %[[AT]]] [%{{.+}}, 1] [1, 1] : tensor<?x4xi32> to tensor<?xi32>
  // CHECK: %[[NEXT:.+]] = linalg.generic {{.*}} ins(%[[SLICE]], %[[SUMS]] : tensor<?xi32>, tensor<?xi32>) outs(%[[SUMS]] : tensor<?xi32>)
  // CHECK: arith.addi
  // CHECK: %[[W:.+]] = tensor.insert_slice %[[SUMS]] into %[[ACC]][0, %[[AT]]]
  // CHECK: scf.yield %[[NEXT]], %[[W]]
  // CHECK: return %[[R]]#1
  %0 = blade.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

// Opset < 13 semantics: the trailing dims from `axis` are normalized
// together.
// CHECK-LABEL: func.func @log_softmax_flatten
func.func @log_softmax_flatten(%x: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
  // CHECK: arith.maximumf
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
  // CHECK: math.exp
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
  // CHECK: math.log
  %0 = blade.log_softmax %x {axis = 1 : i64, flatten} : tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

// Hardmax finds the first row-major position of the maximum, then builds a
// one-hot map.
// CHECK-LABEL: func.func @hardmax
func.func @hardmax(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // CHECK: arith.maximumf
  // CHECK: arith.cmpf oeq
  // CHECK: arith.minui
  // CHECK: arith.cmpi eq
  // CHECK: arith.select
  %0 = blade.hardmax %x {axis = 1 : i64} : tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// A run-time CumSum axis: normalized, it picks the window length among the
// dims and the operand is read with tensor.extract at the window index.
// CHECK-LABEL: func.func @cumsum_runtime_axis
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>, %[[A:.+]]: tensor<i64>)
func.func @cumsum_runtime_axis(%x: tensor<?x4xf32>, %a: tensor<i64>) -> tensor<?x4xf32> {
  // CHECK: %[[RAW:.+]] = tensor.extract %[[A]][] : tensor<i64>
  // CHECK: %[[AX:.+]] = arith.index_cast %[[RAW]] : i64 to index
  // CHECK: arith.cmpi slt, %[[AX]]
  // CHECK: %[[W:.+]] = tensor.empty(%{{.+}}) : tensor<?xi1>
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[W]] : tensor<?xi1>)
  // CHECK: tensor.extract %[[X]]
  %0 = blade.cumsum %x[%a : tensor<i64>] {exclusive = false, reverse = false} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// TopK ranks each element against the others along the axis, then gathers
// the element of rank r into result position r; a run-time k sizes the
// result.
// CHECK-DAG: #[[$OWN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$OTHER:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @top_k
// CHECK-SAME: (%[[X:.+]]: tensor<3x5xf32>, %[[K:.+]]: tensor<1xi64>)
func.func @top_k(%x: tensor<3x5xf32>, %k: tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  // CHECK: %[[KV:.+]] = tensor.extract %[[K]]
  // CHECK: %[[KI:.+]] = arith.index_cast %[[KV]] : i64 to index
  // CHECK: tensor.empty(%[[KI]]) : tensor<3x?xf32>
  // CHECK: %[[RANKS:.+]] = linalg.generic {indexing_maps = [#[[$OWN]], #[[$OTHER]], #[[$OWN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[X]] : tensor<3x5xf32>, tensor<3x5xf32>) outs(%{{.+}} : tensor<3x5xi64>)
  // CHECK: arith.cmpf ogt
  // CHECK: arith.cmpf oeq
  // CHECK: %[[R:.+]]:2 = linalg.generic {indexing_maps = [#[[$OTHER]], #[[$OTHER]], #[[$OWN]], #[[$OWN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[RANKS]] : tensor<3x5xf32>, tensor<3x5xi64>)
  // CHECK: return %[[R]]#0, %[[R]]#1
  %0:2 = blade.top_k %x, %k {axis = 1 : i64, largest = true} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %0#0, %0#1 : tensor<3x?xf32>, tensor<3x?xi64>
}

// -----

// A constant k at most a sixteenth of the axis selects: a loop over the k
// result positions, each reducing the axis (both results at once) to the
// best element after the previous pick, written at its position.
// CHECK-DAG: #[[$ALL:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @top_k_select
// CHECK-SAME: (%[[X:.+]]: tensor<3x200xf32>)
func.func @top_k_select(%x: tensor<3x200xf32>) -> (tensor<3x4xf32>, tensor<3x4xi64>) {
  // CHECK: %[[KV:.+]] = tensor.extract
  // CHECK: %[[KI:.+]] = arith.index_cast %[[KV]] : i64 to index
  // CHECK-DAG: arith.constant -1 : i64
  // CHECK-DAG: arith.constant 0x7F800000 : f32
  // CHECK: %[[R:.+]]:4 = scf.for %[[J:.+]] = %{{.+}} to %[[KI]] step %{{.+}} iter_args(%[[PV:.+]] = %{{.+}}, %[[PI:.+]] = %{{.+}}, %[[V:.+]] = %{{.+}}, %[[I:.+]] = %{{.+}})
  // CHECK: %[[PICK:.+]]:2 = linalg.generic {indexing_maps = [#[[$ALL]], #[[$ROW]], #[[$ROW]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[PV]], %[[PI]] : tensor<3x200xf32>, tensor<3xf32>, tensor<3xi64>)
  // CHECK: arith.cmpf olt
  // CHECK: %[[NV:.+]] = tensor.insert_slice %[[PICK]]#0 into %[[V]][0, %[[J]]] [3, 1] [1, 1]
  // CHECK: %[[NI:.+]] = tensor.insert_slice %[[PICK]]#1 into %[[I]][0, %[[J]]] [3, 1] [1, 1]
  // CHECK: scf.yield %[[PICK]]#0, %[[PICK]]#1, %[[NV]], %[[NI]]
  // CHECK: return %[[R]]#2, %[[R]]#3
  %k = blade.constant dense<4> : tensor<1xi64>
  %0:2 = blade.top_k %x, %k {axis = 1 : i64, largest = false} : (tensor<3x200xf32>, tensor<1xi64>) -> (tensor<3x4xf32>, tensor<3x4xi64>)
  return %0#0, %0#1 : tensor<3x4xf32>, tensor<3x4xi64>
}

// -----

// Run-time axes: a mask of reduced dims from the axes, then one generic
// over (result dims, window dims) reading the operand with tensor.extract;
// without keepdims a tensor.reshape drops the reduced 1s.
// CHECK-LABEL: func.func @reduce_sum_runtime_axes
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>, %[[A:.+]]: tensor<1xi64>)
func.func @reduce_sum_runtime_axes(%x: tensor<?x4xf32>, %a: tensor<1xi64>) -> tensor<?xf32> {
  // CHECK: %[[MASK:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[A]] : tensor<1xi64>) outs(%{{.+}} : tensor<2xi1>)
  // CHECK: tensor.extract %[[MASK]]
  // CHECK: %[[W:.+]] = tensor.empty(%{{.+}}, %{{.+}}) : tensor<?x?xi1>
  // CHECK: %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[W]] : tensor<?x?xi1>)
  // CHECK: tensor.extract %[[X]]
  // CHECK: %[[SHAPE:.+]] = tensor.from_elements %{{.+}} : tensor<1xindex>
  // CHECK: tensor.reshape %[[SUM]](%[[SHAPE]]) : (tensor<?x?xf32>, tensor<1xindex>) -> tensor<?xf32>
  %0 = blade.reduce_sum_runtime_axes %x, %a {keepdims = false, noop_with_empty_axes = false} : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// An integer mean divides by the element count, with 1 for an empty
// reduction so that the division cannot trap.
// CHECK-LABEL: func.func @reduce_mean_integer
func.func @reduce_mean_integer(%x: tensor<?x?xi32>) -> tensor<?xi32> {
  // CHECK: arith.addi
  // CHECK: %[[N:.+]] = arith.muli
  // CHECK: %[[EMPTY:.+]] = arith.cmpi eq, %[[N]], %c0
  // CHECK: %[[SAFE:.+]] = arith.select %[[EMPTY]], %c1{{.*}}, %[[N]] : index
  // CHECK: %[[I64:.+]] = arith.index_castui %[[SAFE]] : index to i64
  // CHECK: %[[I32:.+]] = arith.trunci %[[I64]] : i64 to i32
  // CHECK: arith.divsi %{{.+}}, %[[I32]] : i32
  %0 = blade.reduce %x {kind = "mean", axes = array<i64: 1>, keepdims = false} : (tensor<?x?xi32>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}
