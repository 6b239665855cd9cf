//===- BladeDialect.td - The blade graph dialect -----------*- tablegen -*-===//
//
// Declares the `blade` dialect: ML-operator-level ops on ranked tensors whose
// dimensions may be dynamic (`?`).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEDIALECT_TD
#define BLADE_DIALECT_BLADE_IR_BLADEDIALECT_TD

include "mlir/IR/OpBase.td"

def Blade_Dialect : Dialect {
  let name = "blade";
  let cppNamespace = "::blade";
  let summary = "Graph-level operators of the Blade compiler";
  let description = [{
    The `blade` dialect holds a model as a graph of machine-learning operators
    on ranked tensors. Dimensions may be dynamic (`?`) everywhere; every op,
    verifier and pass accepts them.

    Compute-intensive operators (`blade.matmul`, later convolution and
    pooling) stay whole so that codegen can hand them to a library or a
    microkernel. Memory-bound operators form a small composable set
    (elementwise, reshape, transpose, softmax, ...) that fusion groups and
    code generation work on.

    Binary elementwise ops follow ONNX (numpy) broadcasting: shapes are
    aligned at the trailing dimension, and a dimension that is statically 1
    broadcasts. A dynamic dimension may also be 1 at run time and broadcast:
    the lowering keeps a plain version for equal dims and a general one that
    broadcasts explicitly, and `blade-emit-shape-checks` makes the runtime
    reject dims that are neither equal nor 1 before a run.
  }];
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
  let hasConstantMaterializer = 1;
}

// Marks ops that compute each result element from the operand elements at
// the same (broadcast) position: the fusion planner's loop-fusion members.
def Blade_Elementwise : NativeOpTrait<"Elementwise"> {
  let cppNamespace = "::blade::trait";
}

class Blade_Op<string mnemonic, list<Trait> traits = []>
    : Op<Blade_Dialect, mnemonic, traits>;

#endif // BLADE_DIALECT_BLADE_IR_BLADEDIALECT_TD
