//===- BladeMatrixOps.td - Matrix functions -----------------*- tablegen -*-===//
//
// Functions of square matrices that need a factorization: the determinant.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEMATRIXOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEMATRIXOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

def Blade_DetOp : Blade_Op<"det",
    [Pure, SameOperandsAndResultElementType,
     DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Determinants of square matrices (ONNX Det)";
  let description = [{
    The determinant of each matrix formed by the last two dims, which must
    be equal (checked at run time when dynamic); the result has the leading
    (batch) dims. Computed by Gaussian elimination with partial pivoting.

    Example:

    ```mlir
    %d = blade.det %x : (tensor<?x3x3xf32>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADEMATRIXOPS_TD
