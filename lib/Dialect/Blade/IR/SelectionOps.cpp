//===- SelectionOps.cpp - NonZero, Unique and NonMaxSuppression blade ops -===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace blade;

/// `type` has the given rank and, where `shape` is static, those dims.
static LogicalResult checkShape(Operation *op, StringRef what,
                                RankedTensorType type,
                                ArrayRef<int64_t> shape) {
  if (type.getRank() == static_cast<int64_t>(shape.size()) &&
      succeeded(verifyCompatibleShape(type.getShape(), shape)))
    return success();
  return op->emitOpError() << what << " must have shape "
                           << shapeToString(shape) << ", got "
                           << shapeToString(type.getShape());
}

LogicalResult NonZeroOp::verify() {
  int64_t rank = getOperand().getType().getRank();
  if (rank == 0)
    return emitOpError("expects an operand of rank >= 1");
  return checkShape(*this, "the result", getType(),
                    {rank, ShapedType::kDynamic});
}

LogicalResult UniqueOp::verify() {
  RankedTensorType type = getOperand().getType();
  if (type.getRank() != 2)
    return emitOpError("expects a 2-D operand, got ")
           << shapeToString(type.getShape());
  if (getUnique().getType().getElementType() != type.getElementType())
    return emitOpError("the unique rows must have the operand's element type");
  int64_t dyn = ShapedType::kDynamic;
  if (failed(checkShape(*this, "the unique rows", getUnique().getType(),
                        {dyn, type.getDimSize(1)})) ||
      failed(checkShape(*this, "the indices", getIndices().getType(), {dyn})) ||
      failed(checkShape(*this, "the inverse indices",
                        getInverseIndices().getType(), {type.getDimSize(0)})) ||
      failed(checkShape(*this, "the counts", getCounts().getType(), {dyn})))
    return failure();
  return success();
}

LogicalResult NonMaxSuppressionOp::verify() {
  RankedTensorType boxes = getBoxes().getType();
  RankedTensorType scores = getScores().getType();
  if (boxes.getRank() != 3 || scores.getRank() != 3)
    return emitOpError("expects 3-D boxes and scores");
  if (failed(checkShape(*this, "boxes", boxes,
                        {scores.getDimSize(0), scores.getDimSize(2), 4})))
    return failure();
  if (boxes.getElementType() != scores.getElementType())
    return emitOpError("boxes and scores must have one element type");
  for (Value v :
       {getMaxOutputBoxesPerClass(), getIouThreshold(), getScoreThreshold()})
    if (cast<RankedTensorType>(v.getType()).getRank() != 0)
      return emitOpError("expects 0-d scalar parameters");
  return checkShape(*this, "the result", getType(), {ShapedType::kDynamic, 3});
}

void NonMaxSuppressionOp::emitShapeChecks(ShapeCheckList &checks) {
  std::string prefix = ShapeCheckList::where(*this) + ": boxes ";
  std::string shapes = shapeToString(getBoxes().getType().getShape()) +
                       " and scores " +
                       shapeToString(getScores().getType().getShape());
  if (getBoxes().getType().isDynamicDim(0) ||
      getScores().getType().isDynamicDim(0))
    checks.requireEqual(getLoc(), checks.dim(getBoxes(), 0),
                        checks.dim(getScores(), 0),
                        prefix + shapes + " differ in batch size at run time");
  if (getBoxes().getType().isDynamicDim(1) ||
      getScores().getType().isDynamicDim(2))
    checks.requireEqual(getLoc(), checks.dim(getBoxes(), 1),
                        checks.dim(getScores(), 2),
                        prefix + shapes + " differ in box count at run time");
  if (getBoxes().getType().isDynamicDim(2))
    checks.requireEqual(
        getLoc(), checks.dim(getBoxes(), 2),
        arith::ConstantIndexOp::create(checks.builder(), getLoc(), 4),
        prefix + shapes + ": boxes need 4 coordinates");
}
