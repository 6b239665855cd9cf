//===- Reduction.cpp - ONNX reductions and normalisations -----------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// Softmax from opset 13: normalizes along one axis (default -1).
LogicalResult convertSoftmax13(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (!isa<FloatType>(type.getElementType()))
    return ctx.fail("expects a floating-point input");
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", -1), type.getRank());
  if (failed(axis))
    return failure();
  return ctx.setOutputs(
      {SoftmaxOp::create(ctx.builder, ctx.loc, *x, *axis).getResult()});
}

/// Softmax before opset 13: the input is coerced to 2-D at `axis` (default
/// 1) and normalized along the second dim. With axis = rank-1 that is the
/// plain last-axis softmax; otherwise reshape around it.
LogicalResult convertSoftmax1(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (!isa<FloatType>(type.getElementType()))
    return ctx.fail("expects a floating-point input");
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = normalizeAxis(ctx, ctx.intAttr("axis", 1), rank);
  if (failed(axis))
    return failure();
  if (*axis == rank - 1)
    return ctx.setOutputs(
        {SoftmaxOp::create(ctx.builder, ctx.loc, *x, *axis).getResult()});
  auto product = [&](int64_t from, int64_t to) {
    int64_t n = 1;
    for (int64_t i = from; i < to; ++i) {
      if (type.isDynamicDim(i))
        return ShapedType::kDynamic;
      n *= type.getDimSize(i);
    }
    return n;
  };
  FailureOr<Value> flat =
      buildReshape(ctx, *x, {product(0, *axis), product(*axis, rank)});
  if (failed(flat))
    return failure();
  Value softmax = SoftmaxOp::create(ctx.builder, ctx.loc, *flat, 1);
  FailureOr<Value> result = buildReshape(ctx, softmax, type.getShape());
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

} // namespace

void registerReductionConverters(ConverterRegistry &r) {
  r.add("Softmax", 1, 12, convertSoftmax1);
  r.add("Softmax", 13, convertSoftmax13);
}

} // namespace blade::onnx_import
