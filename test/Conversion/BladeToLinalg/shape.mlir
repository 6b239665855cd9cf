// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg -canonicalize | FileCheck %s

// Static dims of a shape are constants, dynamic ones tensor.dim.
// CHECK-LABEL: func.func @shape_of
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : i64
// CHECK-DAG: %[[D:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x4xf32>
// CHECK: %[[D64:.+]] = arith.index_cast %[[D]] : index to i64
// CHECK: %[[S:.+]] = tensor.from_elements %[[D64]], %[[C4]] : tensor<2xi64>
// CHECK: return %[[S]]
func.func @shape_of(%x: tensor<?x4xf32>) -> tensor<2xi64> {
  %0 = blade.shape_of %x [0 : 2] : tensor<?x4xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Gather reads the data at a wrapped and clamped index.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>, %[[I:.+]]: tensor<3xi32>)
// CHECK: %[[N:.+]] = tensor.dim %[[X]]
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<3x4xf32>)
// CHECK: %[[P:.+]] = linalg.index 0
// CHECK: %[[Q:.+]] = linalg.index 1
// CHECK: %[[RAW:.+]] = tensor.extract %[[I]][%[[P]]] : tensor<3xi32>
// CHECK: %[[K:.+]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[K]]
// CHECK: %[[UP:.+]] = arith.addi %[[K]], %[[N]]
// CHECK: %[[W:.+]] = arith.select %[[NEG]], %[[UP]], %[[K]]
// CHECK: %[[LAST:.+]] = arith.subi %[[N]]
// CHECK: %[[HI:.+]] = arith.minsi %[[W]], %[[LAST]]
// CHECK: %[[IDX:.+]] = arith.maxsi %[[HI]]
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%[[IDX]], %[[Q]]]
// CHECK: linalg.yield %[[V]]
func.func @gather(%x: tensor<?x4xf32>, %i: tensor<3xi32>) -> tensor<3x4xf32> {
  %0 = blade.gather %x, %i {axis = 0 : i64} : (tensor<?x4xf32>, tensor<3xi32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Scatter updates a copy of the data in order, combining with `add`.
// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: (%[[D:.+]]: tensor<4xf32>, %[[I:.+]]: tensor<2xi64>, %[[U:.+]]: tensor<2xf32>)
// CHECK: %[[R:.+]] = scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[D]]) -> (tensor<4xf32>)
// CHECK: tensor.extract %[[I]][%[[J]]]
// CHECK: %[[UPD:.+]] = tensor.extract %[[U]][%[[J]]]
// CHECK: %[[OLD:.+]] = tensor.extract %[[ACC]][%[[K:.+]]]
// CHECK: %[[SUM:.+]] = arith.addf %[[OLD]], %[[UPD]]
// CHECK: %[[NEW:.+]] = tensor.insert %[[SUM]] into %[[ACC]][%[[K]]]
// CHECK: scf.yield %[[NEW]]
// CHECK: return %[[R]]
func.func @scatter_add(%d: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<4xf32> {
  %0 = blade.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "add"} : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A slice reads start + i * step into a fresh tensor (no strided view); the
// start on the dynamic dim is clamped at run time.
// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
// CHECK: %[[D:.+]] = tensor.dim %[[X]]
// CHECK: %[[S0:.+]] = arith.minsi %[[D]]
// CHECK: %[[S:.+]] = arith.maxsi %[[S0]]
// CHECK: %[[INIT:.+]] = tensor.empty(%{{.+}}) : tensor<?x3xf32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[INIT]] : tensor<?x3xf32>)
// CHECK: %[[I:.+]] = linalg.index 0
// CHECK: %[[J:.+]] = linalg.index 1
// CHECK: %[[R:.+]] = arith.addi %[[S]], %[[I]]
// CHECK: %[[J2:.+]] = arith.muli %[[J]], %{{.+}}
// CHECK: %[[C:.+]] = arith.addi %[[J2]], %{{.+}}
// CHECK: tensor.extract %[[X]][%[[R]], %[[C]]]
func.func @slice(%x: tensor<?x8xf32>) -> tensor<?x3xf32> {
  %0 = blade.slice %x [1, 1] to [9223372036854775807, 7] step [1, 2] : (tensor<?x8xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// A negative step reads start + i * step (here 4 - i).
// CHECK-LABEL: func.func @slice_reverse
// CHECK-SAME: (%[[X:.+]]: tensor<5xf32>)
// CHECK: %[[C4:.+]] = arith.constant 4 : index
// CHECK: linalg.generic
// CHECK: %[[I:.+]] = linalg.index 0
// CHECK: %[[J:.+]] = arith.subi %[[C4]], %[[I]]
// CHECK: tensor.extract %[[X]][%[[J]]]
func.func @slice_reverse(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = blade.slice %x [-1] to [-9223372036854775807] step [-1] : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// Concat copies each input into its slot of one result tensor.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<?x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty(%{{.+}}) : tensor<?x4xf32>
// CHECK: %[[SA:.+]] = tensor.extract_slice %[[E]][0, 0]
// CHECK: %[[CA:.+]] = linalg.copy ins(%[[A]] : tensor<?x4xf32>) outs(%[[SA]] : tensor<?x4xf32>)
// CHECK: %[[IA:.+]] = tensor.insert_slice %[[CA]] into %[[E]][0, 0]
// CHECK: %[[SB:.+]] = tensor.extract_slice %[[IA]][%[[OFF:.+]], 0]
// CHECK: %[[CB:.+]] = linalg.copy ins(%[[B]] : tensor<?x4xf32>) outs(%[[SB]] : tensor<?x4xf32>)
// CHECK: %[[IB:.+]] = tensor.insert_slice %[[CB]] into %[[IA]][%[[OFF]], 0]
// CHECK: return %[[IB]]
func.func @concat(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = blade.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// The run-time shape resolves 0 (copy) and -1 (inferred), then tensor.reshape.
// CHECK-LABEL: func.func @dynamic_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>, %[[S:.+]]: tensor<2xi64>)
// CHECK: %[[E0:.+]] = tensor.extract %[[S]][%{{.+}}] : tensor<2xi64>
// CHECK: %[[E1:.+]] = tensor.extract %[[S]][%{{.+}}] : tensor<2xi64>
// CHECK: arith.divsi
// CHECK: %[[DIMS:.+]] = tensor.from_elements %{{.+}}, %{{.+}} : tensor<2xindex>
// CHECK: %[[R:.+]] = tensor.reshape %[[X]](%[[DIMS]])
// CHECK: return %[[R]]
func.func @dynamic_reshape(%x: tensor<?x?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = blade.dynamic_reshape %x, %s : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Constant pads: out-of-range positions take the pad value.
// CHECK-LABEL: func.func @pad_constant
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>, %[[P:.+]]: tensor<2xi64>, %[[V:.+]]: tensor<f32>)
// CHECK: %[[PV:.+]] = tensor.extract %[[V]][] : tensor<f32>
// CHECK: linalg.generic
// CHECK: %[[IN:.+]] = tensor.extract %[[X]]
// CHECK: %[[R:.+]] = arith.select %{{.+}}, %[[IN]], %[[PV]] : f32
// CHECK: linalg.yield %[[R]]
func.func @pad_constant(%x: tensor<3xf32>, %p: tensor<2xi64>, %v: tensor<f32>) -> tensor<?xf32> {
  %0 = blade.pad %x, %p, %v {mode = "constant"} : (tensor<3xf32>, tensor<2xi64>, tensor<f32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Run-time bounds: each dim picks its start/end/step from the entry whose
// axis names it (a zero step counts as 1), then reads start + i * step.
// CHECK-LABEL: func.func @dynamic_slice
// CHECK-SAME: (%[[X:.+]]: tensor<?xf32>, %[[S:.+]]: tensor<1xi64>, %[[E:.+]]: tensor<1xi64>, %[[A:.+]]: tensor<1xi64>, %[[P:.+]]: tensor<1xi64>)
// CHECK-DAG: tensor.extract %[[A]]
// CHECK-DAG: tensor.extract %[[S]]
// CHECK-DAG: tensor.extract %[[E]]
// CHECK-DAG: %[[STEP:.+]] = tensor.extract %[[P]]
// CHECK: arith.ceildivsi
// CHECK: %[[N:.+]] = arith.maxsi
// CHECK: %[[INIT:.+]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[INIT]] : tensor<?xf32>)
// CHECK: tensor.extract %[[X]]
func.func @dynamic_slice(%x: tensor<?xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>, %p: tensor<1xi64>) -> tensor<?xf32> {
  %0 = blade.dynamic_slice %x, %s, %e, %a, %p : (tensor<?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// With a run-time number of entries an scf.for applies them in order.
// CHECK-LABEL: func.func @dynamic_slice_count
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>, %[[S:[^:]+]]: tensor<?xi64>
// CHECK: %[[N:.+]] = tensor.dim %[[S]], %{{.+}} : tensor<?xi64>
// CHECK: %{{.+}}:6 = scf.for %{{.+}} = %{{.+}} to %[[N]] step %{{.+}} iter_args(
// CHECK: linalg.generic
func.func @dynamic_slice_count(%x: tensor<?x?xf32>, %s: tensor<?xi64>, %e: tensor<?xi64>, %a: tensor<?xi64>, %p: tensor<?xi64>) -> tensor<?x?xf32> {
  %0 = blade.dynamic_slice %x, %s, %e, %a, %p : (tensor<?x?xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// checked_cast: a tensor.cast when the dims it makes static fit, else a
// zero-filled tensor (only reached in the shape-check function, where the
// failing check is reported).
// CHECK-LABEL: func.func @checked_cast
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xi64>)
// CHECK: %[[D0:.+]] = tensor.dim %[[X]], %c0
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %c1
// CHECK: %[[OK:.+]] = arith.cmpi eq, %[[D]], %c2
// CHECK: %[[R:.+]] = scf.if %[[OK]] -> (tensor<?x2xi64>) {
// CHECK:   %[[CAST:.+]] = tensor.cast %[[X]] : tensor<?x?xi64> to tensor<?x2xi64>
// CHECK:   scf.yield %[[CAST]]
// CHECK: } else {
// CHECK:   %[[E:.+]] = tensor.empty(%[[D0]]) : tensor<?x2xi64>
// CHECK:   %[[F:.+]] = linalg.fill ins(%c0_i64 : i64) outs(%[[E]] : tensor<?x2xi64>)
// CHECK:   scf.yield %[[F]]
// CHECK: return %[[R]]
func.func @checked_cast(%x: tensor<?x?xi64>) -> tensor<?x2xi64> {
  %0 = blade.checked_cast %x : (tensor<?x?xi64>) -> tensor<?x2xi64>
  return %0 : tensor<?x2xi64>
}

// -----

// assert: the shape-check function has checked it; the model drops it.
// CHECK-LABEL: func.func @assert
// CHECK-NOT: blade.assert
// CHECK: return
func.func @assert(%ok: tensor<i1>) {
  blade.assert %ok, "axes out of range" : tensor<i1>
  return
}

// -----

// A shape assembled from shape_of pieces and constants is a list of
// elements, not a buffer filled by copies: the reshape's sizes are scalar
// math on the input's dims.
// CHECK-LABEL: func.func @assembled_shape
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>)
// CHECK-NOT: linalg.copy
// CHECK-NOT: tensor.insert_slice
// CHECK: tensor.dim %[[X]]
// CHECK-NOT: linalg.copy
// CHECK: %[[S:.+]] = tensor.from_elements %{{.+}}, %c1, %{{.+}} : tensor<3xindex>
// CHECK: tensor.reshape %[[X]](%[[S]])
func.func @assembled_shape(%x: tensor<?x?xf32>) -> tensor<?x1x?xf32> {
  %one = blade.constant dense<1> : tensor<1xi64>
  %b = blade.shape_of %x[0 : 1] : tensor<?x?xf32> -> tensor<1xi64>
  %s = blade.shape_of %x[1 : 2] : tensor<?x?xf32> -> tensor<1xi64>
  %shape = blade.concat %b, %one, %s {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %r = blade.dynamic_reshape %x, %shape : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<?x1x?xf32>
  return %r : tensor<?x1x?xf32>
}
