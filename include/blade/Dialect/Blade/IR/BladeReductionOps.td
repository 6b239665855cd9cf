//===- BladeReductionOps.td - reductions -*- tablegen -*-===//
//
// Reductions along axes and the normalisations built on them (softmax
// family, later layer/instance/batch normalisation).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEREDUCTIONOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEREDUCTIONOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

//===----------------------------------------------------------------------===//
// Normalisations
//===----------------------------------------------------------------------===//

def Blade_SoftmaxOp : Blade_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "Softmax along one axis (ONNX Softmax)";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`, which must be a
    non-negative dimension index of the operand. The importer maps the
    opset < 13 "flatten to 2-D" semantics onto this op.

    Example:

    ```mlir
    %y = blade.softmax %x {axis = 1 : i64} : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand, I64Attr:$axis);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADEREDUCTIONOPS_TD
