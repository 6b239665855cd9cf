//===- Elementwise.cpp - ONNX elementwise operators -----------------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

template <typename OpTy>
LogicalResult convertBinary(NodeContext &ctx) {
  FailureOr<Value> lhs = ctx.requiredInput(0);
  FailureOr<Value> rhs = ctx.requiredInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  auto lhsType = cast<RankedTensorType>(lhs->getType());
  auto rhsType = cast<RankedTensorType>(rhs->getType());
  if (lhsType.getElementType() != rhsType.getElementType())
    return ctx.fail("operand element types differ");
  FailureOr<SmallVector<int64_t>> shape =
      inferBroadcastShape(lhsType.getShape(), rhsType.getShape());
  if (failed(shape))
    return ctx.fail("operand shapes " + shapeToString(lhsType.getShape()) +
                    " and " + shapeToString(rhsType.getShape()) +
                    " are not broadcastable");
  auto type = RankedTensorType::get(*shape, lhsType.getElementType());
  return ctx.setOutputs(
      {OpTy::create(ctx.builder, ctx.loc, type, *lhs, *rhs).getResult()});
}

template <typename OpTy, bool FloatOnly>
LogicalResult convertUnary(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  if (FloatOnly &&
      !isa<FloatType>(cast<RankedTensorType>(x->getType()).getElementType()))
    return ctx.fail("expects a floating-point input");
  return ctx.setOutputs({OpTy::create(ctx.builder, ctx.loc, *x).getResult()});
}

} // namespace

void registerElementwiseConverters(ConverterRegistry &r) {
  // Opsets before 7 had an explicit `broadcast` attribute; not supported.
  r.add("Add", 7, convertBinary<AddOp>);
  r.add("Sub", 7, convertBinary<SubOp>);
  r.add("Mul", 7, convertBinary<MulOp>);
  r.add("Div", 7, convertBinary<DivOp>);
  r.add("Relu", 6, convertUnary<ReluOp, false>);
  r.add("Sigmoid", 6, convertUnary<SigmoidOp, true>);
  r.add("Tanh", 6, convertUnary<TanhOp, true>);
}

} // namespace blade::onnx_import
