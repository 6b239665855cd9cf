// RUN: blade-opt %s -split-input-file -blade-fold-batch-norm | FileCheck %s

// s = scale / sqrt(var + eps) = [2 / sqrt(4), 3 / sqrt(9)] = [1, 1] would hide
// mistakes: here s = [2 / 2, 6 / 3] = [1, 2] (eps 0). W' = W * s per output
// channel, b' = (b - mean) * s + bias = [(1 - 1) * 1 + 0.5, (2 - 4) * 2 + 1].
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG: %[[W:.+]] = blade.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00]], {{\[}}[2.000000e+00]]], {{\[}}{{\[}}[6.000000e+00]], {{\[}}[8.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.+]] = blade.constant dense<[5.000000e-01, -3.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.+]] = blade.conv %{{.+}}, %[[W]], %[[B]]
// CHECK-NOT: blade.batch_norm
// CHECK: return %[[Y]]
func.func @conv_bn(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = blade.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = blade.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %scale = blade.constant dense<[2.0, 6.0]> : tensor<2xf32>
  %bias = blade.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %mean = blade.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %var = blade.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %0 = blade.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = blade.batch_norm %0, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Without a conv bias, b' = -mean * s + bias; statistics that are inputs
// keep the batch_norm; after a conv with another user it becomes x * s + t
// with [1, C, 1, 1] constants (s = 1, t = -1 here).
// CHECK-LABEL: func.func @no_bias_and_kept
// CHECK-DAG: %[[B:.+]] = blade.constant dense<-1.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[S:.+]] = blade.constant dense<1.000000e+00> : tensor<1x2x1x1xf32>
// CHECK-DAG: %[[T:.+]] = blade.constant dense<-1.000000e+00> : tensor<1x2x1x1xf32>
// CHECK: blade.conv %{{.+}}, %{{.+}}, %[[B]]
// CHECK: %[[C2:.+]] = blade.conv
// CHECK: blade.batch_norm %[[C2]]
// CHECK: %[[C3:.+]] = blade.conv
// CHECK-NOT: blade.batch_norm
// CHECK: %[[M:.+]] = blade.mul %[[C3]], %[[S]]
// CHECK: blade.add %[[M]], %[[T]]
func.func @no_bias_and_kept(%x: tensor<1x2x4x4xf32>, %m: tensor<2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = blade.constant dense<1.0> : tensor<2x2x1x1xf32>
  %one = blade.constant dense<1.0> : tensor<2xf32>
  %zero = blade.constant dense<0.0> : tensor<2xf32>
  %0 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = blade.batch_norm %0, %one, %zero, %one, %one {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %2 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = blade.batch_norm %2, %one, %zero, %m, %one {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %4 = blade.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %5 = blade.batch_norm %4, %one, %zero, %one, %one {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1, %3, %5, %4 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// A batch_norm with constant statistics and no conv before it (DenseNet's
// pre-activation) is one multiply-add per channel:
// s = scale / sqrt(var + eps) = [2 / 2, 3 / 1] = [1, 3] (eps 0),
// t = bias - mean * s = [0.5 - 1 * 1, 1 - 2 * 3] = [-0.5, -5].
// CHECK-LABEL: func.func @affine
// CHECK-DAG: %[[S:.+]] = blade.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00]], {{\[}}[3.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK-DAG: %[[T:.+]] = blade.constant dense<{{\[}}{{\[}}{{\[}}[-5.000000e-01]], {{\[}}[-5.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: %[[M:.+]] = blade.mul %arg0, %[[S]] : (tensor<?x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<?x2x3x3xf32>
// CHECK: %[[A:.+]] = blade.add %[[M]], %[[T]]
// CHECK: return %[[A]]
func.func @affine(%x: tensor<?x2x3x3xf32>) -> tensor<?x2x3x3xf32> {
  %scale = blade.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %bias = blade.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %mean = blade.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = blade.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %0 = blade.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<?x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x3x3xf32>
  return %0 : tensor<?x2x3x3xf32>
}
