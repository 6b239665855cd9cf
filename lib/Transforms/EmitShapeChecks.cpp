//===- EmitShapeChecks.cpp - The blade-emit-shape-checks pass -------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

namespace blade {
#define GEN_PASS_DEF_BLADEEMITSHAPECHECKSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

/// Collects, for the ops of one function, i1 values that are true when a
/// run-time shape rule holds, each with the message to report if it fails.
class CheckBuilder {
public:
  explicit CheckBuilder(OpBuilder &b) : b(b) {}

  void visit(Operation *op) {
    b.setInsertionPointAfter(op);
    llvm::TypeSwitch<Operation *>(op)
        .Case<AddOp, SubOp, MulOp, DivOp>([&](Operation *o) {
          checkBroadcast(o, o->getOperand(0), o->getOperand(1), 0);
        })
        .Case<MatMulOp>([&](MatMulOp o) { checkMatMul(o); })
        .Case<ReshapeOp>([&](ReshapeOp o) { checkReshape(o); });
  }

  SmallVector<std::pair<Value, std::string>> checks;

private:
  /// `node 'N'` for the op's ONNX node, or the op name.
  static std::string where(Operation *op) {
    if (auto name = dyn_cast<NameLoc>(op->getLoc()))
      return "node '" + name.getName().str() + "'";
    return "'" + op->getName().getStringRef().str() + "'";
  }
  static std::string shapeOf(Value v) {
    return shapeToString(cast<RankedTensorType>(v.getType()).getShape());
  }

  Value dim(Value v, int64_t i) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.isDynamicDim(i))
      return arith::ConstantIndexOp::create(b, v.getLoc(), type.getDimSize(i));
    return tensor::DimOp::create(b, v.getLoc(), v, i);
  }

  void requireEqual(Location loc, Value x, Value y, std::string message) {
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
    checks.emplace_back(ok, std::move(message));
  }

  /// Aligned dims of two broadcast operands must agree where neither is a
  /// static 1 and at least one is dynamic. The last `ignoreTrailing` dims of
  /// both take no part.
  void checkBroadcast(Operation *op, Value lhs, Value rhs,
                      int64_t ignoreTrailing) {
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rt = cast<RankedTensorType>(rhs.getType());
    int64_t lr = lt.getRank() - ignoreTrailing;
    int64_t rr = rt.getRank() - ignoreTrailing;
    for (int64_t k = 1; k <= std::min(lr, rr); ++k) {
      int64_t i = lr - k, j = rr - k;
      int64_t a = lt.getDimSize(i), c = rt.getDimSize(j);
      if (a == 1 || c == 1 ||
          (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(c)))
        continue;
      requireEqual(op->getLoc(), dim(lhs, i), dim(rhs, j),
                   where(op) + ": dim " + std::to_string(i) + " of " +
                       shapeOf(lhs) + " and dim " + std::to_string(j) +
                       " of " + shapeOf(rhs) +
                       " differ at run time (only a dim that is 1 at compile "
                       "time broadcasts)");
    }
  }

  void checkMatMul(MatMulOp op) {
    Value lhs = op.getLhs(), rhs = op.getRhs();
    int64_t lr = op.getLhs().getType().getRank();
    int64_t rr = op.getRhs().getType().getRank();
    if (op.getLhs().getType().isDynamicDim(lr - 1) ||
        op.getRhs().getType().isDynamicDim(rr - 2))
      requireEqual(op.getLoc(), dim(lhs, lr - 1), dim(rhs, rr - 2),
                   where(op) + ": the contraction dims of " + shapeOf(lhs) +
                       " x " + shapeOf(rhs) + " differ at run time");
    checkBroadcast(op, lhs, rhs, /*ignoreTrailing=*/2);
  }

  void checkReshape(ReshapeOp op) {
    auto from = op.getOperand().getType();
    auto to = op.getType();
    if (from.hasStaticShape())
      return; // The verifier has checked it.
    Location loc = op.getLoc();
    Value count = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t i = 0; i < from.getRank(); ++i)
      count = arith::MulIOp::create(b, loc, count, dim(op.getOperand(), i));
    int64_t known = 1;
    for (int64_t d : to.getShape())
      if (!ShapedType::isDynamic(d))
        known *= d;
    std::string message = where(op) + ": cannot reshape " +
                          shapeOf(op.getOperand()) + " to " +
                          shapeToString(to.getShape()) +
                          ": the element count does not fit at run time";
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value knownValue = arith::ConstantIndexOp::create(b, loc, known);
    if (to.hasStaticShape()) {
      requireEqual(loc, count, knownValue, message);
    } else if (known == 0) {
      requireEqual(loc, count, zero, message);
    } else {
      Value rem = arith::RemUIOp::create(b, loc, count, knownValue);
      requireEqual(loc, rem, zero, message);
    }
  }

  OpBuilder &b;
};

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
      CheckBuilder builder(b);
      SmallVector<Operation *> bladeOps;
      check.walk([&](Operation *op) {
        if (isa<BladeDialect>(op->getDialect()))
          bladeOps.push_back(op);
      });
      for (Operation *op : bladeOps)
        builder.visit(op);
      if (builder.checks.empty()) {
        check->erase();
        continue;
      }
      // status = index of the first failing check, or -1.
      auto ret = cast<func::ReturnOp>(check.getBody().back().getTerminator());
      b.setInsertionPoint(ret);
      Location loc = ret.getLoc();
      Value status = arith::ConstantIntOp::create(b, loc, -1, 32);
      SmallVector<Attribute> messages;
      for (int64_t i = builder.checks.size() - 1; i >= 0; --i) {
        Value index = arith::ConstantIntOp::create(b, loc, i, 32);
        status = arith::SelectOp::create(b, loc, builder.checks[i].first,
                                         status, index);
      }
      for (auto &[ok, message] : builder.checks)
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
