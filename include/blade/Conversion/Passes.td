//===- Passes.td - Lowering passes out of the blade dialect -*- tablegen -*-===//

#ifndef BLADE_CONVERSION_PASSES_TD
#define BLADE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def BladeLowerToLinalgPass : Pass<"blade-lower-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower blade ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every blade op into destination-passing linalg ops on tensors.
    Dynamic result sizes are computed from the operands with `tensor.dim`.
    Broadcasting becomes constant-0 indexing in the affine maps of
    `linalg.generic`. Fails (with the op's location) on any blade op left.

    With `library-calls` (the default), f32 matmuls and 1-D/2-D convolutions
    become calls of the runtime's oneDNN kernels instead (declared as private
    functions with `llvm.emit_c_interface`; see LibraryCalls.cpp). It runs on
    the module because it adds those declarations.

    With `symbolic-dims` (the default), elementwise broadcasts consult Blade's
    shape system (`SymbolicDims`): an operand dim proven equal to the result
    dim needs neither a run-time comparison nor the explicitly broadcasting
    second version of the op.
  }];
  let options = [
    Option<"libraryCalls", "library-calls", "bool", /*default=*/"true",
           "Lower f32 matmul and 1-D/2-D conv to runtime kernel calls">,
    Option<"symbolicDims", "symbolic-dims", "bool", /*default=*/"true",
           "Use the symbolic-dims analysis: broadcasts between dims it proves "
           "equal get no run-time check and no broadcasting second version">,
    Option<"epilogueFusion", "epilogue-fusion", "bool", /*default=*/"true",
           "Let library calls absorb the elementwise ops after them that "
           "their kernels apply (bias, residual add, Relu/Clip)">
  ];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::bufferization::BufferizationDialect", "mlir::func::FuncDialect",
    "mlir::linalg::LinalgDialect", "mlir::math::MathDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

#endif // BLADE_CONVERSION_PASSES_TD
