//===- BladeSelectionOps.td - ops with data-dependent shapes -*- tablegen -*-===//
//
// Ops whose result sizes depend on the data: they select elements, slices or
// boxes, and their `?` dims are computed while the model runs (ONNX NonZero,
// Compress through NonZero, Unique, NonMaxSuppression).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADESELECTIONOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADESELECTIONOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

def Blade_NonZeroOp : Blade_Op<"nonzero", [Pure]> {
  let summary = "Indices of the nonzero elements (ONNX NonZero, Compress)";
  let description = [{
    Returns a `[rank, count]` int64 tensor: column `j` holds the indices of
    the `j`-th nonzero element in row-major order. `count` is only known at
    run time. The operand has rank >= 1.

    Example:

    ```mlir
    %i = blade.nonzero %x : (tensor<?x3xi1>) -> tensor<2x?xi64>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnyInteger]>:$operand);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_UniqueOp : Blade_Op<"unique", [Pure]> {
  let summary = "Distinct rows of a matrix (ONNX Unique)";
  let description = [{
    Finds the distinct rows of an `[N, S]` operand (the importer moves the
    ONNX axis to the front and flattens the rest; without an axis every
    element is a row of length 1). Results: the `U` distinct rows, the index
    of each one's first occurrence, for each of the `N` rows the index of its
    distinct row, and how often each distinct row occurs. With `sorted` the
    rows are in ascending lexicographic order (unsigned integers and bools
    compare unsigned), else in order of first occurrence. Float elements
    compare as numbers (a NaN equals nothing). `U` is only known at run
    time; the cost is quadratic in `N`.

    Example:

    ```mlir
    %y, %idx, %inv, %cnt = blade.unique %x {sorted = true}
        : (tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>)
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnyInteger]>:$operand,
                       BoolAttr:$sorted);
  let results = (outs RankedTensorOf<[AnyFloat, AnyInteger]>:$unique,
                      RankedTensorOf<[I64]>:$indices,
                      RankedTensorOf<[I64]>:$inverse_indices,
                      RankedTensorOf<[I64]>:$counts);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_NonMaxSuppressionOp : Blade_Op<"non_max_suppression",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Greedy box selection by score and overlap (ONNX NonMaxSuppression)";
  let description = [{
    For every batch `b` and class `c`, visits the boxes of `boxes[b]` by
    descending `scores[b, c]` (equal scores: lower index first), skips boxes
    whose score is not above `score_threshold`, and keeps a box unless its
    intersection over union with a box already kept for `(b, c)` is above
    `iou_threshold`; at most `max_output_boxes_per_class` boxes are kept per
    `(b, c)`. Boxes are `[y1, x1, y2, x2]` (any two opposite corners), or
    `[x_center, y_center, width, height]` with `center_point_box`. The
    result lists `[b, c, box]` of the kept boxes, grouped by `(b, c)` in
    order; its length is only known at run time. The scalar parameters are
    0-d tensors.

    Example:

    ```mlir
    %sel = blade.non_max_suppression %boxes, %scores, %max, %iou, %score
           {center_point_box = false}
         : (tensor<?x?x4xf32>, tensor<?x?x?xf32>, tensor<i64>, tensor<f32>, tensor<f32>)
           -> tensor<?x3xi64>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$boxes, Blade_FloatTensor:$scores,
                       RankedTensorOf<[I64]>:$max_output_boxes_per_class,
                       Blade_FloatTensor:$iou_threshold,
                       Blade_FloatTensor:$score_threshold,
                       BoolAttr:$center_point_box);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $boxes `,` $scores `,` $max_output_boxes_per_class `,` $iou_threshold `,`
    $score_threshold attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADESELECTIONOPS_TD
