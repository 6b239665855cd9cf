//===- BladeElementwiseOps.td - elementwise ops -*- tablegen -*-===//
//
// Elementwise blade ops: unary math, binary arithmetic with numpy
// broadcasting, comparisons, logic, select and casts.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEELEMENTWISEOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEELEMENTWISEOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

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
    : Blade_Op<mnemonic, [Pure, SameOperandsAndResultElementType,
        DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
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

#endif // BLADE_DIALECT_BLADE_IR_BLADEELEMENTWISEOPS_TD
