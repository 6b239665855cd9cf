//===- WindowShapes.h - Output sizes of convolution and pooling -*- C++ -*-===//
//
// The ONNX rules for the spatial output size of sliding-window ops (Conv,
// MaxPool, AveragePool, LpPool), shared by the verifiers, the importer and
// the lowering.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_WINDOWSHAPES_H
#define BLADE_DIALECT_BLADE_IR_WINDOWSHAPES_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace blade {

enum class AutoPad { NotSet, SameUpper, SameLower, Valid };

/// Parses ONNX's auto_pad strings.
std::optional<AutoPad> parseAutoPad(llvm::StringRef name);

/// The window of one spatial dim.
struct WindowDim {
  int64_t kernel, stride, dilation, padBegin, padEnd;
  /// Extent covered by one window: dilation * (kernel - 1) + 1.
  int64_t extent() const { return dilation * (kernel - 1) + 1; }
};

/// Output size of one spatial dim of static size `in`, or kDynamic when `in`
/// is dynamic. May be <= 0 for an input smaller than the window (callers
/// treat that as an error).
int64_t windowOutputSize(int64_t in, const WindowDim &w, AutoPad autoPad,
                         bool ceilMode);

/// Output size of one spatial dim of a transposed convolution (kDynamic when
/// `in` is dynamic).
int64_t transposedWindowOutputSize(int64_t in, const WindowDim &w,
                                   int64_t outputPadding, AutoPad autoPad);

/// Total padding that SAME_* auto_pad adds to a dim of size `in`.
int64_t samePadTotal(int64_t in, const WindowDim &w);

} // namespace blade

#endif // BLADE_DIALECT_BLADE_IR_WINDOWSHAPES_H
