//===- Matrix.cpp - blade.det to scf loops on tensors ---------------------===//
//
// blade.det visits the batch with one scf.for over the linearized batch
// index; each matrix is eliminated in place (scf.for loops carrying the
// matrix tensor, tensor.extract/insert) with partial pivoting, the
// determinant being the product of the pivots, negated per row swap.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// Loops `lo` .. `hi` carrying `init`; `body` gets the induction variable
/// and the carried values and returns the next ones.
ValueRange
forLoop(OpBuilder &b, Location loc, Value lo, Value hi, ValueRange init,
        function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, lo, hi, one, init,
      [&](OpBuilder &nb, Location l, Value iv, ValueRange args) {
        scf::YieldOp::create(nb, l, body(nb, iv, args));
      });
  return loop.getResults();
}

/// The determinant of the n x n matrix `m` (a tensor, eliminated in place).
Value eliminate(OpBuilder &b, Location loc, Value m, Value n) {
  auto type = cast<RankedTensorType>(m.getType());
  Type e = type.getElementType();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value fZero = createScalar(b, loc, e, 0.0);
  Value fOne = createScalar(b, loc, e, 1.0);
  Value fMinusOne = createScalar(b, loc, e, -1.0);
  auto at = [&](OpBuilder &nb, Value t, Value i, Value j) {
    return tensor::ExtractOp::create(nb, loc, t, ValueRange{i, j}).getResult();
  };
  auto put = [&](OpBuilder &nb, Value v, Value t, Value i, Value j) {
    return tensor::InsertOp::create(nb, loc, v, t, ValueRange{i, j})
        .getResult();
  };
  ValueRange result = forLoop(
      b, loc, zero, n, {m, fOne},
      [&](OpBuilder &b1, Value k, ValueRange s) -> SmallVector<Value> {
        Value a = s[0], det = s[1];
        // The row p >= k with the largest |a[p, k]|.
        ValueRange pivot = forLoop(
            b1, loc, k, n, {k, fMinusOne},
            [&](OpBuilder &b2, Value i, ValueRange best) -> SmallVector<Value> {
              Value v = math::AbsFOp::create(b2, loc, at(b2, a, i, k));
              Value better = arith::CmpFOp::create(
                  b2, loc, arith::CmpFPredicate::OGT, v, best[1]);
              return {arith::SelectOp::create(b2, loc, better, i, best[0]),
                      arith::SelectOp::create(b2, loc, better, v, best[1])};
            });
        Value p = pivot[0];
        // Swap rows k and p (a no-op when equal); a swap negates.
        a = forLoop(
            b1, loc, zero, n, {a},
            [&](OpBuilder &b2, Value j, ValueRange t) -> SmallVector<Value> {
              Value rowK = at(b2, t[0], k, j);
              Value rowP = at(b2, t[0], p, j);
              Value r = put(b2, rowP, t[0], k, j);
              return {put(b2, rowK, r, p, j)};
            })[0];
        Value swapped =
            arith::CmpIOp::create(b1, loc, arith::CmpIPredicate::ne, p, k);
        det = arith::SelectOp::create(b1, loc, swapped,
                                      arith::NegFOp::create(b1, loc, det), det);
        Value piv = at(b1, a, k, k);
        det = arith::MulFOp::create(b1, loc, det, piv);
        // A zero pivot column makes the determinant 0: skip the updates
        // rather than divide by 0.
        Value singular = arith::CmpFOp::create(
            b1, loc, arith::CmpFPredicate::OEQ, piv, fZero);
        Value next = arith::AddIOp::create(b1, loc, k, one);
        a = forLoop(
            b1, loc, next, n, {a},
            [&](OpBuilder &b2, Value i, ValueRange t) -> SmallVector<Value> {
              Value f = arith::DivFOp::create(b2, loc, at(b2, t[0], i, k), piv);
              f = arith::SelectOp::create(b2, loc, singular, fZero, f);
              return {forLoop(b2, loc, next, n, {t[0]},
                              [&](OpBuilder &b3, Value j,
                                  ValueRange u) -> SmallVector<Value> {
                                Value x = at(b3, u[0], i, j);
                                Value y = arith::MulFOp::create(
                                    b3, loc, f, at(b3, u[0], k, j));
                                Value z = arith::SubFOp::create(b3, loc, x, y);
                                return {put(b3, z, u[0], i, j)};
                              })[0]};
            })[0];
        return {a, det};
      });
  return result[1];
}

struct DetLowering : OpConversionPattern<DetOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DetOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = convertedResultType(*getTypeConverter(), op);
    int64_t rank = type.getRank(), batchRank = rank - 2;
    OpBuilder &b = rewriter;
    SmallVector<Value> batchSizes, dynamicSizes;
    Value total = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t d = 0; d < batchRank; ++d) {
      batchSizes.push_back(getDimValue(b, loc, x, d));
      total = arith::MulIOp::create(b, loc, total, batchSizes.back());
      if (resultType.isDynamicDim(d))
        dynamicSizes.push_back(batchSizes.back());
    }
    Value n = getDimValue(b, loc, x, rank - 1);
    Value init = createEmpty(b, loc, resultType, dynamicSizes);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value dets = forLoop(
        b, loc, zero, total, {init},
        [&](OpBuilder &nb, Value lin, ValueRange s) -> SmallVector<Value> {
          // Batch indices from the linear index, last dim fastest.
          SmallVector<Value> index(batchRank);
          Value rest = lin;
          for (int64_t d = batchRank - 1; d >= 0; --d) {
            index[d] = arith::RemUIOp::create(nb, loc, rest, batchSizes[d]);
            rest = arith::DivUIOp::create(nb, loc, rest, batchSizes[d]);
          }
          SmallVector<OpFoldResult> offsets(index.begin(), index.end());
          offsets.append(2, nb.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes(batchRank, nb.getIndexAttr(1));
          sizes.push_back(tensor::getMixedSize(nb, loc, x, rank - 2));
          sizes.push_back(tensor::getMixedSize(nb, loc, x, rank - 1));
          SmallVector<OpFoldResult> strides(rank, nb.getIndexAttr(1));
          auto matrixType = RankedTensorType::get(
              {type.getDimSize(rank - 2), type.getDimSize(rank - 1)},
              type.getElementType());
          Value m = tensor::ExtractSliceOp::create(nb, loc, matrixType, x,
                                                   offsets, sizes, strides);
          Value det = eliminate(nb, loc, m, n);
          return {
              tensor::InsertOp::create(nb, loc, det, s[0], index).getResult()};
        })[0];
    rewriter.replaceOp(op, dets);
    return success();
  }
};

} // namespace

void blade::detail::populateMatrixPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<DetLowering>(converter, patterns.getContext());
}
