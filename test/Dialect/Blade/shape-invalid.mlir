// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @shape_of_range(%x: tensor<?x4xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{needs 0 <= start <= end <= rank (2)}}
  %0 = blade.shape_of %x [1 : 3] : tensor<?x4xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @concat_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{concat inputs [2, 3] and [2, 4] differ in dim 1}}
  %0 = blade.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_result(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{result shape [5, 3] is incompatible with the inferred shape [4, 3]}}
  %0 = blade.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{step of dim 0 is zero}}
  %0 = blade.slice %x [0] to [2] step [0] : (tensor<4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @slice_size(%x: tensor<10xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result shape [4] is incompatible with the inferred shape [5]}}
  %0 = blade.slice %x [0] to [10] step [2] : (tensor<10xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gather_axis(%x: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = blade.gather %x, %i {axis = 2 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather_shape(%x: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<3x4xf32> {
  // expected-error @+1 {{result shape [3, 4] is incompatible with the inferred shape [3, 2]}}
  %0 = blade.gather %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @gather_nd_tuple(%x: tensor<2x2xf32>, %i: tensor<2x3xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{gather_nd index tuples of length 3 do not fit data [2, 2]}}
  %0 = blade.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @dynamic_reshape_rank(%x: tensor<?x4xf32>, %s: tensor<3xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{shape has 3 entries for a rank-2 result}}
  %0 = blade.dynamic_reshape %x, %s : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @expand_static(%x: tensor<3x1xf32>, %s: tensor<2xi64>) -> tensor<4x5xf32> {
  // expected-error @+1 {{operand dim 0 (3) cannot expand to 4}}
  %0 = blade.expand %x, %s : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @pad_mode(%x: tensor<4xf32>, %p: tensor<2xi64>, %v: tensor<f32>) -> tensor<?xf32> {
  // expected-error @+1 {{unknown mode 'wrap'}}
  %0 = blade.pad %x, %p, %v {mode = "wrap"} : (tensor<4xf32>, tensor<2xi64>, tensor<f32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @pad_amounts(%x: tensor<4xf32>, %p: tensor<3xi64>, %v: tensor<f32>) -> tensor<?xf32> {
  // expected-error @+1 {{needs 2 * rank pad amounts}}
  %0 = blade.pad %x, %p, %v {mode = "edge"} : (tensor<4xf32>, tensor<3xi64>, tensor<f32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @scatter_reduction(%d: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown reduction 'avg'}}
  %0 = blade.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "avg"} : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{result shape [2, 4] is incompatible with the inferred shape [2, 3]}}
  %0 = blade.scatter_nd %d, %i, %u {reduction = "none"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<3xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{values must hold [off, on]}}
  %0 = blade.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<i64>, tensor<3xf32>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

func.func @constant_of_shape_value(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{value must hold exactly one element}}
  %0 = blade.constant_of_shape %s, dense<[1.0, 2.0]> : tensor<2xf32> : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @trilu_rank(%x: tensor<4xf32>, %k: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{needs an operand of rank 2 or more}}
  %0 = blade.trilu %x, %k {upper = true} : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_slice_lengths(%x: tensor<?xf32>, %a: tensor<1xi64>, %b: tensor<2xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{starts, ends, axes and steps differ in length}}
  %0 = blade.dynamic_slice %x, %a, %b, %a, %a : (tensor<?xf32>, tensor<1xi64>, tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @checked_cast_static_mismatch(%x: tensor<3x?xi64>) -> tensor<4x2xi64> {
  // expected-error @+1 {{cannot cast [3, ?] to [4, 2]}}
  %0 = blade.checked_cast %x : (tensor<3x?xi64>) -> tensor<4x2xi64>
  return %0 : tensor<4x2xi64>
}

// -----

func.func @checked_cast_rank(%x: tensor<?xi64>) -> tensor<2x2xi64> {
  // expected-error @+1 {{cannot cast [?] to [2, 2]}}
  %0 = blade.checked_cast %x : (tensor<?xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}
