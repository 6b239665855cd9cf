//===- Utils.cpp - Helpers shared by the blade-to-linalg patterns ---------===//

#include "PatternsPrivate.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace blade::detail {

BladeTypeConverter::BladeTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](IntegerType type) -> Type {
    if (type.isSignless())
      return type;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  addConversion([this](RankedTensorType type) -> Type {
    Type element = convertType(type.getElementType());
    return element ? type.clone(element) : Type();
  });
}

RankedTensorType convertedResultType(const TypeConverter &converter,
                                     Operation *op, unsigned i) {
  return cast<RankedTensorType>(
      converter.convertType(op->getResult(i).getType()));
}

SmallVector<Value> getBroadcastDynamicSizes(OpBuilder &b, Location loc,
                                            RankedTensorType resultType,
                                            ValueRange operands,
                                            int64_t ignoreTrailing) {
  SmallVector<Value> sizes;
  int64_t rank = resultType.getRank() - ignoreTrailing;
  for (int64_t i = 0; i < rank; ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    // A static operand size other than 1 decides the dim; else the first
    // dynamic operand size does; a dim that is 1 everywhere is 1.
    Value size;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t j = i - (rank - (type.getRank() - ignoreTrailing));
      if (j < 0)
        continue;
      int64_t d = type.getDimSize(j);
      if (!ShapedType::isDynamic(d) && d != 1) {
        size = arith::ConstantIndexOp::create(b, loc, d);
        break;
      }
      if (ShapedType::isDynamic(d) && !size)
        size = tensor::DimOp::create(b, loc, operand, j);
    }
    sizes.push_back(size ? size : arith::ConstantIndexOp::create(b, loc, 1));
  }
  return sizes;
}

Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange dynamicSizes) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType(), dynamicSizes);
}

AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size();
  int64_t offset = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [j, d] : llvm::enumerate(operandShape)) {
    int64_t i = j + offset;
    if (d == 1 && resultShape[i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value createScalar(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, type,
                                     b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, type, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

} // namespace blade::detail
