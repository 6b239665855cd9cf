// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// Layer norm of f16 computes in f32 (stash type): the input is extended,
// mean and variance are reduced in two passes, one map applies the
// statistics, scale and bias and truncates back; Mean and InvStdDev keep
// the normalized dims as 1s.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$FEAT:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @layer_norm_f16
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf16>, %[[S:.+]]: tensor<8xf16>, %[[B:.+]]: tensor<8xf16>)
func.func @layer_norm_f16(%x: tensor<?x8xf16>, %s: tensor<8xf16>, %b: tensor<8xf16>) -> (tensor<?x8xf16>, tensor<?x1xf32>, tensor<?x1xf32>) {
  // CHECK: %[[X32:.+]] = linalg.generic
  // CHECK: arith.extf %{{.+}} : f16 to f32
  // CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X32]] : tensor<?x8xf32>)
  // CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?xf32>)
  // CHECK: %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X32]], %[[MEAN]] : tensor<?x8xf32>, tensor<?xf32>)
  // CHECK: %[[VAR:.+]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<?xf32>)
  // CHECK: %[[ISD:.+]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<?xf32>)
  // CHECK: arith.constant 9.99999974E-6 : f32
  // CHECK: math.sqrt
  // CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]], #[[$FEAT]], #[[$FEAT]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X32]], %[[MEAN]], %[[ISD]], %[[S]], %[[B]] : {{.*}}) outs(%{{.+}} : tensor<?x8xf16>)
  // CHECK: arith.truncf %{{.+}} : f32 to f16
  // CHECK: %[[M:.+]] = tensor.expand_shape %[[MEAN]] {{\[}}[0, 1]] output_shape [%{{.+}}, 1] : tensor<?xf32> into tensor<?x1xf32>
  // CHECK: %[[I:.+]] = tensor.expand_shape %[[ISD]]
  // CHECK: return %[[Y]], %[[M]], %[[I]]
  %0:3 = blade.layer_norm %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<?x8xf16>, tensor<8xf16>, tensor<8xf16>) -> (tensor<?x8xf16>, tensor<?x1xf32>, tensor<?x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<?x8xf16>, tensor<?x1xf32>, tensor<?x1xf32>
}

// -----

// Instance norm reduces the spatial dims and reads scale/bias by channel.
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @instance_norm
func.func @instance_norm(%x: tensor<?x3x?xf32>, %c: tensor<3xf32>) -> tensor<?x3x?xf32> {
  // CHECK: iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK: iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[$CH]], #[[$CH]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel"]}
  %0 = blade.instance_norm %x, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<?x3x?xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?xf32>
  return %0 : tensor<?x3x?xf32>
}

// -----

// Batch norm (inference) is one elementwise map over the channel params.
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
func.func @batch_norm(%x: tensor<?x3x4x4xf32>, %c: tensor<3xf32>) -> tensor<?x3x4x4xf32> {
  // CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[$CH]], #[[$CH]], #[[$CH]], #[[$CH]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
  // CHECK: math.sqrt
  // CHECK-NOT: linalg.generic
  %0 = blade.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<?x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x4x4xf32>
  return %0 : tensor<?x3x4x4xf32>
}

// -----

// MVN divides by sqrt(var) + epsilon.
// CHECK-LABEL: func.func @mvn
func.func @mvn(%x: tensor<?x3x?xf32>) -> tensor<?x3x?xf32> {
  // CHECK: iterator_types = ["reduction", "parallel", "reduction"]
  // CHECK: %[[SQRT:.+]] = math.sqrt
  // CHECK-NEXT: %[[EPS:.+]] = arith.constant 9.99999971E-10 : f32
  // CHECK-NEXT: %[[STD:.+]] = arith.addf %[[SQRT]], %[[EPS]]
  // CHECK-NEXT: %[[D:.+]] = arith.subf
  // CHECK-NEXT: arith.divf %[[D]], %[[STD]]
  %0 = blade.mean_variance_norm %x {axes = array<i64: 0, 2>, epsilon = 1.0e-09 : f32} : tensor<?x3x?xf32>
  return %0 : tensor<?x3x?xf32>
}

// -----

// LRN sums squares over a channel window with an extra reduction loop,
// reading channel c + k - 1 only where it exists.
// CHECK-LABEL: func.func @lrn
// CHECK-SAME: (%[[X:.+]]: tensor<?x5x?xf32>)
func.func @lrn(%x: tensor<?x5x?xf32>) -> tensor<?x5x?xf32> {
  // CHECK: %[[C:.+]] = tensor.dim %[[X]], %c1
  // CHECK: %[[W:.+]] = tensor.empty() : tensor<3xf32>
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[W]] : tensor<3xf32>)
  // CHECK: arith.cmpi slt, %{{.+}}, %[[C]]
  // CHECK: tensor.extract %[[X]]
  // CHECK: arith.constant 3.33333337E-5 : f32
  // CHECK: math.powf
  %0 = blade.lrn %x {alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32, size = 3 : i64} : tensor<?x5x?xf32>
  return %0 : tensor<?x5x?xf32>
}
