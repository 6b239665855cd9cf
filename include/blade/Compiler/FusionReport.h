//===- FusionReport.h - What the fusion planner did to a model --*- C++ -*-===//
//
// The report behind `blade-compile --dump-fusion`: the fusion groups of the
// entry function (kind and member ops with their ONNX node names) and the
// model's kernel counts with the given fusion kinds and with all fusion off.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_COMPILER_FUSIONREPORT_H
#define BLADE_COMPILER_FUSIONREPORT_H

#include "blade/Pipelines/Pipelines.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace blade {

/// Kernels of a bufferized module's entry: parallel loops (outermost
/// scf.forall / scf.parallel), runtime kernel calls and loop nests outside
/// parallel loops (copies included).
int64_t countKernels(mlir::ModuleOp module);

/// Lowers copies of the imported `module` and describes the fusion groups
/// and kernel counts. Errors are emitted as diagnostics.
mlir::FailureOr<std::string> describeFusion(mlir::ModuleOp module,
                                            const PipelineOptions &options);

} // namespace blade

#endif // BLADE_COMPILER_FUSIONREPORT_H
