// RUN: blade-opt %s -split-input-file -blade-products-in-f32 | FileCheck %s

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

// -----

// MatMulInteger as the importer builds it (u8 activations centred on their
// zero point, constant weights), converted to f32 by its only user: the
// product runs in f32 on the centred values and the user takes it.
// CHECK-LABEL: func.func @dequantized_product
// CHECK-SAME: (%[[A:.+]]: tensor<?x1024xui8>, %[[ZP:.+]]: tensor<ui8>)
// CHECK-DAG: %[[AF:.+]] = blade.convert %[[A]] : (tensor<?x1024xui8>) -> tensor<?x1024xf32>
// CHECK-DAG: %[[ZF:.+]] = blade.convert %[[ZP]] : (tensor<ui8>) -> tensor<f32>
// CHECK-DAG: %[[L:.+]] = blade.sub %[[AF]], %[[ZF]] : (tensor<?x1024xf32>, tensor<f32>) -> tensor<?x1024xf32>
// CHECK-DAG: %[[W:.+]] = blade.constant dense<-1.280000e+02> : tensor<1024x8xf32>
// CHECK: %[[P:.+]] = blade.matmul %[[L]], %[[W]] : (tensor<?x1024xf32>, tensor<1024x8xf32>) -> tensor<?x8xf32>
// CHECK-NOT: blade.convert
// CHECK: blade.mul %[[P]]
func.func @dequantized_product(%a: tensor<?x1024xui8>, %zp: tensor<ui8>) -> tensor<?x8xf32> {
  %w = blade.constant dense<-128> : tensor<1024x8xi32>
  %s = blade.constant dense<0.5> : tensor<f32>
  %0 = blade.convert %a : (tensor<?x1024xui8>) -> tensor<?x1024xi32>
  %1 = blade.convert %zp : (tensor<ui8>) -> tensor<i32>
  %2 = blade.sub %0, %1 : (tensor<?x1024xi32>, tensor<i32>) -> tensor<?x1024xi32>
  %3 = blade.matmul %2, %w : (tensor<?x1024xi32>, tensor<1024x8xi32>) -> tensor<?x8xi32>
  %4 = blade.convert %3 : (tensor<?x8xi32>) -> tensor<?x8xf32>
  %5 = blade.mul %4, %s : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  return %5 : tensor<?x8xf32>
}

// -----

// An integer result used as such: in f32 and back when every sum is exact
// there (16 products of at most 255 each); 600 products may not be, so that
// product sums exact f32 products over chunks of 256, 256 and 88 in i32.
// CHECK-LABEL: func.func @integer_results
// CHECK: %[[P:.+]] = blade.matmul %{{.+}}, %{{.+}} : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[I:.+]] = blade.convert %[[P]] : (tensor<4x8xf32>) -> tensor<4x8xi32>
// CHECK: %[[C:.+]] = blade.convert %{{.+}} : (tensor<4x600xi8>) -> tensor<4x600xf32>
// CHECK: %[[D:.+]] = blade.convert %{{.+}} : (tensor<600x8xi8>) -> tensor<600x8xf32>
// CHECK: %[[C0:.+]] = blade.slice %[[C]] [0, 0] to [9223372036854775807, 256]
// CHECK: %[[D0:.+]] = blade.slice %[[D]] [0, 0] to [256, 9223372036854775807]
// CHECK: %[[P0:.+]] = blade.matmul %[[C0]], %[[D0]] : (tensor<4x256xf32>, tensor<256x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[I0:.+]] = blade.convert %[[P0]] : (tensor<4x8xf32>) -> tensor<4x8xi32>
// CHECK: blade.matmul {{.+}} : (tensor<4x256xf32>, tensor<256x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[S1:.+]] = blade.add %[[I0]], %{{.+}} : (tensor<4x8xi32>, tensor<4x8xi32>) -> tensor<4x8xi32>
// CHECK: %[[C2:.+]] = blade.slice %[[C]] [0, 512] to [9223372036854775807, 600]
// CHECK: blade.matmul %[[C2]], %{{.+}} : (tensor<4x88xf32>, tensor<88x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[S2:.+]] = blade.add %[[S1]], %{{.+}}
// CHECK: return %[[I]], %[[S2]]
func.func @integer_results(%a: tensor<4x16xi8>, %b: tensor<16x8xi8>, %c: tensor<4x600xi8>, %d: tensor<600x8xi8>) -> (tensor<4x8xi32>, tensor<4x8xi32>) {
  %0 = blade.convert %a : (tensor<4x16xi8>) -> tensor<4x16xi32>
  %1 = blade.convert %b : (tensor<16x8xi8>) -> tensor<16x8xi32>
  %2 = blade.matmul %0, %1 : (tensor<4x16xi32>, tensor<16x8xi32>) -> tensor<4x8xi32>
  %3 = blade.convert %c : (tensor<4x600xi8>) -> tensor<4x600xi32>
  %4 = blade.convert %d : (tensor<600x8xi8>) -> tensor<600x8xi32>
  %5 = blade.matmul %3, %4 : (tensor<4x600xi32>, tensor<600x8xi32>) -> tensor<4x8xi32>
  return %2, %5 : tensor<4x8xi32>, tensor<4x8xi32>
}
