// RUN: blade-opt %s -split-input-file -blade-widen-half-precision | FileCheck %s

// An f16 product runs on f32 operands; its f32 result is rounded once.
// CHECK-LABEL: func.func @matmul_f16
// CHECK-SAME: (%[[A:.+]]: tensor<?x64xf16>, %[[B:.+]]: tensor<64x8xf16>)
// CHECK-DAG: %[[A32:.+]] = blade.convert %[[A]] : (tensor<?x64xf16>) -> tensor<?x64xf32>
// CHECK-DAG: %[[B32:.+]] = blade.convert %[[B]] : (tensor<64x8xf16>) -> tensor<64x8xf32>
// CHECK: %[[P:.+]] = blade.matmul %[[A32]], %[[B32]] : (tensor<?x64xf32>, tensor<64x8xf32>) -> tensor<?x8xf32>
// CHECK: %[[R:.+]] = blade.convert %[[P]] : (tensor<?x8xf32>) -> tensor<?x8xf16>
// CHECK: return %[[R]]
func.func @matmul_f16(%a: tensor<?x64xf16>, %b: tensor<64x8xf16>) -> tensor<?x8xf16> {
  %0 = blade.matmul %a, %b : (tensor<?x64xf16>, tensor<64x8xf16>) -> tensor<?x8xf16>
  return %0 : tensor<?x8xf16>
}

// -----

// A bf16 convolution: input, weights and bias widened.
// CHECK-LABEL: func.func @conv_bf16
// CHECK-COUNT-3: blade.convert %{{.+}} : (tensor<{{.+}}xbf16>) -> tensor<{{.+}}xf32>
// CHECK: %[[C:.+]] = blade.conv {{.+}} -> tensor<1x4x6x6xf32>
// CHECK: blade.convert %[[C]] : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xbf16>
func.func @conv_bf16(%x: tensor<1x3x8x8xbf16>, %w: tensor<4x3x3x3xbf16>, %b: tensor<4xbf16>) -> tensor<1x4x6x6xbf16> {
  %0 = blade.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xbf16>, tensor<4x3x3x3xbf16>, tensor<4xbf16>) -> tensor<1x4x6x6xbf16>
  return %0 : tensor<1x4x6x6xbf16>
}

// -----

// f32 and integer products are left alone.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: blade.convert
func.func @kept(%a: tensor<4x4xf32>, %b: tensor<4x4xi32>) -> (tensor<4x4xf32>, tensor<4x4xi32>) {
  %0 = blade.matmul %a, %a : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = blade.matmul %b, %b : (tensor<4x4xi32>, tensor<4x4xi32>) -> tensor<4x4xi32>
  return %0, %1 : tensor<4x4xf32>, tensor<4x4xi32>
}
