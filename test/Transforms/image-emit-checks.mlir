// RUN: blade-opt %s -split-input-file -blade-emit-shape-checks | FileCheck %s

// Resize: a scales/sizes/roi operand of dynamic length must hold one value
// per dim (two for roi) at run time; static lengths need no check.
// CHECK: blade.shape_checks = {f = ["node 'rs': expects scales to hold 3 values", "node 'rz': expects sizes to hold 2 values", "node 'rz': expects roi to hold 4 values"]}
// CHECK-LABEL: func.func @f_shape_check
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x?x?xf32>, %[[S:[^:]+]]: tensor<?xf32>, %[[Y:[^:]+]]: tensor<2x3xf32>, %[[Z:[^:]+]]: tensor<?xi64>, %[[R:[^:]+]]: tensor<?xf32>) -> i32
// CHECK: %[[DS:.+]] = tensor.dim %[[S]], %{{.+}}
// CHECK: arith.cmpi eq, %[[DS]], %{{.+}}
// CHECK: %[[DZ:.+]] = tensor.dim %[[Z]], %{{.+}}
// CHECK: arith.cmpi eq, %[[DZ]], %{{.+}}
// CHECK: %[[DR:.+]] = tensor.dim %[[R]], %{{.+}}
// CHECK: arith.cmpi eq, %[[DR]], %{{.+}}
func.func @f(%x: tensor<?x?x?xf32>, %s: tensor<?xf32>, %y: tensor<2x3xf32>, %z: tensor<?xi64>, %r: tensor<?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?xf32>) {
  %0 = blade.resize %x scales %s {coordinate_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "linear", nearest_mode = "floor"} : (tensor<?x?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32> loc("rs")
  %1 = blade.resize %y sizes %z roi %r {coordinate_mode = "tf_crop_and_resize", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, kernel = "nearest", nearest_mode = "floor"} : (tensor<2x3xf32>, tensor<?xi64>, tensor<?xf32>) -> tensor<?x?xf32> loc("rz")
  return %0, %1 : tensor<?x?x?xf32>, tensor<?x?xf32>
}

// -----

// GridSample: batch sizes agree and the grid's last dim is 2. RoiAlign: rois
// and batch indices count the same regions, rois have 4 columns. Neither
// samples an empty image (RoiAlign reads the batch dim too).
// CHECK: blade.shape_checks = {g = ["node 'gs': the input and the grid differ in batch size at run time", "node 'gs': the grid's last dim must be 2", "node 'ra': rois and batch indices differ in the number of regions at run time", "node 'ra': rois must be [num_rois, 4]", "node 'ra': dim 0 of the input is empty at run time"]}
// CHECK-LABEL: func.func @g_shape_check
func.func @g(%x: tensor<?x3x8x8xf32>, %g: tensor<?x4x4x?xf32>, %r: tensor<?x?xf32>, %i: tensor<?xi64>) -> (tensor<?x3x4x4xf32>, tensor<?x3x1x1xf32>) {
  %0 = blade.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<?x3x8x8xf32>, tensor<?x4x4x?xf32>) -> tensor<?x3x4x4xf32> loc("gs")
  %1 = blade.roi_align %x, %r, %i {half_pixel = true, mode = "avg", sampling_ratio = 0 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<?x3x8x8xf32>, tensor<?x?xf32>, tensor<?xi64>) -> tensor<?x3x1x1xf32> loc("ra")
  return %0, %1 : tensor<?x3x4x4xf32>, tensor<?x3x1x1xf32>
}
