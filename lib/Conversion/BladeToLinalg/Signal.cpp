//===- Signal.cpp - Lowering of the Fourier and mel filter bank ops -------===//
//
// blade.dft/stft: each output element (one frequency, real or imaginary
// part) is a linalg.generic element whose body sums over the samples with an
// scf.for in f64. Twiddle angles use the exact residue (k * n) mod L, so
// cos/sin at multiples of pi/2 are as exact as f64 makes them.
// blade.mel_weight_matrix: one generic element per (spectrum bin, mel bin),
// computing its three mel edges in f64.
//
//===----------------------------------------------------------------------===//

#include "ImageUtils.h"
#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// A float scalar widened to f64.
Value extendToF64(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF64())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF64Type(), v);
}

/// Real and imaginary part of sample `n` (0 for the imaginary part of a real
/// signal) and its weight, read by the caller.
using SampleFn =
    function_ref<std::pair<Value, Value>(OpBuilder &, Location, Value n)>;

/// sum over n < length of sample(n) * exp(-+2 pi i k n / length), part
/// `part` (0 real, 1 imaginary), divided by length when `inverse`; the
/// result in `elementType`.
Value buildTransformElement(OpBuilder &b, Location loc, Value k, Value part,
                            Value length, bool inverse, Type elementType,
                            SampleFn sample) {
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  Value lengthF = arith::SIToFPOp::create(
      b, loc, b.getF64Type(),
      arith::IndexCastOp::create(b, loc, b.getI64Type(), length));
  Value step =
      arith::DivFOp::create(b, loc, ScalarBuilder{b, loc}.f(2 * M_PI), lengthF);
  Value wantImag =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, part, one);
  auto loop = scf::ForOp::create(
      b, loc, zero, length, one, ValueRange{ScalarBuilder{b, loc}.f(0.0)},
      [&](OpBuilder &lb, Location l, Value n, ValueRange acc) {
        auto [re, im] = sample(lb, l, n);
        Value residue = arith::RemUIOp::create(
            lb, l, arith::MulIOp::create(lb, l, k, n), length);
        Value angle = arith::MulFOp::create(
            lb, l, step,
            arith::SIToFPOp::create(
                lb, l, lb.getF64Type(),
                arith::IndexCastOp::create(lb, l, lb.getI64Type(), residue)));
        Value c = math::CosOp::create(lb, l, angle);
        Value s = math::SinOp::create(lb, l, angle);
        // Forward: (re + i im)(c - i s); inverse: (re + i im)(c + i s).
        Value reC = arith::MulFOp::create(lb, l, re, c);
        Value imS = arith::MulFOp::create(lb, l, im, s);
        Value imC = arith::MulFOp::create(lb, l, im, c);
        Value reS = arith::MulFOp::create(lb, l, re, s);
        Value real = inverse
                         ? arith::SubFOp::create(lb, l, reC, imS).getResult()
                         : arith::AddFOp::create(lb, l, reC, imS).getResult();
        Value imag = inverse
                         ? arith::AddFOp::create(lb, l, imC, reS).getResult()
                         : arith::SubFOp::create(lb, l, imC, reS).getResult();
        Value term = arith::SelectOp::create(lb, l, wantImag, imag, real);
        scf::YieldOp::create(
            lb, l, ValueRange{arith::AddFOp::create(lb, l, acc[0], term)});
      });
  Value sum = loop.getResult(0);
  if (inverse)
    sum = arith::DivFOp::create(b, loc, sum, lengthF);
  if (elementType.isF64())
    return sum;
  return arith::TruncFOp::create(b, loc, elementType, sum);
}

/// Frequencies of a DFT of `length` samples: all, or length / 2 + 1.
Value frequencyCount(OpBuilder &b, Location loc, Value length, bool onesided) {
  if (!onesided)
    return length;
  return arith::AddIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, length, indexConst(b, loc, 2)),
      indexConst(b, loc, 1));
}

/// Reads the real and imaginary parts at `indices` (the complex index last,
/// replaced here) of `input`, whose last dim `complexDim` is 1 or 2.
std::pair<Value, Value> readComplex(OpBuilder &b, Location loc, Value input,
                                    SmallVector<Value> indices,
                                    Value complexDim) {
  Value zero = indexConst(b, loc, 0), one = indexConst(b, loc, 1);
  indices.back() = zero;
  Value re =
      extendToF64(b, loc, tensor::ExtractOp::create(b, loc, input, indices));
  // A real signal reads index 0 again and discards it.
  Value isComplex =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, complexDim, one);
  indices.back() = arith::SelectOp::create(b, loc, isComplex, one, zero);
  Value im =
      extendToF64(b, loc, tensor::ExtractOp::create(b, loc, input, indices));
  im = arith::SelectOp::create(b, loc, isComplex, im,
                               ScalarBuilder{b, loc}.f(0.0));
  return {re, im};
}

struct DftLowering : OpConversionPattern<DftOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DftOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    int64_t axis = op.getAxis(), rank = inputType.getRank();
    Value axisSize = getDimValue(rewriter, loc, input, axis);
    Value length =
        op.getLength() ? indexConst(rewriter, loc, *op.getLength()) : axisSize;
    Value complexDim = getDimValue(rewriter, loc, input, rank - 1);
    SmallVector<Value> dynamicSizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      if (i != axis) {
        dynamicSizes.push_back(getDimValue(rewriter, loc, input, i));
        continue;
      }
      dynamicSizes.push_back(
          frequencyCount(rewriter, loc, length, op.getOnesided()));
    }
    bool inverse = op.getInverse();
    Value result = buildIndexedGeneric(
        rewriter, loc, resultType, dynamicSizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) {
          auto sample = [&](OpBuilder &sb, Location sl, Value n) {
            // Samples past the axis size are zeros (read clamped, dropped).
            SmallVector<Value> indices(ivs);
            Value inside = arith::CmpIOp::create(
                sb, sl, arith::CmpIPredicate::ult, n, axisSize);
            Value last =
                arith::SubIOp::create(sb, sl, axisSize, indexConst(sb, sl, 1));
            indices[axis] = arith::MinUIOp::create(sb, sl, n, last);
            auto [re, im] = readComplex(sb, sl, input, indices, complexDim);
            Value zero = ScalarBuilder{sb, sl}.f(0.0);
            return std::pair(
                arith::SelectOp::create(sb, sl, inside, re, zero).getResult(),
                arith::SelectOp::create(sb, sl, inside, im, zero).getResult());
          };
          return buildTransformElement(b, l, ivs[axis], ivs.back(), length,
                                       inverse, resultType.getElementType(),
                                       sample);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct StftLowering : OpConversionPattern<StftOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StftOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value signal = adaptor.getSignal(), window = adaptor.getWindow();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    auto scalarIndex = [&](Value scalar) {
      return castToIndex(
          rewriter, loc,
          tensor::ExtractOp::create(rewriter, loc, scalar, ValueRange{}));
    };
    Value step = scalarIndex(adaptor.getFrameStep());
    Value length = window ? getDimValue(rewriter, loc, window, 0)
                          : scalarIndex(adaptor.getFrameLength());
    Value samples = getDimValue(rewriter, loc, signal, 1);
    Value complexDim = getDimValue(rewriter, loc, signal, 2);
    // frames = (samples - length) / step + 1; the shape checks of the
    // importer make samples >= length and step > 0.
    Value frames = arith::AddIOp::create(
        rewriter, loc,
        arith::DivSIOp::create(
            rewriter, loc,
            arith::SubIOp::create(rewriter, loc, samples, length), step),
        indexConst(rewriter, loc, 1));
    Value bins = frequencyCount(rewriter, loc, length, op.getOnesided());
    SmallVector<Value> sizes = {getDimValue(rewriter, loc, signal, 0), frames,
                                bins};
    SmallVector<Value> dynamicSizes;
    for (int64_t i = 0; i < 3; ++i)
      if (resultType.isDynamicDim(i))
        dynamicSizes.push_back(sizes[i]);
    Value result = buildIndexedGeneric(
        rewriter, loc, resultType, dynamicSizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) {
          Value start = arith::MulIOp::create(b, l, ivs[1], step);
          auto sample = [&](OpBuilder &sb, Location sl, Value n) {
            SmallVector<Value> indices = {
                ivs[0], arith::AddIOp::create(sb, sl, start, n), Value()};
            auto [re, im] = readComplex(sb, sl, signal, indices, complexDim);
            if (!window)
              return std::pair(re, im);
            Value w = extendToF64(
                sb, sl,
                tensor::ExtractOp::create(sb, sl, window, ValueRange{n}));
            return std::pair(arith::MulFOp::create(sb, sl, re, w).getResult(),
                             arith::MulFOp::create(sb, sl, im, w).getResult());
          };
          return buildTransformElement(b, l, ivs[2], ivs[3], length,
                                       /*inverse=*/false,
                                       resultType.getElementType(), sample);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MelWeightMatrixLowering : OpConversionPattern<MelWeightMatrixOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MelWeightMatrixOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    ScalarBuilder s{rewriter, loc};
    auto scalar = [&](Value v) -> Value {
      return tensor::ExtractOp::create(rewriter, loc, v, ValueRange{});
    };
    Value numBinsInt = scalar(adaptor.getNumMelBins());
    Value lengthInt = scalar(adaptor.getDftLength());
    Value numBins = castToIndex(rewriter, loc, numBinsInt);
    Value rows =
        frequencyCount(rewriter, loc, castToIndex(rewriter, loc, lengthInt),
                       /*onesided=*/true);
    Value rate = s.toF64(scalar(adaptor.getSampleRate()));
    Value lengthF = s.toF64(lengthInt);
    auto toMel = [&](Value hz) -> Value {
      Value log = math::Log10Op::create(rewriter, loc,
                                        s.add(s.f(1), s.div(hz, s.f(700))));
      return s.mul(s.f(2595), log);
    };
    Value melLow =
        toMel(extendToF64(rewriter, loc, scalar(adaptor.getLowerEdgeHertz())));
    Value melHigh =
        toMel(extendToF64(rewriter, loc, scalar(adaptor.getUpperEdgeHertz())));
    Value melStep =
        s.div(s.sub(melHigh, melLow), s.add(s.toF64(numBinsInt), s.f(2)));
    SmallVector<Value> sizes = {rows, numBins}, dynamicSizes;
    for (int64_t i = 0; i < 2; ++i)
      if (resultType.isDynamicDim(i))
        dynamicSizes.push_back(sizes[i]);
    Type elementType = resultType.getElementType();
    Value result = buildIndexedGeneric(
        rewriter, loc, resultType, dynamicSizes,
        [&](OpBuilder &gb, Location l, ArrayRef<Value> ivs) -> Value {
          ScalarBuilder g{gb, l};
          // Spectrum bin of mel edge k.
          auto edge = [&](int64_t offset) -> Value {
            Value k = g.add(g.toF64(ivs[1]), g.f(offset));
            Value mel = g.add(g.mul(k, melStep), melLow);
            Value pow =
                math::PowFOp::create(gb, l, g.f(10), g.div(mel, g.f(2595)));
            Value hz = g.mul(g.f(700), g.sub(pow, g.f(1)));
            return g.floor(g.div(g.mul(g.add(lengthF, g.f(1)), hz), rate));
          };
          Value lo = edge(0), center = edge(1), hi = edge(2);
          Value j = g.toF64(ivs[0]);
          using P = arith::CmpFPredicate;
          Value rising = g.div(g.sub(j, lo), g.sub(center, lo));
          Value falling = g.div(g.sub(hi, j), g.sub(hi, center));
          Value inRise = g.andi(g.cmp(P::OLE, lo, j), g.cmp(P::OLT, j, center));
          Value inFall = g.andi(g.cmp(P::OLT, center, j), g.cmp(P::OLT, j, hi));
          Value v = g.select(inFall, falling, g.f(0));
          v = g.select(inRise, rising, v);
          v = g.select(g.cmp(P::OEQ, j, center), g.f(1), v);
          if (elementType.isF64())
            return v;
          return arith::TruncFOp::create(gb, l, elementType, v);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateSignalPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<DftLowering, StftLowering, MelWeightMatrixLowering>(
      converter, patterns.getContext());
}
