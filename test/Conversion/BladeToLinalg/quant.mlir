// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// Per-axis quantization reads one scale and zero point per index of the
// axis; rounding is half to even, then the sum saturates to the int range.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$AXIS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @quantize
func.func @quantize(%x: tensor<?x3xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<?x3xui8> {
  // CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$AXIS]], #[[$AXIS]], #[[$ID]]]
  // CHECK: arith.divf
  // CHECK: math.roundeven
  // CHECK: arith.uitofp
  // CHECK: arith.maximumf
  // CHECK: arith.minimumf
  // CHECK: arith.fptoui %{{.+}} : f32 to i8
  %0 = blade.quantize %x, %s, %z {axis = 1 : i64} : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<?x3xui8>
  return %0 : tensor<?x3xui8>
}

// -----

// CHECK-LABEL: func.func @dequantize
func.func @dequantize(%x: tensor<4xi8>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xf32> {
  // CHECK: arith.sitofp
  // CHECK: arith.sitofp
  // CHECK: arith.subf
  // CHECK: arith.mulf
  %0 = blade.dequantize %x, %s, %z {axis = 0 : i64} : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
