// RUN: blade-opt %s -split-input-file -blade-transpose-to-channels-last | FileCheck %s

// Two convs with a ReLU6 (Clip's max and min by scalars) between them: one
// transpose to NHWC at the input, each conv reads T_nchw of an NHWC value
// and is only used by T_nhwc, the clip runs NHWC, one transpose back at the
// end.

// CHECK-LABEL: func.func @conv_clip_conv
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>)
// CHECK: %[[XT:.+]] = blade.transpose %[[X]], [0, 2, 3, 1] : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
// CHECK: %[[XN:.+]] = blade.transpose %[[XT]], [0, 3, 1, 2]
// CHECK: %[[C1:.+]] = blade.conv %[[XN]]
// CHECK: %[[C1T:.+]] = blade.transpose %[[C1]], [0, 2, 3, 1] : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
// CHECK: %[[LO:.+]] = blade.max %[[C1T]], %{{.+}} : (tensor<1x8x8x4xf32>, tensor<f32>) -> tensor<1x8x8x4xf32>
// CHECK: %[[HI:.+]] = blade.min %[[LO]], %{{.+}} : (tensor<1x8x8x4xf32>, tensor<f32>) -> tensor<1x8x8x4xf32>
// CHECK: %[[HN:.+]] = blade.transpose %[[HI]], [0, 3, 1, 2]
// CHECK: %[[C2:.+]] = blade.conv %[[HN]]
// CHECK: %[[C2T:.+]] = blade.transpose %[[C2]], [0, 2, 3, 1]
// CHECK: %[[R:.+]] = blade.transpose %[[C2T]], [0, 3, 1, 2]
// CHECK: return %[[R]]
func.func @conv_clip_conv(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %lo = blade.constant dense<0.0> : tensor<f32>
  %hi = blade.constant dense<6.0> : tensor<f32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = blade.max %0, %lo : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %2 = blade.min %1, %hi : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %3 = blade.conv %2, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %3 : tensor<1x4x8x8xf32>
}

// -----

// A residual block (dynamic batch): the Add of two transposed operands runs
// NHWC, the block input feeds both the conv and the Add without a second
// transpose, a max pool is bracketed like a conv, and a per-channel constant
// of rank 4 ([1, C, 1, 1]) is permuted ([1, 1, 1, C], folded).

// CHECK-LABEL: func.func @residual_pool_scale
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x8x8xf32>)
// CHECK-DAG: %[[S:.+]] = blade.constant dense<{{.+}}> : tensor<1x1x1x4xf32>
// CHECK: %[[XT:.+]] = blade.transpose %[[X]], [0, 2, 3, 1]
// CHECK: %[[P:.+]] = blade.pool
// CHECK: %[[PT:.+]] = blade.transpose %[[P]], [0, 2, 3, 1]
// CHECK: %[[PN:.+]] = blade.transpose %[[PT]], [0, 3, 1, 2]
// CHECK: %[[C:.+]] = blade.conv %[[PN]]
// CHECK: %[[CT:.+]] = blade.transpose %[[C]], [0, 2, 3, 1]
// CHECK: %[[A:.+]] = blade.add %[[CT]], %[[PT]] : (tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK: %[[M:.+]] = blade.mul %[[A]], %[[S]] : (tensor<?x4x4x4xf32>, tensor<1x1x1x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK: %[[R:.+]] = blade.transpose %[[M]], [0, 3, 1, 2]
// CHECK: return %[[R]]
func.func @residual_pool_scale(%x: tensor<?x4x8x8xf32>) -> tensor<?x4x4x4xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x3x3xf32>
  %s = blade.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>
  %p = blade.pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, kind = "max", p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>) -> tensor<?x4x4x4xf32>
  %0 = blade.conv %p, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x4x4x4xf32>, tensor<4x4x3x3xf32>) -> tensor<?x4x4x4xf32>
  %1 = blade.add %0, %p : (tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %2 = blade.mul %1, %s : (tensor<?x4x4x4xf32>, tensor<1x4x1x1xf32>) -> tensor<?x4x4x4xf32>
  return %2 : tensor<?x4x4x4xf32>
}

// -----

// Where the transposes must not sink: an Add with a non-constant NCHW
// operand (it would need a transpose of its own), a Mul by a per-channel
// constant of lower rank ([C, 1, 1] broadcasts against NCHW's C), and a
// user that needs NCHW (a reshape): each gets T_nchw of the NHWC result.

// CHECK-LABEL: func.func @no_sink
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[Y:.+]]: tensor<1x4x8x8xf32>)
// CHECK: %[[C:.+]] = blade.conv
// CHECK: %[[CT:.+]] = blade.transpose %[[C]], [0, 2, 3, 1]
// CHECK: %[[CN:.+]] = blade.transpose %[[CT]], [0, 3, 1, 2]
// CHECK-DAG: blade.add %[[CN]], %[[Y]] : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>)
// CHECK-DAG: blade.mul %[[CN]], %{{.+}} : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>)
// CHECK-DAG: blade.reshape %[[CN]]
func.func @no_sink(%x: tensor<1x4x8x8xf32>, %y: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x256xf32>) {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %s = blade.constant dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]> : tensor<4x1x1xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = blade.add %0, %y : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = blade.mul %0, %s : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %3 = blade.reshape %0 : (tensor<1x4x8x8xf32>) -> tensor<1x256xf32>
  return %1, %2, %3 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x256xf32>
}

// -----

// Not bracketed: integer, 1-D, dynamic-kernel and dynamic-channel convs,
// average pooling, and anything in a shape-check function.

// CHECK-LABEL: func.func @not_anchors
// CHECK-NOT: blade.transpose
// CHECK: return
func.func @not_anchors(%x: tensor<1x4x8x8xi32>, %wi: tensor<4x4x1x1xi32>, %y: tensor<1x4x8xf32>, %w1: tensor<4x4x1xf32>, %z: tensor<1x4x8x8xf32>, %wd: tensor<4x4x?x?xf32>) -> (tensor<1x4x8x8xi32>, tensor<1x4x8xf32>, tensor<1x4x?x?xf32>, tensor<1x4x4x4xf32>) {
  %0 = blade.conv %x, %wi {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xi32>, tensor<4x4x1x1xi32>) -> tensor<1x4x8x8xi32>
  %1 = blade.conv %y, %w1 {auto_pad = "NOTSET", dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x8xf32>, tensor<4x4x1xf32>) -> tensor<1x4x8xf32>
  %2 = blade.conv %z, %wd {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  %3 = blade.pool %z {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, kind = "avg", p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %0, %1, %2, %3 : tensor<1x4x8x8xi32>, tensor<1x4x8xf32>, tensor<1x4x?x?xf32>, tensor<1x4x4x4xf32>
}

// CHECK-LABEL: func.func @dynamic_channels
// CHECK-NOT: blade.transpose
// CHECK: return
func.func @dynamic_channels(%x: tensor<1x?x8x8xf32>, %w: tensor<4x?x1x1xf32>) -> tensor<1x4x8x8xf32> {
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x?x8x8xf32>, tensor<4x?x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @f_shape_check
// CHECK-NOT: blade.transpose
// CHECK: return
func.func @f_shape_check(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// Branches joined along channels and split again (SqueezeNet's fire module,
// ShuffleNet's units): the concat of two conv results runs NHWC along the
// last dim, a channel slice of it runs NHWC with its bounds permuted and
// feeds the next conv without a transpose of its own.

// CHECK-LABEL: func.func @concat_slice
// CHECK: %[[A:.+]] = blade.transpose %{{.+}}, [0, 2, 3, 1] : (tensor<?x2x8x8xf32>) -> tensor<?x8x8x2xf32>
// CHECK: %[[B:.+]] = blade.transpose %{{.+}}, [0, 2, 3, 1] : (tensor<?x2x8x8xf32>) -> tensor<?x8x8x2xf32>
// CHECK: %[[J:.+]] = blade.concat %[[A]], %[[B]] {axis = 3 : i64} : (tensor<?x8x8x2xf32>, tensor<?x8x8x2xf32>) -> tensor<?x8x8x4xf32>
// CHECK: %[[S:.+]] = blade.slice %[[J]] [0, 0, 0, 1] to [9223372036854775807, 9223372036854775807, 9223372036854775807, 3] step [1, 1, 1, 1] : (tensor<?x8x8x4xf32>) -> tensor<?x8x8x2xf32>
// CHECK: %[[SN:.+]] = blade.transpose %[[S]], [0, 3, 1, 2]
// CHECK: blade.conv %[[SN]]
// CHECK-NOT: blade.concat {{.*}}axis = 1
func.func @concat_slice(%x: tensor<?x4x8x8xf32>) -> tensor<?x2x8x8xf32> {
  %w = blade.constant dense<0.5> : tensor<2x4x1x1xf32>
  %v = blade.constant dense<0.25> : tensor<2x2x1x1xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<?x2x8x8xf32>
  %1 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<?x2x8x8xf32>
  %2 = blade.concat %0, %1 {axis = 1 : i64} : (tensor<?x2x8x8xf32>, tensor<?x2x8x8xf32>) -> tensor<?x4x8x8xf32>
  %3 = blade.slice %2 [0, 1, 0, 0] to [9223372036854775807, 3, 9223372036854775807, 9223372036854775807] step [1, 1, 1, 1] : (tensor<?x4x8x8xf32>) -> tensor<?x2x8x8xf32>
  %4 = blade.conv %3, %v {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x2x8x8xf32>, tensor<2x2x1x1xf32>) -> tensor<?x2x8x8xf32>
  return %4 : tensor<?x2x8x8xf32>
}

// -----

// A squeeze-and-excitation block (EfficientNet, MobileNetV3, RegNetY): the
// global average pool reduces NHWC's dims 1 and 2, the FC convs on
// [N, C, 1, 1] run as anchors, the sigmoid runs on the [N, 1, 1, C] scale
// and the scale multiplies the NHWC activations: no activation-sized
// transpose is left between the convs.

// CHECK-LABEL: func.func @squeeze_excite
// CHECK: blade.conv
// CHECK-NEXT: %[[A:.+]] = blade.transpose %{{.+}}, [0, 2, 3, 1] : (tensor<?x4x8x8xf32>) -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[M:.+]] = blade.reduce %[[A]] {axes = array<i64: 1, 2>, keepdims = true, kind = "mean"} : (tensor<?x8x8x4xf32>) -> tensor<?x1x1x4xf32>
// CHECK: %[[SIG:.+]] = blade.sigmoid %{{.+}} : tensor<?x1x1x4xf32>
// CHECK-NEXT: %[[SC:.+]] = blade.mul %[[A]], %[[SIG]] : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32>
// CHECK-NEXT: %[[N:.+]] = blade.transpose %[[SC]], [0, 3, 1, 2]
// CHECK-NEXT: blade.conv %[[N]]
func.func @squeeze_excite(%x: tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  %1 = blade.reduce %0 {axes = array<i64: 2, 3>, keepdims = true, kind = "mean"} : (tensor<?x4x8x8xf32>) -> tensor<?x4x1x1xf32>
  %2 = blade.conv %1, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<?x4x1x1xf32>
  %3 = blade.sigmoid %2 : tensor<?x4x1x1xf32>
  %4 = blade.mul %0, %3 : (tensor<?x4x8x8xf32>, tensor<?x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  %5 = blade.conv %4, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  return %5 : tensor<?x4x8x8xf32>
}

// -----

// A [N, C, 1, 1] operand that is no transpose (a scale computed by FC
// layers, here an argument) is transposed itself, N * C elements, so the
// product with the activations runs NHWC.

// CHECK-LABEL: func.func @channel_scale
// CHECK-SAME: %[[S:[^:]+]]: tensor<?x4x1x1xf32>
// CHECK: blade.conv
// CHECK-NEXT: %[[A:.+]] = blade.transpose %{{.+}}, [0, 2, 3, 1] : (tensor<?x4x8x8xf32>) -> tensor<?x8x8x4xf32>
// CHECK: %[[ST:.+]] = blade.transpose %[[S]], [0, 2, 3, 1] : (tensor<?x4x1x1xf32>) -> tensor<?x1x1x4xf32>
// CHECK: blade.mul %[[A]], %[[ST]] : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32>
func.func @channel_scale(%x: tensor<?x4x8x8xf32>, %s: tensor<?x4x1x1xf32>) -> tensor<?x4x8x8xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  %1 = blade.mul %0, %s : (tensor<?x4x8x8xf32>, tensor<?x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  return %1 : tensor<?x4x8x8xf32>
}

// -----

// Resizing between convs runs NHWC with its per-dim scales permuted (an
// FPN's or a U-Net's upsampling).

// CHECK-LABEL: func.func @resize
// CHECK: %[[S:.+]] = blade.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 1.000000e+00]> : tensor<4xf32>
// CHECK: blade.conv
// CHECK-NEXT: %[[A:.+]] = blade.transpose %{{.+}}, [0, 2, 3, 1] : (tensor<?x4x8x8xf32>) -> tensor<?x8x8x4xf32>
// CHECK: %[[R:.+]] = blade.resize %[[A]] scales %[[S]] {{.+}} : (tensor<?x8x8x4xf32>, tensor<4xf32>) -> tensor<?x16x24x4xf32>
// CHECK: %[[B:.+]] = blade.transpose %[[R]], [0, 3, 1, 2]
// CHECK-NEXT: blade.conv %[[B]]
func.func @resize(%x: tensor<?x4x8x8xf32>) -> tensor<?x4x16x24xf32> {
  %w = blade.constant dense<0.5> : tensor<4x4x1x1xf32>
  %s = blade.constant dense<[1.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<?x4x8x8xf32>
  %1 = blade.resize %0 scales %s {coordinate_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "nearest", nearest_mode = "floor"} : (tensor<?x4x8x8xf32>, tensor<4xf32>) -> tensor<?x4x16x24xf32>
  %2 = blade.conv %1, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x16x24xf32>, tensor<4x4x1x1xf32>) -> tensor<?x4x16x24xf32>
  return %2 : tensor<?x4x16x24xf32>
}
