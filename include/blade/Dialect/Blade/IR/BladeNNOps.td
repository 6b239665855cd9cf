//===- BladeNNOps.td - compute-intensive ops -*- tablegen -*-===//
//
// Compute-intensive ops that stay whole until codegen: matrix products,
// later convolution and pooling.
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

#endif // BLADE_DIALECT_BLADE_IR_BLADENNOPS_TD
