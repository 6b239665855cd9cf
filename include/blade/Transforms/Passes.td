//===- Passes.td - Blade transformation passes --------------*- tablegen -*-===//

#ifndef BLADE_TRANSFORMS_PASSES_TD
#define BLADE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def BladePrepareBufferizationPass
    : Pass<"blade-prepare-bufferization", "mlir::func::FuncOp"> {
  let summary = "Give entry functions the buffer contract the runtime relies on";
  let description = [{
    Runs on tensor IR just before one-shot bufferization, on public
    functions (model entry points), and establishes what the runtime expects
    of a compiled entry:

    * arguments are marked `bufferization.writable = false`: compiled code
      never writes into the caller's input buffers;
    * every result owns a fresh buffer: a returned value that is (a view of)
      an argument, a constant, or a value already returned is copied with
      `linalg.copy`, so the runtime can free each result exactly once;
    * the function gets `llvm.emit_c_interface`, the ABI the runtime calls.
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect", "mlir::linalg::LinalgDialect",
    "mlir::tensor::TensorDialect"
  ];
}

#endif // BLADE_TRANSFORMS_PASSES_TD
