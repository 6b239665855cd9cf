//===- Normalization.cpp - Layer/instance/batch/MVN/LRN to linalg ---------===//
//
// Each normalisation lowers as a unit: mean and variance reductions (two
// passes, for accuracy) over its dims, then one elementwise map applying
// the statistics and the per-channel or per-feature parameters. LRN sums
// squares over a channel window read with bounds-checked extracts.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

SmallVector<Value> dynamicSizesOf(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, v, i));
  return sizes;
}

/// A parallel linalg.generic over the shape of `like` with explicit input
/// maps, producing an `elementType` tensor.
Value mapWith(OpBuilder &b, Location loc, Value like, ValueRange inputs,
              ArrayRef<AffineMap> maps, Type elementType,
              function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(like.getType());
  auto resultType = RankedTensorType::get(type.getShape(), elementType);
  Value empty = createEmpty(b, loc, resultType, dynamicSizesOf(b, loc, like));
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs, ValueRange{empty}, allMaps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

/// Converts a float scalar to `type` (extension or truncation).
Value castFloat(OpBuilder &b, Location loc, Value v, Type type) {
  unsigned from = v.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (v.getType() == type)
    return v;
  if (from < to)
    return arith::ExtFOp::create(b, loc, type, v);
  return arith::TruncFOp::create(b, loc, type, v);
}

/// Mean and variance of `x` (element type `t`) over the dims in `mask`, as
/// tensors with those dims dropped.
std::pair<Value, Value> meanAndVariance(OpBuilder &b, Location loc, Value x,
                                        ArrayRef<bool> mask) {
  Type t = cast<RankedTensorType>(x.getType()).getElementType();
  Value zero = createScalar(b, loc, t, 0.0);
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (auto [i, r] : llvm::enumerate(mask))
    if (r)
      count = arith::MulIOp::create(b, loc, count,
                                    tensor::DimOp::create(b, loc, x, i));
  Value n = arith::UIToFPOp::create(
      b, loc, t, arith::IndexCastUIOp::create(b, loc, b.getI64Type(), count));
  auto divide = [&](Value sum) {
    auto type = cast<RankedTensorType>(sum.getType());
    return mapWith(b, loc, sum, {sum},
                   {b.getMultiDimIdentityMap(type.getRank())}, t,
                   [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
                     return arith::DivFOp::create(nb, l, in[0], n);
                   });
  };
  Value mean = divide(buildReduction(
      b, loc, {x}, mask, zero,
      [](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
        return arith::AddFOp::create(nb, l, in[0], acc);
      }));
  Value var = divide(buildReduction(
      b, loc, {x, mean}, mask, zero,
      [](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
        Value d = arith::SubFOp::create(nb, l, in[0], in[1]);
        return arith::AddFOp::create(nb, l, arith::MulFOp::create(nb, l, d, d),
                                     acc);
      }));
  return {mean, var};
}

/// 1 / sqrt(var + epsilon), elementwise.
Value invStdDev(OpBuilder &b, Location loc, Value var, double epsilon) {
  auto type = cast<RankedTensorType>(var.getType());
  Type t = type.getElementType();
  return mapWith(b, loc, var, {var}, {b.getMultiDimIdentityMap(type.getRank())},
                 t, [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
                   Value s = math::SqrtOp::create(
                       nb, l,
                       arith::AddFOp::create(nb, l, in[0],
                                             createScalar(nb, l, t, epsilon)));
                   return arith::DivFOp::create(nb, l,
                                                createScalar(nb, l, t, 1.0), s);
                 });
}

/// The map reading a 1-D channel parameter at dim 1 of a rank-`rank` space.
AffineMap channelMap(MLIRContext *ctx, int64_t rank) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
}

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    Type t = type.getElementType();
    Type stash =
        cast<RankedTensorType>(op.getMean().getType()).getElementType();
    SmallVector<bool> mask(rank, false);
    for (int64_t i = op.getAxis(); i < rank; ++i)
      mask[i] = true;
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    Value xs = x;
    if (stash != t)
      xs = mapWith(rewriter, loc, x, {x}, {identity}, stash,
                   [&](OpBuilder &b, Location l, ValueRange in) {
                     return castFloat(b, l, in[0], stash);
                   });
    auto [mean, var] = meanAndVariance(rewriter, loc, xs, mask);
    Value isd =
        invStdDev(rewriter, loc, var, op.getEpsilon().convertToDouble());
    AffineMap reducedMap = getReducedMap(ctx, mask);
    SmallVector<Value> inputs = {xs, mean, isd, adaptor.getScale()};
    SmallVector<AffineMap> maps = {identity, reducedMap, reducedMap};
    for (Value p : {adaptor.getScale(), adaptor.getBias()}) {
      if (!p)
        continue;
      maps.push_back(
          getBroadcastMap(ctx, cast<RankedTensorType>(p.getType()).getShape(),
                          type.getShape()));
    }
    if (Value bias = adaptor.getBias())
      inputs.push_back(bias);
    Value y = mapWith(
        rewriter, loc, x, inputs, maps, t,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value v = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, in[0], in[1]), in[2]);
          v = arith::MulFOp::create(b, l, v, castFloat(b, l, in[3], stash));
          if (in.size() > 4)
            v = arith::AddFOp::create(b, l, v, castFloat(b, l, in[4], stash));
          return castFloat(b, l, v, t);
        });
    const TypeConverter &converter = *getTypeConverter();
    rewriter.replaceOp(
        op, {y,
             restoreReducedDims(rewriter, loc, mean, mask, true,
                                convertedResultType(converter, op, 1)),
             restoreReducedDims(rewriter, loc, isd, mask, true,
                                convertedResultType(converter, op, 2))});
    return success();
  }
};

struct MeanVarianceNormLowering : OpConversionPattern<MeanVarianceNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MeanVarianceNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    Type t = type.getElementType();
    SmallVector<bool> mask(type.getRank(), false);
    for (int64_t a : op.getAxes())
      mask[a] = true;
    auto [mean, var] = meanAndVariance(rewriter, loc, x, mask);
    AffineMap reducedMap = getReducedMap(rewriter.getContext(), mask);
    double epsilon = op.getEpsilon().convertToDouble();
    Value y =
        mapWith(rewriter, loc, x, {x, mean, var},
                {rewriter.getMultiDimIdentityMap(type.getRank()), reducedMap,
                 reducedMap},
                t, [&](OpBuilder &b, Location l, ValueRange in) -> Value {
                  Value std = arith::AddFOp::create(
                      b, l, math::SqrtOp::create(b, l, in[2]),
                      createScalar(b, l, t, epsilon));
                  return arith::DivFOp::create(
                      b, l, arith::SubFOp::create(b, l, in[0], in[1]), std);
                });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct InstanceNormLowering : OpConversionPattern<InstanceNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(InstanceNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    SmallVector<bool> mask(rank, false);
    for (int64_t i = 2; i < rank; ++i)
      mask[i] = true;
    auto [mean, var] = meanAndVariance(rewriter, loc, x, mask);
    Value isd =
        invStdDev(rewriter, loc, var, op.getEpsilon().convertToDouble());
    AffineMap reducedMap = getReducedMap(ctx, mask);
    AffineMap channel = channelMap(ctx, rank);
    Value y = mapWith(
        rewriter, loc, x, {x, mean, isd, adaptor.getScale(), adaptor.getBias()},
        {rewriter.getMultiDimIdentityMap(rank), reducedMap, reducedMap, channel,
         channel},
        type.getElementType(),
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value v = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, in[0], in[1]), in[2]);
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, v, in[3]), in[4]);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    Type t = type.getElementType();
    AffineMap channel = channelMap(rewriter.getContext(), rank);
    double epsilon = op.getEpsilon().convertToDouble();
    Value y = mapWith(rewriter, loc, x,
                      {x, adaptor.getScale(), adaptor.getBias(),
                       adaptor.getMean(), adaptor.getVariance()},
                      {rewriter.getMultiDimIdentityMap(rank), channel, channel,
                       channel, channel},
                      t, [&](OpBuilder &b, Location l, ValueRange in) -> Value {
                        Value s = math::SqrtOp::create(
                            b, l,
                            arith::AddFOp::create(
                                b, l, in[4], createScalar(b, l, t, epsilon)));
                        Value v = arith::DivFOp::create(
                            b, l, arith::SubFOp::create(b, l, in[0], in[3]), s);
                        return arith::AddFOp::create(
                            b, l, arith::MulFOp::create(b, l, v, in[1]), in[2]);
                      });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct LRNLowering : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    Type t = type.getElementType();
    int64_t size = op.getSize();
    int64_t before = (size - 1) / 2;
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);

    // sums[n, c, ...] = sum over k < size of x[n, c + k - before, ...]^2
    // for the channels that exist; the window's channel is read with
    // tensor.extract at a clamped index.
    Value channels = tensor::DimOp::create(rewriter, loc, x, 1);
    Value window = tensor::EmptyOp::create(rewriter, loc, {size}, t);
    Value init =
        linalg::FillOp::create(
            rewriter, loc, ValueRange{createScalar(rewriter, loc, t, 0)},
            ValueRange{createEmpty(rewriter, loc, type,
                                   dynamicSizesOf(rewriter, loc, x))})
            .getResult(0);
    SmallVector<AffineExpr> out;
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(getAffineDimExpr(i, ctx));
    SmallVector<utils::IteratorType> iterators(rank + 1,
                                               utils::IteratorType::parallel);
    iterators[rank] = utils::IteratorType::reduction;
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{window},
            ValueRange{init},
            ArrayRef<AffineMap>{
                AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank, ctx)}, ctx),
                AffineMap::get(rank + 1, 0, out, ctx)},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              SmallVector<Value> indices;
              for (int64_t i = 0; i < rank; ++i)
                indices.push_back(linalg::IndexOp::create(b, l, i));
              Value k = linalg::IndexOp::create(b, l, rank);
              // c + k - before, as a signed index.
              Value c = arith::SubIOp::create(
                  b, l, arith::AddIOp::create(b, l, indices[1], k),
                  arith::ConstantIndexOp::create(b, l, before));
              Value zero = arith::ConstantIndexOp::create(b, l, 0);
              Value valid = arith::AndIOp::create(
                  b, l,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, c,
                                        zero),
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, c,
                                        channels));
              indices[1] = arith::SelectOp::create(b, l, valid, c, zero);
              Value v = tensor::ExtractOp::create(b, l, x, indices);
              v = arith::MulFOp::create(b, l, v, v);
              v = arith::SelectOp::create(b, l, valid, v,
                                          createScalar(b, l, t, 0.0));
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, v, args[1]).getResult());
            })
            .getResult(0);

    double alpha = op.getAlpha().convertToDouble() / size;
    double beta = op.getBeta().convertToDouble();
    double bias = op.getBias().convertToDouble();
    Value y = mapWith(
        rewriter, loc, x, {x, sums}, {identity, identity}, t,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value base = arith::AddFOp::create(
              b, l, createScalar(b, l, t, bias),
              arith::MulFOp::create(b, l, createScalar(b, l, t, alpha), in[1]));
          Value denom =
              math::PowFOp::create(b, l, base, createScalar(b, l, t, beta));
          return arith::DivFOp::create(b, l, in[0], denom);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void blade::detail::populateNormalizationPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering, MeanVarianceNormLowering,
               InstanceNormLowering, BatchNormLowering, LRNLowering>(
      converter, patterns.getContext());
}
