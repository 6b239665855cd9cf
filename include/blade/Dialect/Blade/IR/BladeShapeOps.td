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
    shape. The result may have at most one dynamic dimension; its size is the
    operand's element count divided by the product of the static result
    dimensions. When both shapes are static their element counts must agree.

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

#endif // BLADE_DIALECT_BLADE_IR_BLADESHAPEOPS_TD
