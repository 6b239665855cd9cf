//===- Resize.cpp - blade.resize to one linalg.generic per resized dim ----===//
//
// Resizing is separable: each dim is resampled by its own linalg.generic,
// whose body maps the output index to an input coordinate, reads the kernel's
// taps along that dim with tensor.extract and blends them in f64. Dims whose
// scale is a constant 1 are left alone.
//
//===----------------------------------------------------------------------===//

#include "ImageUtils.h"
#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// What one pass along dim `dim` needs, as f64 / index values computed
/// before the generic.
struct DimMapping {
  int64_t dim;
  Value inSize;           // index
  Value inF, scale;       // f64
  Value outWidth;         // f64: in * scale
  Value roiStart, roiEnd; // f64, tf_crop_and_resize only
};

/// Element `i` of a 1-D float tensor as f64.
Value extractF64(const ScalarBuilder &s, Value v, int64_t i) {
  return s.extend(tensor::ExtractOp::create(s.b, s.loc, v, s.idx(i)));
}

/// True when dim `d` is statically left as it is: a constant scale of 1, or
/// a constant size equal to the static input size.
bool isIdentityDim(ResizeOp op, Value scales, Value sizes, int64_t d) {
  if (op.getCoordinateMode() == "tf_crop_and_resize")
    return false;
  int64_t in = op.getInput().getType().getDimSize(d);
  DenseElementsAttr attr;
  if (scales && matchPattern(scales, m_Constant(&attr)))
    return attr.getValues<APFloat>()[d].convertToDouble() == 1.0 &&
           !ShapedType::isDynamic(in);
  if (sizes && matchPattern(sizes, m_Constant(&attr)))
    return attr.getValues<APInt>()[d].getSExtValue() == in;
  return false;
}

/// `value` as a constant of `type`; integers take its truncation, wrapped
/// to their width.
Value extrapolationValue(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return createScalar(b, loc, type, value);
  APInt bits(64, static_cast<int64_t>(value), /*isSigned=*/true);
  return arith::ConstantOp::create(
      b, loc, IntegerAttr::get(type, bits.trunc(type.getIntOrFloatBitWidth())));
}

/// The input coordinate of output index `x` (f64) along one dim; sets
/// `outside` (i1) for tf_crop_and_resize coordinates off the input.
Value mapCoordinate(const ScalarBuilder &s, StringRef mode, const DimMapping &m,
                    Value x, Value &outside) {
  using P = arith::CmpFPredicate;
  Value half = s.f(0.5);
  Value single = s.cmp(P::OEQ, m.outWidth, s.f(1));
  Value last = s.sub(m.inF, s.f(1));
  Value outLast = s.sub(m.outWidth, s.f(1));
  if (mode == "asymmetric")
    return s.div(x, m.scale);
  if (mode == "tf_half_pixel_for_nn")
    return s.div(s.add(x, half), m.scale);
  if (mode == "align_corners")
    return s.select(single, s.f(0), s.div(s.mul(x, last), outLast));
  if (mode == "tf_crop_and_resize") {
    Value span = s.mul(s.sub(m.roiEnd, m.roiStart), last);
    Value c =
        s.select(single, s.div(span, s.f(2)), s.div(s.mul(x, span), outLast));
    c = s.add(c, s.mul(m.roiStart, last));
    outside = s.ori(s.cmp(P::OLT, c, s.f(0)), s.cmp(P::OGT, c, last));
    return c;
  }
  Value c = s.sub(s.div(s.add(x, half), m.scale), half);
  if (mode == "pytorch_half_pixel")
    return s.select(single, s.f(-0.5), c);
  return c; // half_pixel
}

struct ResizeLowering : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    ScalarBuilder s{rewriter, loc};
    Value cur = adaptor.getInput();
    int64_t rank = resultType.getRank();
    for (int64_t d = 0; d < rank; ++d) {
      if (isIdentityDim(op, adaptor.getScales(), adaptor.getSizes(), d))
        continue;
      DimMapping m;
      m.dim = d;
      m.inSize = getDimValue(rewriter, loc, cur, d);
      m.inF = s.toF64(m.inSize);
      Value outSize;
      if (Value sizes = adaptor.getSizes()) {
        outSize = extractIndexAt(rewriter, loc, sizes, d);
        m.scale = s.div(s.toF64(outSize), m.inF);
      } else {
        m.scale = extractF64(s, adaptor.getScales(), d);
        outSize = s.toIndex(s.floor(s.mul(m.inF, m.scale)));
      }
      // Sizes outside ONNX's domain (negative, or any size of an empty
      // dim) become 0 so that nothing is read out of bounds.
      Value empty = s.icmp(arith::CmpIPredicate::eq, m.inSize, s.idx(0));
      outSize =
          s.select(empty, s.idx(0),
                   arith::MaxSIOp::create(rewriter, loc, outSize, s.idx(0)));
      m.outWidth = s.mul(m.scale, m.inF);
      if (Value roi = adaptor.getRoi()) {
        m.roiStart = extractF64(s, roi, d);
        m.roiEnd = extractF64(s, roi, rank + d);
      }
      cur = resampleDim(op, rewriter, cur, resultType, m, outSize);
    }
    if (cur.getType() != resultType)
      cur = tensor::CastOp::create(rewriter, loc, resultType, cur);
    rewriter.replaceOp(op, cur);
    return success();
  }

private:
  /// `cur` with dim `m.dim` resampled to `outSize`.
  Value resampleDim(ResizeOp op, OpBuilder &b, Value cur,
                    RankedTensorType resultType, const DimMapping &m,
                    Value outSize) const {
    Location loc = op.getLoc();
    auto curType = cast<RankedTensorType>(cur.getType());
    SmallVector<int64_t> shape(curType.getShape());
    shape[m.dim] = resultType.getDimSize(m.dim);
    auto type = curType.clone(shape);
    SmallVector<Value> dynSizes;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        dynSizes.push_back(i == m.dim ? outSize
                                      : tensor::DimOp::create(b, loc, cur, i));
    Type elemType = type.getElementType();
    StringRef kernel = op.getKernel(), coordMode = op.getCoordinateMode();
    StringRef nearestMode = op.getNearestMode();
    double a = op.getCubicCoeffA().convertToDouble();
    bool excludeOutside = op.getExcludeOutside();
    double extrapolation = op.getExtrapolationValue().convertToDouble();

    return buildIndexedGeneric(
        b, loc, type, dynSizes,
        [&](OpBuilder &nb, Location l, ArrayRef<Value> ivs) -> Value {
          using P = arith::CmpFPredicate;
          ScalarBuilder s{nb, l};
          Value outside;
          Value c =
              mapCoordinate(s, coordMode, m, s.toF64(ivs[m.dim]), outside);
          // Taps start at b = ceil(c) - 1, with c - b in (0, 1].
          Value base = s.sub(s.ceil(c), s.f(1));
          Value t = s.sub(c, base);
          Value baseIndex = s.toIndex(base);
          auto read = [&](Value i) {
            SmallVector<Value> idx(ivs);
            idx[m.dim] = s.clampIndex(i, m.inSize);
            return tensor::ExtractOp::create(nb, l, cur, idx).getResult();
          };
          Value result;
          if (kernel == "nearest") {
            Value up;
            if (nearestMode == "round_prefer_floor")
              up = s.cmp(P::OGT, t, s.f(0.5));
            else if (nearestMode == "round_prefer_ceil")
              up = s.cmp(P::OGE, t, s.f(0.5));
            else if (nearestMode == "floor")
              up = s.cmp(P::OEQ, t, s.f(1));
            else
              up = arith::ConstantIntOp::create(nb, l, 1, 1);
            Value i = s.select(up, s.addi(baseIndex, s.idx(1)), baseIndex);
            result = read(i);
          } else {
            SmallVector<Value> weights;
            int64_t first = 0;
            if (kernel == "linear") {
              weights = {s.sub(s.f(1), t), t};
            } else {
              auto w = s.cubicWeights(t, a);
              weights.assign(w.begin(), w.end());
              first = -1;
            }
            SmallVector<Value> taps;
            for (int64_t k = 0; k < static_cast<int64_t>(weights.size()); ++k)
              taps.push_back(s.addi(baseIndex, s.idx(first + k)));
            if (excludeOutside) {
              Value sum = s.f(0);
              for (size_t k = 0; k < weights.size(); ++k) {
                Value inside = s.inRange(taps[k], s.idx(0), m.inSize);
                weights[k] = s.select(inside, weights[k], s.f(0));
                sum = s.add(sum, weights[k]);
              }
              for (Value &w : weights)
                w = s.div(w, sum);
            }
            Value acc = s.f(0);
            for (auto [w, i] : llvm::zip(weights, taps))
              acc = s.add(acc, s.mul(w, s.extend(read(i))));
            result = s.narrow(acc, elemType);
          }
          if (outside)
            result = s.select(
                outside, extrapolationValue(nb, l, elemType, extrapolation),
                result);
          return result;
        });
  }
};

} // namespace

void blade::detail::populateResizePatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(converter, patterns.getContext());
}
