//===- ResolveResultDims.cpp - The blade-resolve-result-dims pass ---------===//
//
// tensor.dim of a destination-style op's result is the dim of the init it
// is tied to; rewriting it so lets the op die when only its shape was used
// (a shape-check function then keeps index math only). In shape-check
// functions, also the dims of reshapes, scf.if and scf.for results.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// tensor.dim of a tensor.reshape's result is the entry of its shape
/// operand (which is defined before the reshape).
struct DimOfReshape : OpRewritePattern<tensor::DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::DimOp dim,
                                PatternRewriter &rewriter) const override {
    auto reshape = dim.getSource().getDefiningOp<tensor::ReshapeOp>();
    std::optional<int64_t> index = dim.getConstantIndex();
    if (!reshape || !index)
      return failure();
    Location loc = dim.getLoc();
    Value position = arith::ConstantIndexOp::create(rewriter, loc, *index);
    Value size = tensor::ExtractOp::create(rewriter, loc, reshape.getShape(),
                                           ValueRange{position});
    if (!size.getType().isIndex())
      size = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                        size);
    rewriter.replaceOp(dim, size);
    return success();
  }
};

/// tensor.dim of an scf.if result becomes a new index result of the if,
/// each branch yielding the dim of what it yields; the tensor result may
/// then die with the compute in the branches.
struct DimOfIf : OpRewritePattern<tensor::DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::DimOp dim,
                                PatternRewriter &rewriter) const override {
    auto result = dyn_cast<OpResult>(dim.getSource());
    auto ifOp = result ? dyn_cast<scf::IfOp>(result.getOwner()) : nullptr;
    std::optional<int64_t> index = dim.getConstantIndex();
    if (!ifOp || !index || ifOp.getElseRegion().empty())
      return failure();
    unsigned n = result.getResultNumber();
    SmallVector<Type> types(ifOp.getResultTypes());
    types.push_back(rewriter.getIndexType());
    rewriter.setInsertionPoint(ifOp);
    auto newIf = scf::IfOp::create(rewriter, ifOp.getLoc(), types,
                                   ifOp.getCondition(), /*withElse=*/false);
    for (auto [from, to] :
         {std::make_pair(&ifOp.getThenRegion(), &newIf.getThenRegion()),
          std::make_pair(&ifOp.getElseRegion(), &newIf.getElseRegion())}) {
      to->takeBody(*from);
      auto yield = cast<scf::YieldOp>(to->front().getTerminator());
      rewriter.setInsertionPoint(yield);
      Value size = tensor::DimOp::create(rewriter, dim.getLoc(),
                                         yield.getOperand(n), *index);
      rewriter.modifyOpInPlace(yield,
                               [&] { yield.getResultsMutable().append(size); });
    }
    rewriter.replaceOp(dim, newIf.getResults().back());
    rewriter.replaceOp(ifOp, newIf.getResults().drop_back());
    return success();
  }
};

/// Whether iter_arg `n` of `loop` has the same shape in every iteration:
/// what the body yields for it reaches the iter_arg through inits of
/// destination-style ops (tensor.insert_slice included) and nested loops.
bool keepsShape(scf::ForOp loop, unsigned n) {
  Value v = loop.getBody()->getTerminator()->getOperand(n);
  while (v != loop.getRegionIterArgs()[n]) {
    auto result = dyn_cast<OpResult>(v);
    if (!result)
      return false;
    Operation *def = result.getOwner();
    if (auto inner = dyn_cast<scf::ForOp>(def)) {
      if (!keepsShape(inner, result.getResultNumber()))
        return false;
      v = inner.getInitArgs()[result.getResultNumber()];
      continue;
    }
    auto dps = dyn_cast<DestinationStyleOpInterface>(def);
    OpOperand *init =
        dps && dps.hasPureTensorSemantics() ? dps.getTiedOpOperand(result)
                                            : nullptr;
    if (!init)
      return false;
    v = init->get();
  }
  return true;
}

/// tensor.dim of an scf.for result whose iterations keep its shape (a
/// recurrent layer's time loop) is the dim of its init.
struct DimOfLoopResult : OpRewritePattern<tensor::DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::DimOp dim,
                                PatternRewriter &rewriter) const override {
    auto result = dyn_cast<OpResult>(dim.getSource());
    auto loop = result ? dyn_cast<scf::ForOp>(result.getOwner()) : nullptr;
    if (!loop || !keepsShape(loop, result.getResultNumber()))
      return failure();
    rewriter.modifyOpInPlace(dim, [&] {
      dim.getSourceMutable().assign(
          loop.getInitArgs()[result.getResultNumber()]);
    });
    return success();
  }
};

struct BladeResolveResultDimsPass
    : blade::impl::BladeResolveResultDimsPassBase<BladeResolveResultDimsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    RewritePatternSet patterns(&getContext());
    patterns.add<DimOfDestinationResult, DimOfReshape>(&getContext());
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
    reify.add<DimOfDestinationResult, DimOfReshape, DimOfIf, DimOfLoopResult>(
        &getContext());
    memref::populateResolveRankedShapedTypeResultDimsPatterns(reify);
    OwningOpRef<func::FuncOp> copy = cast<func::FuncOp>(fn->clone());
    if (failed(applyPatternsGreedily(*copy, std::move(reify))) ||
        failed(verify(*copy)))
      return;
    fn.getBody().takeBody(copy->getBody());
  }
};

} // namespace
