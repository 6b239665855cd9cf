//===- NarrowBranchLayouts.cpp - The blade-narrow-branch-layouts pass -----===//
//
// One-shot bufferization gives an scf.if result a fully dynamic layout
// when it cannot tell its branches' buffers apart, and each branch casts
// its buffer to it. The two versions of a broadcast whose dims are only
// known at run time both yield fresh identity-layout buffers: read through
// the dynamic layout, every row of the result had an unknown innermost
// stride, and the vectorized rows that read it (a masked softmax) turned
// into element-by-element loads.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace blade {
#define GEN_PASS_DEF_BLADENARROWBRANCHLAYOUTSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

/// The type every branch of `op` casts its result `i` from, when they all
/// yield a memref.cast of a buffer of one type; null otherwise.
MemRefType commonCastSource(scf::IfOp op, unsigned i) {
  MemRefType source;
  for (Region *region : {&op.getThenRegion(), &op.getElseRegion()}) {
    if (region->empty())
      return {};
    Value yielded = region->front().getTerminator()->getOperand(i);
    auto cast = yielded.getDefiningOp<memref::CastOp>();
    auto type = cast ? dyn_cast<MemRefType>(cast.getSource().getType())
                     : MemRefType();
    if (!type || (source && type != source))
      return {};
    source = type;
  }
  return source;
}

struct BladeNarrowBranchLayoutsPass
    : blade::impl::BladeNarrowBranchLayoutsPassBase<
          BladeNarrowBranchLayoutsPass> {
  void runOnOperation() override {
    SmallVector<scf::IfOp> ifs;
    getOperation().walk([&](scf::IfOp op) { ifs.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (scf::IfOp op : ifs) {
      SmallVector<Type> types(op.getResultTypes());
      bool changed = false;
      for (unsigned i = 0; i < types.size(); ++i) {
        MemRefType source = commonCastSource(op, i);
        if (!source || source == types[i])
          continue;
        types[i] = source;
        changed = true;
        for (Region *region : {&op.getThenRegion(), &op.getElseRegion()}) {
          Operation *yield = region->front().getTerminator();
          auto cast = yield->getOperand(i).getDefiningOp<memref::CastOp>();
          yield->setOperand(i, cast.getSource());
        }
      }
      if (!changed)
        continue;
      rewriter.setInsertionPoint(op);
      auto narrowed = scf::IfOp::create(rewriter, op.getLoc(), types,
                                        op.getCondition(),
                                        /*withElseRegion=*/true);
      rewriter.eraseBlock(&narrowed.getThenRegion().front());
      rewriter.eraseBlock(&narrowed.getElseRegion().front());
      rewriter.inlineRegionBefore(op.getThenRegion(), narrowed.getThenRegion(),
                                  narrowed.getThenRegion().end());
      rewriter.inlineRegionBefore(op.getElseRegion(), narrowed.getElseRegion(),
                                  narrowed.getElseRegion().end());
      rewriter.setInsertionPointAfter(narrowed);
      SmallVector<Value> results;
      for (auto [old, now] : llvm::zip(op.getResults(), narrowed.getResults()))
        results.push_back(old.getType() == now.getType()
                              ? Value(now)
                              : Value(memref::CastOp::create(
                                    rewriter, op.getLoc(), old.getType(), now)));
      rewriter.replaceOp(op, results);
    }
  }
};

} // namespace
