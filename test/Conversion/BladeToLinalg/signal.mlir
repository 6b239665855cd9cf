// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// One generic element per frequency and part: an f64 sum over the samples,
// twiddles from the residue (k * n) mod L.
// CHECK-LABEL: func.func @dft
// CHECK: %[[E:.+]] = tensor.empty(%{{.+}}) : tensor<?x10x2xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}} outs(%[[E]] :
// CHECK: %[[K:.+]] = linalg.index 1 : index
// CHECK: %[[P:.+]] = linalg.index 2 : index
// CHECK: scf.for %[[N:[^ ]+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64)
// CHECK: tensor.extract
// CHECK: %[[KN:.+]] = arith.muli %[[K]], %[[N]] : index
// CHECK: arith.remui %[[KN]], %{{.+}} : index
// CHECK: math.cos {{.*}} : f64
// CHECK: math.sin {{.*}} : f64
// CHECK: arith.addf %[[ACC]], %{{.+}} : f64
// CHECK: arith.truncf %{{.+}} : f64 to f32
func.func @dft(%x: tensor<?x10x1xf32>) -> tensor<?x10x2xf32> {
  %0 = blade.dft %x {axis = 1 : i64, inverse = false, onesided = false} : tensor<?x10x1xf32> -> tensor<?x10x2xf32>
  return %0 : tensor<?x10x2xf32>
}

// -----

// The inverse divides by the length; STFT reads frame f at f * step + n and
// weighs it by the window.
// CHECK-LABEL: func.func @inverse_and_stft
// CHECK: scf.for
// CHECK: arith.divf %{{.+}}, %{{.+}} : f64
// CHECK: %[[STEP:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: linalg.generic
// CHECK: %[[F:.+]] = linalg.index 1 : index
// CHECK: %[[START:.+]] = arith.muli %[[F]], %[[STEP]] : index
// CHECK: scf.for %[[N:[^ ]+]] =
// CHECK: arith.addi %[[START]], %[[N]] : index
// CHECK: tensor.extract %{{.+}}[%[[N]]] : tensor<16xf32>
func.func @inverse_and_stft(%x: tensor<4x8x2xf32>, %s: tensor<1x64x1xf32>, %step: tensor<i64>, %w: tensor<16xf32>)
    -> (tensor<4x8x2xf32>, tensor<1x?x9x2xf32>) {
  %0 = blade.dft %x {axis = 1 : i64, inverse = true, onesided = false} : tensor<4x8x2xf32> -> tensor<4x8x2xf32>
  %1 = blade.stft %s, %step, window %w {onesided = true} : (tensor<1x64x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
  return %0, %1 : tensor<4x8x2xf32>, tensor<1x?x9x2xf32>
}

// -----

// One element per (spectrum bin, mel bin): its three edges in f64, floor of
// the scaled frequency, then the triangle.
// CHECK-LABEL: func.func @mel
// CHECK: %[[LEN:.+]] = tensor.extract %{{.+}}[] : tensor<i64>
// CHECK: math.log10 {{.*}} : f64
// CHECK: linalg.generic
// CHECK-COUNT-3: math.floor
// CHECK: arith.select
// CHECK: arith.truncf %{{.+}} : f64 to f32
func.func @mel(%b: tensor<i32>, %n: tensor<i64>, %r: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<?x?xf32> {
  %0 = blade.mel_weight_matrix %b, %n, %r, %lo, %hi : (tensor<i32>, tensor<i64>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
