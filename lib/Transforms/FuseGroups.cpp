//===- FuseGroups.cpp - blade-fuse-groups ---------------------------------===//
//
// Code generation of the fusion planner's groups (blade-form-fusion-groups):
// each lowered group, an scf.execute_region marked `blade.fusion`, becomes
// one kernel (steps in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace blade {
#define GEN_PASS_DEF_BLADEFUSEGROUPSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

/// Loop nests that are kernels of their own (fills are fused as the
/// destinations of reductions).
bool isLoopNest(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumLoops() > 0 && !isa<linalg::FillOp>(op);
}

struct BladeFuseGroupsPass
    : blade::impl::BladeFuseGroupsPassBase<BladeFuseGroupsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ExecuteRegionOp> regions;
    getOperation().walk([&](scf::ExecuteRegionOp op) {
      if (op->hasAttr(blade::kFusionAttr))
        regions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ExecuteRegionOp region : regions) {
      fuseElementwise(rewriter, region);
      stitchRows(rewriter, region);
      inlineRegion(rewriter, region);
    }
  }

  /// A reduction with kept dims comes back through an expand_shape that
  /// only adds static 1s; its consumers in the region read the reduction's
  /// result itself instead (those dims' indices are 0 anyway), so it can be
  /// fused and tiled with them.
  void readThroughUnitExpands(IRRewriter &rewriter,
                              scf::ExecuteRegionOp region) {
    SmallVector<linalg::GenericOp> consumers;
    region.walk([&](linalg::GenericOp op) { consumers.push_back(op); });
    for (linalg::GenericOp op : consumers) {
      SmallVector<AffineMap> maps = op.getIndexingMapsArray();
      bool changed = false;
      for (OpOperand *operand : op.getDpsInputOperands()) {
        auto expand = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
        if (!expand || !region->isProperAncestor(expand))
          continue;
        ArrayRef<int64_t> shape = expand.getResultType().getShape();
        // Per group, the one dim that carries the source dim stays.
        SmallVector<bool> keep(shape.size(), false);
        bool plain = true;
        for (ReassociationIndices group : expand.getReassociationIndices()) {
          SmallVector<int64_t> nonUnit;
          for (int64_t d : group)
            if (shape[d] != 1)
              nonUnit.push_back(d);
          if (nonUnit.size() > 1)
            plain = false;
          keep[nonUnit.empty() ? group.front() : nonUnit.front()] = true;
        }
        AffineMap map = maps[operand->getOperandNumber()];
        if (!plain || map.getNumResults() != int64_t(shape.size()))
          continue;
        SmallVector<AffineExpr> results;
        for (auto [i, expr] : llvm::enumerate(map.getResults()))
          if (keep[i])
            results.push_back(expr);
        maps[operand->getOperandNumber()] =
            AffineMap::get(map.getNumDims(), 0, results, op.getContext());
        rewriter.modifyOpInPlace(op, [&] { operand->set(expand.getSrc()); });
        changed = true;
      }
      if (changed)
        rewriter.modifyOpInPlace(op, [&] {
          op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
        });
    }
  }

  /// Fuses elementwise producers into consumers inside `region` until none
  /// is left; a producer with several users in the region goes into each.
  void fuseElementwise(IRRewriter &rewriter, scf::ExecuteRegionOp region) {
    readThroughUnitExpands(rewriter, region);
    bool rowwise = region->hasAttr(blade::kFusionRowsAttr);
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<linalg::GenericOp> consumers;
      region.walk([&](linalg::GenericOp op) { consumers.push_back(op); });
      for (linalg::GenericOp consumer : consumers) {
        for (OpOperand &operand : consumer->getOpOperands()) {
          auto producer = operand.get().getDefiningOp<linalg::GenericOp>();
          // In a group computed by rows, a per-row value (a statistic
          // broadcast over the row) stays its own op: tiled by rows it is
          // computed once per row instead of once per element.
          if (rowwise && producer &&
              consumer.getMatchingIndexingMap(&operand).getNumResults() <
                  consumer.getNumLoops())
            continue;
          if (!producer || !region->isProperAncestor(producer) ||
              !linalg::areElementwiseOpsFusable(&operand) ||
              llvm::any_of(producer->getUsers(), [&](Operation *user) {
                return !region->isProperAncestor(user);
              }))
            continue;
          rewriter.setInsertionPoint(consumer);
          FailureOr<linalg::ElementwiseOpFusionResult> fused =
              linalg::fuseElementwiseOps(rewriter, &operand);
          if (failed(fused))
            continue;
          // Only the consumer is replaced: the producer's other users keep
          // it (and compute it themselves once fused too).
          for (auto [original, replacement] : fused->replacements)
            if (original.getDefiningOp() == consumer)
              rewriter.replaceAllUsesWith(original, replacement);
          rewriter.eraseOp(consumer);
          if (producer->use_empty())
            rewriter.eraseOp(producer);
          changed = true;
          break;
        }
        if (changed)
          break;
      }
    }
    // Fusion keeps a producer's value as an extra result of the fused op
    // while the producer has other users; those results are unused now.
    RewritePatternSet patterns(&getContext());
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    (void)applyPatternsGreedily(region.getRegion(), std::move(patterns));
  }

  /// When several loop nests remain, tiles the one producing the result by
  /// rows (the leading dims every reduction keeps) in an scf.forall and
  /// fuses the others into it.
  void stitchRows(IRRewriter &rewriter, scf::ExecuteRegionOp region) {
    Block &body = region.getRegion().front();
    auto yield = cast<scf::YieldOp>(body.getTerminator());
    if (yield.getNumOperands() != 1)
      return;
    auto root = yield.getOperand(0).getDefiningOp<linalg::LinalgOp>();
    if (!root || root->getBlock() != &body || !isLoopNest(root))
      return;
    int nests = 0;
    int64_t rows = root.getNumLoops();
    for (Operation &op : body) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || !isLoopNest(&op))
        continue;
      ++nests;
      int64_t leading = 0;
      for (utils::IteratorType it : linalgOp.getIteratorTypesArray()) {
        if (it != utils::IteratorType::parallel)
          break;
        ++leading;
      }
      rows = std::min(rows, leading);
    }
    // The planner knows the rows (the leading dims its reductions keep);
    // loop nests may count more leading parallel loops (a kept reduced dim).
    if (auto planned =
            region->getAttrOfType<IntegerAttr>(blade::kFusionRowsAttr))
      rows = std::min(rows, planned.getInt());
    if (nests < 2 || rows == 0)
      return;
    SmallVector<OpFoldResult> tiles(root.getNumLoops(),
                                    rewriter.getIndexAttr(0));
    for (int64_t i = 0; i < rows; ++i)
      tiles[i] = rewriter.getIndexAttr(1);
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(tiles);
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (!region->isProperAncestor(producer.getOwner()))
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(*root), options);
    if (failed(result) || result->loops.empty())
      return;
    Operation *loop = result->loops.front();
    loop->setAttr(blade::kFusedLoopAttr, rewriter.getUnitAttr());
    // A producer used by several fused ops was fused once per use.
    DominanceInfo dominance;
    eliminateCommonSubExpressions(rewriter, dominance, loop);
    rewriter.replaceAllUsesWith(
        root->getResult(0), result->replacements.lookup(root->getResult(0)));
    // The untiled ops are dead now (consumers come after producers).
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      if (isOpTriviallyDead(&op))
        rewriter.eraseOp(&op);
  }

  void inlineRegion(IRRewriter &rewriter, scf::ExecuteRegionOp region) {
    Block &body = region.getRegion().front();
    auto yield = cast<scf::YieldOp>(body.getTerminator());
    SmallVector<Value> results(yield.getOperands());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(&body, region);
    rewriter.replaceOp(region, results);
  }
};

} // namespace
