//===- Passes.td - Lowering passes out of the blade dialect -*- tablegen -*-===//

#ifndef BLADE_CONVERSION_PASSES_TD
#define BLADE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def BladeLowerToLinalgPass : Pass<"blade-lower-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower blade ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every blade op into destination-passing linalg ops on tensors.
    Dynamic result sizes are computed from the operands with `tensor.dim`.
    Broadcasting becomes constant-0 indexing in the affine maps of
    `linalg.generic`. Fails (with the op's location) on any blade op left.
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect", "mlir::math::MathDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect"
  ];
}

#endif // BLADE_CONVERSION_PASSES_TD
