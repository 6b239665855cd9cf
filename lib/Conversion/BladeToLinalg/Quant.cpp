//===- Quant.cpp - Quantization ops to linalg -----------------------------===//
//
// Quantize and dequantize are one elementwise linalg.generic each, reading the
// scale and zero point per tensor (0-d) or per index of the quantized axis.
// dynamic_quantize first reduces the tensor to its min and max.
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

/// Map of a quantization parameter into the input's iteration space.
AffineMap paramMap(MLIRContext *ctx, RankedTensorType input, Value param,
                   int64_t axis) {
  auto type = cast<RankedTensorType>(param.getType());
  unsigned rank = input.getRank();
  if (type.getRank() == 0)
    return AffineMap::get(rank, 0, {}, ctx);
  AffineExpr e = type.getDimSize(0) == 1 && input.getDimSize(axis) != 1
                     ? getAffineConstantExpr(0, ctx)
                     : getAffineDimExpr(axis, ctx);
  return AffineMap::get(rank, 0, {e}, ctx);
}

Value toFloat(OpBuilder &b, Location loc, Value v, Type floatType,
              bool isUnsigned) {
  return isUnsigned ? Value(arith::UIToFPOp::create(b, loc, floatType, v))
                    : Value(arith::SIToFPOp::create(b, loc, floatType, v));
}

/// saturate(round_half_even(x / scale) + zp) as an integer of `intType`.
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                     Value zp, Type intType, bool isUnsigned) {
  Type floatType = x.getType();
  Value r = math::RoundEvenOp::create(
      b, loc, arith::DivFOp::create(b, loc, x, scale));
  r = arith::AddFOp::create(b, loc, r, toFloat(b, loc, zp, floatType, isUnsigned));
  unsigned width = intType.getIntOrFloatBitWidth();
  APInt lo = isUnsigned ? APInt::getMinValue(width)
                        : APInt::getSignedMinValue(width);
  APInt hi = isUnsigned ? APInt::getMaxValue(width)
                        : APInt::getSignedMaxValue(width);
  double loF = isUnsigned ? lo.getZExtValue() : double(lo.getSExtValue());
  double hiF = isUnsigned ? double(hi.getZExtValue()) : double(hi.getSExtValue());
  r = arith::MaximumFOp::create(b, loc, r, createScalar(b, loc, floatType, loF));
  r = arith::MinimumFOp::create(b, loc, r, createScalar(b, loc, floatType, hiF));
  return isUnsigned ? Value(arith::FPToUIOp::create(b, loc, intType, r))
                    : Value(arith::FPToSIOp::create(b, loc, intType, r));
}

Value emptyLike(OpBuilder &b, Location loc, Value x, Type elementType) {
  return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, x),
                                 elementType);
}

/// One elementwise generic over `input` that also reads the per-tensor or
/// per-axis `scale` and `zeroPoint`; `body` gets (x, scale, zero point).
Value mapWithParams(OpBuilder &b, Location loc, Value input, Value scale,
                    Value zeroPoint, int64_t axis, Type resultElementType,
                    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  unsigned rank = inputType.getRank();
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 paramMap(ctx, inputType, scale, axis),
                                 paramMap(ctx, inputType, zeroPoint, axis),
                                 b.getMultiDimIdentityMap(rank)};
  Value init = emptyLike(b, loc, input, resultElementType);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()},
             ValueRange{input, scale, zeroPoint}, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Type intType = resultType.getElementType();
    bool isUnsigned = op.getType().getElementType().isUnsignedInteger();
    Value result = mapWithParams(
        rewriter, op.getLoc(), adaptor.getInput(), adaptor.getScale(),
        adaptor.getZeroPoint(), op.getAxis(), intType,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return quantizeScalar(b, l, args[0], args[1], args[2], intType,
                                isUnsigned);
        });
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, resultType, result);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Type floatType = resultType.getElementType();
    bool isUnsigned =
        op.getInput().getType().getElementType().isUnsignedInteger();
    Value result = mapWithParams(
        rewriter, op.getLoc(), adaptor.getInput(), adaptor.getScale(),
        adaptor.getZeroPoint(), op.getAxis(), floatType,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = toFloat(b, l, args[0], floatType, isUnsigned);
          Value zp = toFloat(b, l, args[2], floatType, isUnsigned);
          return arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, x, zp),
                                       args[1]);
        });
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, resultType, result);
    return success();
  }
};

struct DynamicQuantizeLowering : OpConversionPattern<DynamicQuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicQuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type floatType = type.getElementType();
    Type intType = rewriter.getIntegerType(8);
    unsigned rank = type.getRank();
    // min(0, min(x)) and max(0, max(x)) as 0-d tensors.
    auto reduce = [&](bool isMax) {
      Value zero = createScalar(rewriter, loc, floatType, 0.0);
      Value init = linalg::FillOp::create(
                       rewriter, loc, zero,
                       tensor::EmptyOp::create(rewriter, loc,
                                               ArrayRef<int64_t>{}, floatType)
                           .getResult())
                       .getResult(0);
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{init.getType()}, ValueRange{x},
                 ValueRange{init},
                 ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                                     AffineMap::get(rank, 0, {},
                                                    rewriter.getContext())},
                 SmallVector<utils::IteratorType>(
                     rank, utils::IteratorType::reduction),
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value v =
                       isMax ? Value(arith::MaximumFOp::create(b, l, args[0],
                                                               args[1]))
                             : Value(arith::MinimumFOp::create(b, l, args[0],
                                                               args[1]));
                   linalg::YieldOp::create(b, l, v);
                 })
          .getResult(0);
    };
    Value lo = tensor::ExtractOp::create(rewriter, loc, reduce(false));
    Value hi = tensor::ExtractOp::create(rewriter, loc, reduce(true));
    Value range = arith::SubFOp::create(rewriter, loc, hi, lo);
    Value scale = arith::DivFOp::create(
        rewriter, loc, range, createScalar(rewriter, loc, floatType, 255.0));
    Value zeroF = createScalar(rewriter, loc, floatType, 0.0);
    Value zpInt = createScalar(rewriter, loc, intType, 0.0);
    Value zp = quantizeScalar(rewriter, loc,
                              arith::SubFOp::create(rewriter, loc, zeroF, lo),
                              scale, zpInt, intType, /*isUnsigned=*/true);
    Value init = emptyLike(rewriter, loc, x, intType);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{init.getType()}, ValueRange{x},
            ValueRange{init},
            SmallVector<AffineMap>(2, rewriter.getMultiDimIdentityMap(rank)),
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l,
                                      quantizeScalar(b, l, args[0], scale, zp,
                                                     intType, true));
            })
            .getResult(0);
    Value scaleT = tensor::FromElementsOp::create(
        rewriter, loc, RankedTensorType::get({}, floatType), scale);
    Value zpT = tensor::FromElementsOp::create(
        rewriter, loc, RankedTensorType::get({}, intType), zp);
    rewriter.replaceOp(op, {tensor::CastOp::create(
                                rewriter, loc,
                                convertedResultType(*getTypeConverter(),
                                                    op.getOperation(), 0),
                                y)
                                .getResult(),
                            scaleT, zpT});
    return success();
  }
};

} // namespace

void blade::detail::populateQuantPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<DequantizeLowering, DynamicQuantizeLowering, QuantizeLowering>(
      converter, patterns.getContext());
}
