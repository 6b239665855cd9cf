//===- Resize.cpp - blade.resize to one linalg.generic per resized dim ----===//
//
// Resizing is separable: each dim is resampled by its own linalg.generic,
// whose body maps the output index to an input coordinate, reads the kernel's
// taps along that dim with tensor.extract and blends them in f64. Dims whose
// scale is a constant 1 are left alone. Nearest resizing by constant whole
// factors of all but the innermost dim (Upsample(scale_factor=2) on a
// channels-last image) repeats rows instead: a broadcast and a
// collapse_shape.
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

/// True when dim `d` is statically left as it is: a constant scale of 1
/// (every coordinate mode but the two tf_ ones maps x to x then, whatever
/// the size), or a constant size equal to the static input size.
bool isIdentityDim(ResizeOp op, Value scales, Value sizes, int64_t d) {
  StringRef mode = op.getCoordinateMode();
  if (mode == "tf_crop_and_resize" || mode == "tf_half_pixel_for_nn")
    return false;
  int64_t in = op.getInput().getType().getDimSize(d);
  DenseElementsAttr attr;
  if (scales && matchPattern(scales, m_Constant(&attr)))
    return attr.getValues<APFloat>()[d].convertToDouble() == 1.0;
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

/// The constant integer factors of a nearest resize that reads input
/// element floor(x / factor) for output x along every dim: constant scales
/// that are whole numbers, with `asymmetric` coordinates rounded down, or
/// `half_pixel` / `pytorch_half_pixel` coordinates rounded to the nearest
/// (an integer factor puts no coordinate at a tie), the innermost dim
/// unscaled. Empty otherwise.
SmallVector<int64_t> wholeNearestFactors(ResizeOp op, Value scales) {
  DenseElementsAttr attr;
  if (op.getKernel() != "nearest" || !scales || op.getSizes() ||
      !matchPattern(scales, m_Constant(&attr)))
    return {};
  StringRef mode = op.getCoordinateMode(), rounding = op.getNearestMode();
  bool roundsDown = mode == "asymmetric" && rounding == "floor";
  bool roundsNear =
      (mode == "half_pixel" || mode == "pytorch_half_pixel") &&
      (rounding == "round_prefer_floor" || rounding == "round_prefer_ceil");
  if (!roundsDown && !roundsNear)
    return {};
  SmallVector<int64_t> factors;
  for (const APFloat &v : attr.getValues<APFloat>()) {
    double scale = v.convertToDouble();
    if (!(scale >= 1.0) || scale != std::floor(scale) || scale > 64)
      return {};
    factors.push_back(static_cast<int64_t>(scale));
  }
  // Rows along the innermost dim stay whole (a channels-last image): a
  // repeated innermost dim would make rows of `factor` elements.
  if (factors.empty() || factors.back() != 1)
    return {};
  return factors;
}

/// Nearest resize by whole factors: every input element repeated `factor`
/// times along each dim, a broadcast to [.., in_d, factor_d, ..] (a plain
/// copy the vectorizer handles) collapsed to [.., in_d * factor_d, ..].
Value repeatElements(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> factors, RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  SmallVector<AffineExpr> read;
  SmallVector<ReassociationIndices> groups;
  for (auto [d, factor] : llvm::enumerate(factors)) {
    ReassociationIndices group = {static_cast<int64_t>(shape.size())};
    read.push_back(getAffineDimExpr(shape.size(), ctx));
    shape.push_back(type.getDimSize(d));
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, x, d));
    if (factor > 1) {
      group.push_back(shape.size());
      shape.push_back(factor);
    }
    groups.push_back(group);
  }
  auto wideType = RankedTensorType::get(shape, type.getElementType());
  Value init = createEmpty(b, loc, wideType, sizes);
  SmallVector<AffineMap> maps = {AffineMap::get(shape.size(), 0, read, ctx),
                                 b.getMultiDimIdentityMap(shape.size())};
  SmallVector<utils::IteratorType> parallel(shape.size(),
                                            utils::IteratorType::parallel);
  Value wide =
      linalg::GenericOp::create(b, loc, TypeRange{wideType}, ValueRange{x},
                                ValueRange{init}, maps, parallel,
                                [](OpBuilder &nb, Location l, ValueRange args) {
                                  linalg::YieldOp::create(nb, l, args[0]);
                                })
          .getResult(0);
  Value result = tensor::CollapseShapeOp::create(b, loc, wide, groups);
  if (result.getType() != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);
  return result;
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
    SmallVector<int64_t> factors = wholeNearestFactors(op, adaptor.getScales());
    if (!factors.empty()) {
      rewriter.replaceOp(
          op, repeatElements(rewriter, loc, cur, factors, resultType));
      return success();
    }
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
