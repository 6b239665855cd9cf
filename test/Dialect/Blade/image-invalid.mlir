// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @resize_both(%x: tensor<2x3xf32>, %s: tensor<2xf32>, %z: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{expects exactly one of scales and sizes}}
  %0 = blade.resize %x scales %s sizes %z {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "linear", nearest_mode = "floor"} : (tensor<2x3xf32>, tensor<2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @resize_scales_length(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{expects scales to hold 2 values, got [3]}}
  %0 = blade.resize %x scales %s {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "linear", nearest_mode = "floor"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @resize_kernel(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{unknown kernel 'area'}}
  %0 = blade.resize %x scales %s {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "area", nearest_mode = "floor"} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @resize_int_linear(%x: tensor<2x3xi32>, %s: tensor<2xf32>) -> tensor<?x?xi32> {
  // expected-error @+1 {{the linear kernel needs a floating-point input}}
  %0 = blade.resize %x scales %s {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "linear", nearest_mode = "floor"} : (tensor<2x3xi32>, tensor<2xf32>) -> tensor<?x?xi32>
  return %0 : tensor<?x?xi32>
}

// -----

func.func @resize_missing_roi(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{expects a roi exactly with tf_crop_and_resize}}
  %0 = blade.resize %x scales %s {coordinate_mode = "tf_crop_and_resize", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "linear", nearest_mode = "floor"} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @resize_rank(%x: tensor<2x3xf32>, %s: tensor<2xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{the result must have the input's rank and element type}}
  %0 = blade.resize %x scales %s {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "linear", nearest_mode = "floor"} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @grid_sample_grid(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{the grid's last dim must be 2, got [1, 4, 4, 3]}}
  %0 = blade.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x3x8x8xf32>, tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @grid_sample_result(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x2xf32>) -> tensor<1x3x4x5xf32> {
  // expected-error @+1 {{result shape [1, 3, 4, 5] is incompatible with the inferred shape [1, 3, 4, 4]}}
  %0 = blade.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x3x8x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x3x4x5xf32>
  return %0 : tensor<1x3x4x5xf32>
}

// -----

func.func @grid_sample_padding(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{unknown padding mode 'wrap'}}
  %0 = blade.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "wrap"} : (tensor<1x3x8x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @roi_align_regions(%x: tensor<1x3x8x8xf32>, %r: tensor<2x4xf32>, %i: tensor<3xi64>) -> tensor<2x3x1x1xf32> {
  // expected-error @+1 {{rois [2, 4] and batch indices [3] differ in the number of regions}}
  %0 = blade.roi_align %x, %r, %i {half_pixel = true, mode = "avg", sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x3x8x8xf32>, tensor<2x4xf32>, tensor<3xi64>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

func.func @roi_align_mode(%x: tensor<1x3x8x8xf32>, %r: tensor<2x4xf32>, %i: tensor<2xi64>) -> tensor<2x3x1x1xf32> {
  // expected-error @+1 {{unknown mode 'sum'}}
  %0 = blade.roi_align %x, %r, %i {half_pixel = true, mode = "sum", sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x3x8x8xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

func.func @grid_sample_empty(%x: tensor<1x3x0x8xf32>, %g: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{cannot sample the empty input [1, 3, 0, 8]}}
  %0 = blade.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x3x0x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}
