//===- TextOps.cpp - Token sequence ops: verifiers ------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace blade;

LogicalResult NgramCountOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  RankedTensorType output = getType();
  if (input.getRank() != 1 && input.getRank() != 2)
    return emitOpError() << "the input must be [C] or [N, C]";
  if (output.getRank() != input.getRank() ||
      (input.getRank() == 2 &&
       failed(verifyCompatibleShape({input.getDimSize(0)},
                                    {output.getDimSize(0)}))))
    return emitOpError() << "the result must have the input's rank and rows";
  int64_t slots = output.getShape().back();
  if (ShapedType::isDynamic(slots))
    return emitOpError() << "the number of output slots must be static";
  size_t count = getNgramOffsets().size();
  if (getNgramLengths().size() != count || getNgramIndexes().size() != count ||
      getWeights().size() != count)
    return emitOpError() << "expects one offset, length, index and weight per "
                            "n-gram";
  int64_t poolSize = getPool().size();
  for (size_t p = 0; p < count; ++p) {
    int64_t off = getNgramOffsets()[p], len = getNgramLengths()[p];
    if (len < 1 || off < 0 || off + len > poolSize)
      return emitOpError() << "n-gram " << p << " lies outside the pool";
    if (getNgramIndexes()[p] < 0 || getNgramIndexes()[p] >= slots)
      return emitOpError() << "n-gram " << p << " maps to slot "
                           << getNgramIndexes()[p] << ", outside [0, " << slots
                           << ")";
  }
  if (getMaxSkip() < 0)
    return emitOpError() << "max_skip must not be negative";
  if (getMode() != "TF" && getMode() != "IDF" && getMode() != "TFIDF")
    return emitOpError() << "mode must be TF, IDF or TFIDF, got " << getMode();
  return success();
}
