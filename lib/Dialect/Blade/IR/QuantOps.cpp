//===- QuantOps.cpp - Quantization ops ------------------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;
using namespace blade;

/// Per-tensor (0-d) or per-axis (1-D, one value per index of `axis`)
/// parameters of `input`.
static LogicalResult verifyQuantParams(Operation *op, RankedTensorType input,
                                       RankedTensorType scale,
                                       RankedTensorType zeroPoint,
                                       int64_t axis) {
  if (scale.getShape() != zeroPoint.getShape())
    return op->emitOpError() << "scale and zero point must have one shape";
  if (scale.getRank() == 0)
    return success();
  if (scale.getRank() != 1)
    return op->emitOpError() << "scale must be 0-d or 1-D";
  if (axis < 0 || axis >= input.getRank())
    return op->emitOpError() << "axis " << axis << " is out of range";
  int64_t n = scale.getDimSize(0), d = input.getDimSize(axis);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(d) && n != d &&
      n != 1)
    return op->emitOpError() << "expects " << d << " scales, got " << n;
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (getType().getShape() != getInput().getType().getShape() ||
      getType().getElementType() != getZeroPoint().getType().getElementType())
    return emitOpError() << "the result must have the input's shape and the "
                            "zero point's element type";
  return verifyQuantParams(*this, getInput().getType(), getScale().getType(),
                           getZeroPoint().getType(), getAxis());
}

LogicalResult DequantizeOp::verify() {
  if (getType().getShape() != getInput().getType().getShape() ||
      getType().getElementType() != getScale().getType().getElementType())
    return emitOpError() << "the result must have the input's shape and the "
                            "scale's element type";
  if (getInput().getType().getElementType() !=
      getZeroPoint().getType().getElementType())
    return emitOpError() << "the zero point must have the input's type";
  return verifyQuantParams(*this, getInput().getType(), getScale().getType(),
                           getZeroPoint().getType(), getAxis());
}
