//===- ShapeChecks.cpp - Run-time shape rules of blade ops ----------------===//

#include "blade/Dialect/Blade/IR/ShapeChecks.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace blade {

Value ShapeCheckList::dim(Value v, int64_t i) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(i))
    return arith::ConstantIndexOp::create(b, v.getLoc(), type.getDimSize(i));
  return tensor::DimOp::create(b, v.getLoc(), v, i);
}

std::string ShapeCheckList::where(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return "node '" + name.getName().str() + "'";
  return "'" + op->getName().getStringRef().str() + "'";
}

void ShapeCheckList::requireEqual(Location loc, Value x, Value y,
                                  std::string message) {
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  require(ok, std::move(message));
}

void ShapeCheckList::requireBroadcastable(Operation *op, Value lhs, Value rhs,
                                          int64_t ignoreTrailing,
                                          bool runtimeOnes) {
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
    std::string message = where(op) + ": dim " + std::to_string(i) + " of " +
                          shapeToString(lt.getShape()) + " and dim " +
                          std::to_string(j) + " of " +
                          shapeToString(rt.getShape()) + " differ at run time";
    if (!runtimeOnes) {
      requireEqual(op->getLoc(), dim(lhs, i), dim(rhs, j),
                   message + " (only a dim that is 1 at compile time "
                             "broadcasts)");
      continue;
    }
    // x == y, or either is 1.
    Location loc = op->getLoc();
    Value x = dim(lhs, i), y = dim(rhs, j);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto eq = [&](Value p, Value q) {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, p, q);
    };
    Value ok = arith::OrIOp::create(
        b, loc, eq(x, y), arith::OrIOp::create(b, loc, eq(x, one), eq(y, one)));
    require(ok, message + " and neither is 1");
  }
}

} // namespace blade
