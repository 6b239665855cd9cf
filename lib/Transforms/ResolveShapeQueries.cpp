//===- ResolveShapeQueries.cpp - The blade-resolve-shape-queries pass -----===//
//
// shape_of of an intermediate value -> constants and shape_of of the
// function's arguments, where the symbolic-dims analysis proves the dims
// equal. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/Analysis/SymbolicDims.h"
#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace blade {
#define GEN_PASS_DEF_BLADERESOLVESHAPEQUERIESPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

/// Where a dim's size comes from: a static size, or dim `dim` of argument
/// `arg`.
struct DimSource {
  int64_t size = ShapedType::kDynamic;
  Value arg;
  int64_t dim = 0;
};

/// The argument dim equal to dim `i` of `v`, if any.
std::optional<DimSource> argumentDim(const SymbolicDims &dims, Block &entry,
                                     Value v, int64_t i) {
  for (BlockArgument arg : entry.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type)
      continue;
    for (int64_t j = 0; j < type.getRank(); ++j)
      if (type.isDynamicDim(j) && dims.equal(v, i, arg, j))
        return DimSource{ShapedType::kDynamic, arg, j};
  }
  return std::nullopt;
}

struct ResolveShapeQueriesPass
    : blade::impl::BladeResolveShapeQueriesPassBase<ResolveShapeQueriesPass> {
  LogicalResult initialize(MLIRContext *context) override {
    // Folding the resolved shape arithmetic (concats of constants, slice
    // bounds) lets the next round resolve the queries that depend on it.
    RewritePatternSet patterns(context);
    for (Dialect *dialect : context->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : context->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, context);
    canonicalization = FrozenRewritePatternSet(std::move(patterns));
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // Each round resolves what the folded results of the last make known
    // (a reshape's -1 once its other entries are constants, then the slices
    // of it, ...); every round removes queries, so this ends (as does a
    // folding that does not converge). The analysis of the last round
    // serves the type refinement.
    bool folded = true;
    while (true) {
      SymbolicDims dims(func);
      if (!folded || !resolveRound(func, dims)) {
        refineTypes(func, dims);
        return;
      }
      folded = succeeded(applyPatternsGreedily(func, canonicalization));
    }
  }

  /// Gives each op result the static dims `dims` proves. A use that may not
  /// see a changed type (a terminator, an op of another dialect, an op with
  /// regions) reads it through a tensor.cast to the old type.
  void refineTypes(func::FuncOp func, const SymbolicDims &dims) {
    SmallVector<std::pair<Value, RankedTensorType>> refined;
    func.walk([&](Operation *op) {
      for (Value r : op->getResults()) {
        auto type = dyn_cast<RankedTensorType>(r.getType());
        if (!type || type.hasStaticShape())
          continue;
        SmallVector<int64_t> shape(type.getShape());
        bool changed = false;
        for (int64_t i = 0; i < type.getRank(); ++i)
          if (type.isDynamicDim(i))
            if (std::optional<int64_t> size = dims.staticSize(r, i)) {
              shape[i] = *size;
              changed = true;
            }
        if (changed)
          refined.push_back({r, type.clone(shape)});
      }
    });
    for (auto [value, type] : refined) {
      Type old = value.getType();
      value.setType(type);
      for (OpOperand &use : llvm::make_early_inc_range(value.getUses())) {
        Operation *user = use.getOwner();
        if (isa<BladeDialect>(user->getDialect()) &&
            user->getNumRegions() == 0 &&
            !user->hasTrait<OpTrait::IsTerminator>())
          continue;
        OpBuilder b(user);
        use.set(tensor::CastOp::create(b, user->getLoc(), old, value));
      }
    }
  }

  FrozenRewritePatternSet canonicalization;

  /// Rewrites the queries `dims` (the analysis of `func` as it is) can
  /// answer; whether any was.
  bool resolveRound(func::FuncOp func, const SymbolicDims &dims) {
    bool changed = false;
    Block &entry = func.getBody().front();
    SmallVector<ShapeOfOp> queries;
    func.walk([&](ShapeOfOp q) {
      auto arg = dyn_cast<BlockArgument>(q.getOperand());
      if (!arg || arg.getOwner() != &entry)
        queries.push_back(q);
    });
    for (ShapeOfOp q : queries) {
      auto type = cast<RankedTensorType>(q.getOperand().getType());
      SmallVector<DimSource> sources;
      bool resolved = true, dynamic = false;
      for (int64_t i = q.getStart(), end = q.getEnd(); i < end && resolved;
           ++i) {
        if (std::optional<int64_t> size = dims.staticSize(q.getOperand(), i)) {
          sources.push_back({*size, Value(), 0});
          dynamic |= type.isDynamicDim(i);
          continue;
        }
        dynamic = true;
        std::optional<DimSource> s =
            argumentDim(dims, entry, q.getOperand(), i);
        resolved = s.has_value();
        if (s)
          sources.push_back(*s);
      }
      // All-static queries fold on their own.
      if (!resolved || !dynamic)
        continue;
      OpBuilder b(q);
      Location loc = q.getLoc();
      IntegerType i64 = b.getI64Type();
      SmallVector<Value> pieces;
      SmallVector<int64_t> run; // consecutive static sizes
      auto flush = [&]() {
        if (run.empty())
          return;
        auto t = RankedTensorType::get({(int64_t)run.size()}, i64);
        pieces.push_back(
            ConstantOp::create(b, loc, DenseIntElementsAttr::get(t, run)));
        run.clear();
      };
      for (const DimSource &s : sources) {
        if (!s.arg) {
          run.push_back(s.size);
          continue;
        }
        flush();
        pieces.push_back(ShapeOfOp::create(
            b, loc, RankedTensorType::get({1}, i64), s.arg, s.dim, s.dim + 1));
      }
      flush();
      Value result =
          pieces.size() == 1
              ? pieces.front()
              : ConcatOp::create(b, loc, q.getType(), pieces, 0).getResult();
      q.getResult().replaceAllUsesWith(result);
      q.erase();
      changed = true;
    }
    return changed;
  }
};

} // namespace
