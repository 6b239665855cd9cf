// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s
// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg='library-calls=false' | FileCheck %s --check-prefix=LOOPS

// f32 matmul: operands as read-only strided buffers cast to unranked
// memrefs, a fresh result buffer, constant weights flagged (2), site 0.

// CHECK-LABEL: func.func private @blade_rt_matmul_f32
// CHECK-SAME: (memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, i64, i64, f32)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-NOT: @blade_rt_conv2d_f32
// CHECK-LABEL: func.func @matmul_const
// CHECK-SAME: (%[[X:.+]]: tensor<?x16xf32>)
// CHECK-DAG: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<16x4xf32>
// CHECK-DAG: %[[XB:.+]] = bufferization.to_buffer %[[X]] read_only : tensor<?x16xf32> to memref<?x16xf32, strided<[?, ?], offset: ?>>
// CHECK-DAG: %[[XU:.+]] = memref.cast %[[XB]] : memref<?x16xf32, strided<[?, ?], offset: ?>> to memref<*xf32>
// CHECK-DAG: %[[WB:.+]] = bufferization.to_buffer %[[W]] read_only
// CHECK-DAG: %[[WU:.+]] = memref.cast %[[WB]] : memref<16x4xf32, strided<[?, ?], offset: ?>> to memref<*xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[M:.+]] = tensor.dim %[[X]], %[[C0]]
// CHECK-DAG: %[[SITE:.+]] = arith.constant 0 : i64
// CHECK-DAG: %[[FLAGS:.+]] = arith.constant 2 : i64
// CHECK: %[[OUT:.+]] = memref.alloc(%[[M]]) {alignment = 64 : i64} : memref<?x4xf32>
// CHECK: %[[OU:.+]] = memref.cast %[[OUT]] : memref<?x4xf32> to memref<*xf32>
// CHECK: call @blade_rt_matmul_f32(%[[XU]], %[[WU]], %[[OU]], %[[OU]], %[[SITE]], %[[FLAGS]], %{{.+}})
// CHECK: %[[R:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<?x4xf32> to tensor<?x4xf32>
// CHECK: return %[[R]]
// LOOPS-LABEL: func.func @matmul_const
// LOOPS: linalg.matmul
// LOOPS-NOT: call
func.func @matmul_const(%x: tensor<?x16xf32>) -> tensor<?x4xf32> {
  %w = blade.constant dense<1.0> : tensor<16x4xf32>
  %0 = blade.matmul %x, %w : (tensor<?x16xf32>, tensor<16x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A transpose of the two inner dims is passed as a transposed view; a bias
// added to the product is fused (flags 1: has bias, weights not constant).

// CHECK-LABEL: func.func @matmul_transposed_bias
// CHECK-SAME: (%[[Q:.+]]: tensor<2x7x8xf32>, %[[K:.+]]: tensor<2x9x8xf32>, %[[B:.+]]: tensor<9xf32>)
// CHECK: %[[KB:.+]] = bufferization.to_buffer %[[K]] read_only
// CHECK: %[[KT:.+]] = memref.transpose %[[KB]] (d0, d1, d2) -> (d0, d2, d1)
// CHECK: %[[KU:.+]] = memref.cast %[[KT]] : memref<2x8x9xf32, strided<[?, ?, ?], offset: ?>> to memref<*xf32>
// CHECK: %[[BB:.+]] = bufferization.to_buffer %[[B]] read_only
// CHECK: %[[BU:.+]] = memref.cast %[[BB]]
// CHECK: %[[FLAGS:.+]] = arith.constant 1 : i64
// CHECK: %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x7x9xf32>
// CHECK: %[[OU:.+]] = memref.cast %[[OUT]]
// CHECK: call @blade_rt_matmul_f32(%{{.+}}, %[[KU]], %[[BU]], %[[OU]], %{{.+}}, %[[FLAGS]], %{{.+}})
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @matmul_transposed_bias(%q: tensor<2x7x8xf32>, %k: tensor<2x9x8xf32>, %b: tensor<9xf32>) -> tensor<2x7x9xf32> {
  %kt = blade.transpose %k, [0, 2, 1] : (tensor<2x9x8xf32>) -> tensor<2x8x9xf32>
  %0 = blade.matmul %q, %kt : (tensor<2x7x8xf32>, tensor<2x8x9xf32>) -> tensor<2x7x9xf32>
  %1 = blade.add %0, %b : (tensor<2x7x9xf32>, tensor<9xf32>) -> tensor<2x7x9xf32>
  return %1 : tensor<2x7x9xf32>
}

// -----

// Attention's head splits are read as strided views of their inputs (the
// input's innermost dim stays a matrix dim): q [0, 2, 1, 3], k^T
// [0, 2, 3, 1]; the transposes are left unused (canonicalization removes
// them).

// CHECK-LABEL: func.func @matmul_head_views
// CHECK-SAME: (%[[Q:.+]]: tensor<1x5x2x4xf32>, %[[K:.+]]: tensor<1x5x2x4xf32>)
// CHECK-DAG: %[[QB:.+]] = bufferization.to_buffer %[[Q]] read_only
// CHECK-DAG: %[[QT:.+]] = memref.transpose %[[QB]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK-DAG: %[[KB:.+]] = bufferization.to_buffer %[[K]] read_only
// CHECK-DAG: %[[KT:.+]] = memref.transpose %[[KB]] (d0, d1, d2, d3) -> (d0, d2, d3, d1)
// CHECK-DAG: %[[QU:.+]] = memref.cast %[[QT]]
// CHECK-DAG: %[[KU:.+]] = memref.cast %[[KT]]
// CHECK: call @blade_rt_matmul_f32(%[[QU]], %[[KU]],
// CHECK: return
func.func @matmul_head_views(%q: tensor<1x5x2x4xf32>, %k: tensor<1x5x2x4xf32>) -> tensor<1x2x5x5xf32> {
  %qt = blade.transpose %q, [0, 2, 1, 3] : (tensor<1x5x2x4xf32>) -> tensor<1x2x5x4xf32>
  %kt = blade.transpose %k, [0, 2, 3, 1] : (tensor<1x5x2x4xf32>) -> tensor<1x2x4x5xf32>
  %0 = blade.matmul %qt, %kt : (tensor<1x2x5x4xf32>, tensor<1x2x4x5xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// -----

// A product only transposed back ([0, 2, 1, 3], heads merged) is written
// through a transposed view of a buffer in the transposed layout, which
// replaces the transpose.

// CHECK-LABEL: func.func @matmul_output_view
// CHECK: %[[OUT:.+]] = memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<?x5x2x4xf32>
// CHECK: %[[VIEW:.+]] = memref.transpose %[[OUT]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK: %[[VU:.+]] = memref.cast %[[VIEW]]
// CHECK: call @blade_rt_matmul_f32(%{{.+}}, %{{.+}}, %[[VU]], %[[VU]],
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<?x5x2x4xf32>
// CHECK: return %[[T]]
func.func @matmul_output_view(%p: tensor<?x2x5x5xf32>, %v: tensor<?x2x5x4xf32>) -> tensor<?x5x2x4xf32> {
  %0 = blade.matmul %p, %v : (tensor<?x2x5x5xf32>, tensor<?x2x5x4xf32>) -> tensor<?x2x5x4xf32>
  %1 = blade.transpose %0, [0, 2, 1, 3] : (tensor<?x2x5x4xf32>) -> tensor<?x5x2x4xf32>
  return %1 : tensor<?x5x2x4xf32>
}

// -----

// Activations after the bias are post-ops too: GELU (erf) is flag 2048 (with
// the bias 1: 2049), its tanh form 4096, Relu 1024 (without a bias). A
// product whose contracted dim is dynamic keeps its epilogue as ops (the
// kernel writes zeros for empty sums).

// CHECK-LABEL: func.func @matmul_activations
// CHECK: %[[GELU:.+]] = arith.constant 2049 : i64
// CHECK: call @blade_rt_matmul_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[GELU]], %{{.+}})
// CHECK: %[[TANH:.+]] = arith.constant 4096 : i64
// CHECK: call @blade_rt_matmul_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[TANH]], %{{.+}})
// CHECK: %[[RELU:.+]] = arith.constant 1024 : i64
// CHECK: call @blade_rt_matmul_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[RELU]], %{{.+}})
// CHECK: %[[NONE:.+]] = arith.constant 0 : i64
// CHECK: call @blade_rt_matmul_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[NONE]], %{{.+}})
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: return
func.func @matmul_activations(%a: tensor<3x4xf32>, %w: tensor<4x5xf32>, %b: tensor<5xf32>, %d: tensor<3x?xf32>, %e: tensor<?x5xf32>) -> (tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %0 = blade.matmul %a, %w : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %1 = blade.add %0, %b : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  %2 = blade.gelu %1 : tensor<3x5xf32>
  %3 = blade.matmul %a, %w : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %4 = blade.gelu %3 {approximate = "tanh"} : tensor<3x5xf32>
  %5 = blade.matmul %a, %w : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %6 = blade.relu %5 : tensor<3x5xf32>
  %7 = blade.matmul %d, %e : (tensor<3x?xf32>, tensor<?x5xf32>) -> tensor<3x5xf32>
  %8 = blade.relu %7 : tensor<3x5xf32>
  return %2, %4, %6, %8 : tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

// -----

// Integer matmuls keep the linalg lowering.

// CHECK-LABEL: func.func @matmul_i32
// CHECK-NOT: call
// CHECK: linalg.matmul
func.func @matmul_i32(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> tensor<3x5xi32> {
  %0 = blade.matmul %a, %b : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// -----

// 2-D conv with dynamic batch and spatial dims: output sizes computed from
// the input, the parameters as i64 scalars (site, flags = bias | constant
// weights | SAME_UPPER = 7, group, strides, dilations, pads).

// CHECK-LABEL: func.func private @blade_rt_conv2d_f32
// CHECK-SAME: (memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, f32, f32)
// CHECK-LABEL: func.func @conv_same
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x?x?xf32>)
// CHECK-DAG: %[[N:.+]] = tensor.dim %[[X]], %{{.+}}
// CHECK-DAG: %[[H:.+]] = tensor.dim %[[X]], %{{.+}}
// CHECK-DAG: %[[OH:.+]] = arith.ceildivsi %[[H]], %{{.+}} : index
// CHECK: %[[OUT:.+]] = memref.alloc(%[[N]], %[[OH]], %{{.+}}) {alignment = 64 : i64} : memref<?x8x?x?xf32>
// CHECK: %[[OU:.+]] = memref.cast %[[OUT]]
// CHECK: call @blade_rt_conv2d_f32(%{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[OU]], %[[OU]],
// CHECK-SAME: %c0_i64, %c7_i64, %c1_i64, %c2_i64, %c2_i64_{{[0-9]+}}, %c1_i64_{{[0-9]+}}, %c1_i64_{{[0-9]+}},
// CHECK-SAME: %c0_i64_{{[0-9]+}}, %c0_i64_{{[0-9]+}}, %c0_i64_{{[0-9]+}}, %c0_i64_{{[0-9]+}}, %{{[^,]+}}, %{{[^,]+}})
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable
// LOOPS-LABEL: func.func @conv_same
// LOOPS: linalg.generic
// LOOPS-NOT: call
func.func @conv_same(%x: tensor<?x3x?x?xf32>) -> tensor<?x8x?x?xf32> {
  %w = blade.constant dense<0.5> : tensor<8x3x3x3xf32>
  %b = blade.constant dense<0.25> : tensor<8xf32>
  %0 = blade.conv %x, %w, %b {auto_pad = "SAME_UPPER", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x3x?x?xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<?x8x?x?xf32>
  return %0 : tensor<?x8x?x?xf32>
}

// -----

// A 1-D conv passes unit H parameters; explicit asymmetric pads, dilation,
// groups, no bias (the result stands in for it).

// CHECK-LABEL: func.func @conv_1d
// CHECK: %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x7xf32>
// CHECK: %[[OU:.+]] = memref.cast %[[OUT]]
// CHECK: call @blade_rt_conv2d_f32(%{{[^,]+}}, %{{[^,]+}}, %[[OU]], %[[OU]], %[[OU]],
// flags 2 (constant weights), group 2, stride 1x1, dilation 1x2, pads
// top 0, left 1, bottom 0, right 0.
// CHECK-SAME: %c0_i64, %c2_i64, %c2_i64_2, %c1_i64, %c1_i64_3, %c1_i64_4, %c2_i64_5,
// CHECK-SAME: %c0_i64_6, %c1_i64_7, %c0_i64_8, %c0_i64_9, %{{[^,]+}}, %{{[^,]+}})
func.func @conv_1d(%x: tensor<1x4x10xf32>) -> tensor<1x4x7xf32> {
  %w = blade.constant dense<0.5> : tensor<4x2x3xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 2>, group = 2 : i64, pads = array<i64: 1, 0>, strides = array<i64: 1>} : (tensor<1x4x10xf32>, tensor<4x2x3xf32>) -> tensor<1x4x7xf32>
  return %0 : tensor<1x4x7xf32>
}

// -----

// Max pooling without indices: input and result only, then site, flags,
// kernel, strides, dilations and begin pads of H and W (ceil_mode is in the
// static result size). Average pooling and 1-D max pooling keep their loops.

// CHECK-LABEL: func.func private @blade_rt_maxpool2d_f32
// CHECK-SAME: (memref<*xf32>, memref<*xf32>, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func.func @maxpool
// CHECK: %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x3x4xf32>
// CHECK: %[[OU:.+]] = memref.cast %[[OUT]]
// CHECK: call @blade_rt_maxpool2d_f32(%{{[^,]+}}, %[[OU]],
// CHECK-SAME: %c0_i64, %c0_i64_{{[0-9]+}}, %c3_i64, %c2_i64, %c2_i64_{{[0-9]+}}, %c3_i64_{{[0-9]+}}, %c1_i64, %c1_i64_{{[0-9]+}}, %c0_i64_{{[0-9]+}}, %c1_i64_{{[0-9]+}})
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-NOT: call
// CHECK: return
func.func @maxpool(%x: tensor<1x2x6x9xf32>, %w: tensor<1x2x9xf32>) -> (tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x4xf32>) {
  %0 = blade.pool %x {auto_pad = "NOTSET", ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 2>, kind = "max", p = 2 : i64, pads = array<i64: 0, 1, 1, 0>, strides = array<i64: 2, 3>} : (tensor<1x2x6x9xf32>) -> tensor<1x2x3x4xf32>
  %1 = blade.pool %x {auto_pad = "NOTSET", ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 2>, kind = "avg", p = 2 : i64, pads = array<i64: 0, 1, 1, 0>, strides = array<i64: 2, 3>} : (tensor<1x2x6x9xf32>) -> tensor<1x2x3x4xf32>
  %2 = blade.pool %w {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1>, kernel_shape = array<i64: 2>, kind = "max", p = 2 : i64, pads = array<i64: 0, 0>, strides = array<i64: 2>} : (tensor<1x2x9xf32>) -> tensor<1x2x4xf32>
  return %0, %1, %2 : tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x2x4xf32>
}

// -----

// Transposed convolution: SAME_UPPER pads resolved at compile time (total
// max(output_padding + extent - stride, 0) = 1: begin 0), dynamic output
// sizes input * stride, then site, flags (bias | constant weights), group,
// strides, dilations and begin pads.

// CHECK-LABEL: func.func private @blade_rt_conv_transpose2d_f32
// CHECK-SAME: (memref<*xf32>, memref<*xf32>, memref<*xf32>, memref<*xf32>, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x?x?xf32>)
// CHECK: tensor.dim %[[X]]
// CHECK: %[[H:.+]] = tensor.dim %[[X]], %{{.+}}
// CHECK: %[[OH:.+]] = arith.muli %[[H]], %{{.+}} : index
// CHECK: %[[OUT:.+]] = memref.alloc(%{{.+}}, %[[OH]], %{{.+}}) {alignment = 64 : i64} : memref<?x6x?x?xf32>
// CHECK: call @blade_rt_conv_transpose2d_f32(%{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}},
// CHECK-SAME: %c0_i64, %c3_i64, %c2_i64, %c2_i64_{{[0-9]+}}, %c2_i64_{{[0-9]+}}, %c1_i64, %c1_i64_{{[0-9]+}}, %c0_i64_{{[0-9]+}}, %c0_i64_{{[0-9]+}})
// LOOPS-LABEL: func.func @conv_transpose
// LOOPS-NOT: call
func.func @conv_transpose(%x: tensor<?x4x?x?xf32>) -> tensor<?x6x?x?xf32> {
  %w = blade.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = blade.constant dense<0.25> : tensor<6xf32>
  %0 = blade.conv_transpose %x, %w, %b {auto_pad = "SAME_UPPER", dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x4x?x?xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<?x6x?x?xf32>
  return %0 : tensor<?x6x?x?xf32>
}

// -----

// Channels-last conv with epilogue (as blade-transpose-to-channels-last
// leaves it): the input T_nchw(%a) is a transposed view of %a's buffer, the
// result buffer is NHWC (the kernel gets an NCHW view of it), the residual
// Add (its addend NHWC, viewed NCHW too) and ReLU6 (max 0, min 6) are fused:
// flags 2 | 16 | 32 = 50, alpha 0, beta 6. No blade op or transpose is left.

// CHECK-LABEL: func.func @conv_nhwc_add_clip
// CHECK-SAME: (%[[A:.+]]: tensor<?x8x8x4xf32>, %[[R:.+]]: tensor<?x8x8x4xf32>)
// CHECK-DAG: %[[AB:.+]] = bufferization.to_buffer %[[A]] read_only
// CHECK-DAG: %[[AV:.+]] = memref.transpose %[[AB]] (d0, d1, d2, d3) -> (d0, d3, d1, d2) : memref<?x8x8x4xf32, strided<[?, ?, ?, ?], offset: ?>> to memref<?x4x8x8xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK-DAG: %[[RB:.+]] = bufferization.to_buffer %[[R]] read_only
// CHECK-DAG: %[[RV:.+]] = memref.transpose %[[RB]] (d0, d1, d2, d3) -> (d0, d3, d1, d2)
// CHECK-DAG: %[[RU:.+]] = memref.cast %[[RV]]
// CHECK-DAG: %[[AU:.+]] = memref.cast %[[AV]]
// CHECK: %[[OUT:.+]] = memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<?x8x8x4xf32>
// CHECK: %[[OV:.+]] = memref.transpose %[[OUT]] (d0, d1, d2, d3) -> (d0, d3, d1, d2) : memref<?x8x8x4xf32> to memref<?x4x8x8xf32, strided<[256, 1, 32, 4]>>
// CHECK: %[[OU:.+]] = memref.cast %[[OV]]
// CHECK-DAG: %[[FLAGS:.+]] = arith.constant 50 : i64
// CHECK-DAG: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK: call @blade_rt_conv2d_f32(%[[AU]], %{{[^,]+}}, %[[OU]], %[[OU]], %[[RU]], %{{[^,]+}}, %[[FLAGS]],
// CHECK-SAME: %[[LO]], %[[HI]])
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<?x8x8x4xf32> to tensor<?x8x8x4xf32>
// CHECK-NOT: blade.
// CHECK-NOT: linalg.transpose
// CHECK: return %[[T]]
func.func @conv_nhwc_add_clip(%a: tensor<?x8x8x4xf32>, %r: tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %lo = blade.constant dense<0.0> : tensor<f32>
  %hi = blade.constant dense<6.0> : tensor<f32>
  %x = blade.transpose %a, [0, 3, 1, 2] : (tensor<?x8x8x4xf32>) -> tensor<?x4x8x8xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  %1 = blade.transpose %0, [0, 2, 3, 1] : (tensor<?x4x8x8xf32>) -> tensor<?x8x8x4xf32>
  %2 = blade.add %r, %1 : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
  %3 = blade.max %2, %lo : (tensor<?x8x8x4xf32>, tensor<f32>) -> tensor<?x8x8x4xf32>
  %4 = blade.min %3, %hi : (tensor<?x8x8x4xf32>, tensor<f32>) -> tensor<?x8x8x4xf32>
  return %4 : tensor<?x8x8x4xf32>
}

// -----

// NCHW conv + Relu fused (flags 2 | 32, alpha 0, beta +inf). An Add of two
// convs goes into the second (flags 2 | 16 = 18, the first's result as the
// addend): its other operand is defined after the first. A min by a
// non-constant is not fused.

// CHECK-LABEL: func.func @conv_relu
// CHECK-DAG: %[[FLAGS:.+]] = arith.constant 34 : i64
// CHECK-DAG: %[[HI:.+]] = arith.constant 0x7F800000 : f32
// CHECK: call @blade_rt_conv2d_f32({{.+}}, %[[FLAGS]], {{.+}}, %[[HI]])
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @conv_relu(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = blade.relu %0 : tensor<1x4x8x8xf32>
  return %1 : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @conv_not_fused
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[H:.+]]: tensor<1x4x8x8xf32>)
// CHECK: %[[F1:.+]] = arith.constant 2 : i64
// CHECK: call @blade_rt_conv2d_f32({{.+}}, %[[F1]],
// CHECK: %[[C1:.+]] = bufferization.to_tensor
// CHECK: %[[C1B:.+]] = bufferization.to_buffer %[[C1]] read_only
// CHECK: %[[C1U:.+]] = memref.cast %[[C1B]]
// CHECK: %[[F2:.+]] = arith.constant 18 : i64
// CHECK: call @blade_rt_conv2d_f32(%{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[C1U]], %{{[^,]+}}, %[[F2]],
// CHECK: %[[SUM:.+]] = bufferization.to_tensor
// CHECK-NOT: arith.addf
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]], %[[H]]
// CHECK: arith.minimumf
// CHECK: return %[[SUM]]
func.func @conv_not_fused(%x: tensor<1x4x8x8xf32>, %h: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %2 = blade.add %0, %1 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %3 = blade.min %2, %h : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %2, %3 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}

// -----

// Max pooling channels-last: input view, NHWC result buffer.

// CHECK-LABEL: func.func @maxpool_nhwc
// CHECK-SAME: (%[[A:.+]]: tensor<1x6x6x2xf32>)
// CHECK: %[[AB:.+]] = bufferization.to_buffer %[[A]] read_only
// CHECK: %[[AV:.+]] = memref.transpose %[[AB]] (d0, d1, d2, d3) -> (d0, d3, d1, d2)
// CHECK: %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x3x3x2xf32>
// CHECK: %[[OV:.+]] = memref.transpose %[[OUT]] (d0, d1, d2, d3) -> (d0, d3, d1, d2)
// CHECK: %[[OU:.+]] = memref.cast %[[OV]]
// CHECK: call @blade_rt_maxpool2d_f32(%{{.+}}, %[[OU]],
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<1x3x3x2xf32> to tensor<1x3x3x2xf32>
// CHECK: return %[[T]]
func.func @maxpool_nhwc(%a: tensor<1x6x6x2xf32>) -> tensor<1x3x3x2xf32> {
  %x = blade.transpose %a, [0, 3, 1, 2] : (tensor<1x6x6x2xf32>) -> tensor<1x2x6x6xf32>
  %0 = blade.pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, kind = "max", p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
  %1 = blade.transpose %0, [0, 2, 3, 1] : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  return %1 : tensor<1x3x3x2xf32>
}
