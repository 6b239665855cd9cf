//===- TileAndVectorize.cpp - The blade-tile-and-vectorize pass -----------===//
//
// CPU code generation on tensors: linalg ops become scf.forall tiles (run on
// the runtime's threads once outlined) whose bodies are vectorized.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace blade {
#define GEN_PASS_DEF_BLADETILEANDVECTORIZEPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

/// Vector sizes a tiled op is to be vectorized with (set while tiling).
constexpr llvm::StringLiteral kVectorSizes = "blade.vector_sizes";
/// Marks an elementwise row to vectorize after bufferization.
constexpr llvm::StringLiteral kVectorRows = "blade.vector_rows";

int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// Whether every operand that reads or writes the innermost loop does so
/// along its own innermost dim (unit stride in a row-major tensor).
bool innermostLoopIsContiguous(linalg::LinalgOp op) {
  unsigned innermost = op.getNumLoops() - 1;
  for (AffineMap map : op.getIndexingMapsArray()) {
    for (auto [i, expr] : llvm::enumerate(map.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim) {
        // Computed indices (e.g. strided windows) are not plain rows.
        if (!isa<AffineConstantExpr>(expr))
          return false;
        continue;
      }
      if (dim.getPosition() == innermost && i + 1 != map.getNumResults())
        return false;
    }
  }
  return true;
}

/// MLIR 22's partial-reduction tiling (the LinalgOp model of
/// PartialReductionOpInterface, tileToPartialReduction) clones the body
/// without offsetting its linalg.index ops, unlike getTiledImplementation
/// (fixed upstream by llvm/llvm-project#188261): an index along the tiled,
/// innermost reduction loop would read the position within the vector-wide
/// tile, 0..vectorWidth-1, instead of within the row. Adds the tile loop's
/// induction variable `iv` to those indices, unless tiling already did.
void offsetReductionIndices(RewriterBase &rewriter, linalg::LinalgOp op,
                            Value iv) {
  unsigned dim = op.getNumLoops() - 1;
  bool needed = false;
  for (auto index : op.getBlock()->getOps<linalg::IndexOp>()) {
    if (index.getDim() != dim)
      continue;
    if (llvm::any_of(index->getUsers(), [&](Operation *user) {
          auto apply = dyn_cast<affine::AffineApplyOp>(user);
          return apply && llvm::is_contained(apply.getMapOperands(), iv);
        }))
      return; // Offset already.
    needed = true;
  }
  if (!needed)
    return;
  SmallVector<OpFoldResult> offsets(op.getNumLoops(), rewriter.getIndexAttr(0));
  offsets[dim] = iv;
  linalg::offsetIndices(rewriter, op, offsets);
}

/// Whether the body only computes on its block arguments (no reads of other
/// tensors by computed indices, no nested regions) and may run on padding
/// lanes: integer division traps on the zeros a masked tail reads, and x86
/// has no vector integer division anyway. No i1 tensors (bytes in memory).
bool hasPlainBody(linalg::LinalgOp op) {
  // Booleans live in memory as bytes; vectors of i1 would store bits.
  for (OpOperand &operand : op->getOpOperands())
    if (getElementTypeOrSelf(operand.get().getType()).isInteger(1))
      return false;
  for (Operation &inner : op->getRegion(0).front()) {
    if (inner.getNumRegions() != 0 || isa<tensor::ExtractOp>(inner) ||
        isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
            arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(inner))
      return false;
  }
  return true;
}

struct BladeTileAndVectorizePass
    : blade::impl::BladeTileAndVectorizePassBase<BladeTileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    if (onBuffers)
      return vectorizeRowsOnBuffers();
    IRRewriter rewriter(&getContext());
    getOperation().walk(
        [&](scf::ForallOp loop) { writeRowsInPlace(rewriter, loop); });
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      // Ops in loop bodies (recurrent steps, Loop/Scan bodies) are tiled
      // and vectorized too, but their tiles run in sequence.
      if (op.hasPureTensorSemantics() && op.getNumLoops() > 0 &&
          (!op->getParentOfType<scf::ForallOp>() || inFusedLoop(op)))
        ops.push_back(op);
    });
    if (failed(tileThenVectorize(rewriter, [&] {
          for (linalg::LinalgOp op : ops)
            tileAndVectorize(rewriter, op);
        })))
      return signalPassFailure();
    // Partial results read and written each iteration become vectors the
    // loop carries.
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      carryAccumulatorsInRegisters(rewriter, loop);
    approximateVectorMath();
  }

  /// A loop whose tensor iter_arg is only read whole as one vector and
  /// written back whole each iteration (a reduction's lanes of partial
  /// results) carries that vector instead: read once before the loop,
  /// written once after it.
  void carryAccumulatorsInRegisters(IRRewriter &rewriter, scf::ForOp loop) {
    for (unsigned i = 0; i < loop.getNumRegionIterArgs(); ++i) {
      BlockArgument arg = loop.getRegionIterArg(i);
      auto tensorType = dyn_cast<RankedTensorType>(arg.getType());
      if (!tensorType || !tensorType.hasStaticShape() || !arg.hasNUses(2))
        continue;
      vector::TransferReadOp read;
      vector::TransferWriteOp write;
      for (Operation *user : arg.getUsers()) {
        if (auto r = dyn_cast<vector::TransferReadOp>(user))
          read = r;
        else if (auto w = dyn_cast<vector::TransferWriteOp>(user))
          write = w;
      }
      auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
      if (!read || !write || write.getBase() != arg || read.getMask() ||
          write.getMask() || read.getVectorType() != write.getVectorType() ||
          read.getPermutationMap() != write.getPermutationMap() ||
          read.getIndices() != write.getIndices() ||
          !write.getResult().hasOneUse() ||
          yield.getOperand(i) != write.getResult() ||
          !read->isBeforeInBlock(write) ||
          llvm::any_of(read.getIndices(), [&](Value v) {
            return !v.getParentRegion()->isProperAncestor(&loop.getRegion());
          }))
        continue;
      // Before the loop: the initial lanes.
      rewriter.setInsertionPoint(loop);
      IRMapping outside;
      auto initial = cast<vector::TransferReadOp>(rewriter.clone(*read));
      rewriter.modifyOpInPlace(initial, [&] {
        initial.getBaseMutable().assign(loop.getInitArgs()[i]);
      });
      // The loop carries the vector as a new iter_arg.
      auto newLoop = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
          rewriter, initial.getResult(), /*replaceInitOperandUsesInLoop=*/false,
          [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
            return SmallVector<Value>{write.getVector()};
          }));
      BlockArgument lanes = newLoop.getRegionIterArgs().back();
      rewriter.replaceAllUsesWith(read.getResult(), lanes);
      // The tensor stays as it came in; after the loop, the lanes go back.
      rewriter.replaceAllUsesWith(write.getResult(),
                                  newLoop.getRegionIterArg(i));
      rewriter.eraseOp(write);
      rewriter.eraseOp(read);
      rewriter.setInsertionPointAfter(newLoop);
      Value finalLanes = newLoop.getResults().back();
      auto writeBack = vector::TransferWriteOp::create(
          rewriter, newLoop.getLoc(), finalLanes, newLoop.getResult(i),
          initial.getIndices(), initial.getPermutationMapAttr(),
          initial.getInBoundsAttr());
      rewriter.replaceAllUsesExcept(newLoop.getResult(i), writeBack.getResult(),
                                    writeBack);
      loop = newLoop;
    }
  }

  /// Runs `tile`, which tiles ops and marks the tiles to vectorize, then
  /// peels the loops of vector steps, makes the tiles canonical (static in
  /// main loops) and vectorizes the marked ones. Tiling and vectorization
  /// are attempts: an op they decline (e.g. a reduction with two results)
  /// stays as it is, and the reasons they report are not errors of the
  /// model. Finally masks become operands of the transfers (so later passes
  /// cannot put other ops into a mask) and unit dims of vectors go.
  LogicalResult tileThenVectorize(IRRewriter &rewriter,
                                  llvm::function_ref<void()> tile) {
    {
      ScopedDiagnosticHandler quiet(&getContext(),
                                    [](Diagnostic &) { return success(); });
      tile();
      if (peel)
        peelVectorLoops(rewriter);
      if (failed(canonicalize(/*lowerVectors=*/false)))
        return failure();
      vectorizeMarked(rewriter);
    }
    return canonicalize(/*lowerVectors=*/true);
  }

  LogicalResult canonicalize(bool lowerVectors) {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    if (lowerVectors) {
      vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
      // Tiles are rows: vector<1x1x16xf32> computes as vector<16xf32>.
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    }
    for (Dialect *dialect : ctx->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    return applyPatternsGreedily(getOperation(), std::move(patterns));
  }

  /// Vector math functions (exp, tanh, erf, log, ...) become polynomial
  /// approximations on the vector lanes; LLVM would otherwise call the scalar
  /// libm function once per lane. Scalar code keeps libm.
  void approximateVectorMath() {
    SmallVector<Operation *> vectorMath;
    getOperation().walk([&](Operation *op) {
      if (isa<math::MathDialect>(op->getDialect()) &&
          llvm::any_of(op->getResultTypes(), llvm::IsaPred<VectorType>))
        vectorMath.push_back(op);
    });
    if (vectorMath.empty())
      return;
    RewritePatternSet patterns(&getContext());
    auto all = [](StringRef) { return true; };
    populateMathF32ExpansionPatterns(patterns, all);
    populateMathPolynomialApproximationPatterns(patterns, all);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(vectorMath, std::move(patterns), config);
  }

  /// Inputs read with a constant index in a size-1 dim (ONNX broadcasting of
  /// a [C, 1, 1] operand) are collapsed to drop those dims, and their maps
  /// lose the constant results.
  void dropUnitInputDims(IRRewriter &rewriter, linalg::GenericOp op) {
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    bool changed = false;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand->get().getType());
      AffineMap map = maps[operand->getOperandNumber()];
      if (!type || type.getRank() != map.getNumResults())
        continue;
      SmallVector<bool> drop(type.getRank(), false);
      bool any = false;
      for (auto [i, expr] : llvm::enumerate(map.getResults())) {
        auto constant = dyn_cast<AffineConstantExpr>(expr);
        drop[i] =
            constant && constant.getValue() == 0 && type.getDimSize(i) == 1;
        any |= drop[i];
      }
      if (!any)
        continue;
      // Each kept dim takes the dropped dims around it (leading ones go to
      // the first kept dim).
      SmallVector<ReassociationIndices> groups;
      SmallVector<AffineExpr> results;
      SmallVector<int64_t> shape;
      ReassociationIndices pending;
      for (int64_t i = 0; i < type.getRank(); ++i) {
        if (drop[i]) {
          if (groups.empty())
            pending.push_back(i);
          else
            groups.back().push_back(i);
          continue;
        }
        pending.push_back(i);
        groups.push_back(pending);
        pending.clear();
        results.push_back(map.getResult(i));
        shape.push_back(type.getDimSize(i));
      }
      rewriter.setInsertionPoint(op);
      Value collapsed = tensor::CollapseShapeOp::create(
          rewriter, op.getLoc(),
          RankedTensorType::get(shape, type.getElementType()), operand->get(),
          groups);
      rewriter.modifyOpInPlace(op, [&] { operand->set(collapsed); });
      maps[operand->getOperandNumber()] =
          AffineMap::get(map.getNumDims(), 0, results, op.getContext());
      changed = true;
    }
    if (changed)
      rewriter.modifyOpInPlace(op, [&] {
        op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
  }

  /// Merges the trailing loops of an op (all parallel, or all reductions)
  /// that every operand reads contiguously (or not at all) into one, so rows
  /// are long: an NCHW activation with a per-channel operand computes over
  /// H*W, not W; a global average pool reduces H*W as one row.
  linalg::LinalgOp collapseTrailingLoops(IRRewriter &rewriter,
                                         linalg::LinalgOp op) {
    unsigned numLoops = op.getNumLoops();
    if (numLoops < 2 || !isa<linalg::GenericOp>(op) ||
        !op.getBlock()->getOps<linalg::IndexOp>().empty())
      return op;
    // Parallel loops, then (for a reduction) only reduction loops; the
    // merged group takes loops of the innermost kind.
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    unsigned parallel = op.getNumParallelLoops();
    for (unsigned i = 0; i < numLoops; ++i)
      if ((iterators[i] == utils::IteratorType::parallel) != (i < parallel))
        return op;
    if (op.getNumDpsInits() != 1 && parallel != numLoops)
      return op;
    dropUnitInputDims(rewriter, cast<linalg::GenericOp>(*op));
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    // Only plain dims in the maps: MLIR 22's collapsing rewrites constant
    // results (a size-1 dim read at 0) into dims and mishandles windows
    // (oh * stride + kh).
    for (AffineMap map : maps)
      if (!map.isProjectedPermutation())
        return op;
    auto trailing = [&](unsigned start) {
      ReassociationIndices dims;
      for (unsigned d = start; d < numLoops; ++d)
        dims.push_back(d);
      return dims;
    };
    // At most one dynamic extent per merged group: splitting a merged dim
    // back into several dynamic ones (the result's expand_shape) is what
    // MLIR 22's strided-metadata expansion mishandles.
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    unsigned start = numLoops - 1;
    int dynamicDims = ShapedType::isDynamic(ranges.back()) ? 1 : 0;
    while (start > 0 && iterators[start - 1] == iterators.back() &&
           dynamicDims + (ShapedType::isDynamic(ranges[start - 1]) ? 1 : 0) <=
               1 &&
           linalg::areDimSequencesPreserved(maps, {trailing(start - 1)})) {
      --start;
      dynamicDims += ShapedType::isDynamic(ranges[start]) ? 1 : 0;
    }
    if (start == numLoops - 1)
      return op;
    SmallVector<ReassociationIndices> groups;
    for (unsigned d = 0; d < start; ++d)
      groups.push_back({d});
    groups.push_back(trailing(start));
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(op, groups, rewriter);
    if (failed(collapsed))
      return op;
    SmallVector<Value> results = collapsed->results;
    for (Value &result : results)
      result = withStaticOutputShape(rewriter, result);
    rewriter.replaceOp(op, results);
    return collapsed->collapsedOp;
  }

  /// collapseOpIterationDims restores each result with an expand_shape whose
  /// output shape is the op's loop bounds, and a loop's bound is read off the
  /// first operand indexed by it, not off the result: x[?, ?, 192] +
  /// b[17, 192] -> [?, 17, 192] gets output_shape [%d0, %d1, 192] for the
  /// result type ?x17x192. tensor.expand_shape lets that pass, but the
  /// memref.expand_shape bufferization makes of it does not ("invalid output
  /// shape provided at pos 1"). Sizes the result type fixes are taken from it.
  static Value withStaticOutputShape(IRRewriter &rewriter, Value result) {
    auto expand = result.getDefiningOp<tensor::ExpandShapeOp>();
    if (!expand)
      return result;
    SmallVector<OpFoldResult> shape = expand.getMixedOutputShape();
    bool changed = false;
    for (auto [size, ofr] :
         llvm::zip_equal(expand.getResultType().getShape(), shape)) {
      if (ShapedType::isDynamic(size) || getConstantIntValue(ofr) == size)
        continue;
      ofr = rewriter.getIndexAttr(size);
      changed = true;
    }
    if (!changed)
      return result;
    rewriter.setInsertionPoint(expand);
    return rewriter
        .replaceOpWithNewOp<tensor::ExpandShapeOp>(
            expand, expand.getResultType(), expand.getSrc(),
            expand.getReassociationIndices(), shape)
        .getResult();
  }

  /// In a stitched fusion group's loop, the op computing a row of the
  /// result writes it into the loop's output slice again: MLIR's elementwise
  /// fusion, run after the groups, gives ops whose outputs they do not read
  /// fresh tensor.empty outputs, which bufferization would turn into a
  /// buffer per row and a copy.
  void writeRowsInPlace(IRRewriter &rewriter, scf::ForallOp loop) {
    if (!loop->hasAttr(blade::kFusedLoopAttr))
      return;
    for (Operation &op : loop.getTerminator().getYieldingOps()) {
      auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(op);
      if (!insert)
        continue;
      auto row = insert.getSource().getDefiningOp<linalg::LinalgOp>();
      if (!row || row->getNumResults() != 1 || row.getNumDpsInits() != 1 ||
          row->getParentOp() != loop.getOperation())
        continue;
      OpOperand *init = row.getDpsInitOperand(0);
      if (!init->get().getDefiningOp<tensor::EmptyOp>() ||
          row.payloadUsesValueFromOperand(init))
        continue;
      rewriter.setInsertionPoint(row);
      Value slice = tensor::ExtractSliceOp::create(
          rewriter, row.getLoc(),
          cast<RankedTensorType>(init->get().getType()), insert.getDest(),
          insert.getMixedOffsets(), insert.getMixedSizes(),
          insert.getMixedStrides());
      rewriter.modifyOpInPlace(row, [&] { init->set(slice); });
    }
  }

  /// Whether `op` computes a row of a stitched fusion group
  /// (blade-fuse-groups): tiled already, it is only vectorized.
  static bool inFusedLoop(Operation *op) {
    auto forall = op->getParentOfType<scf::ForallOp>();
    return forall && forall->hasAttr(blade::kFusedLoopAttr);
  }

  void tileAndVectorize(IRRewriter &rewriter, linalg::LinalgOp op) {
    if (vectorize)
      op = collapseTrailingLoops(rewriter, op);
    unsigned numLoops = op.getNumLoops();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    unsigned leadingParallel = 0;
    while (leadingParallel < numLoops &&
           iterators[leadingParallel] == utils::IteratorType::parallel)
      ++leadingParallel;
    bool elementwise = leadingParallel == numLoops;

    // Tiles for threads: the leading parallel loops by 1, except that an
    // elementwise op cuts its innermost loop (its trailing loops merged)
    // into rows of `chunkSize` elements.
    Operation *tiled = op;
    SmallVector<OpFoldResult> threadTiles(numLoops, rewriter.getIndexAttr(0));
    bool distribute = leadingParallel > 0;
    for (unsigned i = 0; i < leadingParallel; ++i)
      threadTiles[i] = rewriter.getIndexAttr(1);
    if (elementwise)
      threadTiles.back() = rewriter.getIndexAttr(chunkSize);
    distribute = distribute && !inFusedLoop(op) &&
                 llvm::any_of(threadTiles, [](OpFoldResult t) {
                   return getConstantIntValue(t) != 0;
                 });
    if (distribute) {
      scf::SCFTilingOptions options;
      options.setTileSizes(threadTiles);
      // Inside a loop (a recurrent step, a Loop body) the tiles run in
      // sequence: a fork and join per step costs more than the step.
      options.setLoopType(op->getParentOfType<LoopLikeOpInterface>()
                              ? scf::SCFTilingOptions::LoopType::ForOp
                              : scf::SCFTilingOptions::LoopType::ForallOp);
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> result =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(*op), options);
      if (failed(result))
        return;
      rewriter.replaceOp(op, result->replacements);
      tiled = result->tiledOps.back();
    }
    if (!vectorize)
      return;
    auto tiledOp = dyn_cast<linalg::LinalgOp>(tiled);
    if (!tiledOp || !hasPlainBody(tiledOp) ||
        !innermostLoopIsContiguous(tiledOp))
      return;

    if (elementwise) {
      // Rows are vectorized after bufferization (blade-tile-and-vectorize
      // {on-buffers}): tiling them here would leave one-shot bufferization
      // a slice analysis that grows steeply with the number of tiles.
      rewriter.modifyOpInPlace(tiledOp, [&] {
        tiledOp->setAttr(kVectorRows, rewriter.getUnitAttr());
      });
      return;
    }
    // A single reduction, innermost: vector-wide partial results along it,
    // combined at the end.
    if (leadingParallel + 1 == numLoops && tiledOp.getNumDpsInits() == 1)
      vectorizeRowReduction(rewriter, tiledOp);
  }

  /// Tiles an innermost reduction by the vector width into an scf.for that
  /// accumulates a vector of partial results (the combiner's neutral element
  /// to start), then reduces those lanes; each piece is vectorized.
  void vectorizeRowReduction(IRRewriter &rewriter, linalg::LinalgOp op) {
    unsigned numLoops = op.getNumLoops();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    for (unsigned i = 0; i + 1 < numLoops; ++i)
      if (ranges[i] != 1)
        return; // Not tiled to a single row.
    SmallVector<OpFoldResult> tiles(numLoops, rewriter.getIndexAttr(0));
    tiles.back() = rewriter.getIndexAttr(vectorWidth);
    scf::SCFTilingOptions options;
    options.setTileSizes(tiles);
    options.setReductionTilingStrategy(
        ReductionTilingStrategy::PartialReductionOuterReduction);
    options.setReductionDims({numLoops - 1});
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> result =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(*op), options);
    if (failed(result))
      return;
    rewriter.replaceOp(op, result->replacements);
    for (LoopLikeOpInterface loop : result->loops)
      if (auto forOp = dyn_cast<scf::ForOp>(*loop))
        vectorLoops.push_back(forOp);
    SmallVector<int64_t> sizes(numLoops, 1);
    sizes.back() = vectorWidth;
    std::optional<Value> iv;
    if (result->loops.size() == 1)
      iv = result->loops.front().getSingleInductionVar();
    for (Operation *tiled : result->tiledOps)
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(tiled)) {
        if (iv)
          offsetReductionIndices(rewriter, linalgOp, *iv);
        vectorizeWith(rewriter, linalgOp, sizes);
      }
    // The neutral-element fill and the lane reduction have static shapes.
    for (Value init : result->initialValues)
      if (auto fill = init.getDefiningOp<linalg::LinalgOp>())
        vectorizeWith(rewriter, fill, {});
    for (Operation *merge : result->mergeOps)
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(merge))
        vectorizeWith(rewriter, linalgOp, {});
  }

  /// After bufferization: the rows marked while tiling are tiled by the
  /// vector width, peeled and vectorized on their buffers.
  void vectorizeRowsOnBuffers() {
    SmallVector<linalg::LinalgOp> rows;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kVectorRows))
        rows.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    if (failed(tileThenVectorize(rewriter, [&] {
          for (linalg::LinalgOp op : rows) {
            rewriter.modifyOpInPlace(op, [&] { op->removeAttr(kVectorRows); });
            if (op.hasPureBufferSemantics())
              vectorizeElementwise(rewriter, op);
          }
        })))
      return signalPassFailure();
    approximateVectorMath();
  }

  /// Tiles the innermost loop of a row (on buffers) by the vector width and
  /// marks each tile for vectorization.
  void vectorizeElementwise(IRRewriter &rewriter, linalg::LinalgOp op) {
    unsigned numLoops = op.getNumLoops();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    for (unsigned i = 0; i + 1 < numLoops; ++i)
      if (ranges[i] != 1)
        return; // Not tiled to a single row.
    int64_t extent = ranges.back();
    SmallVector<int64_t> sizes(numLoops, 1);
    if (!ShapedType::isDynamic(extent) && extent <= vectorWidth) {
      // A short row is one (masked) vector.
      sizes.back() = roundUp(extent, vectorWidth);
      vectorizeWith(rewriter, op, sizes);
      return;
    }
    SmallVector<int64_t> tiles(numLoops, 0);
    tiles.back() = vectorWidth;
    linalg::LinalgTilingOptions options;
    options.setTileSizes(tiles);
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::TiledLinalgOp> result =
        linalg::tileLinalgOp(rewriter, op, options);
    if (failed(result))
      return;
    rewriter.eraseOp(op);
    for (Operation *loop : result->loops)
      if (auto forOp = dyn_cast<scf::ForOp>(loop))
        vectorLoops.push_back(forOp);
    sizes.back() = vectorWidth;
    vectorizeWith(rewriter, result->op, sizes);
  }

  /// Marks `op` to be vectorized with `sizes` (empty: its static shape) once
  /// the loops around it are peeled and canonical.
  void vectorizeWith(IRRewriter &rewriter, linalg::LinalgOp op,
                     ArrayRef<int64_t> sizes) {
    rewriter.modifyOpInPlace(op, [&] {
      op->setAttr(kVectorSizes, rewriter.getDenseI64ArrayAttr(sizes));
    });
  }

  /// Vectorizes the marked ops; those the vectorizer declines stay scalar.
  void vectorizeMarked(IRRewriter &rewriter) {
    SmallVector<linalg::LinalgOp> marked;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kVectorSizes))
        marked.push_back(op);
    });
    for (linalg::LinalgOp op : marked) {
      ArrayRef<int64_t> sizes =
          cast<DenseI64ArrayAttr>(op->getAttr(kVectorSizes)).asArrayRef();
      SmallVector<int64_t> vectorSizes(sizes);
      rewriter.modifyOpInPlace(op, [&] { op->removeAttr(kVectorSizes); });
      // Static sizes where the tile became static (peeled main loops).
      if (!vectorSizes.empty() && !op.hasDynamicShape() &&
          llvm::equal(op.getStaticLoopRanges(), vectorSizes))
        vectorSizes.clear();
      // Fixed-length vectors: one "not scalable" flag per size (none when
      // the op's static shape gives the sizes).
      SmallVector<bool> scalable(vectorSizes.size(), false);
      if ((!op.hasPureTensorSemantics() && !op.hasPureBufferSemantics()) ||
          (vectorSizes.empty() && op.hasDynamicShape()))
        continue;
      if (failed(linalg::vectorizeOpPrecondition(op, vectorSizes, scalable)))
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op, vectorSizes, scalable);
      if (failed(result))
        continue;
      if (op->getNumResults())
        rewriter.replaceOp(op, result->replacements);
      else
        rewriter.eraseOp(op);
    }
  }

  /// Splits the last, partial vector step off each loop of vector steps so
  /// the main loop runs on full, unmasked vectors.
  void peelVectorLoops(IRRewriter &rewriter) {
    for (scf::ForOp loop : vectorLoops) {
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
      if (ub && step && *ub % *step == 0)
        continue;
      scf::ForOp partial;
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, partial);
    }
    vectorLoops.clear();
  }

  /// Loops over vector steps, to be peeled.
  SmallVector<scf::ForOp> vectorLoops;
};

} // namespace
