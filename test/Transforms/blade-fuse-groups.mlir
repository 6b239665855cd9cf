// RUN: blade-opt %s -split-input-file -blade-form-fusion-groups -blade-lower-to-linalg -canonicalize -blade-fuse-groups | FileCheck %s

// Softmax is one kernel: one scf.forall over the [?, 4, 128] rows whose
// body reduces a row's max, sums its exponentials (computed inside the
// sum) and writes exp(x - max) / sum; nothing of it is left outside.
// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.generic
// CHECK: scf.forall (%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}}, 4, 128)
// CHECK: linalg.fill
// CHECK: %[[MAX:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}}tensor<1x1x1x128xf32>
// CHECK: arith.maximumf
// CHECK: linalg.fill
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} ins(%{{.+}}, %[[MAX]] :
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]{{.*}} ins(%{{.+}}, %[[MAX]], %[[SUM]] :
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: tensor.parallel_insert_slice
// CHECK: } {blade.fused}
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @softmax(%x: tensor<?x4x128x128xf32>) -> tensor<?x4x128x128xf32> {
  %0 = blade.softmax %x {axis = 3 : i64} : tensor<?x4x128x128xf32>
  return %0 : tensor<?x4x128x128xf32>
}

// -----

// Layer norm after a residual add: one kernel over the [4, 128] rows; the
// add is computed where each of the three row loops reads it; the mean and
// 1 / sqrt(var + eps) are per-row values, computed once per row (not fused
// into the per-element loops).
// CHECK-LABEL: func.func @add_layer_norm
// CHECK-NOT: linalg.generic
// CHECK: scf.forall (%{{.+}}, %{{.+}}) in (4, 128)
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[SUM]] : tensor<1x1xf32>)
// CHECK: %[[VAR:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}, %[[MEAN]] : {{.*}})
// CHECK: %[[ISD:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[VAR]] : tensor<1x1xf32>)
// CHECK: math.sqrt
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]} ins({{.*}}%[[MEAN]], %[[ISD]],
// CHECK-NOT: math.sqrt
// CHECK: } {blade.fused}
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @add_layer_norm(%x: tensor<4x128x256xf32>, %r: tensor<4x128x256xf32>, %g: tensor<256xf32>, %b: tensor<256xf32>) -> tensor<4x128x256xf32> {
  %0 = blade.add %x, %r : (tensor<4x128x256xf32>, tensor<4x128x256xf32>) -> tensor<4x128x256xf32>
  %1:3 = blade.layer_norm %0, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<4x128x256xf32>, tensor<256xf32>, tensor<256xf32>) -> (tensor<4x128x256xf32>, tensor<4x128x1xf32>, tensor<4x128x1xf32>)
  return %1#0 : tensor<4x128x256xf32>
}

// -----

// RMS normalisation written with primitive ops (x * rsqrt(mean(x^2) + eps)
// * g): the reduction and its consumers are one kernel over the 16 rows
// (the consumers read the reduction's result, not its kept-dims reshape).
// CHECK-LABEL: func.func @rms_norm
// CHECK-NOT: linalg.generic
// CHECK: scf.forall (%{{.+}}) in (16)
// CHECK: iterator_types = ["parallel", "reduction"]
// CHECK: iterator_types = ["parallel", "parallel"]{{.*}}outs(%{{.+}} : tensor<1x64xf32>)
// CHECK: } {blade.fused}
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @rms_norm(%x: tensor<16x64xf32>, %g: tensor<64xf32>) -> tensor<16x64xf32> {
  %sq = blade.mul %x, %x : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  %m = blade.reduce %sq {kind = "mean", axes = array<i64: 1>, keepdims = true} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  %eps = blade.constant dense<1.0e-06> : tensor<f32>
  %v = blade.add %m, %eps : (tensor<16x1xf32>, tensor<f32>) -> tensor<16x1xf32>
  %s = blade.sqrt %v : tensor<16x1xf32>
  %n = blade.div %x, %s : (tensor<16x64xf32>, tensor<16x1xf32>) -> tensor<16x64xf32>
  %y = blade.mul %n, %g : (tensor<16x64xf32>, tensor<64xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// A loop group becomes one elementwise loop nest (no forall is needed).
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK-NOT: scf.forall
func.func @chain(%x: tensor<4x8xf32>, %v: tensor<8xf32>) -> tensor<4x8xf32> {
  %m = blade.mul %x, %v : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %t = blade.tanh %m : tensor<4x8xf32>
  %y = blade.sigmoid %t : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
