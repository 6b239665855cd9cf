//===- Pipelines.h - Blade's named pass pipelines ---------------*- C++ -*-===//
#ifndef BLADE_PIPELINES_PIPELINES_H
#define BLADE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace blade {

/// The kinds of fusion groups the planner forms (blade-form-fusion-groups);
/// all on by default, each can be turned off for debugging.
struct FusionKinds {
  bool loop = true;
  bool input = true;
  bool stitch = true;
  bool epilogue = true;

  /// The flag of the kind named `kind` (see blade::kFusionKinds), or null.
  bool *of(llvm::StringRef kind);
};

/// Choices of the lowering pipelines.
struct PipelineOptions {
  /// f32 matmul/conv/pool/recurrent layers call the runtime's kernels
  /// instead of becoming linalg loops.
  bool libraryCalls = true;
  FusionKinds fusion;
};

/// Graph-level clean-up on the blade dialect (blade-graph-pipeline).
void buildGraphPipeline(mlir::OpPassManager &pm);
/// The blade-level layout and fusion decisions: channels-last conv chains
/// (with library calls) and the fusion planner's blade.fusion groups. The
/// start of the bufferize pipeline, alone for reports (--dump-fusion).
void buildFusionPlanningPipeline(mlir::OpPassManager &pm,
                                 const PipelineOptions &options = {});
/// blade -> fusion groups -> linalg on tensors -> bufferized memrefs with
/// deallocation (blade-bufferize-pipeline).
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const PipelineOptions &options = {});
/// Bufferized linalg -> loops -> LLVM dialect (blade-cpu-llvm-pipeline).
void buildCPULLVMPipeline(mlir::OpPassManager &pm);
/// All three in order: an imported model to LLVM dialect ready for the JIT
/// (blade-cpu-pipeline).
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const PipelineOptions &options = {});

/// Registers the pipelines above for `blade-opt --pass-pipeline`/flags.
void registerPipelines();

} // namespace blade

#endif // BLADE_PIPELINES_PIPELINES_H
