//===- ImageSampling.cpp - blade.grid_sample, blade.roi_align to linalg ---===//
//
// Both ops become one linalg.generic over the result whose body computes the
// sample points, reads their neighbours with tensor.extract and blends them
// in f64. RoiAlign's samples per bin may be computed at run time, so its body
// loops over them with scf.for.
//
//===----------------------------------------------------------------------===//

#include "ImageUtils.h"
#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

using P = arith::CmpFPredicate;

//===----------------------------------------------------------------------===//
// grid_sample
//===----------------------------------------------------------------------===//

/// `c` reflected into [low / 2, high / 2] (PyTorch's reflect_coordinates).
Value reflect(const ScalarBuilder &s, Value c, Value twiceLow,
              Value twiceHigh) {
  Value min = s.div(twiceLow, s.f(2));
  Value span = s.div(s.sub(twiceHigh, twiceLow), s.f(2));
  Value safeSpan = s.select(s.cmp(P::OEQ, span, s.f(0)), s.f(1), span);
  Value in = math::AbsFOp::create(s.b, s.loc, s.sub(c, min));
  Value extra = arith::RemFOp::create(s.b, s.loc, in, safeSpan);
  Value flips = s.floor(s.div(in, safeSpan));
  Value half = s.mul(s.floor(s.div(flips, s.f(2))), s.f(2));
  Value even = s.cmp(P::OEQ, flips, half);
  Value r = s.select(even, s.add(extra, min), s.add(s.sub(span, extra), min));
  return s.select(s.cmp(P::OEQ, span, s.f(0)), s.f(0), r);
}

struct GridSampleLowering : OpConversionPattern<GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GridSampleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value x = adaptor.getInput(), grid = adaptor.getGrid();
    ScalarBuilder s{rewriter, loc};
    SmallVector<Value> dynSizes;
    Value sources[4] = {x, x, grid, grid};
    int64_t sourceDims[4] = {0, 1, 1, 2};
    for (int64_t i = 0; i < 4; ++i)
      if (type.isDynamicDim(i))
        dynSizes.push_back(
            getDimValue(rewriter, loc, sources[i], sourceDims[i]));
    Value sizeH = getDimValue(rewriter, loc, x, 2);
    Value sizeW = getDimValue(rewriter, loc, x, 3);
    Value hF = s.toF64(sizeH), wF = s.toF64(sizeW);
    bool align = op.getAlignCorners();
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    Type elemType = type.getElementType();

    Value result = buildIndexedGeneric(
        rewriter, loc, type, dynSizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          ScalarBuilder s{b, l};
          Value n = ivs[0], c = ivs[1];
          auto gridAt = [&](int64_t k) {
            Value v = tensor::ExtractOp::create(
                b, l, grid, ValueRange{n, ivs[2], ivs[3], s.idx(k)});
            return s.extend(v);
          };
          // Pixel coordinates of the normalised grid point.
          auto unnormalize = [&](Value g, Value size) {
            Value g1 = s.add(g, s.f(1));
            if (align)
              return s.mul(s.div(g1, s.f(2)), s.sub(size, s.f(1)));
            return s.div(s.sub(s.mul(g1, size), s.f(1)), s.f(2));
          };
          // The padding mode's coordinate (border, reflection).
          auto pad = [&](Value coord, Value size) {
            Value last = s.sub(size, s.f(1));
            if (padding == "reflection") {
              coord = align ? reflect(s, coord, s.f(0), s.mul(last, s.f(2)))
                            : reflect(s, coord, s.f(-1),
                                      s.sub(s.mul(size, s.f(2)), s.f(1)));
            }
            if (padding == "zeros")
              return coord;
            return s.minf(s.maxf(coord, s.f(0)), last);
          };
          // The element at integral (yi, xi), 0 outside the input.
          auto read = [&](Value yi, Value xi) {
            Value inside = s.andi(s.inRange(yi, s.idx(0), sizeH),
                                  s.inRange(xi, s.idx(0), sizeW));
            Value v = tensor::ExtractOp::create(
                b, l, x,
                ValueRange{n, c, s.clampIndex(yi, sizeH),
                           s.clampIndex(xi, sizeW)});
            return s.select(inside, s.extend(v), s.f(0));
          };
          Value ix = unnormalize(gridAt(0), wF);
          Value iy = unnormalize(gridAt(1), hF);
          if (mode == "bicubic") {
            Value x0 = s.floor(ix), y0 = s.floor(iy);
            auto wx = s.cubicWeights(s.sub(ix, x0), -0.75);
            auto wy = s.cubicWeights(s.sub(iy, y0), -0.75);
            Value acc = s.f(0);
            for (int64_t j = 0; j < 4; ++j) {
              Value yj = pad(s.add(y0, s.f(j - 1)), hF);
              for (int64_t i = 0; i < 4; ++i) {
                Value xi = pad(s.add(x0, s.f(i - 1)), wF);
                Value v = read(s.toIndex(s.floor(yj)), s.toIndex(s.floor(xi)));
                acc = s.add(acc, s.mul(s.mul(wx[i], wy[j]), v));
              }
            }
            return s.narrow(acc, elemType);
          }
          ix = pad(ix, wF);
          iy = pad(iy, hF);
          if (mode == "nearest") {
            Value xi = math::RoundEvenOp::create(b, l, ix);
            Value yi = math::RoundEvenOp::create(b, l, iy);
            return s.narrow(read(s.toIndex(yi), s.toIndex(xi)), elemType);
          }
          Value x0 = s.floor(ix), y0 = s.floor(iy);
          Value tx = s.sub(ix, x0), ty = s.sub(iy, y0);
          Value xi0 = s.toIndex(x0), yi0 = s.toIndex(y0);
          Value xi1 = s.addi(xi0, s.idx(1)), yi1 = s.addi(yi0, s.idx(1));
          Value ux = s.sub(s.f(1), tx), uy = s.sub(s.f(1), ty);
          Value acc = s.mul(s.mul(uy, ux), read(yi0, xi0));
          acc = s.add(acc, s.mul(s.mul(uy, tx), read(yi0, xi1)));
          acc = s.add(acc, s.mul(s.mul(ty, ux), read(yi1, xi0)));
          acc = s.add(acc, s.mul(s.mul(ty, tx), read(yi1, xi1)));
          return s.narrow(acc, elemType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// roi_align
//===----------------------------------------------------------------------===//

struct RoiAlignLowering : OpConversionPattern<RoiAlignOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RoiAlignOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value x = adaptor.getInput(), rois = adaptor.getRois();
    Value batchIndices = adaptor.getBatchIndices();
    ScalarBuilder s{rewriter, loc};
    SmallVector<Value> dynSizes;
    if (type.isDynamicDim(0))
      dynSizes.push_back(getDimValue(rewriter, loc, rois, 0));
    if (type.isDynamicDim(1))
      dynSizes.push_back(getDimValue(rewriter, loc, x, 1));
    if (type.isDynamicDim(2) || type.isDynamicDim(3))
      return rewriter.notifyMatchFailure(op, "expects a static output size");
    Value sizeN = getDimValue(rewriter, loc, x, 0);
    Value sizeH = getDimValue(rewriter, loc, x, 2);
    Value sizeW = getDimValue(rewriter, loc, x, 3);
    Value hF = s.toF64(sizeH), wF = s.toF64(sizeW);
    Value pooledH = s.f(type.getDimSize(2)), pooledW = s.f(type.getDimSize(3));
    double scale = op.getSpatialScale().convertToDouble();
    double offset = op.getHalfPixel() ? 0.5 : 0.0;
    int64_t ratio = op.getSamplingRatio();
    bool isMax = op.getMode() == "max";
    Type elemType = type.getElementType();

    Value result = buildIndexedGeneric(
        rewriter, loc, type, dynSizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          ScalarBuilder s{b, l};
          Value r = ivs[0], c = ivs[1];
          Value n = tensor::ExtractOp::create(b, l, batchIndices, r);
          n = s.clampIndex(castToIndex(b, l, n), sizeN);
          auto roiAt = [&](int64_t k) {
            Value v =
                tensor::ExtractOp::create(b, l, rois, ValueRange{r, s.idx(k)});
            return s.sub(s.mul(s.extend(v), s.f(scale)), s.f(offset));
          };
          Value x1 = roiAt(0), y1 = roiAt(1), x2 = roiAt(2), y2 = roiAt(3);
          Value roiW = s.sub(x2, x1), roiH = s.sub(y2, y1);
          if (!op.getHalfPixel()) {
            roiW = s.maxf(roiW, s.f(1));
            roiH = s.maxf(roiH, s.f(1));
          }
          Value binH = s.div(roiH, pooledH), binW = s.div(roiW, pooledW);
          Value gridH = ratio > 0 ? s.f(ratio) : s.ceil(binH);
          Value gridW = ratio > 0 ? s.f(ratio) : s.ceil(binW);
          Value startY = s.add(y1, s.mul(s.toF64(ivs[2]), binH));
          Value startX = s.add(x1, s.mul(s.toF64(ivs[3]), binW));
          Value stepY = s.div(binH, gridH), stepX = s.div(binW, gridW);
          Value count = s.mul(gridH, gridW);

          // One bilinear sample (ONNX Runtime's rules: samples more than
          // one pixel off the input count as 0, the rest clamp to it).
          auto sample = [&](OpBuilder &ib, Location il, Value y, Value xx) {
            ScalarBuilder s{ib, il};
            Value off =
                s.ori(s.ori(s.cmp(P::OLT, y, s.f(-1)), s.cmp(P::OGT, y, hF)),
                      s.ori(s.cmp(P::OLT, xx, s.f(-1)), s.cmp(P::OGT, xx, wF)));
            auto axis = [&](Value v, Value size, Value sizeIndex) {
              v = s.maxf(v, s.f(0));
              Value last = s.sub(size, s.f(1));
              Value atEnd = s.cmp(P::OGE, s.floor(v), last);
              Value low = s.select(atEnd, last, s.floor(v));
              v = s.select(atEnd, low, v);
              Value lowIndex = s.clampIndex(s.toIndex(low), sizeIndex);
              Value highIndex = s.clampIndex(
                  s.select(atEnd, lowIndex, s.addi(lowIndex, s.idx(1))),
                  sizeIndex);
              Value frac = s.sub(v, low);
              return std::array<Value, 4>{lowIndex, highIndex,
                                          s.sub(s.f(1), frac), frac};
            };
            auto [yl, yh, hy, ly] = axis(y, hF, sizeH);
            auto [xl, xh, hx, lx] = axis(xx, wF, sizeW);
            auto at = [&](Value yi, Value xi, Value w) {
              Value v = tensor::ExtractOp::create(ib, il, x,
                                                  ValueRange{n, c, yi, xi});
              return s.select(off, s.f(0), s.mul(w, s.extend(v)));
            };
            Value v1 = at(yl, xl, s.mul(hy, hx)),
                  v2 = at(yl, xh, s.mul(hy, lx));
            Value v3 = at(yh, xl, s.mul(ly, hx)),
                  v4 = at(yh, xh, s.mul(ly, lx));
            if (isMax)
              return s.maxf(s.maxf(v1, v2), s.maxf(v3, v4));
            return s.add(s.add(v1, v2), s.add(v3, v4));
          };

          Value init =
              s.f(isMax ? -std::numeric_limits<double>::infinity() : 0.0);
          auto loopY = scf::ForOp::create(
              b, l, s.idx(0), s.toIndex(gridH), s.idx(1), ValueRange{init},
              [&](OpBuilder &yb, Location yl, Value iy, ValueRange accY) {
                ScalarBuilder s{yb, yl};
                Value y =
                    s.add(startY, s.mul(s.add(s.toF64(iy), s.f(0.5)), stepY));
                auto loopX = scf::ForOp::create(
                    yb, yl, s.idx(0), s.toIndex(gridW), s.idx(1), accY,
                    [&](OpBuilder &xb, Location xl, Value ix, ValueRange accX) {
                      ScalarBuilder s{xb, xl};
                      Value xx = s.add(
                          startX, s.mul(s.add(s.toF64(ix), s.f(0.5)), stepX));
                      Value v = sample(xb, xl, y, xx);
                      Value next =
                          isMax ? s.maxf(accX[0], v) : s.add(accX[0], v);
                      scf::YieldOp::create(xb, xl, next);
                    });
                scf::YieldOp::create(yb, yl, loopX.getResult(0));
              });
          Value acc = loopY.getResult(0);
          Value empty = s.cmp(P::OLE, count, s.f(0));
          if (isMax)
            acc = s.select(empty, s.f(0), acc);
          else
            acc = s.div(acc, s.maxf(count, s.f(1)));
          return s.narrow(acc, elemType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateImageSamplingPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<GridSampleLowering, RoiAlignLowering>(converter,
                                                     patterns.getContext());
}
