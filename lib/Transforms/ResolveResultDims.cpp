//===- ResolveResultDims.cpp - The blade-resolve-result-dims pass ---------===//
//
// tensor.dim of a destination-style op's result is the dim of the init it
// is tied to; rewriting it so lets the op die when only its shape was used
// (a shape-check function then keeps index math only).
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace blade {
#define GEN_PASS_DEF_BLADERESOLVERESULTDIMSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

struct DimOfDestinationResult : OpRewritePattern<tensor::DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::DimOp dim,
                                PatternRewriter &rewriter) const override {
    auto result = dyn_cast<OpResult>(dim.getSource());
    if (!result)
      return failure();
    auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner());
    if (!dps || !dps.hasPureTensorSemantics())
      return failure();
    OpOperand *init = dps.getTiedOpOperand(result);
    if (!init)
      return failure();
    rewriter.modifyOpInPlace(
        dim, [&] { dim.getSourceMutable().assign(init->get()); });
    return success();
  }
};

struct BladeResolveResultDimsPass
    : blade::impl::BladeResolveResultDimsPassBase<BladeResolveResultDimsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    RewritePatternSet patterns(&getContext());
    patterns.add<DimOfDestinationResult>(&getContext());
    FrozenRewritePatternSet dps(std::move(patterns));
    if (failed(applyPatternsGreedily(fn, dps)))
      return signalPassFailure();
    if (!fn.getSymName().ends_with(blade::kShapeCheckSuffix))
      return;
    // A shape-check function also takes the dims other ops report through
    // their shape interfaces (pads, reshapes). MLIR 22 can place such a dim
    // after a use of it; that attempt is made on a copy and kept only if
    // the copy verifies.
    RewritePatternSet reify(&getContext());
    reify.add<DimOfDestinationResult>(&getContext());
    memref::populateResolveRankedShapedTypeResultDimsPatterns(reify);
    OwningOpRef<func::FuncOp> copy = cast<func::FuncOp>(fn->clone());
    if (failed(applyPatternsGreedily(*copy, std::move(reify))) ||
        failed(verify(*copy)))
      return;
    fn.getBody().takeBody(copy->getBody());
  }
};

} // namespace
