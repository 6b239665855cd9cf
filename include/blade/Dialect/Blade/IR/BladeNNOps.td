//===- BladeNNOps.td - compute-intensive ops -*- tablegen -*-===//
//
// Compute-intensive ops that stay whole until codegen: matrix products,
// convolution and pooling.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADENNOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADENNOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Blade_MatMulOp : Blade_Op<"matmul",
    [Pure, SameOperandsAndResultElementType,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Matrix product with numpy semantics (ONNX MatMul, Gemm)";
  let description = [{
    Multiplies the two innermost dimensions of the operands; leading (batch)
    dimensions broadcast. Operands are at least 2-D: the importer reshapes
    1-D ONNX operands. This op stays whole until codegen so that it can be
    sent to a library kernel.

    Example:

    ```mlir
    %y = blade.matmul %x, %w : (tensor<?x64xf32>, tensor<64x10xf32>) -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$lhs, Blade_NumericTensor:$rhs);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_EinsumOp : Blade_Op<"einsum",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Einstein summation (ONNX Einsum)";
  let description = [{
    Multiplies the operands element by element over the index letters of
    `equation` and sums over the letters missing from the output. The
    equation is explicit (`lhs,rhs->out`), without spaces or ellipsis: the
    importer expands `...` into digits (`0`, `1`, ...) and implicit outputs
    into the letters used once, in alphabetical order. A letter repeated within one
    operand reads its diagonal.

    Canonicalization turns a two-operand einsum that is a (batched) matrix
    product, one letter summed, into transposes, unit-dim reshapes and a
    `blade.matmul`: `bhqd,bhkd->bhqk`, `btd,de->bte`, `bij,bjk->bik`.

    Example:

    ```mlir
    %y = blade.einsum %a, %b {equation = "bij,bjk->bik"}
         : (tensor<?x2x3xf32>, tensor<?x3x4xf32>) -> tensor<?x2x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Blade_NumericTensor>:$operands,
                       StrAttr:$equation);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $operands attr-dict `:` functional-type($operands, results)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Sliding windows: convolution and pooling
//===----------------------------------------------------------------------===//

def Blade_ConvOp : Blade_Op<"conv",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Grouped N-D convolution (ONNX Conv)";
  let description = [{
    Cross-correlates an `[N, C, D1, ...]` input with `[M, C / group, K1, ...]`
    weights and adds the optional `[M]` bias. `pads` holds the begin pads of
    every spatial dim, then the end pads; they are used when `auto_pad` is
    `NOTSET`. With `SAME_UPPER`/`SAME_LOWER` the pads are computed from the
    (possibly dynamic) input size so that each output dim is
    `ceil(input / stride)`; `VALID` pads nothing.

    Example:

    ```mlir
    %y = blade.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>,
           group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
         : (tensor<?x3x?x?xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<?x8x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$input, Blade_NumericTensor:$weight,
                       Optional<Blade_NumericTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads, StrAttr:$auto_pad,
                       I64Attr:$group);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_ConvTransposeOp : Blade_Op<"conv_transpose", [Pure]> {
  let summary = "Grouped N-D transposed convolution (ONNX ConvTranspose)";
  let description = [{
    The gradient of `blade.conv` with respect to its input: `[N, C, D1, ...]`
    input, `[C, M / group, K1, ...]` weights, optional `[M]` bias. Each output
    dim is `stride * (in - 1) + output_padding + dilation * (k - 1) + 1 -
    pad_begin - pad_end`; with `SAME_UPPER`/`SAME_LOWER` it is `in * stride`
    and the pads follow from it (the extra pad goes to the end for
    `SAME_UPPER`, to the beginning for `SAME_LOWER`).

    Example:

    ```mlir
    %y = blade.conv_transpose %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>,
           group = 1 : i64, output_padding = array<i64: 0, 0>,
           pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
         : (tensor<?x8x4x4xf32>, tensor<8x3x2x2xf32>) -> tensor<?x3x8x8xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$input, Blade_FloatTensor:$weight,
                       Optional<Blade_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output_padding, StrAttr:$auto_pad,
                       I64Attr:$group);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_PoolOp : Blade_Op<"pool",
    [Pure, DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "N-D max, average or Lp pooling (ONNX MaxPool, AveragePool, LpPool)";
  let description = [{
    Slides a `kernel_shape` window over the spatial dims of an `[N, C, D1, ...]`
    input and reduces it: `kind` is `max`, `avg` or `lp` (with exponent `p`).
    Padding works as in `blade.conv`. With `ceil_mode` the output size rounds
    up, and a last window that would start in the end padding is dropped.
    `avg` divides by the window size when `count_include_pad` is set, else by
    the number of input elements the window covers.

    `max` may also return the `indices` (i64) of the maxima (the first one in
    a window on ties) in the flattened input: row-major, or with
    `storage_order = 1` column-major over the spatial dims (ONNX MaxPool's
    Indices output).

    Example:

    ```mlir
    %y = blade.pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false,
           dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, kind = "max",
           p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
         : (tensor<?x8x?x?xf32>) -> tensor<?x8x?x?xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$input, StrAttr:$kind,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads, StrAttr:$auto_pad,
                       BoolAttr:$ceil_mode, BoolAttr:$count_include_pad,
                       I64Attr:$p,
                       DefaultValuedAttr<I64Attr, "0">:$storage_order);
  let results = (outs Blade_NumericTensor:$result,
                      Optional<Blade_IntegerTensor>:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADENNOPS_TD
