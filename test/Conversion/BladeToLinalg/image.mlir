// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// Resize is separable: one generic per dim whose scale is not a constant 1,
// reading two linear taps (clamped into the input) and blending them in f64.
// CHECK-LABEL: func.func @resize_linear_constant_scales
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x4x?xf32>)
func.func @resize_linear_constant_scales(%x: tensor<1x3x4x?xf32>) -> tensor<1x3x8x?xf32> {
  // CHECK: %[[H:.+]] = linalg.generic
  // CHECK-SAME: outs(%{{.+}} : tensor<1x3x8x?xf32>)
  // CHECK: math.ceil
  // CHECK: arith.maxsi
  // CHECK: tensor.extract %[[X]]
  // CHECK: arith.extf %{{.+}} : f32 to f64
  // CHECK: tensor.extract %[[X]]
  // CHECK: arith.truncf %{{.+}} : f64 to f32
  // CHECK: %[[W:.+]] = linalg.generic
  // CHECK-SAME: outs(%{{.+}} : tensor<1x3x8x?xf32>)
  // CHECK: tensor.extract %[[H]]
  // CHECK-NOT: linalg.generic
  // CHECK: return %[[W]]
  %s = blade.constant dense<[1.0, 1.0, 2.0, 1.5]> : tensor<4xf32>
  %0 = blade.resize %x scales %s {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "linear", nearest_mode = "round_prefer_floor"} : (tensor<1x3x4x?xf32>, tensor<4xf32>) -> tensor<1x3x8x?xf32>
  return %0 : tensor<1x3x8x?xf32>
}

// -----

// Nearest resizing by whole factors of all but the innermost dim (a
// channels-last upsampling) repeats rows: a broadcast to [N, H, 2, W, 3, C]
// and a collapse_shape; a dynamic dim scaled by 1 is left alone. A factor on
// the innermost dim keeps the per-dim generics.
// CHECK-DAG: #[[$READ:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5)>
// CHECK-DAG: #[[$ALL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func.func @resize_nearest_whole_factors
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x5x8xf32>, %[[Y:.+]]: tensor<1x3x4x4xf32>)
func.func @resize_nearest_whole_factors(%x: tensor<?x4x5x8xf32>, %y: tensor<1x3x4x4xf32>) -> (tensor<?x8x15x8xf32>, tensor<1x3x8x8xf32>) {
  // CHECK: %[[WIDE:.+]] = linalg.generic {indexing_maps = [#[[$READ]], #[[$ALL]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<?x4x5x8xf32>) outs(%{{.+}} : tensor<?x4x2x5x3x8xf32>)
  // CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: linalg.yield %[[IN]]
  // CHECK: tensor.collapse_shape %[[WIDE]] {{\[}}[0], [1, 2], [3, 4], [5]] : tensor<?x4x2x5x3x8xf32> into tensor<?x8x15x8xf32>
  // CHECK: linalg.generic
  // CHECK: tensor.extract %[[Y]]
  %s = blade.constant dense<[1.0, 2.0, 3.0, 1.0]> : tensor<4xf32>
  %0 = blade.resize %x scales %s {coordinate_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "nearest", nearest_mode = "floor"} : (tensor<?x4x5x8xf32>, tensor<4xf32>) -> tensor<?x8x15x8xf32>
  %t = blade.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %1 = blade.resize %y scales %t {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<1x3x4x4xf32>, tensor<4xf32>) -> tensor<1x3x8x8xf32>
  return %0, %1 : tensor<?x8x15x8xf32>, tensor<1x3x8x8xf32>
}

// -----

// Run-time sizes resample every dim; the output size of a dim is read from
// `sizes` (negative sizes become 0), the scale is sizes / in. Nearest reads one tap; tf_crop_and_resize
// selects the extrapolation value off the input.
// CHECK-LABEL: func.func @resize_nearest_sizes
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>, %[[Z:.+]]: tensor<2xi64>, %[[R:.+]]: tensor<4xf32>)
func.func @resize_nearest_sizes(%x: tensor<2x5xf32>, %z: tensor<2xi64>, %r: tensor<4xf32>) -> tensor<?x?xf32> {
  // CHECK: %[[N0:.+]] = tensor.extract %[[Z]][%{{.+}}] : tensor<2xi64>
  // CHECK: %[[S0:.+]] = arith.index_cast %[[N0]] : i64 to index
  // CHECK: %[[C0:.+]] = arith.maxsi %[[S0]], %{{.+}} : index
  // CHECK: %[[O0:.+]] = arith.select %{{.+}}, %{{.+}}, %[[C0]] : index
  // CHECK: %[[E0:.+]] = tensor.empty(%[[O0]]) : tensor<?x5xf32>
  // CHECK: %[[P0:.+]] = linalg.generic {{.+}} outs(%[[E0]] : tensor<?x5xf32>)
  // CHECK: arith.cmpf ogt
  // CHECK: tensor.extract %[[X]]
  // CHECK: arith.constant 1.250000e+00 : f32
  // CHECK: arith.select
  // CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<?x?xf32>)
  // CHECK: tensor.extract %[[P0]]
  %0 = blade.resize %x sizes %z roi %r {coordinate_mode = "tf_crop_and_resize", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 1.250000e+00 : f32, kernel = "nearest", nearest_mode = "round_prefer_floor"} : (tensor<2x5xf32>, tensor<2xi64>, tensor<4xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Cubic reads four taps; exclude_outside renormalises the weights of the
// taps inside the input.
// CHECK-LABEL: func.func @resize_cubic_exclude_outside
func.func @resize_cubic_exclude_outside(%x: tensor<4xf64>, %s: tensor<1xf32>) -> tensor<?xf64> {
  // CHECK: linalg.generic
  // CHECK-COUNT-4: arith.select
  // CHECK: arith.divf
  // CHECK-COUNT-4: tensor.extract
  // CHECK-NOT: arith.truncf
  // CHECK: linalg.yield
  %0 = blade.resize %x scales %s {coordinate_mode = "asymmetric", cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = true, extrapolation_value = 0.000000e+00 : f32, kernel = "cubic", nearest_mode = "round_prefer_floor"} : (tensor<4xf64>, tensor<1xf32>) -> tensor<?xf64>
  return %0 : tensor<?xf64>
}

// -----

// GridSample: one generic over [N, C, Ho, Wo]; bilinear reads four taps,
// each 0 outside the input.
// CHECK-LABEL: func.func @grid_sample_bilinear
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x8x8xf32>, %[[G:.+]]: tensor<?x4x5x2xf32>)
func.func @grid_sample_bilinear(%x: tensor<?x3x8x8xf32>, %g: tensor<?x4x5x2xf32>) -> tensor<?x3x4x5xf32> {
  // CHECK: %[[N:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x3x8x8xf32>
  // CHECK: tensor.empty(%[[N]]) : tensor<?x3x4x5xf32>
  // CHECK: linalg.generic
  // CHECK: tensor.extract %[[G]]
  // CHECK: tensor.extract %[[G]]
  // CHECK: math.floor
  // CHECK-COUNT-4: tensor.extract %[[X]]
  %0 = blade.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<?x3x8x8xf32>, tensor<?x4x5x2xf32>) -> tensor<?x3x4x5xf32>
  return %0 : tensor<?x3x4x5xf32>
}

// -----

// RoiAlign: the samples of a bin are two nested scf.for loops inside the
// generic (their count may be computed per region).
// CHECK-LABEL: func.func @roi_align_avg
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x10x10xf32>, %[[R:.+]]: tensor<?x4xf32>, %[[I:.+]]: tensor<?xi64>)
func.func @roi_align_avg(%x: tensor<1x3x10x10xf32>, %r: tensor<?x4xf32>, %i: tensor<?xi64>) -> tensor<?x3x2x2xf32> {
  // CHECK: linalg.generic
  // CHECK: tensor.extract %[[I]]
  // CHECK: math.ceil
  // CHECK: scf.for
  // CHECK: scf.for
  // CHECK-COUNT-4: tensor.extract %[[X]]
  // CHECK: arith.divf
  %0 = blade.roi_align %x, %r, %i {half_pixel = true, mode = "avg", sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x3x10x10xf32>, tensor<?x4xf32>, tensor<?xi64>) -> tensor<?x3x2x2xf32>
  return %0 : tensor<?x3x2x2xf32>
}

// -----

// Nearest resizing of integers reads without conversions; the extrapolation
// value is truncated and wrapped to the element width (300 -> 44 in i8).
// CHECK-LABEL: func.func @resize_nearest_int
func.func @resize_nearest_int(%x: tensor<6xui8>, %z: tensor<1xi64>, %r: tensor<2xf32>) -> tensor<?xui8> {
  // CHECK: linalg.generic
  // CHECK-NOT: arith.sitofp %{{.+}} : i8
  // CHECK: %[[E:.+]] = tensor.extract %{{.+}} : tensor<6xi8>
  // CHECK: %[[C:.+]] = arith.constant 44 : i8
  // CHECK: arith.select %{{.+}}, %[[C]], %[[E]] : i8
  %0 = blade.resize %x sizes %z roi %r {coordinate_mode = "tf_crop_and_resize", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 3.000000e+02 : f32, kernel = "nearest", nearest_mode = "ceil"} : (tensor<6xui8>, tensor<1xi64>, tensor<2xf32>) -> tensor<?xui8>
  return %0 : tensor<?xui8>
}
