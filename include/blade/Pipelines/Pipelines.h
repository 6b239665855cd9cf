//===- Pipelines.h - Blade's named pass pipelines ---------------*- C++ -*-===//
#ifndef BLADE_PIPELINES_PIPELINES_H
#define BLADE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace blade {

/// Graph-level clean-up on the blade dialect (blade-graph-pipeline).
void buildGraphPipeline(mlir::OpPassManager &pm);
/// blade -> linalg on tensors -> bufferized memrefs with deallocation
/// (blade-bufferize-pipeline). `libraryCalls`: f32 matmul/conv call the
/// runtime's oneDNN kernels instead of becoming linalg loops.
void buildBufferizePipeline(mlir::OpPassManager &pm, bool libraryCalls = true);
/// Bufferized linalg -> loops -> LLVM dialect (blade-cpu-llvm-pipeline).
void buildCPULLVMPipeline(mlir::OpPassManager &pm);
/// All three in order: an imported model to LLVM dialect ready for the JIT
/// (blade-cpu-pipeline).
void buildCPUPipeline(mlir::OpPassManager &pm, bool libraryCalls = true);

/// Registers the pipelines above for `blade-opt --pass-pipeline`/flags.
void registerPipelines();

} // namespace blade

#endif // BLADE_PIPELINES_PIPELINES_H
