//===- NNOps.cpp - Compute-intensive blade ops ----------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;
using namespace blade;

LogicalResult MatMulOp::verify() {
  FailureOr<SmallVector<int64_t>> shape =
      inferMatMulShape(getLhs().getType().getShape(),
                       getRhs().getType().getShape(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

void MatMulOp::emitShapeChecks(ShapeCheckList &checks) {
  int64_t lr = getLhs().getType().getRank();
  int64_t rr = getRhs().getType().getRank();
  if (getLhs().getType().isDynamicDim(lr - 1) ||
      getRhs().getType().isDynamicDim(rr - 2))
    checks.requireEqual(
        getLoc(), checks.dim(getLhs(), lr - 1), checks.dim(getRhs(), rr - 2),
        ShapeCheckList::where(*this) + ": the contraction dims of " +
            shapeToString(getLhs().getType().getShape()) + " x " +
            shapeToString(getRhs().getType().getShape()) +
            " differ at run time");
  checks.requireBroadcastable(*this, getLhs(), getRhs(), /*ignoreTrailing=*/2);
}
