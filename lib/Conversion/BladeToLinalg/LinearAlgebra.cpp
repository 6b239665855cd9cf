//===- LinearAlgebra.cpp - blade.matmul to linalg -------------------------===//
//
// A 2-D product becomes `linalg.matmul`; a batched one becomes a
// `linalg.generic` whose batch dims broadcast like elementwise operands.
// Both accumulate into a zero-filled result.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/Einsum.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// Dynamic sizes of the matmul result: broadcast batch dims, then M from the
/// lhs and N from the rhs.
SmallVector<Value> getMatMulDynamicSizes(OpBuilder &b, Location loc,
                                         RankedTensorType resultType,
                                         Value lhs, Value rhs) {
  int64_t rank = resultType.getRank();
  // Batch dims broadcast like elementwise operands (ignoring the two matrix
  // dims); M comes from the lhs and N from the rhs.
  SmallVector<Value> sizes = getBroadcastDynamicSizes(
      b, loc, resultType, ValueRange{lhs, rhs}, /*ignoreTrailing=*/2);
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (resultType.isDynamicDim(rank - 2))
    sizes.push_back(
        lhsType.isDynamicDim(lhsType.getRank() - 2)
            ? Value(tensor::DimOp::create(b, loc, lhs, lhsType.getRank() - 2))
            : Value(arith::ConstantIndexOp::create(
                  b, loc, lhsType.getDimSize(lhsType.getRank() - 2))));
  if (resultType.isDynamicDim(rank - 1))
    sizes.push_back(
        rhsType.isDynamicDim(rhsType.getRank() - 1)
            ? Value(tensor::DimOp::create(b, loc, rhs, rhsType.getRank() - 1))
            : Value(arith::ConstantIndexOp::create(
                  b, loc, rhsType.getDimSize(rhsType.getRank() - 1))));
  return sizes;
}

/// Map of a matmul operand into the (batch..., m, n, k) iteration space.
AffineMap getOperandMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                        ArrayRef<int64_t> resultShape, unsigned rowDim,
                        unsigned colDim) {
  int64_t batchRank = resultShape.size() - 2;
  int64_t numDims = batchRank + 3;
  int64_t offset = batchRank - (static_cast<int64_t>(shape.size()) - 2);
  SmallVector<AffineExpr> exprs;
  for (int64_t j = 0; j + 2 < static_cast<int64_t>(shape.size()); ++j) {
    int64_t i = j + offset;
    if (shape[j] == 1 && resultShape[i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i, ctx));
  }
  exprs.push_back(getAffineDimExpr(rowDim, ctx));
  exprs.push_back(getAffineDimExpr(colDim, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Type elementType = resultType.getElementType();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    Value init =
        createEmpty(rewriter, loc, resultType,
                    getMatMulDynamicSizes(rewriter, loc, resultType, lhs, rhs));
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value acc =
        linalg::FillOp::create(rewriter, loc, ValueRange{zero}, ValueRange{init})
            .getResult(0);
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    if (lhsType.getRank() == 2 && rhsType.getRank() == 2) {
      Value product =
          linalg::MatmulOp::create(rewriter, loc, TypeRange{resultType},
                                   ValueRange{lhs, rhs}, ValueRange{acc})
              .getResult(0);
      rewriter.replaceOp(op, product);
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    int64_t batchRank = resultType.getRank() - 2;
    unsigned m = batchRank, n = batchRank + 1, k = batchRank + 2;
    SmallVector<AffineExpr> outExprs;
    for (unsigned i = 0; i < batchRank + 2; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineMap> maps = {
        getOperandMap(ctx, lhsType.getShape(), resultType.getShape(), m, k),
        getOperandMap(ctx, rhsType.getShape(), resultType.getShape(), k, n),
        AffineMap::get(batchRank + 3, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(batchRank + 2,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    bool isFloat = isa<FloatType>(elementType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{lhs, rhs},
        ValueRange{acc}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value prod = isFloat
                           ? Value(arith::MulFOp::create(b, l, args[0], args[1]))
                           : Value(arith::MulIOp::create(b, l, args[0], args[1]));
          Value sum = isFloat ? Value(arith::AddFOp::create(b, l, args[2], prod))
                              : Value(arith::AddIOp::create(b, l, args[2], prod));
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// One linalg.generic: a loop per letter, operands read through their
/// letters, summed letters as reduction loops.
struct EinsumLowering : OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    std::string error;
    FailureOr<EinsumEquation> eq =
        parseEinsum(op.getEquation(), adaptor.getOperands(), error);
    if (failed(eq))
      return rewriter.notifyMatchFailure(op, error);
    std::string letters = eq->loopLetters();
    auto loop = [&](char c) {
      return getAffineDimExpr(letters.find(c), ctx);
    };
    SmallVector<AffineMap> maps;
    for (const std::string &term : eq->inputs) {
      SmallVector<AffineExpr> exprs;
      for (char c : term)
        exprs.push_back(loop(c));
      maps.push_back(AffineMap::get(letters.size(), 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (char c : eq->output)
      outExprs.push_back(loop(c));
    maps.push_back(AffineMap::get(letters.size(), 0, outExprs, ctx));
    SmallVector<utils::IteratorType> iterators(eq->output.size(),
                                               utils::IteratorType::parallel);
    iterators.append(letters.size() - eq->output.size(),
                     utils::IteratorType::reduction);

    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    SmallVector<Value> sizes;
    for (auto [i, c] : llvm::enumerate(eq->output)) {
      if (!resultType.isDynamicDim(i))
        continue;
      for (auto [term, v] : llvm::zip(eq->inputs, adaptor.getOperands())) {
        size_t at = term.find(c);
        if (at != std::string::npos) {
          sizes.push_back(tensor::DimOp::create(rewriter, loc, v, at));
          break;
        }
      }
    }
    Type elementType = resultType.getElementType();
    bool isFloat = isa<FloatType>(elementType);
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value acc =
        linalg::FillOp::create(rewriter, loc, ValueRange{zero}, ValueRange{init})
            .getResult(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, adaptor.getOperands(),
        ValueRange{acc}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value prod = args[0];
          for (Value v : args.drop_front().drop_back())
            prod = isFloat ? Value(arith::MulFOp::create(b, l, prod, v))
                           : Value(arith::MulIOp::create(b, l, prod, v));
          Value sum = isFloat
                          ? Value(arith::AddFOp::create(b, l, args.back(), prod))
                          : Value(arith::AddIOp::create(b, l, args.back(), prod));
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void blade::detail::populateLinearAlgebraPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns.add<EinsumLowering, MatMulLowering>(converter, patterns.getContext());
}
