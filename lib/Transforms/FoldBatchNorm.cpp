//===- FoldBatchNorm.cpp - The blade-fold-batch-norm pass -----------------===//
//
// Inference batch normalisation after a convolution with constant weights is
// an affine map per output channel, so it folds into the convolution:
//
//   s = scale / sqrt(var + eps)
//   W'[o, ...] = W[o, ...] * s[o]
//   b'[o] = (b[o] - mean[o]) * s[o] + bias[o]       (b = 0 without a bias)
//
// The conv's result then goes straight to the library kernel (and its
// epilogue); the BN's elementwise pass over the activations disappears.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace blade {
#define GEN_PASS_DEF_BLADEFOLDBATCHNORMPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

/// The f32 values of a constant with `n` elements, if `v` is one.
std::optional<SmallVector<float>> constantValues(Value v, int64_t n) {
  DenseFPElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) ||
      !attr.getElementType().isF32() || attr.getNumElements() != n)
    return std::nullopt;
  return llvm::to_vector(attr.getValues<float>());
}

/// A batch_norm's statistics when they are constants of `channels` values.
struct Statistics {
  SmallVector<float> scale, bias, mean, var;
  float eps;
  /// Channel `c`'s factor s = scale / sqrt(var + eps).
  double factor(int64_t c) const {
    return scale[c] / std::sqrt(double(var[c]) + eps);
  }
};

std::optional<Statistics> constantStatistics(BatchNormOp bn, int64_t channels) {
  auto scale = constantValues(bn.getScale(), channels);
  auto bias = constantValues(bn.getBias(), channels);
  auto mean = constantValues(bn.getMean(), channels);
  auto var = constantValues(bn.getVariance(), channels);
  if (!scale || !bias || !mean || !var)
    return std::nullopt;
  return Statistics{*scale, *bias, *mean, *var,
                    bn.getEpsilon().convertToFloat()};
}

struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getOperand().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "not the only user of a conv");
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    auto type = cast<RankedTensorType>(conv.getType());
    if (!wType.hasStaticShape() || !type.getElementType().isF32() ||
        type != bn.getType())
      return rewriter.notifyMatchFailure(bn, "not an f32 conv, static weight");
    int64_t channels = wType.getDimSize(0);
    int64_t perChannel =
        wType.getNumElements() / std::max<int64_t>(channels, 1);
    auto w = constantValues(conv.getWeight(), wType.getNumElements());
    std::optional<Statistics> bnStats = constantStatistics(bn, channels);
    std::optional<SmallVector<float>> convBias =
        conv.getBias() ? constantValues(conv.getBias(), channels)
                       : SmallVector<float>(channels, 0.0f);
    if (!w || !bnStats || !convBias)
      return rewriter.notifyMatchFailure(bn, "parameters are not constants");
    const Statistics &st = *bnStats;
    SmallVector<float> newW(*w), newB(channels);
    for (int64_t o = 0; o < channels; ++o) {
      double s = st.factor(o);
      for (int64_t i = 0; i < perChannel; ++i)
        newW[o * perChannel + i] = float((*w)[o * perChannel + i] * s);
      newB[o] = float(((*convBias)[o] - st.mean[o]) * s + st.bias[o]);
    }
    Location loc = bn.getLoc();
    auto bType = RankedTensorType::get({channels}, rewriter.getF32Type());
    rewriter.setInsertionPoint(conv);
    Value weight = ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(wType, ArrayRef<float>(newW)));
    Value b = ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(bType, ArrayRef<float>(newB)));
    Operation *folded = rewriter.clone(*conv);
    rewriter.modifyOpInPlace(folded, [&] {
      folded->setOperands(ValueRange{conv.getInput(), weight, b});
      folded->setLoc(rewriter.getFusedLoc({conv.getLoc(), loc}));
    });
    rewriter.replaceOp(bn, folded->getResult(0));
    rewriter.eraseOp(conv);
    return success();
  }
};

/// A batch_norm with constant parameters that no conv absorbs is an affine
/// map per channel: x * s + t with [1, C, 1, ...] constants
/// s = scale / sqrt(var + eps), t = bias - mean * s. One multiply-add per
/// element instead of a square root and a division, and elementwise ops
/// that fuse with their neighbours and run in any layout (DenseNet's
/// pre-activation BN before each conv stayed NCHW between NHWC convs).
struct BatchNormToAffine : OpRewritePattern<BatchNormOp> {
  BatchNormToAffine(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/0) {}

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(bn.getType());
    if (!type.getElementType().isF32() || type.getRank() < 2 ||
        type.isDynamicDim(1))
      return rewriter.notifyMatchFailure(bn, "not f32 with static channels");
    int64_t channels = type.getDimSize(1);
    std::optional<Statistics> bnStats = constantStatistics(bn, channels);
    if (!bnStats)
      return rewriter.notifyMatchFailure(bn, "parameters are not constants");
    const Statistics &st = *bnStats;
    SmallVector<float> mul(channels), add(channels);
    for (int64_t c = 0; c < channels; ++c) {
      double s = st.factor(c);
      mul[c] = float(s);
      add[c] = float(st.bias[c] - st.mean[c] * s);
    }
    SmallVector<int64_t> shape(type.getRank(), 1);
    shape[1] = channels;
    auto cType = RankedTensorType::get(shape, rewriter.getF32Type());
    Location loc = bn.getLoc();
    Value s = ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(cType, ArrayRef<float>(mul)));
    Value t = ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(cType, ArrayRef<float>(add)));
    Value scaled = MulOp::create(rewriter, loc, type, bn.getOperand(), s);
    rewriter.replaceOpWithNewOp<AddOp>(bn, type, scaled, t);
    return success();
  }
};

struct BladeFoldBatchNormPass
    : blade::impl::BladeFoldBatchNormPassBase<BladeFoldBatchNormPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoConv, BatchNormToAffine>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
