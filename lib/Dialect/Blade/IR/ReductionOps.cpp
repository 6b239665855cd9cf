//===- ReductionOps.cpp - Reductions and normalisations -------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"

using namespace mlir;
using namespace blade;

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for a rank-"
                         << rank << " operand";
  return success();
}
