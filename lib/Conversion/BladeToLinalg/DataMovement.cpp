//===- DataMovement.cpp - constant, transpose, reshape to tensor/linalg ---===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "expects dense elements");
    if (value.getType() != type) // Unsigned elements keep their bits.
      value = value.bitcast(type.getElementType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    ArrayRef<int64_t> perm = op.getPermutation();
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < resultType.getRank(); ++i)
      if (resultType.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, input, perm[i]));
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    auto transpose =
        linalg::TransposeOp::create(rewriter, loc, input, init, perm);
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

/// Reshape through `tensor.reshape` with a shape computed at run time: the one
/// dynamic result dim is the element count over the static result dims.
struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    auto operandType = cast<RankedTensorType>(input.getType());
    Value numElements = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t i = 0; i < operandType.getRank(); ++i) {
      Value d = operandType.isDynamicDim(i)
                    ? Value(tensor::DimOp::create(rewriter, loc, input, i))
                    : Value(arith::ConstantIndexOp::create(
                          rewriter, loc, operandType.getDimSize(i)));
      numElements = arith::MulIOp::create(rewriter, loc, numElements, d);
    }
    int64_t staticProduct = 1;
    for (int64_t d : resultType.getShape())
      if (!ShapedType::isDynamic(d))
        staticProduct *= d;
    SmallVector<Value> dims;
    for (int64_t d : resultType.getShape()) {
      if (!ShapedType::isDynamic(d)) {
        dims.push_back(arith::ConstantIndexOp::create(rewriter, loc, d));
        continue;
      }
      // A zero static product means an empty tensor: the dynamic dim is 0.
      Value divisor = arith::ConstantIndexOp::create(
          rewriter, loc, staticProduct == 0 ? 1 : staticProduct);
      Value size = arith::DivUIOp::create(rewriter, loc, numElements, divisor);
      if (staticProduct == 0)
        size = arith::ConstantIndexOp::create(rewriter, loc, 0);
      dims.push_back(size);
    }
    Value shape = tensor::FromElementsOp::create(rewriter, loc, dims);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType, input,
                                                   shape);
    return success();
  }
};

} // namespace

void blade::detail::populateDataMovementPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, TransposeLowering, ReshapeLowering>(converter, patterns.getContext());
}
