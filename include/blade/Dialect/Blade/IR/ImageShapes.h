//===- ImageShapes.h - Result shapes of the image sampling ops --*- C++ -*-===//
//
// Shared by the verifiers of blade.grid_sample and blade.roi_align and by the
// ONNX importer, which computes the ops' result types with them.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_IMAGESHAPES_H
#define BLADE_DIALECT_BLADE_IR_IMAGESHAPES_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace blade {

/// Both set `error` (one line, no location) when the shapes do not fit.

/// [N, C, Ho, Wo] of sampling an [N, C, H, W] input at an [N, Ho, Wo, 2]
/// grid.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferGridSampleShape(llvm::ArrayRef<int64_t> input,
                     llvm::ArrayRef<int64_t> grid, std::string &error);

/// [R, C, outputHeight, outputWidth] of pooling R regions ([R, 4] rois, [R]
/// batch indices) of an [N, C, H, W] input.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferRoiAlignShape(llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> rois,
                   llvm::ArrayRef<int64_t> batchIndices, int64_t outputHeight,
                   int64_t outputWidth, std::string &error);

} // namespace blade

#endif // BLADE_DIALECT_BLADE_IR_IMAGESHAPES_H
