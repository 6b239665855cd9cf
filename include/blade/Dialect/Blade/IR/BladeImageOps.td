//===- BladeImageOps.td - image sampling ops -*- tablegen -*-===//
//
// Resampling of tensors at computed coordinates: separable resizing (ONNX
// Resize, Upsample), sampling at grid points (GridSample) and region pooling
// (RoiAlign).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEIMAGEOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEIMAGEOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

def Blade_ResizeOp : Blade_Op<"resize",
    [Pure, AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Separable resampling of every dimension (ONNX Resize, Upsample)";
  let description = [{
    Resamples each dimension `d` on its own. The output size is `sizes[d]`,
    or `floor(in[d] * scales[d])` when `scales` is given instead; the scale
    is `scales[d]`, or `sizes[d] / in[d]`. Output index `x` maps to the input
    coordinate `c(x)` by `coordinate_mode` (ONNX
    coordinate_transformation_mode, with `w = in[d] * scale`):

    * `half_pixel`: `(x + 0.5) / scale - 0.5`
    * `pytorch_half_pixel`: as `half_pixel`, or `-0.5` when `w == 1`
    * `align_corners`: `x * (in[d] - 1) / (w - 1)`, or `0` when `w == 1`
    * `asymmetric`: `x / scale`
    * `tf_half_pixel_for_nn`: `(x + 0.5) / scale`
    * `tf_crop_and_resize`: the window `[roi[d], roi[rank + d]]` (relative
      to `in[d] - 1`) spread over the output; coordinates outside
      `[0, in[d] - 1]` give `extrapolation_value`.

    With `b = ceil(c) - 1` and `t = c - b` (in `(0, 1]`), `kernel` reads
    * `nearest`: one element, `b` or `b + 1` as `nearest_mode` rounds `t`
      (`round_prefer_floor`, `round_prefer_ceil`, `floor`, `ceil`; an integral
      `c` always reads itself);
    * `linear`: `b`, `b + 1` with weights `1 - t`, `t`;
    * `cubic`: `b - 1 ... b + 2` with Keys' weights of parameter
      `cubic_coeff_a`; with `exclude_outside`, taps outside the input get
      weight 0 and the others are renormalised.
    Taps outside the input read the nearest edge element. Coordinates and
    weights are computed in f64.

    Example:

    ```mlir
    %y = blade.resize %x scales %s {coordinate_mode = "half_pixel",
           cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false,
           extrapolation_value = 0.000000e+00 : f32, kernel = "linear",
           nearest_mode = "round_prefer_floor"}
         : (tensor<1x3x?x?xf32>, tensor<4xf32>) -> tensor<1x3x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$input,
                       Optional<Blade_FloatTensor>:$scales,
                       Optional<RankedTensorOf<[I64]>>:$sizes,
                       Optional<Blade_FloatTensor>:$roi,
                       StrAttr:$kernel, StrAttr:$coordinate_mode,
                       StrAttr:$nearest_mode, F32Attr:$cubic_coeff_a,
                       BoolAttr:$exclude_outside, F32Attr:$extrapolation_value);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $input (`scales` $scales^)? (`sizes` $sizes^)? (`roi` $roi^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_GridSampleOp : Blade_Op<"grid_sample",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Samples an NCHW tensor at grid points (ONNX GridSample)";
  let description = [{
    `result[n, c, h, w]` samples `input[n, c]` at the point
    `grid[n, h, w] = (x, y)`, normalised to `[-1, 1]` (the corner pixels'
    centres with `align_corners`, else their outer edges). `mode` is
    `bilinear`, `nearest` (rounding half to even) or `bicubic` (A = -0.75);
    `padding_mode` says what points outside the input read: `zeros`,
    `border` (the clamped coordinate) or `reflection` (the coordinate
    reflected at the borders).

    Example:

    ```mlir
    %y = blade.grid_sample %x, %g {align_corners = false, mode = "bilinear",
           padding_mode = "zeros"}
         : (tensor<?x3x8x8xf32>, tensor<?x4x4x2xf32>) -> tensor<?x3x4x4xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$input, Blade_FloatTensor:$grid,
                       StrAttr:$mode, StrAttr:$padding_mode,
                       BoolAttr:$align_corners);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $grid attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_RoiAlignOp : Blade_Op<"roi_align",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Pools bilinear samples of regions of interest (ONNX RoiAlign)";
  let description = [{
    For region `r` (`rois[r] = [x1, y1, x2, y2]` scaled by `spatial_scale`,
    minus 0.5 with `half_pixel`) of image `batch_indices[r]`, splits the
    region into `output_height x output_width` bins and pools (`mode` =
    `avg` or `max`) `sampling_ratio^2` bilinear samples per bin (adaptive,
    `ceil(bin size)`, when `sampling_ratio` is 0). Without `half_pixel`
    regions are at least 1 x 1.

    Example:

    ```mlir
    %y = blade.roi_align %x, %rois, %idx {half_pixel = true, mode = "avg",
           sampling_ratio = 2 : i64, spatial_scale = 1.000000e+00 : f32}
         : (tensor<1x3x10x10xf32>, tensor<?x4xf32>, tensor<?xi64>)
         -> tensor<?x3x5x5xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$input, Blade_FloatTensor:$rois,
                       RankedTensorOf<[AnyInteger]>:$batch_indices,
                       StrAttr:$mode, I64Attr:$sampling_ratio,
                       F32Attr:$spatial_scale, BoolAttr:$half_pixel);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $rois `,` $batch_indices attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADEIMAGEOPS_TD
