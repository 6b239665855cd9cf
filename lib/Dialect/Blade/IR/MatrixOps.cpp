//===- MatrixOps.cpp - Verifier and shape checks of blade.det -------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;
using namespace blade;

LogicalResult DetOp::verify() {
  RankedTensorType type = getOperand().getType();
  int64_t rank = type.getRank();
  if (rank < 2)
    return emitOpError("the operand must have rank 2 or more");
  int64_t rows = type.getDimSize(rank - 2), cols = type.getDimSize(rank - 1);
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(cols) &&
      rows != cols)
    return emitOpError() << "the matrices must be square, got "
                         << shapeToString(type.getShape());
  return verifyInferredShape(type.getShape().drop_back(2), getType(), getLoc());
}

void DetOp::emitShapeChecks(ShapeCheckList &checks) {
  RankedTensorType type = getOperand().getType();
  int64_t rank = type.getRank();
  if (!type.isDynamicDim(rank - 2) && !type.isDynamicDim(rank - 1))
    return; // The verifier has checked it.
  checks.requireEqual(getLoc(), checks.dim(getOperand(), rank - 2),
                      checks.dim(getOperand(), rank - 1),
                      ShapeCheckList::where(*this) + ": the matrices of " +
                          shapeToString(type.getShape()) +
                          " are not square at run time");
}
