// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg -canonicalize | FileCheck %s

// NonZero counts first, then fills a [rank, count] tensor in a loop that
// carries the tensor and the next column; unsigned bytes compare signless.
// CHECK-LABEL: func.func @nonzero
// CHECK-SAME: %[[X:.+]]: tensor<?x3xi8>
func.func @nonzero(%x: tensor<?x3xui8>) -> tensor<2x?xi64> {
  // CHECK: %[[N:.+]] = scf.for {{.+}} -> (index)
  // CHECK:   scf.for {{.+}} -> (index)
  // CHECK:     tensor.extract %[[X]]
  // CHECK:     arith.cmpi ne
  // CHECK: %[[E:.+]] = tensor.empty(%[[N]]) : tensor<2x?xi64>
  // CHECK: %[[R:.+]]:2 = scf.for {{.+}} iter_args(%{{.+}} = %[[E]], %{{.+}} = %{{.+}}) -> (tensor<2x?xi64>, index)
  // CHECK:   scf.if %{{.+}} -> (tensor<2x?xi64>, index)
  // CHECK:     tensor.insert
  // CHECK:     tensor.insert
  // CHECK: return %[[R]]#0
  %0 = blade.nonzero %x : (tensor<?x3xui8>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

// Unique: each row's first equal row, the rank of the first occurrences
// (lexicographic with `ult` for unsigned elements when sorted), then one
// pass writes the four results sized by the number of distinct rows.
// CHECK-LABEL: func.func @unique_sorted
func.func @unique_sorted(%x: tensor<?x2xui8>) -> (tensor<?x2xui8>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) {
  // CHECK: arith.cmpi ult, %{{.+}}, %{{.+}} : i8
  // CHECK: %[[RANKS:.+]]:2 = scf.for {{.+}} -> (tensor<?xindex>, index)
  // CHECK: arith.cmpi ult, %{{.+}}, %{{.+}} : i8
  // CHECK: tensor.empty(%[[RANKS]]#1) : tensor<?x2xi8>
  // CHECK: tensor.empty(%[[RANKS]]#1) : tensor<?xi64>
  // CHECK: tensor.empty(%{{.+}}) : tensor<?xi64>
  // CHECK: %[[C:.+]] = tensor.empty(%[[RANKS]]#1) : tensor<?xi64>
  // CHECK: linalg.fill ins(%{{.+}} : i64) outs(%[[C]] : tensor<?xi64>)
  // CHECK: scf.for {{.+}} -> (tensor<?x2xi8>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>)
  %y, %i, %v, %c = blade.unique %x {sorted = true} : (tensor<?x2xui8>) -> (tensor<?x2xui8>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>)
  return %y, %i, %v, %c : tensor<?x2xui8>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>
}

// -----

// Unsorted, rows rank by first occurrence: no element order comparison.
// CHECK-LABEL: func.func @unique_unsorted
func.func @unique_unsorted(%x: tensor<5x1xf32>) -> (tensor<?x1xf32>, tensor<?xi64>, tensor<5xi64>, tensor<?xi64>) {
  // CHECK-NOT: arith.cmpf olt
  // CHECK: arith.cmpf une
  // CHECK-NOT: arith.cmpf olt
  // CHECK: return
  %y, %i, %v, %c = blade.unique %x {sorted = false} : (tensor<5x1xf32>) -> (tensor<?x1xf32>, tensor<?xi64>, tensor<5xi64>, tensor<?xi64>)
  return %y, %i, %v, %c : tensor<?x1xf32>, tensor<?xi64>, tensor<5xi64>, tensor<?xi64>
}

// -----

// NonMaxSuppression fills a [batch * classes * boxes, 3] scratch tensor per
// (batch, class), visiting boxes by score rank, then copies the kept rows
// into a result of their own size.
// CHECK-LABEL: func.func @nms
// CHECK-SAME: %[[B:[^:]+]]: tensor<?x?x4xf32>, %[[S:[^:]+]]: tensor<?x?x?xf32>
func.func @nms(%b: tensor<?x?x4xf32>, %s: tensor<?x?x?xf32>, %m: tensor<i64>, %iou: tensor<f32>, %thr: tensor<f32>) -> tensor<?x3xi64> {
  // CHECK-DAG: %[[NB:.+]] = tensor.dim %[[S]], %c0
  // CHECK-DAG: %[[NC:.+]] = tensor.dim %[[S]], %c1
  // CHECK-DAG: %[[N:.+]] = tensor.dim %[[S]], %c2
  // CHECK: %[[BC:.+]] = arith.muli %[[NB]], %[[NC]]
  // CHECK: %[[CAP:.+]] = arith.muli %[[BC]], %[[N]]
  // CHECK: %[[SCRATCH:.+]] = tensor.empty(%[[CAP]]) : tensor<?x3xi64>
  // CHECK: %[[KEPT:.+]]:2 = scf.for {{.+}} iter_args(%{{.+}} = %[[SCRATCH]], {{.+}}) -> (tensor<?x3xi64>, index)
  // CHECK:   scf.for
  // CHECK:     tensor.empty(%[[N]]) : tensor<?xindex>
  // Flipped corners: min/max of the coordinates.
  // CHECK:     arith.minimumf
  // CHECK:     arith.divf
  // CHECK:     arith.cmpf ogt
  // CHECK: %[[OUT:.+]] = tensor.empty(%[[KEPT]]#1) : tensor<?x3xi64>
  // CHECK: %[[R:.+]] = linalg.generic {{.+}} outs(%[[OUT]] : tensor<?x3xi64>)
  // CHECK:   tensor.extract %[[KEPT]]#0
  // CHECK: return %[[R]]
  %0 = blade.non_max_suppression %b, %s, %m, %iou, %thr {center_point_box = false} : (tensor<?x?x4xf32>, tensor<?x?x?xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// Centre boxes: corners at centre -/+ half the size, no min/max.
// CHECK-LABEL: func.func @nms_center
func.func @nms_center(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<i64>, %iou: tensor<f32>, %thr: tensor<f32>) -> tensor<?x3xi64> {
  // CHECK: arith.constant 5.000000e-01 : f32
  // CHECK-NOT: arith.minimumf %{{.+}}, %{{.+}} : f32
  // CHECK: arith.mulf
  // CHECK: arith.subf
  %0 = blade.non_max_suppression %b, %s, %m, %iou, %thr {center_point_box = true} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}
