//===- NN.cpp - blade.conv and blade.pool to linalg -----------------------===//
//
// Both ops pad their input (tensor.pad), then run one linalg.generic over
// (batch, [group,] channels, output positions, reduction dims...) whose input
// map reads position `out * stride + k * dilation`. Pads and output sizes are
// affine expressions of the (possibly dynamic) input sizes, so SAME_* padding
// and ceil_mode work on dynamic spatial dims too. Grouped convolutions view
// channels as [group, channels per group] with expand/collapse_shape.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/WindowShapes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// Padding and output size of one spatial dim.
struct DimPlan {
  OpFoldResult low, high, out;
  /// Extra end padding that ceil_mode's last window needs beyond `high`.
  OpFoldResult ceilExtra;
};

OpFoldResult apply(OpBuilder &b, Location loc, AffineExpr e,
                   ArrayRef<OpFoldResult> operands) {
  return affine::makeComposedFoldedAffineApply(b, loc, e, operands);
}

/// Pads and output size of a dim of size `in` for a window of `kernel`
/// elements (both possibly dynamic); `w` gives stride, dilation and pads.
DimPlan planDim(OpBuilder &b, Location loc, OpFoldResult in,
                OpFoldResult kernel, const WindowDim &w, AutoPad autoPad,
                bool ceilMode) {
  MLIRContext *ctx = b.getContext();
  // Symbols: s0 = input size, s1 = kernel size, s2 = a third operand.
  AffineExpr s0 = getAffineSymbolExpr(0, ctx), s1 = getAffineSymbolExpr(1, ctx),
             s2 = getAffineSymbolExpr(2, ctx);
  AffineExpr ext = (s1 - 1) * w.dilation + 1;
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  int64_t st = w.stride;
  DimPlan p;
  p.ceilExtra = b.getIndexAttr(0);
  switch (autoPad) {
  case AutoPad::Valid:
    p.low = p.high = b.getIndexAttr(0);
    p.out = apply(b, loc, (s0 - ext).floorDiv(st) + 1, {in, kernel});
    return p;
  case AutoPad::SameUpper:
  case AutoPad::SameLower: {
    OpFoldResult out = apply(b, loc, s0.ceilDiv(st), {in});
    AffineMap totalMap =
        AffineMap::get(0, 3, {(s2 - 1) * st + ext - s0, zero}, ctx);
    OpFoldResult total = affine::makeComposedFoldedAffineMax(
        b, loc, totalMap, {in, kernel, out});
    p.low = autoPad == AutoPad::SameUpper
                ? apply(b, loc, s0.floorDiv(2), {total})
                : apply(b, loc, (s0 + 1).floorDiv(2), {total});
    p.high = apply(b, loc, s0 - s1, {total, p.low});
    p.out = out;
    return p;
  }
  case AutoPad::NotSet:
    break;
  }
  p.low = b.getIndexAttr(w.padBegin);
  p.high = b.getIndexAttr(w.padEnd);
  int64_t pads = w.padBegin + w.padEnd;
  if (!ceilMode) {
    p.out = apply(b, loc, (s0 + pads - ext).floorDiv(st) + 1, {in, kernel});
    return p;
  }
  // Round up, but drop a last window that would start in the end padding.
  AffineMap outMap = AffineMap::get(0, 2,
                                    {(s0 + pads - ext).ceilDiv(st) + 1,
                                     (s0 + w.padBegin - 1).floorDiv(st) + 1},
                                    ctx);
  p.out = affine::makeComposedFoldedAffineMin(b, loc, outMap, {in, kernel});
  AffineMap extraMap =
      AffineMap::get(0, 3, {(s2 - 1) * st + ext - s0 - pads, zero}, ctx);
  p.ceilExtra = affine::makeComposedFoldedAffineMax(b, loc, extraMap,
                                                    {in, kernel, p.out});
  return p;
}

bool isZero(OpFoldResult ofr) {
  std::optional<int64_t> v = getConstantIntValue(ofr);
  return v && *v == 0;
}

/// Pads the spatial dims of an [N, C, ...] tensor.
Value padSpatial(OpBuilder &b, Location loc, Value x,
                 ArrayRef<OpFoldResult> low, ArrayRef<OpFoldResult> high,
                 Value padValue) {
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return x;
  SmallVector<OpFoldResult> lowAll = {b.getIndexAttr(0), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> highAll = lowAll;
  lowAll.append(low.begin(), low.end());
  highAll.append(high.begin(), high.end());
  return tensor::PadOp::create(b, loc, Type(), x, lowAll, highAll, padValue);
}

SmallVector<int64_t> staticShape(ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes)
    shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  return shape;
}

Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  return v.getType() == type ? v : tensor::CastOp::create(b, loc, type, v);
}

/// The window dims of a conv (kernel from the weights, maybe dynamic) or
/// pool op.
SmallVector<WindowDim> windowDims(ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> dilations,
                                  ArrayRef<int64_t> pads) {
  size_t k = kernel.size();
  SmallVector<WindowDim> dims;
  for (size_t i = 0; i < k; ++i)
    dims.push_back({kernel[i], strides[i], dilations[i], pads[i], pads[k + i]});
  return dims;
}

/// Input map `(..., out_i * stride_i + k_i * dilation_i)` of a window op.
AffineMap windowInputMap(MLIRContext *ctx, unsigned numLoops,
                         ArrayRef<AffineExpr> leading, unsigned firstOut,
                         unsigned firstKernel, ArrayRef<WindowDim> dims) {
  SmallVector<AffineExpr> exprs(leading.begin(), leading.end());
  for (auto [i, w] : llvm::enumerate(dims))
    exprs.push_back(getAffineDimExpr(firstOut + i, ctx) * w.stride +
                    getAffineDimExpr(firstKernel + i, ctx) * w.dilation);
  return AffineMap::get(numLoops, 0, exprs, ctx);
}

/// The grouped convolution core: `padded` [N, C, P...] with weights `w5`
/// already viewed as [G, Mg, Cg, K...]; returns [N, G * Mg, O...] for the
/// output sizes `out`.
Value groupedConv(OpBuilder &b, Location loc, Value padded, Value w5,
                  int64_t group, ArrayRef<WindowDim> dims,
                  ArrayRef<OpFoldResult> out) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(padded.getType());
  Type elementType = type.getElementType();
  bool isFloat = isa<FloatType>(elementType);
  int64_t k = type.getRank() - 2;
  // Each operand's channel size comes from its own type so that the views
  // stay valid when only one side is static (the shape check has verified
  // that they agree).
  if (group > 1 && type.isDynamicDim(1)) {
    // The channel count is static in a grouped convolution (the weights give
    // it; the shape check verified the input): say so for the view below.
    int64_t cg = cast<RankedTensorType>(w5.getType()).getDimSize(2);
    SmallVector<int64_t> shape(type.getShape());
    shape[1] = cg * group;
    type = type.clone(shape);
    padded = tensor::CastOp::create(b, loc, type, padded);
  }
  OpFoldResult n = tensor::getMixedSize(b, loc, padded, 0);
  OpFoldResult g = b.getIndexAttr(group);
  OpFoldResult xcg = group == 1 ? tensor::getMixedSize(b, loc, padded, 1)
                                : tensor::getMixedSize(b, loc, w5, 2);
  OpFoldResult mg = tensor::getMixedSize(b, loc, w5, 1);
  SmallVector<OpFoldResult> xSizes = {n, g, xcg};
  SmallVector<OpFoldResult> outSizes = {n, g, mg};
  SmallVector<ReassociationIndices> xAssoc = {{0}, {1, 2}};
  SmallVector<ReassociationIndices> outAssoc = {{0}, {1, 2}};
  for (int64_t i = 0; i < k; ++i) {
    xSizes.push_back(tensor::getMixedSize(b, loc, padded, i + 2));
    outSizes.push_back(out[i]);
    xAssoc.push_back({i + 3});
    outAssoc.push_back({i + 3});
  }
  Value x5 = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(staticShape(xSizes), elementType), padded,
      xAssoc, xSizes);
  Value zero = createScalar(b, loc, elementType, 0.0);
  Value init = tensor::EmptyOp::create(b, loc, outSizes, elementType);
  Value acc = linalg::FillOp::create(b, loc, zero, init).getResult(0);

  // Loops: n, g, m, o_1..o_k (parallel), c, k_1..k_k (reduction).
  unsigned numLoops = 4 + 2 * k;
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  unsigned firstOut = 3, cDim = 3 + k, firstKernel = 4 + k;
  SmallVector<AffineExpr> wExprs = {d(1), d(2), d(cDim)};
  SmallVector<AffineExpr> outExprs = {d(0), d(1), d(2)};
  for (int64_t i = 0; i < k; ++i) {
    wExprs.push_back(d(firstKernel + i));
    outExprs.push_back(d(firstOut + i));
  }
  SmallVector<AffineMap> maps = {
      windowInputMap(ctx, numLoops, {d(0), d(1), d(cDim)}, firstOut,
                     firstKernel, dims),
      AffineMap::get(numLoops, 0, wExprs, ctx),
      AffineMap::get(numLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(3 + k,
                                             utils::IteratorType::parallel);
  iterators.append(1 + k, utils::IteratorType::reduction);
  Value conv =
      linalg::GenericOp::create(
          b, loc, TypeRange{acc.getType()}, ValueRange{x5, w5},
          ValueRange{acc}, maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value prod =
                isFloat ? Value(arith::MulFOp::create(nb, l, args[0], args[1]))
                        : Value(arith::MulIOp::create(nb, l, args[0], args[1]));
            Value sum =
                isFloat ? Value(arith::AddFOp::create(nb, l, args[2], prod))
                        : Value(arith::AddIOp::create(nb, l, args[2], prod));
            linalg::YieldOp::create(nb, l, sum);
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, conv, outAssoc);
}

/// x + bias broadcast along dim 1 of an [N, M, ...] tensor.
Value addChannelBias(OpBuilder &b, Location loc, Value x, Value bias) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  bool isFloat = isa<FloatType>(type.getElementType());
  unsigned rank = type.getRank();
  Value init = tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, x),
                                       type.getElementType());
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
      b.getMultiDimIdentityMap(rank)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{x, bias}, ValueRange{init},
             maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v =
                   isFloat
                       ? Value(arith::AddFOp::create(nb, l, args[0], args[1]))
                       : Value(arith::AddIOp::create(nb, l, args[0], args[1]));
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto xType = cast<RankedTensorType>(x.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    Type elementType = xType.getElementType();
    int64_t k = xType.getRank() - 2;
    SmallVector<WindowDim> dims =
        windowDims(wType.getShape().drop_front(2), op.getStrides(),
                   op.getDilations(), op.getPads());
    AutoPad autoPad = *parseAutoPad(op.getAutoPad());

    SmallVector<OpFoldResult> low, high, out;
    for (int64_t i = 0; i < k; ++i) {
      DimPlan p = planDim(rewriter, loc,
                          tensor::getMixedSize(rewriter, loc, x, i + 2),
                          tensor::getMixedSize(rewriter, loc, w, i + 2),
                          dims[i], autoPad, /*ceilMode=*/false);
      low.push_back(p.low);
      high.push_back(p.high);
      out.push_back(p.out);
    }
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value padded = padSpatial(rewriter, loc, x, low, high, zero);

    // Weights [M, Cg, K...] viewed as [G, Mg, Cg, K...].
    int64_t group = op.getGroup();
    OpFoldResult mg =
        group == 1 ? tensor::getMixedSize(rewriter, loc, w, 0)
                   : OpFoldResult(rewriter.getIndexAttr(wType.getDimSize(0) /
                                                        group));
    SmallVector<OpFoldResult> wSizes = {rewriter.getIndexAttr(group), mg,
                                        tensor::getMixedSize(rewriter, loc, w, 1)};
    SmallVector<ReassociationIndices> wAssoc = {{0, 1}, {2}};
    for (int64_t i = 0; i < k; ++i) {
      wSizes.push_back(tensor::getMixedSize(rewriter, loc, w, i + 2));
      wAssoc.push_back({i + 3});
    }
    Value w5 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(staticShape(wSizes), elementType),
        w, wAssoc, wSizes);
    Value result = groupedConv(rewriter, loc, padded, w5, group, dims, out);
    if (Value bias = adaptor.getBias())
      result = addChannelBias(rewriter, loc, result, bias);
    rewriter.replaceOp(
        op, castTo(rewriter, loc, result,
                   convertedResultType(*getTypeConverter(), op.getOperation())));
    return success();
  }
};

/// Transposed convolution as a stride-1 convolution: the input is spread out
/// by the stride (zeros between elements) and padded by `extent - 1 - pad`
/// (cropped where that is negative), the weights swap their channel roles
/// and flip spatially.
struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto xType = cast<RankedTensorType>(x.getType());
    Type elementType = xType.getElementType();
    int64_t k = xType.getRank() - 2, group = op.getGroup();
    AutoPad autoPad = *parseAutoPad(op.getAutoPad());
    AffineExpr s0 = getAffineSymbolExpr(0, ctx), s1 = getAffineSymbolExpr(1, ctx),
               s2 = getAffineSymbolExpr(2, ctx);
    AffineExpr zeroExpr = getAffineConstantExpr(0, ctx);

    SmallVector<OpFoldResult> bufSizes = {
        tensor::getMixedSize(rewriter, loc, x, 0),
        tensor::getMixedSize(rewriter, loc, x, 1)};
    SmallVector<OpFoldResult> insertAt = {rewriter.getIndexAttr(0),
                                          rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> strides = {rewriter.getIndexAttr(1),
                                         rewriter.getIndexAttr(1)};
    SmallVector<OpFoldResult> cropAt = insertAt, cropSizes = bufSizes;
    SmallVector<OpFoldResult> out;
    SmallVector<WindowDim> dims;
    for (int64_t i = 0; i < k; ++i) {
      OpFoldResult in = tensor::getMixedSize(rewriter, loc, x, i + 2);
      OpFoldResult kernel = tensor::getMixedSize(rewriter, loc, w, i + 2);
      int64_t st = op.getStrides()[i], dil = op.getDilations()[i];
      int64_t outPad = op.getOutputPadding()[i];
      AffineExpr ext = (s1 - 1) * dil + 1; // s1 = kernel
      OpFoldResult pb = rewriter.getIndexAttr(0), pe = pb;
      if (autoPad == AutoPad::NotSet) {
        pb = rewriter.getIndexAttr(op.getPads()[i]);
        pe = rewriter.getIndexAttr(op.getPads()[k + i]);
      } else if (autoPad != AutoPad::Valid) {
        AffineMap totalMap = AffineMap::get(
            0, 2, {(s0 - 1) * st + outPad + ext - s0 * st, zeroExpr}, ctx);
        OpFoldResult total =
            affine::makeComposedFoldedAffineMax(rewriter, loc, totalMap,
                                                {in, kernel});
        OpFoldResult half = apply(rewriter, loc, s0.floorDiv(2), {total});
        OpFoldResult rest = apply(rewriter, loc, s0 - s1, {total, half});
        pb = autoPad == AutoPad::SameUpper ? half : rest;
        pe = autoPad == AutoPad::SameUpper ? rest : half;
      }
      // low = extent - 1 - pb, high = extent - 1 - pe + output_padding.
      OpFoldResult low = apply(rewriter, loc, ext - 1 - s2, {in, kernel, pb});
      OpFoldResult high =
          apply(rewriter, loc, ext - 1 - s2 + outPad, {in, kernel, pe});
      AffineMap posMap = AffineMap::get(0, 1, {s0, zeroExpr}, ctx);
      AffineMap negMap = AffineMap::get(0, 1, {-s0, zeroExpr}, ctx);
      OpFoldResult lowPos =
          affine::makeComposedFoldedAffineMax(rewriter, loc, posMap, {low});
      OpFoldResult highPos =
          affine::makeComposedFoldedAffineMax(rewriter, loc, posMap, {high});
      OpFoldResult lowNeg =
          affine::makeComposedFoldedAffineMax(rewriter, loc, negMap, {low});
      bufSizes.push_back(apply(rewriter, loc, (s0 - 1) * st + 1 + s1 + s2,
                               {in, lowPos, highPos}));
      insertAt.push_back(lowPos);
      strides.push_back(rewriter.getIndexAttr(st));
      OpFoldResult padded = apply(rewriter, loc, (s0 - 1) * st + 1 + s1 + s2,
                                  {in, low, high});
      cropAt.push_back(lowNeg);
      cropSizes.push_back(padded);
      out.push_back(apply(rewriter, loc, s0 - ext + 1, {padded, kernel}));
      dims.push_back({ShapedType::kDynamic, 1, dil, 0, 0});
    }
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value buffer = linalg::FillOp::create(
                       rewriter, loc, zero,
                       tensor::EmptyOp::create(rewriter, loc, bufSizes,
                                               elementType)
                           .getResult())
                       .getResult(0);
    SmallVector<OpFoldResult> xSizes = tensor::getMixedSizes(rewriter, loc, x);
    Value spread = tensor::InsertSliceOp::create(rewriter, loc, x, buffer,
                                                 insertAt, xSizes, strides);
    SmallVector<OpFoldResult> ones(k + 2, rewriter.getIndexAttr(1));
    Value input = tensor::ExtractSliceOp::create(rewriter, loc, spread, cropAt,
                                                 cropSizes, ones);

    // Weights [C, Mg, K...] -> [G, Mg, Cg, K...], flipped spatially:
    // w5[g, m, c, k] = W[g * Cg + c, m, K - 1 - k].
    OpFoldResult mg = tensor::getMixedSize(rewriter, loc, w, 1);
    OpFoldResult cg =
        group == 1 ? tensor::getMixedSize(rewriter, loc, w, 0)
                   : OpFoldResult(rewriter.getIndexAttr(
                         cast<RankedTensorType>(w.getType()).getDimSize(0) /
                         group));
    SmallVector<OpFoldResult> w5Sizes = {rewriter.getIndexAttr(group), mg, cg};
    for (int64_t i = 0; i < k; ++i)
      w5Sizes.push_back(tensor::getMixedSize(rewriter, loc, w, i + 2));
    Value w5Init = tensor::EmptyOp::create(rewriter, loc, w5Sizes, elementType);
    unsigned rank5 = k + 3;
    Value w5 =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{w5Init.getType()}, ValueRange{},
            ValueRange{w5Init},
            SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank5)},
            SmallVector<utils::IteratorType>(rank5,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              auto index = [&](unsigned d) {
                return linalg::IndexOp::create(b, l, d).getResult();
              };
              Value cgValue = getValueOrCreateConstantIndexOp(b, l, cg);
              Value c = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, index(0), cgValue),
                  index(2));
              SmallVector<Value> at = {c, index(1)};
              for (int64_t i = 0; i < k; ++i) {
                Value size = tensor::DimOp::create(b, l, w, i + 2);
                Value last = arith::SubIOp::create(
                    b, l, size, arith::ConstantIndexOp::create(b, l, 1));
                at.push_back(arith::SubIOp::create(b, l, last, index(i + 3)));
              }
              linalg::YieldOp::create(
                  b, l, tensor::ExtractOp::create(b, l, w, at).getResult());
            })
            .getResult(0);

    Value result = groupedConv(rewriter, loc, input, w5, group, dims, out);
    if (Value bias = adaptor.getBias())
      result = addChannelBias(rewriter, loc, result, bias);
    rewriter.replaceOp(
        op, castTo(rewriter, loc, result,
                   convertedResultType(*getTypeConverter(), op.getOperation())));
    return success();
  }
};

/// The value padding stands for: -inf (or the type's minimum) for max
/// pooling, 0 otherwise.
Value poolPadValue(OpBuilder &b, Location loc, Type elementType, Type bladeType,
                   bool isMax) {
  if (!isMax)
    return createScalar(b, loc, elementType, 0.0);
  if (auto f = dyn_cast<FloatType>(elementType))
    return arith::ConstantOp::create(
        b, loc, elementType,
        b.getFloatAttr(f, -std::numeric_limits<double>::infinity()));
  unsigned width = elementType.getIntOrFloatBitWidth();
  APInt min = bladeType.isUnsignedInteger() ? APInt::getMinValue(width)
                                            : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, elementType,
                                   b.getIntegerAttr(elementType, min));
}

/// The iteration space of a pooling generic: [N, C, out..., window...] with
/// the window dims reduced. Its operands are the padded input, a placeholder
/// of the kernel's shape and the [N, C, out...] result(s).
struct PoolSpace {
  AffineMap inputMap, windowMap, outMap;
  SmallVector<utils::IteratorType> iterators;
  Value window;
};

PoolSpace buildPoolSpace(OpBuilder &b, Location loc, ArrayRef<WindowDim> dims,
                         Type elementType) {
  MLIRContext *ctx = b.getContext();
  int64_t k = dims.size();
  unsigned numLoops = 2 + 2 * k;
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> windowExprs, outExprs = {d(0), d(1)};
  SmallVector<int64_t> kernel;
  for (int64_t i = 0; i < k; ++i) {
    windowExprs.push_back(d(2 + k + i));
    outExprs.push_back(d(2 + i));
    kernel.push_back(dims[i].kernel);
  }
  PoolSpace space;
  space.inputMap = windowInputMap(ctx, numLoops, {d(0), d(1)}, 2, 2 + k, dims);
  space.windowMap = AffineMap::get(numLoops, 0, windowExprs, ctx);
  space.outMap = AffineMap::get(numLoops, 0, outExprs, ctx);
  space.iterators.assign(2 + k, utils::IteratorType::parallel);
  space.iterators.append(k, utils::IteratorType::reduction);
  space.window = tensor::EmptyOp::create(b, loc, kernel, elementType);
  return space;
}

/// [N, C, out...]: the sizes of a pooling result over `input`.
SmallVector<OpFoldResult> poolResultSizes(OpBuilder &b, Location loc,
                                          Value input,
                                          ArrayRef<OpFoldResult> out) {
  SmallVector<OpFoldResult> sizes = {tensor::getMixedSize(b, loc, input, 0),
                                     tensor::getMixedSize(b, loc, input, 1)};
  sizes.append(out.begin(), out.end());
  return sizes;
}

struct PoolLowering : OpConversionPattern<PoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    Type elementType = xType.getElementType();
    Type bladeType = op.getInput().getType().getElementType();
    int64_t k = xType.getRank() - 2;
    StringRef kind = op.getKind();
    bool isMax = kind == "max";
    SmallVector<WindowDim> dims = windowDims(
        op.getKernelShape(), op.getStrides(), op.getDilations(), op.getPads());
    AutoPad autoPad = *parseAutoPad(op.getAutoPad());

    SmallVector<OpFoldResult> low, high, highAll, out;
    bool anyExtra = false;
    for (int64_t i = 0; i < k; ++i) {
      DimPlan p = planDim(rewriter, loc,
                          tensor::getMixedSize(rewriter, loc, x, i + 2),
                          rewriter.getIndexAttr(dims[i].kernel), dims[i],
                          autoPad, op.getCeilMode());
      low.push_back(p.low);
      high.push_back(p.high);
      out.push_back(p.out);
      anyExtra |= !isZero(p.ceilExtra);
      highAll.push_back(apply(rewriter, loc,
                              getAffineSymbolExpr(0, ctx) +
                                  getAffineSymbolExpr(1, ctx),
                              {p.high, p.ceilExtra}));
    }
    Value padValue = poolPadValue(rewriter, loc, elementType, bladeType, isMax);
    Value padded = padSpatial(rewriter, loc, x, low, highAll, padValue);
    if (op.getIndices())
      return lowerMaxWithIndices(op, rewriter, x, padded, padValue, low, out,
                                 dims);

    PoolSpace space = buildPoolSpace(rewriter, loc, dims, elementType);
    SmallVector<AffineMap> maps = {space.inputMap, space.windowMap,
                                   space.outMap};

    // Sums |x|^p for lp, x for avg, max for max.
    int64_t p = op.getP();
    auto reduceWindow = [&](Value input, Value init, StringRef how) {
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, poolResultSizes(rewriter, loc, input, out),
          elementType);
      Value acc =
          linalg::FillOp::create(rewriter, loc, init, empty).getResult(0);
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{acc.getType()},
                 ValueRange{input, space.window}, ValueRange{acc}, maps,
                 space.iterators,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   Value v = args[0], a = args[2], r;
                   if (how == "max") {
                     if (isa<FloatType>(elementType))
                       r = arith::MaximumFOp::create(b, l, a, v);
                     else if (bladeType.isUnsignedInteger())
                       r = arith::MaxUIOp::create(b, l, a, v);
                     else
                       r = arith::MaxSIOp::create(b, l, a, v);
                   } else {
                     if (how == "lp") {
                       Value abs = math::AbsFOp::create(b, l, v);
                       v = p == 1 ? abs
                                  : Value(math::FPowIOp::create(
                                        b, l, abs,
                                        arith::ConstantIntOp::create(b, l, p,
                                                                     32)));
                     }
                     r = arith::AddFOp::create(b, l, a, v);
                   }
                   linalg::YieldOp::create(b, l, r);
                 })
          .getResult(0);
    };
    Value zero = createScalar(rewriter, loc, elementType, 0.0);
    Value result = reduceWindow(padded, isMax ? padValue : zero, kind);

    if (kind == "avg") {
      // The divisor: the window size, or the count of covered input (and, with
      // count_include_pad, user padding) elements, as a sum-pool of ones.
      Value divisor;
      int64_t volume = 1;
      for (const WindowDim &dim : dims)
        volume *= dim.kernel;
      if (op.getCountIncludePad() && !anyExtra) {
        divisor = createScalar(rewriter, loc, elementType, double(volume));
      } else {
        SmallVector<OpFoldResult> onesSizes = {rewriter.getIndexAttr(1),
                                               rewriter.getIndexAttr(1)};
        for (int64_t i = 0; i < k; ++i)
          onesSizes.push_back(tensor::getMixedSize(rewriter, loc, x, i + 2));
        Value one = createScalar(rewriter, loc, elementType, 1.0);
        Value onesInit =
            tensor::EmptyOp::create(rewriter, loc, onesSizes, elementType);
        Value ones =
            linalg::FillOp::create(rewriter, loc, one, onesInit).getResult(0);
        Value counted = padSpatial(rewriter, loc, ones, low, high,
                                   op.getCountIncludePad() ? one : zero);
        SmallVector<OpFoldResult> noPad(k, rewriter.getIndexAttr(0));
        SmallVector<OpFoldResult> extra;
        for (int64_t i = 0; i < k; ++i)
          extra.push_back(apply(rewriter, loc,
                                getAffineSymbolExpr(0, ctx) -
                                    getAffineSymbolExpr(1, ctx),
                                {highAll[i], high[i]}));
        counted = padSpatial(rewriter, loc, counted, noPad, extra, zero);
        divisor = reduceWindow(counted, zero, "sum");
      }
      result = divideBy(rewriter, loc, result, divisor);
    } else if (kind == "lp" && p != 1) {
      result = mapUnary(rewriter, loc, result, [&](OpBuilder &b, Location l,
                                                   Value v) -> Value {
        if (p == 2)
          return math::SqrtOp::create(b, l, v);
        Value inv = createScalar(b, l, elementType, 1.0 / double(p));
        return math::PowFOp::create(b, l, v, inv);
      });
    }
    rewriter.replaceOp(
        op, castTo(rewriter, loc, result,
                   convertedResultType(*getTypeConverter(), op.getOperation())));
    return success();
  }

  /// Max pooling that also yields the flattened input index of each maximum
  /// (the first one on ties): one generic with two outputs, where the index
  /// comes from the iteration indices minus the begin pads.
  LogicalResult lowerMaxWithIndices(PoolOp op,
                                    ConversionPatternRewriter &rewriter,
                                    Value x, Value padded, Value padValue,
                                    ArrayRef<OpFoldResult> low,
                                    ArrayRef<OpFoldResult> out,
                                    ArrayRef<WindowDim> dims) const {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(x.getType());
    Type elementType = xType.getElementType();
    bool isUnsigned =
        op.getInput().getType().getElementType().isUnsignedInteger();
    int64_t k = xType.getRank() - 2;
    PoolSpace space = buildPoolSpace(rewriter, loc, dims, elementType);
    SmallVector<AffineMap> maps = {space.inputMap, space.windowMap,
                                   space.outMap, space.outMap};
    SmallVector<OpFoldResult> sizes = poolResultSizes(rewriter, loc, x, out);
    Value values =
        linalg::FillOp::create(
            rewriter, loc, padValue,
            Value(tensor::EmptyOp::create(rewriter, loc, sizes, elementType)))
            .getResult(0);
    Type i64 = rewriter.getI64Type();
    Value indices =
        linalg::FillOp::create(
            rewriter, loc, createScalar(rewriter, loc, i64, 0),
            Value(tensor::EmptyOp::create(rewriter, loc, sizes, i64)))
            .getResult(0);
    SmallVector<Value> lowValues, extents;
    for (int64_t i = 0; i < k; ++i) {
      lowValues.push_back(
          getValueOrCreateConstantIndexOp(rewriter, loc, low[i]));
      extents.push_back(getDimValue(rewriter, loc, x, i + 2));
    }
    Value channels = getDimValue(rewriter, loc, x, 1);
    bool columnMajor = op.getStorageOrder() == 1;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{values.getType(), indices.getType()},
        ValueRange{padded, space.window}, ValueRange{values, indices}, maps,
        space.iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          auto idx = [&](int64_t i) -> Value {
            return linalg::IndexOp::create(b, l, i);
          };
          auto cst = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          auto mul = [&](Value a, Value c) -> Value {
            return arith::MulIOp::create(b, l, a, c);
          };
          auto add = [&](Value a, Value c) -> Value {
            return arith::AddIOp::create(b, l, a, c);
          };
          // Input coordinates of this window element.
          SmallVector<Value> pos;
          for (int64_t i = 0; i < k; ++i)
            pos.push_back(arith::SubIOp::create(
                b, l,
                add(mul(idx(2 + i), cst(dims[i].stride)),
                    mul(idx(2 + k + i), cst(dims[i].dilation))),
                lowValues[i]));
          Value flat = add(mul(idx(0), channels), idx(1));
          if (columnMajor) {
            Value spatial = cst(0), volume = cst(1);
            for (int64_t i = k - 1; i >= 0; --i) {
              spatial = add(mul(spatial, extents[i]), pos[i]);
              volume = mul(volume, extents[i]);
            }
            flat = add(mul(flat, volume), spatial);
          } else {
            for (int64_t i = 0; i < k; ++i)
              flat = add(mul(flat, extents[i]), pos[i]);
          }
          Value v = args[0], best = args[2];
          Value greater;
          if (isa<FloatType>(elementType))
            greater =
                arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, best);
          else
            greater =
                arith::CmpIOp::create(b, l,
                                      isUnsigned ? arith::CmpIPredicate::ugt
                                                 : arith::CmpIPredicate::sgt,
                                      v, best);
          Value index = arith::IndexCastOp::create(b, l, b.getI64Type(), flat);
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, greater, v, best),
                  arith::SelectOp::create(b, l, greater, index, args[3])});
        });
    rewriter.replaceOp(
        op, {castTo(rewriter, loc, generic.getResult(0),
                    convertedResultType(*getTypeConverter(), op, 0)),
             castTo(rewriter, loc, generic.getResult(1),
                    convertedResultType(*getTypeConverter(), op, 1))});
    return success();
  }

  /// x / d, where d is a scalar or a [1, 1, O...] tensor broadcast over N, C.
  static Value divideBy(OpBuilder &b, Location loc, Value x, Value d) {
    auto type = cast<RankedTensorType>(x.getType());
    unsigned rank = type.getRank();
    MLIRContext *ctx = b.getContext();
    Value init = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, x), type.getElementType());
    SmallVector<Value> ins = {x};
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
    if (isa<RankedTensorType>(d.getType())) {
      ins.push_back(d);
      SmallVector<AffineExpr> exprs = {getAffineConstantExpr(0, ctx),
                                       getAffineConstantExpr(0, ctx)};
      for (unsigned i = 2; i < rank; ++i)
        exprs.push_back(getAffineDimExpr(i, ctx));
      maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
    }
    maps.push_back(b.getMultiDimIdentityMap(rank));
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ins, ValueRange{init}, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value div = ins.size() == 2 ? args[1] : d;
                 Value q = arith::DivFOp::create(nb, l, args[0], div);
                 linalg::YieldOp::create(nb, l, q);
               })
        .getResult(0);
  }

  static Value mapUnary(OpBuilder &b, Location loc, Value x,
                        function_ref<Value(OpBuilder &, Location, Value)> fn) {
    auto type = cast<RankedTensorType>(x.getType());
    unsigned rank = type.getRank();
    Value init = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, x), type.getElementType());
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ValueRange{x}, ValueRange{init},
               SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(rank)),
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(nb, l, fn(nb, l, args[0]));
               })
        .getResult(0);
  }
};

} // namespace

void blade::detail::populateNNPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<ConvLowering, ConvTransposeLowering, PoolLowering>(
      converter, patterns.getContext());
}
