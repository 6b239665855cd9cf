//===- Quant.cpp - ONNX QuantizeLinear, DequantizeLinear, ... ------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// A zero tensor of `elementType` shaped like `like`.
Value zerosLike(NodeContext &ctx, Value like, Type elementType) {
  auto type = RankedTensorType::get(
      cast<RankedTensorType>(like.getType()).getShape(), elementType);
  return ConstantOp::create(
      ctx.builder, ctx.loc,
      DenseElementsAttr::get(type, ctx.builder.getIntegerAttr(elementType, 0)));
}

/// The quantized axis: attribute `axis` (default 1) from opset 13, none
/// before (per-tensor only).
FailureOr<int64_t> quantAxis(NodeContext &ctx, Value x, Value scale) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto sType = cast<RankedTensorType>(scale.getType());
  if (sType.getRank() > 1 || (ctx.opset < 13 && sType.getRank() != 0 &&
                              sType.getNumElements() != 1))
    return ctx.fail("the scale must be a scalar" +
                    Twine(ctx.opset >= 13 ? " or 1-D" : ""));
  if (sType.getRank() == 0)
    return 0;
  return normalizeAxis(ctx, ctx.intAttr("axis", 1), xType.getRank());
}

LogicalResult convertQuantize(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> scale = ctx.requiredInput(1);
  if (failed(x) || failed(scale))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  if (!isa<FloatType>(xType.getElementType()))
    return ctx.fail("only floating-point inputs are supported");
  Value zp = ctx.input(2);
  if (!zp)
    zp = zerosLike(ctx, *scale,
                   ctx.builder.getIntegerType(8, /*isSigned=*/false));
  FailureOr<int64_t> axis = quantAxis(ctx, *x, *scale);
  if (failed(axis))
    return failure();
  auto resultType = RankedTensorType::get(
      xType.getShape(), cast<RankedTensorType>(zp.getType()).getElementType());
  return ctx.setOutputs({QuantizeOp::create(ctx.builder, ctx.loc, resultType,
                                            *x, *scale, zp, *axis)
                             .getResult()});
}

LogicalResult convertDequantize(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> scale = ctx.requiredInput(1);
  if (failed(x) || failed(scale))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  if (!isa<IntegerType>(xType.getElementType()))
    return ctx.fail("expects an integer input");
  Value zp = ctx.input(2);
  if (!zp)
    zp = zerosLike(ctx, *scale, xType.getElementType());
  FailureOr<int64_t> axis = quantAxis(ctx, *x, *scale);
  if (failed(axis))
    return failure();
  auto resultType = RankedTensorType::get(
      xType.getShape(),
      cast<RankedTensorType>(scale->getType()).getElementType());
  return ctx.setOutputs({DequantizeOp::create(ctx.builder, ctx.loc, resultType,
                                              *x, *scale, zp, *axis)
                             .getResult()});
}

LogicalResult convertDynamicQuantize(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  if (!xType.getElementType().isF32())
    return ctx.fail("expects a float input");
  Type u8 = ctx.builder.getIntegerType(8, /*isSigned=*/false);
  auto op = DynamicQuantizeOp::create(
      ctx.builder, ctx.loc,
      TypeRange{RankedTensorType::get(xType.getShape(), u8),
                RankedTensorType::get({}, xType.getElementType()),
                RankedTensorType::get({}, u8)},
      *x);
  return ctx.setOutputs(
      {op.getResult(), op.getScale(), op.getZeroPoint()});
}

} // namespace

void registerQuantConverters(ConverterRegistry &r) {
  r.add("QuantizeLinear", 10, convertQuantize);
  r.add("DequantizeLinear", 10, convertDequantize);
  r.add("DynamicQuantizeLinear", 11, convertDynamicQuantize);
}

} // namespace blade::onnx_import
