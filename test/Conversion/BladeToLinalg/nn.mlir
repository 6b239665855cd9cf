// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg='library-calls=false' -canonicalize | FileCheck %s

// A padded 2-D convolution: tensor.pad, a [group, channels] view, one
// generic reading `out * stride + k * dilation`, then the bias.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<4xf32>)
func.func @conv(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  // CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
  // CHECK-DAG: %[[X5:.+]] = tensor.expand_shape %[[P]] {{\[}}[0], [1, 2], [3], [4]]
  // CHECK-DAG: %[[W5:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]]
  // CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$W]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
  // CHECK-SAME: ins(%[[X5]], %[[W5]] :
  // CHECK: tensor.collapse_shape
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%{{.+}}, %[[B]] :
  %0 = blade.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  return %0 : tensor<?x4x4x4xf32>
}

// -----

// SAME_UPPER on a dynamic spatial dim: pads computed at run time.
// CHECK-LABEL: func.func @conv_same_dynamic
func.func @conv_same_dynamic(%x: tensor<1x1x?xf32>, %w: tensor<1x1x4xf32>) -> tensor<1x1x?xf32> {
  // CHECK: affine.max
  // CHECK: tensor.pad %{{.+}} low[0, 0, %{{.+}}] high[0, 0, %{{.+}}]
  %0 = blade.conv %x, %w {auto_pad = "SAME_UPPER", dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 2>} : (tensor<1x1x?xf32>, tensor<1x1x4xf32>) -> tensor<1x1x?xf32>
  return %0 : tensor<1x1x?xf32>
}

// -----

// Max pooling pads with -inf and reduces over a kernel-shaped window operand.
// CHECK-LABEL: func.func @max_pool
func.func @max_pool(%x: tensor<?x2x5x5xf32>) -> tensor<?x2x3x3xf32> {
  // CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
  // CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
  // CHECK: tensor.yield %[[NEGINF]]
  // CHECK: %[[WIN:.+]] = tensor.empty() : tensor<2x2xf32>
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%{{.+}}, %[[WIN]] :
  // CHECK: arith.maximumf
  %0 = blade.pool %x {auto_pad = "NOTSET", ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, kind = "max", p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x2x5x5xf32>) -> tensor<?x2x3x3xf32>
  return %0 : tensor<?x2x3x3xf32>
}

// -----

// Average pooling without count_include_pad divides by a sum-pool of ones.
// CHECK-LABEL: func.func @avg_pool
func.func @avg_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // CHECK: arith.addf
  // CHECK: linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x1x4x4xf32>)
  // CHECK: arith.divf
  %0 = blade.pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, kind = "avg", p = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// A transposed convolution spreads the input by the stride inside a zero
// buffer, flips the weights and runs a stride-1 convolution.
// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>, %w: tensor<2x4x3x3xf32>) -> tensor<1x4x7x7xf32> {
  // CHECK: %[[BUF:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x2x9x9xf32>)
  // CHECK: tensor.insert_slice %{{.+}} into %[[BUF]][0, 0, 2, 2] [1, 2, 3, 3] [1, 1, 2, 2]
  // CHECK: linalg.index
  // CHECK: tensor.extract
  // CHECK: linalg.generic
  %0 = blade.conv_transpose %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<1x4x7x7xf32>
  return %0 : tensor<1x4x7x7xf32>
}
