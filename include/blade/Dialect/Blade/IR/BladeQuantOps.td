//===- BladeQuantOps.td - quantization ops -*- tablegen -*-===//
//
// Linear quantization between floats and 8-bit (or 32-bit) integers, per
// tensor or per axis (ONNX QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEQUANTOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEQUANTOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

def Blade_QuantizeOp : Blade_Op<"quantize", [Pure]> {
  let summary = "Float to integer linear quantization (ONNX QuantizeLinear)";
  let description = [{
    `saturate(round_half_even(x / scale) + zero_point)` into the integer type
    of `zero_point`. A 0-d `scale`/`zero_point` applies to the whole tensor; a
    1-D one gives one value per index of dim `axis`.

    Example:

    ```mlir
    %q = blade.quantize %x, %s, %z {axis = 1 : i64}
         : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<?x3xui8>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$input, Blade_FloatTensor:$scale,
                       Blade_IntegerTensor:$zero_point, I64Attr:$axis);
  let results = (outs Blade_IntegerTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_DequantizeOp : Blade_Op<"dequantize", [Pure]> {
  let summary = "Integer to float linear dequantization (ONNX DequantizeLinear)";
  let description = [{
    `(x - zero_point) * scale`, with per-tensor or per-axis parameters as in
    `blade.quantize`.

    Example:

    ```mlir
    %x = blade.dequantize %q, %s, %z {axis = 1 : i64}
         : (tensor<?x3xi8>, tensor<f32>, tensor<i8>) -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins Blade_IntegerTensor:$input, Blade_FloatTensor:$scale,
                       Blade_IntegerTensor:$zero_point, I64Attr:$axis);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_DynamicQuantizeOp : Blade_Op<"dynamic_quantize", [Pure]> {
  let summary = "Quantize to uint8 with a range computed from the data (ONNX DynamicQuantizeLinear)";
  let description = [{
    Scale and zero point cover `[min(0, min(x)), max(0, max(x))]` with the
    256 values of uint8: `scale = (max - min) / 255`,
    `zero_point = saturate(round_half_even(-min / scale))`; the tensor is then
    quantized as by `blade.quantize`.

    Example:

    ```mlir
    %q, %s, %z = blade.dynamic_quantize %x
         : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$input);
  let results = (outs Blade_IntegerTensor:$result, Blade_FloatTensor:$scale,
                      Blade_IntegerTensor:$zero_point);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // BLADE_DIALECT_BLADE_IR_BLADEQUANTOPS_TD
