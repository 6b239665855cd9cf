//===- Reduction.cpp - Reductions, arg-reductions and the softmax family --===//
//
// blade.reduce, blade.arg_reduce and the softmax family lower to
// linalg.generic reductions plus elementwise maps (math/arith inside the
// bodies); fusion later merges them into few kernels. Kept dims of
// `keepdims` results come back with tensor.expand_shape.
//
//===----------------------------------------------------------------------===//

#include "ReductionPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace blade;
using namespace blade::detail;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

AffineMap blade::detail::getReducedMap(MLIRContext *ctx,
                                       ArrayRef<bool> reduced) {
  SmallVector<AffineExpr> exprs;
  for (auto [i, r] : llvm::enumerate(reduced))
    if (!r)
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(reduced.size(), 0, exprs, ctx);
}

Value blade::detail::buildReduction(OpBuilder &b, Location loc,
                                    ValueRange inputs, ArrayRef<bool> reduced,
                                    Value init, ReductionBodyFn body) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(inputs[0].getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i)
    if (!reduced[i])
      shape.push_back(type.getDimSize(i));
  auto resultType = RankedTensorType::get(shape, init.getType());
  Value empty =
      createEmpty(b, loc, resultType, dynamicSizes(b, loc, inputs[0], reduced));
  Value acc =
      linalg::FillOp::create(b, loc, ValueRange{init}, ValueRange{empty})
          .getResult(0);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap reducedMap = getReducedMap(ctx, reduced);
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(cast<RankedTensorType>(in.getType()).getRank() == rank
                       ? identity
                       : reducedMap);
  maps.push_back(reducedMap);
  SmallVector<utils::IteratorType> iterators;
  for (bool r : reduced)
    iterators.push_back(r ? utils::IteratorType::reduction
                          : utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs, ValueRange{acc}, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l, body(nb, l, args.drop_back(), args.back()));
             })
      .getResult(0);
}

Value blade::detail::buildFullMap(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<bool> reduced,
    Type elementType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(inputs[0].getType());
  int64_t rank = type.getRank();
  auto resultType = RankedTensorType::get(type.getShape(), elementType);
  Value empty =
      createEmpty(b, loc, resultType, dynamicSizes(b, loc, inputs[0]));
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap reducedMap = getReducedMap(b.getContext(), reduced);
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(cast<RankedTensorType>(in.getType()).getRank() == rank
                       ? identity
                       : reducedMap);
  maps.push_back(identity);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs, ValueRange{empty}, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

Value blade::detail::restoreReducedDims(OpBuilder &b, Location loc,
                                        Value reduced, ArrayRef<bool> mask,
                                        bool keepdims,
                                        RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(reduced.getType());
  if (keepdims) {
    // Each kept dim groups with the reduced dims after it; leading reduced
    // dims join the first group.
    SmallVector<int64_t> shape;
    SmallVector<ReassociationIndices> groups;
    ReassociationIndices leading;
    int64_t next = 0;
    for (auto [i, r] : llvm::enumerate(mask)) {
      int64_t dim = i;
      if (r) {
        shape.push_back(1);
        (groups.empty() ? leading : groups.back()).push_back(dim);
        continue;
      }
      shape.push_back(type.getDimSize(next++));
      ReassociationIndices group = std::move(leading);
      leading.clear();
      group.push_back(dim);
      groups.push_back(std::move(group));
    }
    auto expandedType = RankedTensorType::get(shape, type.getElementType());
    reduced =
        tensor::ExpandShapeOp::create(b, loc, expandedType, reduced, groups);
  }
  if (reduced.getType() != resultType)
    reduced = tensor::CastOp::create(b, loc, resultType, reduced);
  return reduced;
}

namespace {

SmallVector<bool> maskOf(int64_t rank, ArrayRef<int64_t> axes) {
  SmallVector<bool> mask(rank, false);
  for (int64_t a : axes)
    mask[a] = true;
  return mask;
}

struct ReduceLowering : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getOperand();
    auto xType = cast<RankedTensorType>(x.getType());
    Arith a(op.getOperand().getType().getElementType(), xType.getElementType());
    StringRef kind = op.getKind();
    SmallVector<bool> mask = maskOf(xType.getRank(), op.getAxes());
    OpBuilder &b = rewriter;

    Value result;
    if (kind == "log_sum_exp") {
      Value max =
          buildReduction(b, loc, {x}, mask, a.extreme(b, loc, /*lowest=*/true),
                         [&](OpBuilder &nb, Location l, ValueRange in,
                             Value acc) { return a.max(nb, l, in[0], acc); });
      // An all -inf (or empty) slice shifts by 0 instead of -inf.
      Value shift = buildFullMap(
          b, loc, {max}, {}, a.type,
          [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
            Value isInf =
                arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, in[0],
                                      a.extreme(nb, l, true));
            return arith::SelectOp::create(nb, l, isInf, a.constant(nb, l, 0),
                                           in[0]);
          });
      Value sum = buildReduction(
          b, loc, {x, shift}, mask, a.constant(b, loc, 0),
          [&](OpBuilder &nb, Location l, ValueRange in, Value acc) {
            Value e = math::ExpOp::create(
                nb, l, arith::SubFOp::create(nb, l, in[0], in[1]));
            return a.add(nb, l, e, acc);
          });
      result =
          buildFullMap(b, loc, {sum, shift}, {}, a.type,
                       [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
                         return arith::AddFOp::create(
                             nb, l, math::LogOp::create(nb, l, in[0]), in[1]);
                       });
    } else {
      Value init;
      if (kind == "prod")
        init = a.constant(b, loc, 1);
      else if (kind == "max" || kind == "min")
        init = a.extreme(b, loc, kind == "max");
      else
        init = a.constant(b, loc, 0);
      result = buildReduction(
          b, loc, {x}, mask, init,
          [&](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
            Value v = in[0];
            if (kind == "prod")
              return a.mul(nb, l, v, acc);
            if (kind == "max")
              return a.max(nb, l, v, acc);
            if (kind == "min")
              return a.min(nb, l, v, acc);
            if (kind == "l1")
              v = a.abs(nb, l, v);
            else if (kind == "l2" || kind == "sum_square")
              v = a.mul(nb, l, v, v);
            return a.add(nb, l, v, acc);
          });
      if (kind == "mean") {
        Value count = arith::ConstantIndexOp::create(b, loc, 1);
        for (auto [i, r] : llvm::enumerate(mask))
          if (r)
            count = arith::MulIOp::create(b, loc, count,
                                          tensor::DimOp::create(b, loc, x, i));
        // A mean of nothing is 0 (the sum), as ONNX Runtime and torch give
        // it, not NaN or an integer division trap (an empty EmbeddingBag).
        Value zero = arith::ConstantIndexOp::create(b, loc, 0);
        Value empty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            count, zero);
        count = arith::SelectOp::create(
            b, loc, empty, arith::ConstantIndexOp::create(b, loc, 1), count);
        Value n = a.fromIndex(b, loc, count);
        result = buildFullMap(b, loc, {result}, {}, a.type,
                              [&](OpBuilder &nb, Location l, ValueRange in) {
                                return a.div(nb, l, in[0], n);
                              });
      } else if (kind == "l2" || kind == "log_sum") {
        result = buildFullMap(
            b, loc, {result}, {}, a.type,
            [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
              if (kind == "l2")
                return math::SqrtOp::create(nb, l, in[0]);
              return math::LogOp::create(nb, l, in[0]);
            });
      }
    }
    rewriter.replaceOp(
        op, restoreReducedDims(b, loc, result, mask, op.getKeepdims(),
                               convertedResultType(*getTypeConverter(), op)));
    return success();
  }
};

struct ArgReduceLowering : OpConversionPattern<ArgReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getOperand();
    auto xType = cast<RankedTensorType>(x.getType());
    Arith a(op.getOperand().getType().getElementType(), xType.getElementType());
    bool isMax = op.getKind() == "max";
    bool last = op.getSelectLastIndex();
    int64_t axis = op.getAxis();
    int64_t rank = xType.getRank();
    SmallVector<bool> mask = maskOf(rank, {axis});

    SmallVector<int64_t> shape;
    for (int64_t i = 0; i < rank; ++i)
      if (!mask[i])
        shape.push_back(xType.getDimSize(i));
    SmallVector<Value> sizes = dynamicSizes(rewriter, loc, x, mask);
    auto valueType = RankedTensorType::get(shape, a.type);
    auto indexType = RankedTensorType::get(shape, rewriter.getI64Type());
    Value values =
        linalg::FillOp::create(
            rewriter, loc, ValueRange{a.extreme(rewriter, loc, isMax)},
            ValueRange{createEmpty(rewriter, loc, valueType, sizes)})
            .getResult(0);
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(0));
    Value indices =
        linalg::FillOp::create(
            rewriter, loc, ValueRange{zero},
            ValueRange{createEmpty(rewriter, loc, indexType, sizes)})
            .getResult(0);
    AffineMap reducedMap = getReducedMap(ctx, mask);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, ValueRange{x},
        ValueRange{values, indices},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank), reducedMap,
                            reducedMap},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value take = a.greater(b, l, args[0], args[1], last, !isMax);
          Value i = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, take, args[0], args[1]),
                         arith::SelectOp::create(b, l, take, i, args[2])});
        });
    rewriter.replaceOp(
        op, restoreReducedDims(rewriter, loc, generic.getResult(1), mask,
                               op.getKeepdims(),
                               convertedResultType(*getTypeConverter(), op)));
    return success();
  }
};

/// Softmax, LogSoftmax and Hardmax over the dims `axis` (to the last with
/// `flatten`).
template <typename OpTy>
struct SoftmaxLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    Arith a(type.getElementType(), type.getElementType());
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    SmallVector<bool> mask(rank, false);
    for (int64_t i = axis; i < (op.getFlatten() ? rank : axis + 1); ++i)
      mask[i] = true;
    OpBuilder &b = rewriter;
    Value max =
        buildReduction(b, loc, {x}, mask, a.extreme(b, loc, true),
                       [&](OpBuilder &nb, Location l, ValueRange in,
                           Value acc) { return a.max(nb, l, in[0], acc); });
    Value result;
    if constexpr (std::is_same_v<OpTy, HardmaxOp>) {
      // The smallest row-major position (over the normalized dims) holding
      // the maximum, then a one-hot map.
      SmallVector<Value> sizes;
      for (int64_t i = 0; i < rank; ++i)
        if (mask[i])
          sizes.push_back(tensor::DimOp::create(b, loc, x, i));
      auto linear = [&](OpBuilder &nb, Location l) {
        Value pos = arith::ConstantIndexOp::create(nb, l, 0);
        int64_t k = 0;
        for (int64_t i = 0; i < rank; ++i) {
          if (!mask[i])
            continue;
          pos = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, pos, sizes[k++]),
              linalg::IndexOp::create(nb, l, i));
        }
        return pos;
      };
      Value first = buildReduction(
          b, loc, {x, max}, mask,
          arith::ConstantIndexOp::create(b, loc,
                                         std::numeric_limits<int64_t>::max()),
          [&](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
            Value isMax = arith::CmpFOp::create(
                nb, l, arith::CmpFPredicate::OEQ, in[0], in[1]);
            Value pos =
                arith::SelectOp::create(nb, l, isMax, linear(nb, l), acc);
            return arith::MinUIOp::create(nb, l, pos, acc);
          });
      result = buildFullMap(
          b, loc, {x, first}, mask, a.type,
          [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
            Value hit = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                              linear(nb, l), in[1]);
            return arith::SelectOp::create(nb, l, hit, a.constant(nb, l, 1),
                                           a.constant(nb, l, 0));
          });
    } else {
      constexpr bool isLog = std::is_same_v<OpTy, LogSoftmaxOp>;
      auto expShifted = [&](OpBuilder &nb, Location l, Value v, Value m) {
        return math::ExpOp::create(nb, l, arith::SubFOp::create(nb, l, v, m));
      };
      if (isLog) {
        Value sum = buildReduction(
            b, loc, {x, max}, mask, a.constant(b, loc, 0),
            [&](OpBuilder &nb, Location l, ValueRange in, Value acc) {
              return a.add(nb, l, expShifted(nb, l, in[0], in[1]), acc);
            });
        result = buildFullMap(
            b, loc, {x, max, sum}, mask, a.type,
            [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
              Value shifted = arith::SubFOp::create(nb, l, in[0], in[1]);
              return arith::SubFOp::create(nb, l, shifted,
                                           math::LogOp::create(nb, l, in[2]));
            });
      } else {
        Value exps = buildFullMap(
            b, loc, {x, max}, mask, a.type,
            [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
              return expShifted(nb, l, in[0], in[1]);
            });
        Value sum =
            buildReduction(b, loc, {exps}, mask, a.constant(b, loc, 0),
                           [&](OpBuilder &nb, Location l, ValueRange in,
                               Value acc) { return a.add(nb, l, in[0], acc); });
        result = buildFullMap(
            b, loc, {exps, sum}, mask, a.type,
            [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
              return arith::DivFOp::create(nb, l, in[0], in[1]);
            });
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateReductionPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns
      .add<ReduceLowering, ArgReduceLowering, SoftmaxLikeLowering<SoftmaxOp>,
           SoftmaxLikeLowering<LogSoftmaxOp>, SoftmaxLikeLowering<HardmaxOp>>(
          converter, patterns.getContext());
  populateIndexedReductionPatterns(converter, patterns);
}
