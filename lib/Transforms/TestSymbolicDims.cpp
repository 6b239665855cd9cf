//===- TestSymbolicDims.cpp - The blade-test-symbolic-dims pass -----------===//

#include "blade/Dialect/Blade/Analysis/SymbolicDims.h"
#include "blade/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"

namespace blade {
#define GEN_PASS_DEF_BLADETESTSYMBOLICDIMSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

struct BladeTestSymbolicDimsPass
    : blade::impl::BladeTestSymbolicDimsPassBase<BladeTestSymbolicDimsPass> {
  void runOnOperation() override {
    blade::SymbolicDims dims(getOperation());
    Builder b(&getContext());
    getOperation()->walk([&](Operation *op) {
      SmallVector<Attribute> described;
      for (Value r : op->getResults()) {
        auto t = dyn_cast<RankedTensorType>(r.getType());
        if (!t)
          return;
        std::string s;
        for (int64_t i = 0; i < t.getRank(); ++i)
          s += (i ? "x" : "") + dims.describe(r, i);
        described.push_back(b.getStringAttr(s));
      }
      if (!described.empty())
        op->setAttr("blade.dims", b.getArrayAttr(described));
    });
  }
};

} // namespace
