//===- BladeShapeOps.td - data movement -*- tablegen -*-===//
//
// Constants and data movement: reshape, transpose, and the shape,
// indexing and layout ops of ONNX.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADESHAPEOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADESHAPEOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Blade_ConstantOp : Blade_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "output"]>]> {
  let summary = "A constant tensor (ONNX initializers, Constant)";
  let description = [{
    Holds a tensor value known at compile time. The ONNX importer turns graph
    initializers and `Constant` nodes into this op.

    Example:

    ```mlir
    %w = blade.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Blade_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Blade_TransposeOp : Blade_Op<"transpose",
    [Pure, SameOperandsAndResultElementType]> {
  let summary = "Permutes dimensions (ONNX Transpose)";
  let description = [{
    Result dimension `i` is operand dimension `permutation[i]`.

    Example:

    ```mlir
    %y = blade.transpose %x, [1, 0] : (tensor<?x4xf32>) -> tensor<4x?xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand,
                       DenseI64ArrayAttr:$permutation);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand `,` $permutation attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_ReshapeOp : Blade_Op<"reshape",
    [Pure, SameOperandsAndResultElementType,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Reinterprets a tensor with a new shape (ONNX Reshape, Flatten)";
  let description = [{
    Keeps the elements in row-major order and gives them the result type's
    shape. Every result dimension must follow from the operand's dims:
    either the result has at most one dynamic dimension (its size is the
    operand's element count divided by the product of the static result
    dimensions), or the reshape only merges or splits runs of adjacent dims
    (Flatten, Squeeze, Unsqueeze) and each split run has at most one dynamic
    dim. When both shapes are static their element counts must agree.
    Reshapes whose result dims are only known at run time use
    `blade.dynamic_reshape`.

    Example:

    ```mlir
    %y = blade.reshape %x : (tensor<?x2x4xf32>) -> tensor<?x8xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Shapes as values
//===----------------------------------------------------------------------===//

def Blade_ShapeOfOp : Blade_Op<"shape_of", [Pure]> {
  let summary = "Dims of a tensor as a 1-D int64 tensor (ONNX Shape)";
  let description = [{
    The dims `start` (inclusive) to `end` (exclusive) of the operand, with
    `0 <= start <= end <= rank`. Folds to a constant when those dims are
    static, so shape arithmetic on static tensors disappears at import.

    Example:

    ```mlir
    %s = blade.shape_of %x [0 : 2] : tensor<?x4x8xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, I64Attr:$start, I64Attr:$end);
  let results = (outs 1DTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $operand `[` $start `:` $end `]` attr-dict `:` type($operand) `->`
    type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_SizeOp : Blade_Op<"size", [Pure]> {
  let summary = "Element count of a tensor as an int64 scalar (ONNX Size)";
  let description = [{
    Folds to a constant when the operand's shape is static.

    Example:

    ```mlir
    %n = blade.size %x : tensor<?x4xf32> -> tensor<i64>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand);
  let results = (outs 0DTensorOf<[I64]>:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `->` type($result)";
  let hasFolder = 1;
}

def Blade_ConstantOfShapeOp : Blade_Op<"constant_of_shape", [Pure]> {
  let summary = "A tensor filled with one value (ONNX ConstantOfShape)";
  let description = [{
    The result has the dims held by the 1-D integer `shape` operand and
    every element equal to the single element of `value`. Folds to a splat
    constant when the result type is static.

    Example:

    ```mlir
    %z = blade.constant_of_shape %s, dense<0.0> : tensor<1xf32>
        : (tensor<2xi64>) -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins 1DTensorOf<[AnyInteger]>:$shape, ElementsAttr:$value);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $shape `,` $value attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_RangeOp : Blade_Op<"range", [Pure]> {
  let summary = "start, start + delta, ... up to limit (ONNX Range)";
  let description = [{
    A 1-D tensor of `max(ceil((limit - start) / delta), 0)` elements; the
    operands are scalars of the result's element type. Folds when all three
    are constants.

    Example:

    ```mlir
    %r = blade.range %a, %b, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
    ```
  }];
  let arguments = (ins 0DTensorOf<[AnyFloat, AnyInteger]>:$start,
                       0DTensorOf<[AnyFloat, AnyInteger]>:$limit,
                       0DTensorOf<[AnyFloat, AnyInteger]>:$delta);
  let results = (outs 1DTensorOf<[AnyFloat, AnyInteger]>:$result);
  let assemblyFormat = [{
    $start `,` $limit `,` $delta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Reshaping and joining
//===----------------------------------------------------------------------===//

def Blade_DynamicReshapeOp : Blade_Op<"dynamic_reshape",
    [Pure, AllElementTypesMatch<["operand", "result"]>,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Reshape to dims computed at run time (ONNX Reshape)";
  let description = [{
    Reshapes to the dims held by the 1-D integer `shape` operand, with ONNX
    Reshape's rules: an entry 0 copies the operand dim at the same index
    (unless `allow_zero` is set, when it is a zero dim) and one entry -1 is
    inferred from the element count. The result type's static dims must
    agree with the run-time entries. Used when the importer cannot resolve
    the target shape; constant shapes become `blade.reshape`. The run-time
    shape checks verify that the resolved dims hold the operand's elements.

    Example:

    ```mlir
    %y = blade.dynamic_reshape %x, %s : (tensor<?x?x8xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, 1DTensorOf<[AnyInteger]>:$shape,
                       UnitAttr:$allow_zero);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand `,` $shape attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The result dims as index values, with 0 and -1 resolved against the
    /// (possibly converted) `operand` and `shape` values. Shared by the
    /// lowering and the run-time shape checks.
    static llvm::SmallVector<mlir::Value> buildResultDims(
        mlir::OpBuilder &b, mlir::Location loc, mlir::Value operand,
        mlir::Value shape, bool allowZero, int64_t rank);
  }];
}

def Blade_CheckedCastOp : Blade_Op<"checked_cast",
    [Pure, SameOperandsAndResultElementType,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Makes dynamic dims static, checked at run time";
  let description = [{
    The operand with the result type, whose dims may be static where the
    operand's are dynamic; ranks are equal and static dims agree. The run-time
    shape checks verify each such dim. The importer uses it where ONNX gives
    the length of a shape-like input only through a declared rank (Reshape,
    Expand, ConstantOfShape, Unsqueeze/Squeeze and ReduceSum axes, the last
    GatherND/ScatterND indices dim), so that the ops after it see a static
    length. Folds to its operand when the types agree.

    Example:

    ```mlir
    %s4 = blade.checked_cast %s : (tensor<?xi64>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_AssertOp : Blade_Op<"assert",
    [DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "A rule on run-time values, checked before the run";
  let description = [{
    `condition` (a bool scalar) must hold at run time; otherwise the
    shape-check function reports `message` and the model is not run. The
    importer states rules of ONNX inputs whose values decide shapes (the
    run-time axes of Squeeze and Unsqueeze). The op has no result; the
    lowering of the model itself erases it.

    Example:

    ```mlir
    blade.assert %ok, "axes must name distinct dims" : tensor<i1>
    ```
  }];
  let arguments = (ins 0DTensorOf<[I1]>:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict `:` type($condition)";
}

def Blade_ConcatOp : Blade_Op<"concat",
    [Pure, SameOperandsAndResultElementType,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Joins tensors along one axis (ONNX Concat)";
  let description = [{
    All inputs have the result's rank and agree in every dim but `axis`
    (a non-negative dim index), along which the result is their sum.
    Dynamic dims that must agree are checked at run time. Folds when every
    input is a constant.

    Example:

    ```mlir
    %y = blade.concat %a, %b {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
    ```
  }];
  let arguments = (ins Variadic<Blade_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_SliceOp : Blade_Op<"slice", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Strided slice of every dim (ONNX Slice, Split)";
  let description = [{
    One `start`, `end` and nonzero `step` per operand dim, with ONNX Slice's
    rules applied to the dim's (possibly run-time) size `d`: negative start
    and end count from `d`, and both are clamped to `[0, d]` for positive
    steps and `[-1, d - 1]` for negative ones. The result dim is
    `max(ceil((end - start) / step), 0)`. Folds on constants.

    Example:

    ```mlir
    %y = blade.slice %x [0, 1] to [9223372036854775807, -1] step [1, 2]
        : (tensor<?x8xf32>) -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand $starts `to` $ends `step` $steps attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_DynamicSliceOp : Blade_Op<"dynamic_slice",
    [Pure, AllElementTypesMatch<["operand", "result"]>]> {
  let summary = "Slice with bounds known at run time (ONNX Slice)";
  let description = [{
    ONNX Slice with its `starts`, `ends`, `axes` and `steps` as 1-D integer
    operands of one length (the length of `starts` is used; it may be known
    only at run time): dims not named in `axes` are kept whole,
    the others follow `blade.slice`'s rules with the run-time dim sizes. A
    zero step is treated as 1. Used when the importer cannot make the bounds
    constant; constant bounds become `blade.slice` (at import, or by
    canonicalization once shape arithmetic folds).

    Example:

    ```mlir
    %y = blade.dynamic_slice %x, %starts, %ends, %axes, %steps
        : (tensor<?x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>,
           tensor<1xi64>) -> tensor<?x8xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, 1DTensorOf<[AnyInteger]>:$starts,
                       1DTensorOf<[AnyInteger]>:$ends,
                       1DTensorOf<[AnyInteger]>:$axes,
                       1DTensorOf<[AnyInteger]>:$steps);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand `,` $starts `,` $ends `,` $axes `,` $steps attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  // Bounds that became constants (shape arithmetic folded after
  // blade-resolve-shape-queries) make it a `blade.slice`: a view, not a copy.
  let hasCanonicalizer = 1;
}

def Blade_ExpandOp : Blade_Op<"expand",
    [Pure, AllElementTypesMatch<["operand", "result"]>,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Broadcasts to a shape held in a tensor (ONNX Expand)";
  let description = [{
    Numpy-broadcasts the operand against the 1-D integer `shape`: result dim
    `i` is the operand's aligned dim unless that is 1, else the shape entry.
    Dims of 1 broadcast even when they are only known to be 1 at run time.

    Example:

    ```mlir
    %y = blade.expand %x, %s : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, 1DTensorOf<[AnyInteger]>:$shape);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand `,` $shape attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_TileOp : Blade_Op<"tile",
    [Pure, AllElementTypesMatch<["operand", "result"]>]> {
  let summary = "Repeats a tensor along every dim (ONNX Tile)";
  let description = [{
    Result dim `i` is operand dim `i` times `repeats[i]`; element `j` reads
    operand element `j mod d`.

    Example:

    ```mlir
    %y = blade.tile %x, %r : (tensor<2x?xf32>, tensor<2xi64>) -> tensor<4x?xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, 1DTensorOf<[AnyInteger]>:$repeats);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand `,` $repeats attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_PadOp : Blade_Op<"pad",
    [Pure, AllElementTypesMatch<["operand", "value", "result"]>]> {
  let summary = "Pads (or crops) every dim (ONNX Pad)";
  let description = [{
    `pads` (1-D integer, `2 * rank` entries as in ONNX: all begin amounts,
    then all end amounts) adds elements before and after each dim; negative
    amounts crop. `mode` is `constant` (new elements are `value`), `reflect`
    (mirror without the edge) or `edge` (repeat the edge). Amounts may be
    known only at run time; reads are clamped into the operand.

    Example:

    ```mlir
    %y = blade.pad %x, %pads, %v {mode = "reflect"}
        : (tensor<?x4xf32>, tensor<4xi64>, tensor<f32>) -> tensor<?x7xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, 1DTensorOf<[AnyInteger]>:$pads,
                       0DTensorOf<[AnyType]>:$value, StrAttr:$mode);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand `,` $pads `,` $value attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_TriluOp : Blade_Op<"trilu",
    [Pure, AllTypesMatch<["operand", "result"]>]> {
  let summary = "Upper or lower triangle of the last two dims (ONNX Trilu)";
  let description = [{
    Keeps element `[..., i, j]` when `j - i >= k` (`upper`) or `j - i <= k`
    (lower) and sets the others to zero. `k` is an int64 scalar.

    Example:

    ```mlir
    %y = blade.trilu %x, %k {upper = true} : (tensor<?x4x5xf32>, tensor<i64>) -> tensor<?x4x5xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, 0DTensorOf<[I64]>:$k,
                       BoolAttr:$upper);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $operand `,` $k attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_EyeLikeOp : Blade_Op<"eye_like", [Pure]> {
  let summary = "Ones on a diagonal, zeros elsewhere (ONNX EyeLike)";
  let description = [{
    A 2-D tensor of the operand's shape and the result's element type, with
    ones where `j - i == k`.

    Example:

    ```mlir
    %y = blade.eye_like %x {k = 1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xi32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$operand, I64Attr:$k);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

def Blade_GatherOp : Blade_Op<"gather",
    [Pure, AllElementTypesMatch<["data", "result"]>]> {
  let summary = "Picks slices along one axis by index (ONNX Gather)";
  let description = [{
    Result shape: `data` dims before `axis`, then the `indices` dims, then
    the `data` dims after `axis`. Negative indices count from the end of the
    axis; indices still out of range are clamped to it (never read out of
    bounds). Folds on constants.

    Example:

    ```mlir
    %y = blade.gather %x, %i {axis = 1 : i64} : (tensor<?x8xf32>, tensor<3xi64>) -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$data, Blade_IntegerTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_GatherElementsOp : Blade_Op<"gather_elements",
    [Pure, AllElementTypesMatch<["data", "result"]>]> {
  let summary = "Elementwise gather along one axis (ONNX GatherElements)";
  let description = [{
    `result[i0, ..., ik, ...] = data[i0, ..., indices[i0, ..., ik, ...], ...]`
    with the index in position `axis`; the result has the indices' shape.
    Negative indices wrap, out-of-range ones are clamped.

    Example:

    ```mlir
    %y = blade.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x3xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$data, Blade_IntegerTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_GatherNDOp : Blade_Op<"gather_nd",
    [Pure, AllElementTypesMatch<["data", "result"]>]> {
  let summary = "Gathers slices by index tuples (ONNX GatherND)";
  let description = [{
    The last dim of `indices` (static, `m`) holds index tuples into `data`
    dims `batch_dims .. batch_dims + m`; the first `batch_dims` dims of both
    are shared. Result shape: `indices.shape[:-1] + data.shape[batch_dims +
    m:]`. Negative indices wrap, out-of-range ones are clamped.

    Example:

    ```mlir
    %y = blade.gather_nd %x, %i {batch_dims = 0 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$data, Blade_IntegerTensor:$indices,
                       I64Attr:$batch_dims);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_ScatterElementsOp : Blade_Op<"scatter_elements",
    [Pure, AllTypesMatch<["data", "result"]>]> {
  let summary = "Writes updates at per-element indices (ONNX ScatterElements)";
  let description = [{
    A copy of `data` where, for every position `p` of `indices` (and
    `updates`, of the same shape), the element at `p` with the index along
    `axis` replaced by `indices[p]` becomes `updates[p]` (`reduction` none),
    or is combined with it (`add`, `mul`, `max`, `min`). Updates apply in
    row-major order. Negative indices wrap, out-of-range ones are clamped.

    Example:

    ```mlir
    %y = blade.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "none"}
        : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$data, Blade_IntegerTensor:$indices,
                       Blade_Tensor:$updates, I64Attr:$axis, StrAttr:$reduction);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_ScatterNDOp : Blade_Op<"scatter_nd",
    [Pure, AllTypesMatch<["data", "result"]>]> {
  let summary = "Writes slices at index tuples (ONNX ScatterND)";
  let description = [{
    A copy of `data` where the slice addressed by each index tuple (the last,
    static dim of `indices`) is replaced by (or combined with, per
    `reduction`) the matching slice of `updates`, whose shape is
    `indices.shape[:-1] + data.shape[m:]`. Negative indices wrap,
    out-of-range ones are clamped.

    Example:

    ```mlir
    %y = blade.scatter_nd %d, %i, %u {reduction = "none"}
        : (tensor<8xf32>, tensor<4x1xi64>, tensor<4xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Blade_Tensor:$data, Blade_IntegerTensor:$indices,
                       Blade_Tensor:$updates, StrAttr:$reduction);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_OneHotOp : Blade_Op<"one_hot",
    [Pure, AllElementTypesMatch<["values", "result"]>]> {
  let summary = "One-hot encoding of indices (ONNX OneHot)";
  let description = [{
    Inserts a new dim of size `depth` (an integer or float scalar) at `axis`
    (non-negative, at most the indices' rank); the element is `values[1]`
    where its position along that dim equals the index (negative indices
    count from `depth`) and `values[0]` elsewhere.

    Example:

    ```mlir
    %y = blade.one_hot %i, %depth, %v {axis = 1 : i64}
        : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x?xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$indices,
                       0DTensorOf<[AnyInteger, AnyFloat]>:$depth,
                       1DTensorOf<[AnyType]>:$values, I64Attr:$axis);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $indices `,` $depth `,` $values attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADESHAPEOPS_TD
