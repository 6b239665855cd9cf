//===- ControlFlowOps.cpp - Verifiers of blade.if, blade.loop -------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace blade;

namespace {

/// A tensor with a single element, when its dims are static.
bool mayHoldOneElement(RankedTensorType type) {
  return llvm::all_of(type.getShape(), [](int64_t d) {
    return d == 1 || ShapedType::isDynamic(d);
  });
}

/// `actual` (yielded) must have `expected`'s element type and rank and
/// compatible dims.
LogicalResult verifyYieldedType(Operation *op, Type actual, Type expected,
                                const Twine &what) {
  auto a = cast<RankedTensorType>(actual);
  auto e = cast<RankedTensorType>(expected);
  if (a.getElementType() != e.getElementType() || a.getRank() != e.getRank() ||
      failed(verifyCompatibleShape(a.getShape(), e.getShape())))
    return op->emitOpError() << what << " has type " << actual
                             << ", not compatible with " << expected;
  return success();
}

} // namespace

LogicalResult IfOp::verify() {
  if (!mayHoldOneElement(getCondition().getType()))
    return emitOpError("the condition must hold one element");
  for (Region *region : {&getThenRegion(), &getElseRegion()}) {
    auto yield = dyn_cast<YieldOp>(region->front().getTerminator());
    if (!yield)
      return emitOpError("each region must end in blade.yield");
    if (yield.getValues().size() != getNumResults())
      return emitOpError() << "a region yields " << yield.getValues().size()
                           << " values for " << getNumResults() << " results";
    for (auto [i, v] : llvm::enumerate(yield.getValues()))
      if (failed(verifyYieldedType(*this, v.getType(), getResult(i).getType(),
                                   "yielded value #" + Twine(i))))
        return failure();
  }
  return success();
}

LogicalResult LoopOp::verify() {
  unsigned numCarried = getNumCarried();
  if (getNumResults() < numCarried)
    return emitOpError("has fewer results than loop-carried values");
  Block &body = getBody().front();
  if (body.getNumArguments() != numCarried + 2)
    return emitOpError() << "the body must take the iteration number, the "
                            "condition and "
                         << numCarried << " loop-carried values";
  auto isScalar = [](Type t, Type element) {
    auto type = cast<RankedTensorType>(t);
    return type.getRank() == 0 && type.getElementType() == element;
  };
  Builder b(getContext());
  if (!isScalar(body.getArgument(0).getType(), b.getI64Type()) ||
      !isScalar(body.getArgument(1).getType(), b.getI1Type()))
    return emitOpError(
        "the body's first arguments must be tensor<i64> and tensor<i1>");
  for (unsigned i = 0; i < numCarried; ++i) {
    Type type = getResult(i).getType();
    if (body.getArgument(i + 2).getType() != type)
      return emitOpError() << "body argument #" << i + 2
                           << " must have the loop-carried type " << type;
    if (failed(verifyYieldedType(*this, getInit()[i].getType(), type,
                                 "initial value #" + Twine(i))))
      return failure();
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("the body must end in blade.yield");
  OperandRange values = yield.getValues();
  if (values.size() != getNumResults() + 1)
    return emitOpError() << "the body yields " << values.size()
                         << " values; expected the condition and "
                         << getNumResults();
  auto cond = cast<RankedTensorType>(values[0].getType());
  if (!cond.getElementType().isInteger(1) || !mayHoldOneElement(cond))
    return emitOpError("the body's first yielded value must be one boolean");
  for (unsigned i = 0; i < numCarried; ++i)
    if (failed(verifyYieldedType(*this, values[i + 1].getType(),
                                 getResult(i).getType(),
                                 "yielded loop-carried value #" + Twine(i))))
      return failure();
  for (unsigned i = numCarried; i < getNumResults(); ++i) {
    auto element = cast<RankedTensorType>(values[i + 1].getType());
    auto stacked = cast<RankedTensorType>(getResult(i).getType());
    if (stacked.getRank() != element.getRank() + 1)
      return emitOpError() << "scan output #" << i - numCarried
                           << " must have one dim more than its element";
    if (failed(verifyYieldedType(
            *this, element,
            RankedTensorType::get(stacked.getShape().drop_front(),
                                  stacked.getElementType()),
            "scan output element #" + Twine(i - numCarried))))
      return failure();
  }
  return success();
}
