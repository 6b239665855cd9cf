//===- BladeElementwiseOps.td - elementwise ops -*- tablegen -*-===//
//
// Elementwise blade ops: unary math, binary arithmetic with numpy
// broadcasting, comparisons, logic, select and casts. ONNX activations
// (LeakyRelu, Elu, HardSigmoid, ...) are decomposed into these by the
// importer; linalg elementwise fusion merges the pieces again.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEELEMENTWISEOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEELEMENTWISEOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

class Blade_UnaryElementwiseOp<string mnemonic, string onnxOp,
                               Type tensorType>
    : Blade_Op<mnemonic, [Pure, SameOperandsAndResultType, Blade_Elementwise]> {
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

// Numeric: unsigned integers are their own absolute value; neg wraps.
def Blade_AbsOp : Blade_UnaryElementwiseOp<"abs", "Abs", Blade_NumericTensor> {
  let hasFolder = 1;
}
def Blade_NegOp : Blade_UnaryElementwiseOp<"neg", "Neg", Blade_NumericTensor> {
  let hasFolder = 1;
}
def Blade_SignOp : Blade_UnaryElementwiseOp<"sign", "Sign",
                                            Blade_NumericTensor>;

// Floating point math.
class Blade_FloatUnaryOp<string mnemonic, string onnxOp>
    : Blade_UnaryElementwiseOp<mnemonic, onnxOp, Blade_FloatTensor>;
def Blade_ExpOp : Blade_FloatUnaryOp<"exp", "Exp">;
def Blade_LogOp : Blade_FloatUnaryOp<"log", "Log">;
def Blade_SqrtOp : Blade_FloatUnaryOp<"sqrt", "Sqrt">;
// Folded on constants: shape arithmetic scales sizes through floats.
def Blade_FloorOp : Blade_FloatUnaryOp<"floor", "Floor"> {
  let hasFolder = 1;
}
def Blade_CeilOp : Blade_FloatUnaryOp<"ceil", "Ceil"> { let hasFolder = 1; }
def Blade_RoundOp : Blade_FloatUnaryOp<"round", "Round, halves to even"> {
  let hasFolder = 1;
}
def Blade_SinOp : Blade_FloatUnaryOp<"sin", "Sin">;
def Blade_CosOp : Blade_FloatUnaryOp<"cos", "Cos">;
def Blade_TanOp : Blade_FloatUnaryOp<"tan", "Tan">;
def Blade_AsinOp : Blade_FloatUnaryOp<"asin", "Asin">;
def Blade_AcosOp : Blade_FloatUnaryOp<"acos", "Acos">;
def Blade_AtanOp : Blade_FloatUnaryOp<"atan", "Atan">;
def Blade_SinhOp : Blade_FloatUnaryOp<"sinh", "Sinh">;
def Blade_CoshOp : Blade_FloatUnaryOp<"cosh", "Cosh">;
def Blade_AsinhOp : Blade_FloatUnaryOp<"asinh", "Asinh">;
def Blade_AcoshOp : Blade_FloatUnaryOp<"acosh", "Acosh">;
def Blade_AtanhOp : Blade_FloatUnaryOp<"atanh", "Atanh">;
def Blade_ErfOp : Blade_FloatUnaryOp<"erf", "Erf">;

def Blade_GeluOp : Blade_Op<"gelu", [Pure, SameOperandsAndResultType,
                                     Blade_Elementwise]> {
  let summary = "Gaussian error linear unit (GELU)";
  let description = [{
    `x * Phi(x)`, with the exact form `0.5 * x * (1 + erf(x / sqrt(2)))` when
    `approximate` is "none" and `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x +
    0.044715 * x^3)))` when it is "tanh". ONNX (opsets up to 17) has no Gelu:
    exporters write one of these formulas, and `blade-form-composite-ops`
    turns them into this op so that later passes see one activation.

    Example:

    ```mlir
    %y = blade.gelu %x : tensor<?x768xf32>
    %z = blade.gelu %x {approximate = "tanh"} : tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Blade_FloatTensor:$operand,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs Blade_FloatTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Blade_NotOp : Blade_UnaryElementwiseOp<"not", "Not", Blade_BoolTensor>;

//===----------------------------------------------------------------------===//
// Binary with numpy broadcasting
//===----------------------------------------------------------------------===//

class Blade_BinaryElementwiseOp<string mnemonic, string onnxOp,
                                Type tensorType = Blade_NumericTensor,
                                string semantics = "">
    : Blade_Op<mnemonic, [Pure, SameOperandsAndResultElementType,
        Blade_Elementwise,
        DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Elementwise " # mnemonic # " with broadcasting (ONNX "
                # onnxOp # ")";
  let description = [{
    Combines two tensors element by element with ONNX (numpy) broadcasting:
    shapes align at the trailing dimension and statically-1 dimensions
    broadcast. }] # semantics # [{

    Example:

    ```mlir
    %z = blade.}] # mnemonic # [{ %x, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins tensorType:$lhs, tensorType:$rhs);
  let results = (outs tensorType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_AddOp : Blade_BinaryElementwiseOp<"add", "Add, Sum">;
def Blade_SubOp : Blade_BinaryElementwiseOp<"sub", "Sub">;
def Blade_MulOp : Blade_BinaryElementwiseOp<"mul", "Mul">;
def Blade_DivOp : Blade_BinaryElementwiseOp<"div", "Div, Mean", Blade_NumericTensor,
    "Integer division truncates toward zero.">;
def Blade_MinOp : Blade_BinaryElementwiseOp<"min", "Min", Blade_NumericTensor,
    "A NaN operand gives NaN.">;
def Blade_MaxOp : Blade_BinaryElementwiseOp<"max", "Max", Blade_NumericTensor,
    "A NaN operand gives NaN.">;
def Blade_PowOp : Blade_BinaryElementwiseOp<"pow", "Pow", Blade_NumericTensor,
    "Integer powers are computed in f64 and truncated toward zero.">;
def Blade_RemOp : Blade_BinaryElementwiseOp<"rem", "Mod with fmod=1",
    Blade_NumericTensor,
    "The remainder of the division truncated toward zero: it has the sign "
    "of `lhs` (C `fmod`).">;
def Blade_ModOp : Blade_BinaryElementwiseOp<"mod", "Mod with fmod=0",
    Blade_IntegerTensor,
    "The remainder of the division rounded toward negative infinity: it has "
    "the sign of `rhs` (Python `%`).">;
def Blade_ShiftLeftOp : Blade_BinaryElementwiseOp<"shift_left",
    "BitShift LEFT", Blade_IntegerTensor,
    "Shifts by the bit width or more give 0.">;
def Blade_ShiftRightOp : Blade_BinaryElementwiseOp<"shift_right",
    "BitShift RIGHT", Blade_IntegerTensor,
    "A logical shift for unsigned, arithmetic for signed element types; "
    "shifts by the bit width or more give 0 (or -1 for negative signed "
    "values).">;
def Blade_AndOp : Blade_BinaryElementwiseOp<"and", "And", Blade_BoolTensor>;
def Blade_OrOp : Blade_BinaryElementwiseOp<"or", "Or", Blade_BoolTensor>;
def Blade_XorOp : Blade_BinaryElementwiseOp<"xor", "Xor", Blade_BoolTensor>;

//===----------------------------------------------------------------------===//
// Compare, select, convert
//===----------------------------------------------------------------------===//

def Blade_ComparePredicateAttr : ConfinedAttr<StrAttr, [AttrConstraint<
    CPred<"::llvm::is_contained(::llvm::ArrayRef<::llvm::StringRef>{\"eq\", "
          "\"ne\", \"lt\", \"le\", \"gt\", \"ge\"}, "
          "::llvm::cast<::mlir::StringAttr>($_self).getValue())">,
    "one of \"eq\", \"ne\", \"lt\", \"le\", \"gt\", \"ge\"">]>;

def Blade_CompareOp : Blade_Op<"compare", [Pure, Blade_Elementwise,
    AllElementTypesMatch<["lhs", "rhs"]>,
    DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Elementwise comparison with broadcasting (ONNX Equal, Less, "
                "LessOrEqual, Greater, GreaterOrEqual)";
  let description = [{
    Compares two tensors element by element with ONNX (numpy) broadcasting;
    the result holds booleans (`i1`). `predicate` is one of `eq`, `ne`, `lt`,
    `le`, `gt`, `ge`. Float comparisons with a NaN are false, except `ne`,
    which is true. Unsigned element types compare unsigned.

    Example:

    ```mlir
    %m = blade.compare "lt", %x, %y : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xi1>
    ```
  }];
  let arguments = (ins Blade_ComparePredicateAttr:$predicate,
                       Blade_NumericTensor:$lhs, Blade_NumericTensor:$rhs);
  let results = (outs Blade_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_SelectOp : Blade_Op<"select", [Pure, Blade_Elementwise,
    AllElementTypesMatch<["on_true", "on_false", "result"]>,
    DeclareOpInterfaceMethods<Blade_ShapeCheckOpInterface>]> {
  let summary = "Elementwise choice with three-way broadcasting (ONNX Where)";
  let description = [{
    Takes `on_true` where `condition` holds and `on_false` elsewhere; the
    three operands broadcast together (numpy rules).

    Example:

    ```mlir
    %r = blade.select %c, %x, %y : (tensor<?x4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Blade_BoolTensor:$condition, Blade_Tensor:$on_true,
                       Blade_Tensor:$on_false);
  let results = (outs Blade_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Blade_ConvertOp : Blade_Op<"convert", [Pure, Blade_Elementwise]> {
  let summary = "Converts the element type (ONNX Cast, CastLike)";
  let description = [{
    Converts every element to the result's element type, keeping the shape.
    Floats become integers by truncation toward zero; any nonzero value
    (NaN included) becomes `true` (`i1`); `true` becomes 1. Integers extend
    by their own signedness.

    Example:

    ```mlir
    %y = blade.convert %x : (tensor<?x4xf32>) -> tensor<?x4xi64>
    ```
  }];
  let arguments = (ins Blade_NumericTensor:$operand);
  let results = (outs Blade_NumericTensor:$result);
  let assemblyFormat = [{
    $operand attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADEELEMENTWISEOPS_TD
