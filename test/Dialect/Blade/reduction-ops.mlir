// RUN: blade-opt %s -split-input-file | FileCheck %s
// RUN: blade-opt %s -split-input-file | blade-opt -split-input-file | FileCheck %s

// The reduction and normalisation ops parse, verify and print back.

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<?x16xf32>, %i: tensor<?x4xui8>) -> (tensor<?x1xf32>, tensor<?xui8>, tensor<?xi64>, tensor<?x16xf32>) {
  // CHECK: blade.reduce %{{.+}} {axes = array<i64: 1>, keepdims = true, kind = "log_sum_exp"} : (tensor<?x16xf32>) -> tensor<?x1xf32>
  %0 = blade.reduce %x {kind = "log_sum_exp", axes = array<i64: 1>, keepdims = true} : (tensor<?x16xf32>) -> tensor<?x1xf32>
  // CHECK: blade.reduce %{{.+}} {axes = array<i64: 1>, keepdims = false, kind = "max"} : (tensor<?x4xui8>) -> tensor<?xui8>
  %1 = blade.reduce %i {kind = "max", axes = array<i64: 1>, keepdims = false} : (tensor<?x4xui8>) -> tensor<?xui8>
  // CHECK: blade.arg_reduce %{{.+}} {axis = 1 : i64, keepdims = false, kind = "min", select_last_index = true} : (tensor<?x16xf32>) -> tensor<?xi64>
  %2 = blade.arg_reduce %x {kind = "min", axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<?x16xf32>) -> tensor<?xi64>
  // CHECK: blade.cumsum %{{.+}} {axis = 0 : i64, exclusive = true, reverse = false} : tensor<?x16xf32>
  %3 = blade.cumsum %x {axis = 0 : i64, exclusive = true, reverse = false} : tensor<?x16xf32>
  return %0, %1, %2, %3 : tensor<?x1xf32>, tensor<?xui8>, tensor<?xi64>, tensor<?x16xf32>
}

// -----

// CHECK-LABEL: func.func @runtime_axis_and_k
func.func @runtime_axis_and_k(%x: tensor<?x16xf32>, %a: tensor<i32>, %k: tensor<?xi64>) -> (tensor<?x16xf32>, tensor<?x?xf32>, tensor<?x?xi64>) {
  // CHECK: blade.cumsum %{{.+}}[%{{.+}} : tensor<i32>] {exclusive = true, reverse = false} : tensor<?x16xf32>
  %0 = blade.cumsum %x[%a : tensor<i32>] {exclusive = true, reverse = false} : tensor<?x16xf32>
  // CHECK: blade.top_k %{{.+}}, %{{.+}} {axis = 1 : i64, largest = false} : (tensor<?x16xf32>, tensor<?xi64>) -> (tensor<?x?xf32>, tensor<?x?xi64>)
  %1:2 = blade.top_k %x, %k {axis = 1 : i64, largest = false} : (tensor<?x16xf32>, tensor<?xi64>) -> (tensor<?x?xf32>, tensor<?x?xi64>)
  // CHECK: blade.reduce_sum_runtime_axes %{{.+}}, %{{.+}} {keepdims = true, noop_with_empty_axes = true} : (tensor<?x16xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  %2 = blade.reduce_sum_runtime_axes %x, %k {keepdims = true, noop_with_empty_axes = true} : (tensor<?x16xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0, %1#0, %1#1 : tensor<?x16xf32>, tensor<?x?xf32>, tensor<?x?xi64>
}

// -----

// CHECK-LABEL: func.func @normalisations
func.func @normalisations(%x: tensor<?x3x?xf32>, %c: tensor<3xf32>, %s: tensor<?xf32>) -> (tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x1x1xf32>) {
  // CHECK: blade.log_softmax %{{.+}} {axis = 1 : i64, flatten} : tensor<?x3x?xf32>
  %0 = blade.log_softmax %x {axis = 1 : i64, flatten} : tensor<?x3x?xf32>
  // CHECK: blade.hardmax %{{.+}} {axis = 2 : i64} : tensor<?x3x?xf32>
  %1 = blade.hardmax %x {axis = 2 : i64} : tensor<?x3x?xf32>
  // CHECK: blade.instance_norm %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 9.99999974E-6 : f32} : (tensor<?x3x?xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?xf32>
  %2 = blade.instance_norm %x, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<?x3x?xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?xf32>
  // CHECK: blade.batch_norm %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 9.99999974E-6 : f32}
  %3 = blade.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32} : (tensor<?x3x?xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?xf32>
  // CHECK: blade.mean_variance_norm %{{.+}} {axes = array<i64: 0, 2>, epsilon = 9.99999971E-10 : f32} : tensor<?x3x?xf32>
  %4 = blade.mean_variance_norm %x {axes = array<i64: 0, 2>, epsilon = 1.0e-09 : f32} : tensor<?x3x?xf32>
  // CHECK: blade.lrn %{{.+}} {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 3 : i64} : tensor<?x3x?xf32>
  %5 = blade.lrn %x {alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32, size = 3 : i64} : tensor<?x3x?xf32>
  // CHECK: blade.layer_norm %{{.+}}, %{{.+}} {axis = 1 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<?x3x?xf32>, tensor<?xf32>) -> (tensor<?x3x?xf32>, tensor<?x1x1xf32>, tensor<?x1x1xf32>)
  %6:3 = blade.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<?x3x?xf32>, tensor<?xf32>) -> (tensor<?x3x?xf32>, tensor<?x1x1xf32>, tensor<?x1x1xf32>)
  return %0, %1, %2, %3, %4, %5, %6#0, %6#1 : tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x3x?xf32>, tensor<?x1x1xf32>
}
