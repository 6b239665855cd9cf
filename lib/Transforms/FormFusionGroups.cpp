//===- FormFusionGroups.cpp - blade-form-fusion-groups --------------------===//
//
// The fusion planner: decides which blade ops are compiled as one kernel and
// wraps each group in a blade.fusion region (kinds and cost rule in
// Passes.td). blade-lower-to-linalg lowers the ops inside the regions, and
// blade-fuse-groups makes each region one kernel.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/Analysis/Epilogues.h"
#include "blade/Dialect/Blade/Analysis/SymbolicDims.h"
#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace blade {
#define GEN_PASS_DEF_BLADEFORMFUSIONGROUPSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

/// In the order of kFusionKinds.
enum class Kind { Loop, Input, Stitch, Epilogue };

StringRef kindName(Kind k) { return kFusionKinds[static_cast<int>(k)]; }

struct Group {
  Kind kind;
  SmallVector<Operation *> ops; // In reverse block order; ops[0] is the root.
  /// The iteration space: elementwise members (loop, input) have its shape.
  Value space;
  /// Stitch and row-reduction input groups: the number of leading row dims
  /// every member shares with `rowsOf`; -1 otherwise.
  int64_t rows = -1;
  Value rowsOf;
  /// Whether a member lowers to several loop nests (worth a region alone).
  bool composite = false;
};

RankedTensorType rankedType(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

bool isElementwise(Operation *op) {
  return op->hasTrait<blade::trait::Elementwise>() &&
         op->getNumResults() == 1 && rankedType(op->getResult(0)) &&
         llvm::all_of(op->getOperands(),
                      [](Value v) { return rankedType(v) != nullptr; });
}

/// Reduction kinds that lower to a single reduction loop (and a map).
bool isPlainReductionKind(StringRef kind) {
  return llvm::is_contained({"sum", "mean", "max", "min", "prod", "l1", "l2",
                             "sum_square", "log_sum"},
                            kind);
}

/// What a reduction-like op contributes: the number of leading dims it
/// keeps (its rows) when it reduces trailing dims, -1 when it reduces
/// others; nullopt when the planner leaves it alone.
std::optional<int64_t> reductionRows(Operation *op) {
  if (auto reduce = dyn_cast<ReduceOp>(op)) {
    RankedTensorType in = rankedType(reduce.getOperand());
    if (!in || !isPlainReductionKind(reduce.getKind()) ||
        reduce.getAxes().empty())
      return std::nullopt;
    ArrayRef<int64_t> axes = reduce.getAxes();
    int64_t first = axes.front();
    bool trailing = axes.back() == in.getRank() - 1 &&
                    int64_t(axes.size()) == in.getRank() - first;
    return trailing ? first : -1;
  }
  if (isa<SoftmaxOp, LogSoftmaxOp>(op)) {
    int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
    auto type = rankedType(op->getResult(0));
    if (!type)
      return std::nullopt;
    if (op->hasAttr("flatten") || axis == type.getRank() - 1)
      return axis;
    return std::nullopt;
  }
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    if (!ln.getMean().use_empty() || !ln.getInvStdDev().use_empty() ||
        !rankedType(ln.getResult()))
      return std::nullopt;
    return ln.getAxis();
  }
  return std::nullopt;
}

/// The operand a reduction-like op reduces.
Value reducedOperand(Operation *op) { return op->getOperand(0); }

struct BladeFormFusionGroupsPass
    : blade::impl::BladeFormFusionGroupsPassBase<BladeFormFusionGroupsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || func.getName().ends_with(kShapeCheckSuffix))
      return;
    dims.emplace(func.getOperation());
    Block &block = func.getBody().front();
    // Block positions, for the cycle check.
    for (auto [i, op] : llvm::enumerate(block))
      position[&op] = i;
    if (epilogue)
      formEpilogues(block);
    for (Operation &op : llvm::reverse(block))
      if (!groupOf.count(&op))
        place(&op);
    wrapGroups();
  }

  bool kindEnabled(Kind k) const {
    switch (k) {
    case Kind::Loop:
      return loop;
    case Kind::Input:
      return input;
    case Kind::Stitch:
      return stitch;
    case Kind::Epilogue:
      return epilogue;
    }
    return false;
  }

  /// The leading `n` dims of `a` and `b` are the same size in every run.
  bool sameLeading(Value a, Value b, int64_t n) const {
    if (rankedType(a).getRank() < n || rankedType(b).getRank() < n)
      return false;
    for (int64_t i = 0; i < n; ++i)
      if (!dims->equal(a, i, b, i))
        return false;
    return true;
  }

  bool sameShape(Value a, Value b) const {
    return rankedType(a).getRank() == rankedType(b).getRank() &&
           sameLeading(a, b, rankedType(a).getRank());
  }

  /// Epilogue groups: a matmul or conv and the ops its kernel applies.
  void formEpilogues(Block &block) {
    for (Operation &op : block) {
      Epilogue epi;
      if (isa<MatMulOp>(op))
        epi = matchMatMulEpilogue(&op);
      else if (isa<ConvOp>(op))
        epi = matchConvEpilogue(&op);
      if (epi.ops.empty())
        continue;
      Group g;
      g.kind = Kind::Epilogue;
      g.space = op.getResult(0);
      for (Operation *member : llvm::reverse(epi.ops))
        g.ops.push_back(member);
      g.ops.push_back(&op);
      int id = groups.size();
      for (Operation *member : g.ops)
        groupOf[member] = id;
      groups.push_back(std::move(g));
    }
  }

  /// The group all users of `op` are in, or -1.
  int usersGroup(Operation *op) const {
    int id = -1;
    for (Operation *user : op->getUsers()) {
      auto it = groupOf.find(user);
      if (user->getBlock() != op->getBlock() || it == groupOf.end())
        return -1;
      if (id != -1 && it->second != id)
        return -1;
      id = it->second;
    }
    return id;
  }

  /// Whether an op outside group `id` that depends on the group's members
  /// produces (transitively) an operand of `op`: joining would then make
  /// the group depend on itself.
  bool wouldCycle(Operation *op, int id) const {
    size_t earliest = position.lookup(op);
    for (Operation *member : groups[id].ops)
      earliest = std::min(earliest, position.lookup(member));
    SmallVector<Operation *> stack;
    llvm::SmallPtrSet<Operation *, 16> seen;
    auto push = [&](Operation *from) {
      for (Value v : from->getOperands())
        if (Operation *def = v.getDefiningOp())
          if (def->getBlock() == op->getBlock() && seen.insert(def).second)
            stack.push_back(def);
    };
    push(op);
    while (!stack.empty()) {
      Operation *cur = stack.pop_back_val();
      if (position.lookup(cur) < earliest)
        continue; // Before every member: cannot depend on them.
      auto it = groupOf.find(cur);
      if (it != groupOf.end() && it->second == id)
        return true;
      if (cur->getNumRegions() != 0)
        return true; // Values read inside regions: assume the worst.
      push(cur);
    }
    return false;
  }

  /// The number of leading dims of `v` equal to those of `space` when its
  /// other dims are static 1s (a value per row of `space`), else 0.
  int64_t rowPrefix(Value v, Value space) const {
    RankedTensorType t = rankedType(v);
    if (t.getRank() != rankedType(space).getRank())
      return 0;
    int64_t p = t.getRank();
    while (p > 0 && t.getDimSize(p - 1) == 1)
      --p;
    return p < t.getRank() && sameLeading(v, space, p) ? p : 0;
  }

  /// What group `g` becomes with `op` in it (kind and rows), if `op` may
  /// join.
  std::optional<std::pair<Kind, int64_t>> joined(Operation *op,
                                                 const Group &g) const {
    using Result = std::optional<std::pair<Kind, int64_t>>;
    if (g.kind == Kind::Epilogue)
      return std::nullopt;
    if (isElementwise(op)) {
      Value r = op->getResult(0);
      if (g.kind == Kind::Stitch)
        return sameLeading(r, g.rowsOf, g.rows) ? Result({g.kind, g.rows})
                                                : std::nullopt;
      if (sameShape(r, g.space))
        return Result({g.kind, g.rows});
      // A loop group may take per-row values (rms = sqrt(mean + eps) of
      // shape [rows, 1]): the reduction computing them can join then.
      int64_t p = g.kind == Kind::Loop ? rowPrefix(r, g.space) : 0;
      if (p > 0 && (g.rows < 0 || g.rows == p))
        return Result({Kind::Loop, p});
      return std::nullopt;
    }
    std::optional<int64_t> rows = reductionRows(op);
    if (!rows || *rows < 0 || !stitch)
      return std::nullopt;
    Value in = reducedOperand(op);
    Value rowsOf = g.kind == Kind::Loop ? g.space : g.rowsOf;
    if ((g.rows >= 0 && g.rows != *rows) || !sameLeading(in, rowsOf, *rows))
      return std::nullopt;
    return Result({Kind::Stitch, *rows});
  }

  /// Puts `op` into its users' group, or starts a group at it.
  void place(Operation *op) {
    bool elementwise = isElementwise(op);
    std::optional<int64_t> rows = reductionRows(op);
    if (!elementwise && !rows)
      return;
    int id = usersGroup(op);
    if (id >= 0) {
      Group &g = groups[id];
      std::optional<std::pair<Kind, int64_t>> next = joined(op, g);
      if (next && (next->first == g.kind || kindEnabled(next->first)) &&
          !wouldCycle(op, id)) {
        if (g.rows < 0 && next->second >= 0)
          g.rowsOf = g.space;
        g.kind = next->first;
        g.rows = next->second;
        g.composite |= !elementwise;
        g.ops.push_back(op);
        groupOf[op] = id;
        return;
      }
    }
    // A group of its own.
    Group g;
    if (elementwise) {
      g.kind = Kind::Loop;
      g.space = op->getResult(0);
    } else if (isa<ReduceOp>(op)) {
      g.kind = Kind::Input;
      g.space = reducedOperand(op);
      g.rows = *rows;
      g.rowsOf = reducedOperand(op);
      // sum/max/min/prod alone are one loop nest; the others add a map.
      g.composite = !llvm::is_contained({"sum", "max", "min", "prod"},
                                        cast<ReduceOp>(op).getKind());
    } else {
      g.kind = Kind::Stitch;
      g.space = op->getResult(0);
      g.rows = *rows;
      g.rowsOf = reducedOperand(op);
      g.composite = true;
    }
    g.ops.push_back(op);
    groupOf[op] = groups.size();
    groups.push_back(std::move(g));
  }

  /// Moves each group worth a region into a blade.fusion before its root.
  void wrapGroups() {
    OpBuilder b(&getContext());
    for (Group &g : groups) {
      if (!kindEnabled(g.kind) || (g.ops.size() < 2 && !g.composite))
        continue;
      if (g.kind == Kind::Input && g.rows < 0 && g.ops.size() < 2)
        continue;
      Operation *root = g.ops.front();
      // The group returns the root's results that are used (layer_norm's
      // statistics often are not).
      SmallVector<Value> results;
      for (Value r : root->getResults())
        if (!r.use_empty())
          results.push_back(r);
      b.setInsertionPoint(root);
      auto fusion = FusionOp::create(
          b, root->getLoc(), ValueRange(results).getTypes(), kindName(g.kind),
          g.rows > 0 && g.kind != Kind::Loop ? b.getI64IntegerAttr(g.rows)
                                             : IntegerAttr());
      Block *body = b.createBlock(&fusion.getBody());
      for (Operation *member : llvm::reverse(g.ops))
        member->moveBefore(body, body->end());
      b.setInsertionPointToEnd(body);
      YieldOp::create(b, root->getLoc(), results);
      for (auto [r, f] : llvm::zip(results, fusion.getResults()))
        r.replaceUsesWithIf(f, [&](OpOperand &use) {
          return !fusion->isAncestor(use.getOwner());
        });
    }
  }

  std::optional<SymbolicDims> dims;
  SmallVector<Group> groups;
  DenseMap<Operation *, int> groupOf;
  DenseMap<Operation *, size_t> position;
};

} // namespace
