//===- WindowShapes.cpp - Output sizes of convolution and pooling ---------===//

#include "blade/Dialect/Blade/IR/WindowShapes.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>

namespace blade {

std::optional<AutoPad> parseAutoPad(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<AutoPad>>(name)
      .Case("NOTSET", AutoPad::NotSet)
      .Case("", AutoPad::NotSet)
      .Case("SAME_UPPER", AutoPad::SameUpper)
      .Case("SAME_LOWER", AutoPad::SameLower)
      .Case("VALID", AutoPad::Valid)
      .Default(std::nullopt);
}

static int64_t ceilDiv(int64_t a, int64_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}
static int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -ceilDiv(-a, b);
}

int64_t windowOutputSize(int64_t in, const WindowDim &w, AutoPad autoPad,
                         bool ceilMode) {
  if (mlir::ShapedType::isDynamic(in))
    return mlir::ShapedType::kDynamic;
  switch (autoPad) {
  case AutoPad::SameUpper:
  case AutoPad::SameLower:
    return ceilDiv(in, w.stride);
  case AutoPad::Valid:
    return floorDiv(in - w.extent(), w.stride) + 1;
  case AutoPad::NotSet:
    break;
  }
  int64_t span = in + w.padBegin + w.padEnd - w.extent();
  if (!ceilMode)
    return floorDiv(span, w.stride) + 1;
  int64_t out = ceilDiv(span, w.stride) + 1;
  // A last window starting inside the end padding is dropped.
  if (out > 0 && (out - 1) * w.stride >= in + w.padBegin)
    --out;
  return out;
}

int64_t transposedWindowOutputSize(int64_t in, const WindowDim &w,
                                   int64_t outputPadding, AutoPad autoPad) {
  if (mlir::ShapedType::isDynamic(in))
    return mlir::ShapedType::kDynamic;
  switch (autoPad) {
  case AutoPad::SameUpper:
  case AutoPad::SameLower:
    return in * w.stride;
  case AutoPad::Valid:
    return w.stride * (in - 1) + outputPadding + w.extent();
  case AutoPad::NotSet:
    break;
  }
  return w.stride * (in - 1) + outputPadding + w.extent() - w.padBegin -
         w.padEnd;
}

int64_t samePadTotal(int64_t in, const WindowDim &w) {
  int64_t out = ceilDiv(in, w.stride);
  return std::max<int64_t>((out - 1) * w.stride + w.extent() - in, 0);
}

} // namespace blade
