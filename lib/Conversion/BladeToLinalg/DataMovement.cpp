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

struct ConstantLowering : OpRewritePattern<ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConstantOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct TransposeLowering : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    ArrayRef<int64_t> perm = op.getPermutation();
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < resultType.getRank(); ++i)
      if (resultType.isDynamicDim(i))
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc, op.getOperand(), perm[i]));
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    auto transpose =
        linalg::TransposeOp::create(rewriter, loc, op.getOperand(), init, perm);
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

/// Reshape through `tensor.reshape` with a shape computed at run time: the one
/// dynamic result dim is the element count over the static result dims.
struct ReshapeLowering : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    auto operandType = cast<RankedTensorType>(op.getOperand().getType());
    Value numElements = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t i = 0; i < operandType.getRank(); ++i) {
      Value d = operandType.isDynamicDim(i)
                    ? Value(tensor::DimOp::create(rewriter, loc,
                                                  op.getOperand(), i))
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
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType,
                                                   op.getOperand(), shape);
    return success();
  }
};

} // namespace

void blade::detail::populateDataMovementPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, TransposeLowering, ReshapeLowering>(
      patterns.getContext());
}
