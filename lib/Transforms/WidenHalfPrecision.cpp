//===- WidenHalfPrecision.cpp - The blade-widen-half-precision pass -------===//
//
// Matrix products and convolutions on f16 or bf16 tensors compute in f32:
// their operands are converted up, the op runs on f32 (the oneDNN library
// kernels, which the lowering gives f32 ops only) and the result is
// converted back. Sums of thousands of products accumulated in half
// precision lose whole units (4096 ones summed in f16 give 2048).
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace blade {
#define GEN_PASS_DEF_BLADEWIDENHALFPRECISIONPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

bool isHalf(Type t) {
  auto type = dyn_cast<RankedTensorType>(t);
  return type && (type.getElementType().isF16() ||
                  type.getElementType().isBF16());
}

/// `op` (a matmul, conv or conv_transpose whose result is f16 or bf16, its
/// float operands of that type) with every float operand converted to f32
/// and its result converted back.
struct ComputeInF32 : RewritePattern {
  ComputeInF32(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<MatMulOp, ConvOp, ConvTransposeOp>(op) ||
        op->getNumResults() != 1 || !isHalf(op->getResult(0).getType()))
      return failure();
    Location loc = op->getLoc();
    Type f32 = rewriter.getF32Type();
    SmallVector<Value> operands;
    for (Value v : op->getOperands()) {
      auto type = cast<RankedTensorType>(v.getType());
      operands.push_back(
          isa<FloatType>(type.getElementType())
              ? Value(ConvertOp::create(rewriter, loc, type.clone(f32), v))
              : v);
    }
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    OperationState state(loc, op->getName(), operands, {resultType.clone(f32)},
                         op->getAttrs());
    Operation *wide = rewriter.create(state);
    rewriter.replaceOpWithNewOp<ConvertOp>(op, resultType, wide->getResult(0));
    return success();
  }
};

struct BladeWidenHalfPrecisionPass
    : blade::impl::BladeWidenHalfPrecisionPassBase<
          BladeWidenHalfPrecisionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ComputeInF32>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
