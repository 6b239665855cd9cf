//===- BladeOps.td - blade dialect operations ---------------*- tablegen -*-===//
//
// The operations of the `blade` dialect. Each op names the ONNX operator(s)
// it serves. Verifiers forward to the shared checks in TypeInference.h, which
// the ONNX importer also uses to compute result types.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEOPS_TD

include "blade/Dialect/Blade/IR/BladeDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Blade_Tensor : RankedTensorOf<[AnyType]>;
def Blade_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Blade_NumericTensor : RankedTensorOf<[AnyFloat, AnyInteger]>;

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
// Elementwise
//===----------------------------------------------------------------------===//

class Blade_UnaryElementwiseOp<string mnemonic, string onnxOp,
                               Type tensorType>
    : Blade_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Elementwise " # mnemonic # " (ONNX " # onnxOp # ")";
  let description = [{
    Applies the function to every element; the result has the operand's
    type.

    Example:

    ```mlir
    %y = blade.}] # mnemonic # [{ %x : tensor<?x16xf32>
    ```
  }];
  let arguments = (ins tensorType:$operand);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
}

def Blade_ReluOp : Blade_UnaryElementwiseOp<"relu", "Relu",
                                            Blade_NumericTensor>;
def Blade_SigmoidOp : Blade_UnaryElementwiseOp<"sigmoid", "Sigmoid",
                                               Blade_FloatTensor>;
def Blade_TanhOp : Blade_UnaryElementwiseOp<"tanh", "Tanh",
                                            Blade_FloatTensor>;

class Blade_BinaryElementwiseOp<string mnemonic, string onnxOp>
    : Blade_Op<mnemonic, [Pure, SameOperandsAndResultElementType]> {
  let summary = "Elementwise " # mnemonic # " with broadcasting (ONNX "
                # onnxOp # ")";
  let description = [{
    Combines two tensors element by element with ONNX (numpy) broadcasting:
    shapes align at the trailing dimension and statically-1 dimensions
    broadcast. Integer division truncates toward zero.

    Example:

    ```mlir
    %z = blade.}] # mnemonic # [{ %x, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$lhs, Blade_NumericTensor:$rhs);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Blade_AddOp : Blade_BinaryElementwiseOp<"add", "Add">;
def Blade_SubOp : Blade_BinaryElementwiseOp<"sub", "Sub">;
def Blade_MulOp : Blade_BinaryElementwiseOp<"mul", "Mul">;
def Blade_DivOp : Blade_BinaryElementwiseOp<"div", "Div">;

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

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Blade_MatMulOp : Blade_Op<"matmul",
    [Pure, SameOperandsAndResultElementType]> {
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
    [Pure, SameOperandsAndResultElementType]> {
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

#endif // BLADE_DIALECT_BLADE_IR_BLADEOPS_TD
