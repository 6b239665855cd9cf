//===- TransposeToChannelsLast.cpp - blade-transpose-to-channels-last -----===//
//
// Runs chains of 2-D convolutions (and max poolings) channels-last, so that
// the oneDNN kernels read and write NHWC without per-call reorders.
//
// Why NHWC: on mobilenet_v2's convs (oneDNN 2.6, AVX-512, one thread, the sum
// over 18 shapes at batch 1 / 8) oneDNN on nhwc src/dst took 1.52 / 20.7 ms,
// on its blocked layout with the NCHW reorders in and out of every call (what
// the kernels did before) 4.1 / 63 ms, and blocked without reorders 1.47 /
// 16.9 ms. Blocked between convs would be slightly faster still, but needs
// tensors padded to 16 channels and elementwise ops that know it; NHWC is a
// plain permutation that every blade op can run on.
//
// The pass brackets each eligible op with transposes,
//
//   conv(x)  ->  T_nchw(T_nhwc(conv(T_nchw(T_nhwc(x)))))
//
// (T_nhwc permutes [0, 2, 3, 1], T_nchw [0, 3, 1, 2]), then sinks every
// T_nchw below elementwise ops (Relu, Clip's max/min, residual Add, Mul by a
// constant or by a [N, C, 1, 1] scale, ...), channel concats, static slices
// and keepdims reductions, and cancels T_nhwc(T_nchw(a)) to `a`. (Measured at
// batch 1, one thread: SqueezeNet 1.1 6.0 -> 4.3 ms with its fire modules'
// concats NHWC; DenseNet-121 37 -> 39 ms, its 1x1 convs then lose the NCHW
// matrix-product path. With the squeeze-and-excitation blocks NHWC:
// EfficientNet-B0 9.5 -> 8.3 ms, MobileNetV3-Small 1.76 -> 1.37 ms.) What stays
// is the canonical form that blade-lower-to-linalg's library calls consume
// without copies: an input `T_nchw(a)` becomes a transposed view of `a`, and a
// result whose only user is `T_nhwc` is written straight into an NHWC buffer. A
// network ends up with one real transpose at its input and one where its
// activations stop being elementwise-only (Flatten, global pooling).
//
// The anchors never move: only T_nchw is sunk and only T_nhwc(T_nchw(.))
// cancels, so `T_nhwc(conv)` and `conv(T_nchw(.))` stay where they are.
// Binary ops sink only when every operand is a T_nchw, a constant (which
// is permuted, or kept as is when it holds one element) or a [N, C, 1, 1]
// tensor (transposed itself: N * C elements): another NCHW operand would
// need an activation-sized transpose of its own. Shape-check functions are
// left alone (they keep the linalg lowering).
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/Analysis/Epilogues.h"
#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace blade {
#define GEN_PASS_DEF_BLADETRANSPOSETOCHANNELSLASTPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

bool isF32Rank4(Type t) {
  auto type = dyn_cast<RankedTensorType>(t);
  return type && type.getRank() == 4 && type.getElementType().isF32();
}

/// `v` transposed by `perm` (rank 4).
Value transpose(PatternRewriter &rewriter, Location loc, Value v,
                ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return TransposeOp::create(rewriter, loc, resultType, v, perm);
}

/// Per-dim values of an NCHW tensor (sizes, slice bounds) in NHWC order.
SmallVector<int64_t> toNHWCOrder(ArrayRef<int64_t> values) {
  SmallVector<int64_t> out;
  for (int64_t p : kToNHWC)
    out.push_back(values[p]);
  return out;
}

/// The NHWC form of an NCHW type.
RankedTensorType toNHWCType(Type t) {
  auto type = cast<RankedTensorType>(t);
  return RankedTensorType::get(toNHWCOrder(type.getShape()),
                               type.getElementType());
}

/// The NHWC position of NCHW dim `axis`.
int64_t toNHWCAxis(int64_t axis) {
  return llvm::find(kToNHWC, axis) - std::begin(kToNHWC);
}

/// Replaces `op` by T_nchw(`nhwc`), its NHWC form.
void replaceByNCHW(PatternRewriter &rewriter, Operation *op, Value nhwc) {
  rewriter.replaceOp(op, transpose(rewriter, op->getLoc(), nhwc, kToNCHW));
}

/// Whether `op` is a conv or max pool that the oneDNN kernels run and this
/// pass brackets: f32, 2-D, static kernel sizes and channel counts (a
/// dynamic count may be 1 at run time, where NHWC buys nothing), in a model
/// function.
bool isAnchor(Operation *op) {
  auto func = op->getParentOfType<func::FuncOp>();
  if (!func || func.getName().ends_with(kShapeCheckSuffix) ||
      op->getNumResults() != 1 || !isF32Rank4(op->getResult(0).getType()) ||
      !isF32Rank4(op->getOperand(0).getType()))
    return false;
  for (Value v : {op->getOperand(0), Value(op->getResult(0))})
    if (cast<RankedTensorType>(v.getType()).isDynamicDim(1))
      return false;
  if (auto conv = dyn_cast<ConvOp>(op)) {
    auto w = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    return w && w.getElementType().isF32() && !w.isDynamicDim(2) &&
           !w.isDynamicDim(3) &&
           (!conv.getBias() || cast<RankedTensorType>(conv.getBias().getType())
                                   .getElementType()
                                   .isF32());
  }
  auto pool = dyn_cast<PoolOp>(op);
  return pool && pool.getKind() == "max" && !pool.getIndices();
}

/// Brackets an anchor's input and result with transpose pairs (each only if
/// not bracketed yet).
struct BracketAnchor : RewritePattern {
  BracketAnchor(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<ConvOp, PoolOp>(op) || !isAnchor(op))
      return failure();
    Value result = op->getResult(0);
    bool inputDone = static_cast<bool>(peelToNCHW(op->getOperand(0)));
    bool resultDone =
        result.hasOneUse() && isTransposeBy(*result.user_begin(), kToNHWC);
    if (inputDone && resultDone)
      return rewriter.notifyMatchFailure(op, "bracketed already");
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    if (!inputDone) {
      Value x = op->getOperand(0);
      Value inner = transpose(rewriter, loc, x, kToNHWC);
      Value back = transpose(rewriter, loc, inner, kToNCHW);
      rewriter.modifyOpInPlace(op, [&] { op->setOperand(0, back); });
    }
    if (!resultDone) {
      rewriter.setInsertionPointAfter(op);
      Value nhwc = transpose(rewriter, loc, result, kToNHWC);
      Value back = transpose(rewriter, loc, nhwc, kToNCHW);
      rewriter.replaceAllUsesExcept(result, back, nhwc.getDefiningOp());
    }
    return success();
  }
};

/// T_nhwc(T_nchw(a)) -> a.
struct CancelTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Value a =
        isTransposeBy(op, kToNHWC) ? peelToNCHW(op.getOperand()) : Value();
    if (!a || a.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not T_nhwc(T_nchw(a))");
    rewriter.replaceOp(op, a);
    return success();
  }
};

/// Whether `op` is an elementwise op that commutes with a permutation of
/// its operands' dims (every operand has the result's rank or is constant).
bool isElementwise(Operation *op) {
  return isa<ReluOp, SigmoidOp, TanhOp, AbsOp, NegOp, ExpOp, LogOp, SqrtOp,
             ErfOp, GeluOp, AddOp, SubOp, MulOp, DivOp, MinOp, MaxOp, PowOp>(
      op);
}

/// op(T_nchw(a), ...) -> T_nchw(op(a, ...)) for elementwise ops whose other
/// operands are T_nchw's too or constants.
struct SinkTranspose : RewritePattern {
  SinkTranspose(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isElementwise(op) || op->getNumResults() != 1 ||
        !isF32Rank4(op->getResult(0).getType()))
      return failure();
    Location loc = op->getLoc();
    SmallVector<Value> operands;
    bool anyTransposed = false;
    for (Value v : op->getOperands()) {
      if (Value a = peelToNCHW(v)) {
        operands.push_back(a);
        anyTransposed = true;
        continue;
      }
      auto type = cast<RankedTensorType>(v.getType());
      if (type.getRank() == 4 && type.getDimSize(2) == 1 &&
          type.getDimSize(3) == 1) {
        // [N, C, 1, 1] (a squeeze-and-excitation scale): its transpose moves
        // N * C elements, not an activation.
        operands.push_back(Value());
        continue;
      }
      if (!matchPattern(v, m_Constant()))
        return rewriter.notifyMatchFailure(op, "a non-constant NCHW operand");
      if (type.hasStaticShape() && type.getNumElements() == 1) {
        operands.push_back(v); // Broadcasts the same in any layout.
        continue;
      }
      if (type.getRank() != 4)
        return rewriter.notifyMatchFailure(op, "a constant of lower rank");
      operands.push_back(Value()); // Permuted below, once known to fire.
    }
    if (!anyTransposed)
      return rewriter.notifyMatchFailure(op, "no transposed operand");
    rewriter.setInsertionPoint(op);
    for (auto [i, v] : llvm::enumerate(operands))
      if (!v)
        v = transpose(rewriter, loc, op->getOperand(i), kToNHWC);
    OperationState state(loc, op->getName(), operands,
                         {toNHWCType(op->getResult(0).getType())},
                         op->getAttrs());
    replaceByNCHW(rewriter, op, rewriter.create(state)->getResult(0));
    return success();
  }
};

/// concat(T_nchw(a), T_nchw(b), ...) -> T_nchw(concat(a, b, ...)) along the
/// same dim in NHWC order (Inception, SqueezeNet, ShuffleNet join branches
/// along channels).
struct SinkTransposeThroughConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    if (!isF32Rank4(op.getType()))
      return failure();
    SmallVector<Value> inputs;
    for (Value v : op.getInputs()) {
      Value a = peelToNCHW(v);
      if (!a)
        return rewriter.notifyMatchFailure(op, "an input is not T_nchw");
      inputs.push_back(a);
    }
    replaceByNCHW(rewriter, op,
                  ConcatOp::create(rewriter, op.getLoc(),
                                   toNHWCType(op.getType()), inputs,
                                   toNHWCAxis(op.getAxis())));
    return success();
  }
};

/// slice(T_nchw(a)) -> T_nchw(slice(a)) with the bounds permuted (the
/// channel split of ShuffleNet units; the slice stays a view).
struct SinkTransposeThroughSlice : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    Value a = peelToNCHW(op.getOperand());
    if (!a || !isF32Rank4(op.getType()))
      return failure();
    replaceByNCHW(
        rewriter, op,
        SliceOp::create(rewriter, op.getLoc(), toNHWCType(op.getType()), a,
                        toNHWCOrder(op.getStarts()), toNHWCOrder(op.getEnds()),
                        toNHWCOrder(op.getSteps())));
    return success();
  }
};

/// reduce(T_nchw(a)) over NCHW dims (keepdims) -> T_nchw(reduce(a)) over
/// the same dims in NHWC order (global average pooling, SE blocks).
struct SinkTransposeThroughReduce : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    Value a = peelToNCHW(op.getOperand());
    if (!a || !op.getKeepdims() || !isF32Rank4(op.getType()))
      return failure();
    SmallVector<int64_t> axes = llvm::map_to_vector(op.getAxes(), toNHWCAxis);
    llvm::sort(axes);
    replaceByNCHW(
        rewriter, op,
        ReduceOp::create(rewriter, op.getLoc(), toNHWCType(op.getType()), a,
                         op.getKindAttr(), rewriter.getDenseI64ArrayAttr(axes),
                         op.getKeepdimsAttr()));
    return success();
  }
};

/// resize(T_nchw(a)) with constant per-dim operands -> T_nchw(resize(a))
/// with them in NHWC order (a region of interest holds starts then ends):
/// an FPN's or a U-Net's upsampling between convs.
struct SinkTransposeThroughResize : OpRewritePattern<ResizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ResizeOp op,
                                PatternRewriter &rewriter) const override {
    Value a = peelToNCHW(op.getInput());
    if (!a || !isF32Rank4(op.getType()))
      return failure();
    SmallVector<Value> permuted;
    for (Value v : {op.getScales(), op.getSizes(), op.getRoi()}) {
      DenseElementsAttr attr;
      if (!v) {
        permuted.push_back(v);
        continue;
      }
      if (!matchPattern(v, m_Constant(&attr)) || attr.getNumElements() % 4 != 0)
        return rewriter.notifyMatchFailure(op, "per-dim operands not known");
      SmallVector<Attribute> values(attr.getValues<Attribute>());
      SmallVector<Attribute> reordered;
      for (size_t half = 0; half < values.size(); half += 4)
        for (int64_t p : kToNHWC)
          reordered.push_back(values[half + p]);
      permuted.push_back(ConstantOp::create(
          rewriter, op.getLoc(),
          DenseElementsAttr::get(attr.getType(), reordered)));
    }
    auto resized = ResizeOp::create(
        rewriter, op.getLoc(), toNHWCType(op.getType()), a, permuted[0],
        permuted[1], permuted[2], op.getKernelAttr(),
        op.getCoordinateModeAttr(), op.getNearestModeAttr(),
        op.getCubicCoeffAAttr(), op.getExcludeOutsideAttr(),
        op.getExtrapolationValueAttr());
    replaceByNCHW(rewriter, op, resized);
    return success();
  }
};

struct TransposeToChannelsLastPass
    : blade::impl::BladeTransposeToChannelsLastPassBase<
          TransposeToChannelsLastPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getName().ends_with(kShapeCheckSuffix))
      return;
    RewritePatternSet patterns(&getContext());
    patterns.add<BracketAnchor, CancelTransposes, SinkTranspose,
                 SinkTransposeThroughConcat, SinkTransposeThroughSlice,
                 SinkTransposeThroughReduce, SinkTransposeThroughResize>(
        &getContext());
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
