//===- EmitShapeChecks.cpp - The blade-emit-shape-checks pass -------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace blade {
#define GEN_PASS_DEF_BLADEEMITSHAPECHECKSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

struct BladeEmitShapeChecksPass
    : blade::impl::BladeEmitShapeChecksPassBase<BladeEmitShapeChecksPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(module.getContext());
    SmallVector<NamedAttribute> allMessages;
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!func.isPublic() || func.isExternal())
        continue;
      auto check = cast<func::FuncOp>(func->clone());
      check.setName((func.getName() + kShapeCheckSuffix).str());
      check.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
      ShapeCheckList list(b);
      SmallVector<ShapeCheckOpInterface> ops;
      // Ops inside blade.if/blade.loop regions depend on values only known
      // while the loop runs: only the function's own ops are checked.
      for (Operation &op : check.getBody().front())
        if (auto checked = dyn_cast<ShapeCheckOpInterface>(op))
          ops.push_back(checked);
      for (ShapeCheckOpInterface op : ops) {
        b.setInsertionPointAfter(op);
        op.emitShapeChecks(list);
      }
      ArrayRef<std::pair<Value, std::string>> checks = list.getChecks();
      if (checks.empty()) {
        check->erase();
        continue;
      }
      // status = index of the first failing check, or -1.
      auto ret = cast<func::ReturnOp>(check.getBody().back().getTerminator());
      b.setInsertionPoint(ret);
      Location loc = ret.getLoc();
      Value status = arith::ConstantIntOp::create(b, loc, -1, 32);
      SmallVector<Attribute> messages;
      for (int64_t i = checks.size() - 1; i >= 0; --i) {
        Value index = arith::ConstantIntOp::create(b, loc, i, 32);
        status =
            arith::SelectOp::create(b, loc, checks[i].first, status, index);
      }
      for (auto &[ok, message] : checks)
        messages.push_back(b.getStringAttr(message));
      func::ReturnOp::create(b, loc, status);
      ret->erase();
      check.setType(b.getFunctionType(func.getArgumentTypes(),
                                      {b.getIntegerType(32)}));
      module.push_back(check);
      allMessages.push_back(
          b.getNamedAttr(func.getName(), b.getArrayAttr(messages)));
    }
    if (!allMessages.empty())
      module->setAttr(kShapeChecksAttr, b.getDictionaryAttr(allMessages));
  }
};

} // namespace
