//===- Reduction.cpp - Reductions and normalisations to linalg ------------===//
//
// softmax(x) = exp(x - max(x)) / sum(exp(x - max(x))) along one axis, as
// four linalg ops: a max reduction, a subtract-and-exp map, a sum reduction
// and a divide map. Fusion later turns them into one kernel.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getOperand();
    RankedTensorType type = op.getType();
    Type elementType = type.getElementType();
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();

    // Shapes and dynamic sizes of the full and the reduced tensors.
    SmallVector<int64_t> reducedShape;
    SmallVector<Value> fullSizes, reducedSizes;
    SmallVector<AffineExpr> reducedExprs;
    for (int64_t i = 0; i < rank; ++i) {
      Value size;
      if (type.isDynamicDim(i)) {
        size = tensor::DimOp::create(rewriter, loc, x, i);
        fullSizes.push_back(size);
      }
      if (i == axis)
        continue;
      reducedShape.push_back(type.getDimSize(i));
      reducedExprs.push_back(getAffineDimExpr(i, ctx));
      if (size)
        reducedSizes.push_back(size);
    }
    auto reducedType = RankedTensorType::get(reducedShape, elementType);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reducedMap = AffineMap::get(rank, 0, reducedExprs, ctx);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    SmallVector<utils::IteratorType> reduction = parallel;
    reduction[axis] = utils::IteratorType::reduction;

    auto reduce = [&](Value input, double initValue, bool isMax) {
      Value init = createEmpty(rewriter, loc, reducedType, reducedSizes);
      Value start = createScalar(rewriter, loc, elementType, initValue);
      Value acc = linalg::FillOp::create(rewriter, loc, ValueRange{start},
                                         ValueRange{init})
                      .getResult(0);
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{reducedType}, ValueRange{input},
                 ValueRange{acc}, ArrayRef<AffineMap>{identity, reducedMap},
                 reduction,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value v =
                       isMax ? Value(arith::MaximumFOp::create(b, l, args[0],
                                                               args[1]))
                             : Value(arith::AddFOp::create(b, l, args[0],
                                                           args[1]));
                   linalg::YieldOp::create(b, l, v);
                 })
          .getResult(0);
    };
    auto map = [&](Value full, Value reduced, bool isExp) {
      Value init = createEmpty(rewriter, loc, type, fullSizes);
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{type}, ValueRange{full, reduced},
                 ValueRange{init},
                 ArrayRef<AffineMap>{identity, reducedMap, identity}, parallel,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value v;
                   if (isExp)
                     v = math::ExpOp::create(
                         b, l, arith::SubFOp::create(b, l, args[0], args[1]));
                   else
                     v = arith::DivFOp::create(b, l, args[0], args[1]);
                   linalg::YieldOp::create(b, l, v);
                 })
          .getResult(0);
    };

    Value max = reduce(x, -std::numeric_limits<double>::infinity(), true);
    Value exps = map(x, max, true);
    Value sum = reduce(exps, 0.0, false);
    rewriter.replaceOp(op, map(exps, sum, false));
    return success();
  }
};

} // namespace

void blade::detail::populateReductionPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering>(converter, patterns.getContext());
}
