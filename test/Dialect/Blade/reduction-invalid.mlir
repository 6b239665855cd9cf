// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @reduce_unknown_kind(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unknown reduction kind 'avg'}}
  %0 = blade.reduce %x {kind = "avg", axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_l2_integer(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{reduction kind 'l2' needs a floating-point operand}}
  %0 = blade.reduce %x {kind = "l2", axes = array<i64: 1>, keepdims = false} : (tensor<2x3xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @reduce_unsorted_axes(%x: tensor<2x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{reduction axes must be sorted, unique and in [0, 2), got entry 0}}
  %0 = blade.reduce %x {kind = "sum", axes = array<i64: 1, 0>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @reduce_axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{reduction axes must be sorted, unique and in [0, 2), got entry 2}}
  %0 = blade.reduce %x {kind = "sum", axes = array<i64: 2>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_wrong_result(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result shape [2] is incompatible with the inferred shape [2, 1]}}
  %0 = blade.reduce %x {kind = "sum", axes = array<i64: 1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @arg_reduce_kind(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{kind must be 'max' or 'min', got 'sum'}}
  %0 = blade.arg_reduce %x {kind = "sum", axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @arg_reduce_axis(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{axis 2 is out of range for a rank-2 operand}}
  %0 = blade.arg_reduce %x {kind = "max", axis = 2 : i64, keepdims = false, select_last_index = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @cumsum_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis -1 is out of range for a rank-2 operand}}
  %0 = blade.cumsum %x {axis = -1 : i64, exclusive = false, reverse = false} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @log_softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for a rank-2 operand}}
  %0 = blade.log_softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @layer_norm_scale(%x: tensor<?x4xf32>, %s: tensor<5xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{scale/bias shape [5] does not broadcast to the normalized dims [4]}}
  %0:3 = blade.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<?x4xf32>, tensor<5xf32>) -> (tensor<?x4xf32>, tensor<?x1xf32>, tensor<?x1xf32>)
  return %0#0 : tensor<?x4xf32>
}

// -----

func.func @layer_norm_stats(%x: tensor<?x4xf16>, %s: tensor<4xf16>) -> tensor<?x4xf16> {
  // expected-error @+1 {{mean/inv_std_dev must be 'tensor<?x1xf32>', got 'tensor<?x1xf16>'}}
  %0:3 = blade.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<?x4xf16>, tensor<4xf16>) -> (tensor<?x4xf16>, tensor<?x1xf16>, tensor<?x1xf16>)
  return %0#0 : tensor<?x4xf16>
}

// -----

func.func @instance_norm_params(%x: tensor<?x3x8xf32>, %s: tensor<4xf32>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{parameters must be 1-D of the channel count [3], got [4]}}
  %0 = blade.instance_norm %x, %s, %s {epsilon = 1.0e-05 : f32} : (tensor<?x3x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

func.func @batch_norm_rank(%x: tensor<3xf32>, %s: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects an operand of rank >= 2, got 1}}
  %0 = blade.batch_norm %x, %s, %s, %s, %s {epsilon = 1.0e-05 : f32} : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @mvn_axes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{reduction axes must be sorted, unique and in [0, 2), got entry 1}}
  %0 = blade.mean_variance_norm %x {axes = array<i64: 1, 1>, epsilon = 1.0e-09 : f32} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @lrn_size(%x: tensor<1x3x4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{size must be positive, got 0}}
  %0 = blade.lrn %x {alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32, size = 0 : i64} : tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @cumsum_two_axes(%x: tensor<2x3xf32>, %a: tensor<i64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{needs exactly one of the axis attribute and the axis operand}}
  %0 = blade.cumsum %x[%a : tensor<i64>] {axis = 0 : i64, exclusive = false, reverse = false} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @top_k_too_large(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>) {
  %k = blade.constant dense<4> : tensor<1xi64>
  // expected-error @+1 {{k = 4 is out of range for dim 1 of [2, 3]}}
  %0:2 = blade.top_k %x, %k {axis = 1 : i64, largest = true} : (tensor<2x3xf32>, tensor<1xi64>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<2x4xi64>
}

// -----

func.func @top_k_k_shape(%x: tensor<2x3xf32>, %k: tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xi64>) {
  // expected-error @+1 {{k must have one element}}
  %0:2 = blade.top_k %x, %k {axis = 1 : i64, largest = true} : (tensor<2x3xf32>, tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xi64>)
  return %0#0, %0#1 : tensor<2x?xf32>, tensor<2x?xi64>
}

// -----

func.func @runtime_axes_rank(%x: tensor<2x3xf32>, %a: tensor<?xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{without keepdims the axes count must be static and the result rank the operand's less it}}
  %0 = blade.reduce_sum_runtime_axes %x, %a {keepdims = false, noop_with_empty_axes = false} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
