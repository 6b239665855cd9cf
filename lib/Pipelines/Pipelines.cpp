//===- Pipelines.cpp - Blade's named pass pipelines -----------------------===//
//
// The one place that lists, in order, every pass a model goes through on its
// way from the blade dialect to LLVM.
//
//===----------------------------------------------------------------------===//

#include "blade/Pipelines/Pipelines.h"

#include "blade/Conversion/Passes.h"
#include "blade/Transforms/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace blade {

bool *FusionKinds::of(StringRef kind) {
  return llvm::StringSwitch<bool *>(kind)
      .Case("loop", &loop)
      .Case("input", &input)
      .Case("stitch", &stitch)
      .Case("epilogue", &epilogue)
      .Default(nullptr);
}

void buildGraphPipeline(OpPassManager &pm) {
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createCSEPass());
  funcPm.addPass(createBladeFormCompositeOpsPass());
  funcPm.addPass(createBladeProductsInF32Pass());
  funcPm.addPass(createBladeFoldBatchNormPass());
  funcPm.addPass(createBladeResolveShapeQueriesPass());
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createCSEPass());
}

void buildFusionPlanningPipeline(OpPassManager &pm,
                                 const PipelineOptions &options) {
  // Convs run NHWC only through the oneDNN kernels; the linalg lowering
  // would materialize the transposes.
  if (options.libraryCalls)
    pm.nest<func::FuncOp>().addPass(createBladeTransposeToChannelsLastPass());
  BladeFormFusionGroupsPassOptions planner;
  planner.loop = options.fusion.loop;
  planner.input = options.fusion.input;
  planner.stitch = options.fusion.stitch;
  planner.epilogue = options.fusion.epilogue && options.libraryCalls;
  pm.nest<func::FuncOp>().addPass(createBladeFormFusionGroupsPass(planner));
}

void buildBufferizePipeline(OpPassManager &pm,
                            const PipelineOptions &options) {
  pm.addPass(createBladeEmitShapeChecksPass());
  buildFusionPlanningPipeline(pm, options);
  const FusionKinds &kinds = options.fusion;
  // A module pass: it declares the runtime kernels it calls.
  BladeLowerToLinalgPassOptions lowering;
  lowering.libraryCalls = options.libraryCalls;
  lowering.epilogueFusion = kinds.epilogue;
  pm.addPass(createBladeLowerToLinalgPass(lowering));
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  // Dims of computed tensors in terms of the inputs' dims: the shape-check
  // function then keeps only index math (its compute ops die).
  funcPm.addPass(createBladeResolveResultDimsPass());
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createBladeFuseGroupsPass());
  // Outside the groups, MLIR's elementwise fusion still merges single-use
  // chains the lowering of one op produces (loop fusion).
  if (kinds.loop)
    funcPm.addPass(createLinalgElementwiseOpFusionPass());
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createBladeTileAndVectorizePass());
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createBladePrepareBufferizationPass());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // Loops may return fresh allocations: scf.while (blade.loop) yields values
  // that grow each iteration, and a recurrent layer's loop carries freshly
  // computed state once elementwise fusion has dropped the unread state from
  // a step's outputs.
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.nest<func::FuncOp>().addPass(createBladeNarrowBranchLayoutsPass());
  pm.addPass(createCanonicalizerPass());
  pm.nest<func::FuncOp>().addPass(createBladeStridedCopyToLinalgPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  // Clones the deallocation pipeline inserts become alloc + copy.
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Buffers go back to the arena after their last use, not at the end.
  pm.nest<func::FuncOp>().addPass(createBladeReleaseBuffersEarlyPass());
}

void buildCPULLVMPipeline(OpPassManager &pm) {
  // Weights as flat data arrays (fast to translate and emit).
  pm.addPass(createBladeFlattenConstantGlobalsPass());
  // Elementwise rows marked before bufferization are vectorized on buffers.
  BladeTileAndVectorizePassOptions rows;
  rows.onBuffers = true;
  pm.nest<func::FuncOp>().addPass(createBladeTileAndVectorizePass(rows));
  // Parallel tiles run on the runtime's threads.
  pm.nest<func::FuncOp>().addPass(createForallToParallelLoopPass());
  pm.addPass(createBladeOutlineParallelLoopsPass());
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  // Vectors: masks into masked transfers, reductions into 1-D ones, n-D
  // transfers unrolled into 1-D ones.
  funcPm.addPass(vector::createLowerVectorMaskPass());
  funcPm.addPass(vector::createLowerVectorMultiReductionPass());
  funcPm.addPass(createConvertLinalgToLoopsPass());
  VectorTransferToSCFOptions transfers;
  transfers.enableFullUnroll(true);
  funcPm.addPass(createConvertVectorToSCFPass(transfers));
  funcPm.addPass(createLowerAffinePass());
  funcPm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Math without an LLVM intrinsic calls libm, lane by lane for vectors
  // (vector.extract/insert, lowered next).
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  ConvertVectorToLLVMPassOptions vectors;
  // Float sums of vector lanes may be reassociated (a tree, not a chain).
  vectors.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectors));
  pm.addPass(createUBToLLVMConversionPass());
  // Heap buffers come from the run's arena (runtime/lib/Arena.cpp):
  // aligned_alloc(alignment, size) so allocated == aligned, renamed to
  // blade_rt_*.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createBladeRedirectAllocationsPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void buildCPUPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildGraphPipeline(pm);
  buildBufferizePipeline(pm, options);
  buildCPULLVMPipeline(pm);
}

void registerPipelines() {
  PassPipelineRegistration<>("blade-graph-pipeline",
                             "Graph-level clean-up on the blade dialect",
                             buildGraphPipeline);
  PassPipelineRegistration<>(
      "blade-bufferize-pipeline",
      "Lower blade to linalg and bufferize, with deallocation",
      [](OpPassManager &pm) { buildBufferizePipeline(pm); });
  PassPipelineRegistration<>("blade-cpu-llvm-pipeline",
                             "Lower bufferized linalg to the LLVM dialect",
                             buildCPULLVMPipeline);
  PassPipelineRegistration<>(
      "blade-cpu-pipeline",
      "The whole CPU pipeline: blade dialect to LLVM dialect",
      [](OpPassManager &pm) { buildCPUPipeline(pm); });
}

} // namespace blade
