//===- BladeReductionOps.td - reductions -*- tablegen -*-===//
//
// Reductions along axes and the normalisations built on them (softmax
// family, layer/instance/batch normalisation, LRN) and scans.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEREDUCTIONOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEREDUCTIONOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Blade_ReduceOp : Blade_Op<"reduce", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Reduces along axes (ONNX Reduce*, Global*Pool)";
  let description = [{
    Combines the elements along the dims in `axes` (sorted, unique,
    non-negative; possibly empty, then only the per-element map applies).
    `kind` is one of:

    * `sum`, `prod`, `max`, `min`: the plain reductions;
    * `mean`: the sum divided by the number of reduced elements (integer
      division truncates);
    * `l1`: sum of absolute values; `sum_square`: sum of squares;
    * `l2`: square root of the sum of squares (float only);
    * `log_sum`: log of the sum; `log_sum_exp`: log of the sum of exps,
      computed around the maximum (float only).

    With `keepdims` the reduced dims stay as 1s, else they are dropped. A
    reduction over zero elements gives the identity of the combination
    (0 for sum, 1 for prod, -inf/+inf or the integer limits for max/min)
    followed by the final map (so `log_sum` of nothing is -inf).

    Folds to the operand when `kind` is sum, mean, prod, max or min and
    every reduced dim is statically 1 and kept (or there are no axes).

    Example:

    ```mlir
    %y = blade.reduce %x {kind = "sum", axes = array<i64: 1>, keepdims = true}
        : (tensor<?x16xf32>) -> tensor<?x1xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$operand, StrAttr:$kind,
                       DenseI64ArrayAttr:$axes, BoolAttr:$keepdims);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_ReduceSumRuntimeAxesOp : Blade_Op<"reduce_sum_runtime_axes",
    [Pure]> {
  let summary = "Sum over axes known only at run time (ONNX ReduceSum >= 13)";
  let description = [{
    Sums over the dims listed in the 1-D i64 tensor `axes` (negative counts
    from the end; values out of range select no dim), keeping them as 1s
    with `keepdims`. Empty `axes` sum every dim, or none with
    `noop_with_empty_axes`. With `keepdims` the result has the operand's
    rank, else the rank less the (static) number of axes; its dims are
    dynamic unless 1. Used only when the axes are not constants; each
    element is read with tensor.extract.

    Example:

    ```mlir
    %y = blade.reduce_sum_runtime_axes %x, %axes {keepdims = true,
        noop_with_empty_axes = false}
        : (tensor<?x4xf32>, tensor<?xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$operand,
                       RankedTensorOf<[I64]>:$axes, BoolAttr:$keepdims,
                       BoolAttr:$noop_with_empty_axes);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $operand `,` $axes attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_ArgReduceOp : Blade_Op<"arg_reduce", [Pure]> {
  let summary = "Index of the maximum or minimum along an axis (ONNX ArgMax, ArgMin)";
  let description = [{
    The int64 index along `axis` of the largest (`kind = "max"`) or smallest
    (`kind = "min"`) element; ties give the first index, or the last one
    with `select_last_index`. With `keepdims` the axis stays as 1.

    Example:

    ```mlir
    %i = blade.arg_reduce %x {kind = "max", axis = 1 : i64, keepdims = false,
                              select_last_index = false}
        : (tensor<?x16xf32>) -> tensor<?xi64>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$operand, StrAttr:$kind,
                       I64Attr:$axis, BoolAttr:$keepdims,
                       BoolAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_CumSumOp : Blade_Op<"cumsum",
    [Pure, AllTypesMatch<["operand", "result"]>]> {
  let summary = "Cumulative sum along an axis (ONNX CumSum)";
  let description = [{
    Result element `i` along the axis is the sum of the operand elements up
    to and including `i` (excluding it with `exclusive`); with `reverse` the
    sum runs from the end. The axis is the `axis` attribute or, when only
    known at run time, the one-element integer tensor `axis_value`
    (negative counts from the end; a value out of range gives zeros).

    Example:

    ```mlir
    %y = blade.cumsum %x {axis = 0 : i64, exclusive = false, reverse = true}
        : tensor<?x4xf32>
    %z = blade.cumsum %x [%a : tensor<i32>] {exclusive = true,
        reverse = false} : tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$operand,
                       Optional<Blade_IntegerTensor>:$axis_value,
                       OptionalAttr<I64Attr>:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $operand (`[` $axis_value^ `:` type($axis_value) `]`)? attr-dict `:`
    type($result)
  }];
  let hasVerifier = 1;
}

def Blade_TopKOp : Blade_Op<"top_k",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "The k largest or smallest elements along an axis (ONNX TopK)";
  let description = [{
    `k` is a one-element i64 tensor of rank <= 1 (a run-time value is
    allowed, its dim may be dynamic; the result's `axis` dim is then
    dynamic). Returns the elements sorted
    (largest first, or smallest first without `largest`) with their int64
    indices; equal elements keep the lower index first. Each element's
    position is its rank among the elements along the axis, so the cost is
    quadratic in the axis length. A run-time `k` above the axis length
    leaves the extra result positions 0.

    Example:

    ```mlir
    %v, %i = blade.top_k %x, %k {axis = 1 : i64, largest = true}
        : (tensor<?x16xf32>, tensor<1xi64>) -> (tensor<?x3xf32>, tensor<?x3xi64>)
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$operand,
                       RankedTensorOf<[I64]>:$k, I64Attr:$axis,
                       BoolAttr:$largest);
  let results = (outs Blade_NumericTensor:$values,
                      RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = [{
    $operand `,` $k attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalisations
//===----------------------------------------------------------------------===//

class Blade_SoftmaxLikeOp<string mnemonic, string onnxOp, string formula>
    : Blade_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = formula # " along an axis (ONNX " # onnxOp # ")";
  let description = [{
    Normalizes along `axis`, which must be a non-negative dimension index of
    the operand. With `flatten` (ONNX opset < 13 semantics) the dims from
    `axis` to the last one are normalized together, as if the operand were
    coerced to 2-D at `axis`.

    Example:

    ```mlir
    %y = blade.}] # mnemonic # [{ %x {axis = 1 : i64} : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand, I64Attr:$axis,
                       UnitAttr:$flatten);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Blade_SoftmaxOp : Blade_SoftmaxLikeOp<"softmax", "Softmax",
    "exp(x - max(x)) / sum(exp(x - max(x)))">;
def Blade_LogSoftmaxOp : Blade_SoftmaxLikeOp<"log_softmax", "LogSoftmax",
    "x - max(x) - log(sum(exp(x - max(x))))">;
def Blade_HardmaxOp : Blade_SoftmaxLikeOp<"hardmax", "Hardmax",
    "1 at the first maximum, else 0,">;

def Blade_LayerNormOp : Blade_Op<"layer_norm",
    [Pure,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Layer normalisation (ONNX LayerNormalization)";
  let description = [{
    Normalizes over the dims from `axis` to the last:
    `y = (x - mean) * inv_std_dev * scale + bias` with
    `inv_std_dev = 1 / sqrt(var + epsilon)`. `scale` and the optional `bias`
    broadcast (numpy, unidirectionally) to the normalized dims. `mean` and
    `inv_std_dev` have the operand's shape with the normalized dims set to
    1; they are computed in f32 when the operand is f16/bf16 (the ONNX
    `stash_type` 1), else in the operand type.

    Example:

    ```mlir
    %y, %mean, %isd = blade.layer_norm %x, %scale, %bias {axis = 1 : i64,
        epsilon = 1.0e-05 : f32}
        : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
        -> (tensor<?x16xf32>, tensor<?x1xf32>, tensor<?x1xf32>)
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand, Blade_FloatTensor:$scale,
                       Optional<Blade_FloatTensor>:$bias, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Blade_FloatTensor:$result, Blade_FloatTensor:$mean,
                      Blade_FloatTensor:$inv_std_dev);
  let assemblyFormat = [{
    $operand `,` $scale (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_MeanVarianceNormOp : Blade_Op<"mean_variance_norm",
    [Pure, SameOperandsAndResultType]> {
  let summary = "Mean-variance normalisation (ONNX MeanVarianceNormalization)";
  let description = [{
    `(x - mean) / (sqrt(var) + epsilon)` with mean and variance taken over
    the dims in `axes` (sorted, unique, non-negative).

    Example:

    ```mlir
    %y = blade.mean_variance_norm %x {axes = array<i64: 0, 2, 3>,
        epsilon = 1.0e-09 : f32} : tensor<?x3x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand, DenseI64ArrayAttr:$axes,
                       F32Attr:$epsilon);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Blade_InstanceNormOp : Blade_Op<"instance_norm",
    [Pure, SameOperandsAndResultElementType,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Instance normalisation (ONNX InstanceNormalization)";
  let description = [{
    For an `N x C x D1 x ...` operand, normalizes each (n, c) over the
    spatial dims: `y = (x - mean) / sqrt(var + epsilon) * scale[c] +
    bias[c]`.

    Example:

    ```mlir
    %y = blade.instance_norm %x, %scale, %bias {epsilon = 1.0e-05 : f32}
        : (tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand, Blade_FloatTensor:$scale,
                       Blade_FloatTensor:$bias, F32Attr:$epsilon);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = [{
    $operand `,` $scale `,` $bias attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_BatchNormOp : Blade_Op<"batch_norm",
    [Pure, SameOperandsAndResultElementType,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Batch normalisation, inference mode (ONNX BatchNormalization)";
  let description = [{
    For an `N x C x ...` operand: `y = (x - mean[c]) / sqrt(var[c] +
    epsilon) * scale[c] + bias[c]` with the given running statistics.

    Example:

    ```mlir
    %y = blade.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
        : (tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>,
           tensor<3xf32>) -> tensor<?x3x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand, Blade_FloatTensor:$scale,
                       Blade_FloatTensor:$bias, Blade_FloatTensor:$mean,
                       Blade_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = [{
    $operand `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_LRNOp : Blade_Op<"lrn", [Pure, SameOperandsAndResultType]> {
  let summary = "Local response normalisation across channels (ONNX LRN)";
  let description = [{
    For an `N x C x ...` operand:
    `y = x / (bias + alpha / size * square_sum) ^ beta`, where `square_sum`
    sums the squares over channels `c - floor((size-1)/2)` to
    `c + ceil((size-1)/2)` that exist.

    Example:

    ```mlir
    %y = blade.lrn %x {alpha = 1.0e-04 : f32, beta = 0.75 : f32,
        bias = 1.0 : f32, size = 3 : i64} : tensor<?x5x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand, F32Attr:$alpha,
                       F32Attr:$beta, F32Attr:$bias, I64Attr:$size);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADEREDUCTIONOPS_TD
