//===- Quant.cpp - ONNX (de)quantization and integer matmul/conv ---------===//

#include "ConverterRegistry.h"
#include "ElementwiseBuilders.h"

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
  if (sType.getRank() > 1 ||
      (ctx.opset < 13 && sType.getRank() != 0 && sType.getNumElements() != 1))
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
  return ctx.setOutputs({op.getResult(), op.getScale(), op.getZeroPoint()});
}

//===----------------------------------------------------------------------===//
// Integer matrix products and convolutions: MatMulInteger, ConvInteger,
// QLinearMatMul, QLinearConv. Operands widen to i32 and lose their zero
// points, then the float/integer blade.matmul or blade.conv accumulates in
// i32; the QLinear forms requantize the accumulator.
//===----------------------------------------------------------------------===//

/// A quantization parameter (zero point or scale) that is a scalar, a 1-element
/// tensor, or one value per index of operand dim `rank - 1 - fromEnd`: a
/// 1-D parameter becomes [n, 1 x fromEnd] so that it broadcasts against the
/// operand (n = 1 broadcasts at run time too).
FailureOr<Value> alignParam(NodeContext &ctx, Value p, int64_t fromEnd,
                            StringRef name) {
  auto type = cast<RankedTensorType>(p.getType());
  if (type.getRank() == 0)
    return p;
  if (type.getRank() != 1)
    return ctx.fail(name + " must be a scalar or 1-D");
  SmallVector<int64_t> shape = {type.getDimSize(0)};
  shape.append(fromEnd, 1);
  return buildReshape(ctx, p, shape);
}

/// A per-tensor parameter as a 0-d tensor (from a scalar or 1 element).
FailureOr<Value> scalarParam(NodeContext &ctx, Value p, StringRef name) {
  auto type = cast<RankedTensorType>(p.getType());
  if (type.getRank() == 0)
    return p;
  if (type.getRank() != 1 || (!type.isDynamicDim(0) && type.getDimSize(0) != 1))
    return ctx.fail(name + " must be a scalar");
  return buildReshape(ctx, p, {});
}

/// `v - zp` in i32 (just `v` widened without a zero point).
FailureOr<Value> widenAndCenter(NodeContext &ctx, Value v, Value zp,
                                int64_t fromEnd, StringRef name) {
  if (!isa<IntegerType>(elementTypeOf(v)) || elementTypeOf(v).isInteger(1))
    return ctx.fail("expects integer operands");
  Type i32 = ctx.builder.getI32Type();
  Value wide = buildConvert(ctx, v, i32);
  if (!zp)
    return wide;
  if (elementTypeOf(zp) != elementTypeOf(v))
    return ctx.fail(name + " must have its operand's element type");
  FailureOr<Value> aligned = alignParam(ctx, zp, fromEnd, name);
  if (failed(aligned))
    return failure();
  return buildBinary<SubOp>(ctx, wide, buildConvert(ctx, *aligned, i32));
}

/// saturate(round(acc * multiplier) + yzp), multiplier = xs * ws / ys; xs
/// and ws are aligned against `acc` like alignParam does.
FailureOr<Value> requantize(NodeContext &ctx, Value acc, Value xs,
                            int64_t xsFromEnd, Value ws, int64_t wsFromEnd,
                            Value ys, Value yzp) {
  Type f32 = ctx.builder.getF32Type();
  for (Value s : {xs, ws, ys})
    if (elementTypeOf(s) != f32)
      return ctx.fail("scales must be float tensors");
  FailureOr<Value> xsA =
      alignParam(ctx, xs, xsFromEnd, "the first input's scale");
  FailureOr<Value> wsA = alignParam(ctx, ws, wsFromEnd, "W's or B's scale");
  FailureOr<Value> ys0 = scalarParam(ctx, ys, "y_scale");
  FailureOr<Value> yzp0 = scalarParam(ctx, yzp, "y_zero_point");
  if (failed(xsA) || failed(wsA) || failed(ys0) || failed(yzp0))
    return failure();
  FailureOr<Value> scale = buildBinary<MulOp>(ctx, *xsA, *wsA);
  if (failed(scale))
    return failure();
  scale = buildBinary<DivOp>(ctx, *scale, *ys0);
  if (failed(scale))
    return failure();
  FailureOr<Value> scaled =
      buildBinary<MulOp>(ctx, buildConvert(ctx, acc, f32), *scale);
  if (failed(scaled))
    return failure();
  auto resultType = RankedTensorType::get(
      cast<RankedTensorType>(scaled->getType()).getShape(),
      elementTypeOf(*yzp0));
  return QuantizeOp::create(ctx.builder, ctx.loc, resultType, *scaled,
                            scalarConstant(ctx, f32, 1.0), *yzp0, 0)
      .getResult();
}

/// Both operands of an integer matmul, widened and centered. A's zero point
/// is per row (of a matrix A), B's per column.
FailureOr<std::pair<Value, Value>> centeredMatMulOperands(NodeContext &ctx,
                                                          unsigned a, Value azp,
                                                          unsigned b,
                                                          Value bzp) {
  FailureOr<Value> lhs = ctx.requiredInput(a);
  FailureOr<Value> rhs = ctx.requiredInput(b);
  if (failed(lhs) || failed(rhs))
    return failure();
  int64_t rows = cast<RankedTensorType>(lhs->getType()).getRank() > 1;
  FailureOr<Value> l = widenAndCenter(ctx, *lhs, azp, rows, "A's zero point");
  FailureOr<Value> r = widenAndCenter(ctx, *rhs, bzp, 0, "B's zero point");
  if (failed(l) || failed(r))
    return failure();
  return std::make_pair(*l, *r);
}

LogicalResult convertMatMulInteger(NodeContext &ctx) {
  FailureOr<std::pair<Value, Value>> ops =
      centeredMatMulOperands(ctx, 0, ctx.input(2), 1, ctx.input(3));
  if (failed(ops))
    return failure();
  FailureOr<Value> y = buildNumpyMatMul(ctx, ops->first, ops->second);
  if (failed(y))
    return failure();
  return ctx.setOutputs({*y});
}

LogicalResult convertQLinearMatMul(NodeContext &ctx) {
  for (unsigned i = 0; i < 8; ++i)
    if (failed(ctx.requiredInput(i)))
      return failure();
  FailureOr<std::pair<Value, Value>> ops =
      centeredMatMulOperands(ctx, 0, ctx.input(2), 3, ctx.input(5));
  if (failed(ops))
    return failure();
  FailureOr<Value> acc = buildNumpyMatMul(ctx, ops->first, ops->second);
  if (failed(acc))
    return failure();
  // A's per-row scale lines up with the product's rows unless a 1-D operand
  // took that dim away.
  int64_t rows =
      llvm::all_of(ValueRange{ctx.input(0), ctx.input(3)}, [](Value v) {
        return cast<RankedTensorType>(v.getType()).getRank() > 1;
      });
  FailureOr<Value> y = requantize(ctx, *acc, ctx.input(1), rows, ctx.input(4),
                                  0, ctx.input(6), ctx.input(7));
  if (failed(y))
    return failure();
  return ctx.setOutputs({*y});
}

/// X and W of an integer convolution, widened and centered: X's zero point
/// is per tensor, W's per tensor or per output channel.
FailureOr<std::pair<Value, Value>> centeredConvOperands(NodeContext &ctx,
                                                        unsigned xi, Value xzp,
                                                        unsigned wi,
                                                        Value wzp) {
  FailureOr<Value> x = ctx.requiredInput(xi);
  FailureOr<Value> w = ctx.requiredInput(wi);
  if (failed(x) || failed(w))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (rank < 3 || cast<RankedTensorType>(w->getType()).getRank() != rank)
    return ctx.fail("expects X of rank >= 3 and W of the same rank");
  if (xzp) {
    FailureOr<Value> s = scalarParam(ctx, xzp, "x_zero_point");
    if (failed(s))
      return failure();
    xzp = *s;
  }
  FailureOr<Value> cx = widenAndCenter(ctx, *x, xzp, 0, "x_zero_point");
  FailureOr<Value> cw = widenAndCenter(ctx, *w, wzp, rank - 1, "w_zero_point");
  if (failed(cx) || failed(cw))
    return failure();
  return std::make_pair(*cx, *cw);
}

LogicalResult convertConvInteger(NodeContext &ctx) {
  FailureOr<std::pair<Value, Value>> ops =
      centeredConvOperands(ctx, 0, ctx.input(2), 1, ctx.input(3));
  if (failed(ops))
    return failure();
  FailureOr<Value> y = buildConv(ctx, ops->first, ops->second, Value());
  if (failed(y))
    return failure();
  return ctx.setOutputs({*y});
}

LogicalResult convertQLinearConv(NodeContext &ctx) {
  for (unsigned i = 0; i < 8; ++i)
    if (failed(ctx.requiredInput(i)))
      return failure();
  FailureOr<std::pair<Value, Value>> ops =
      centeredConvOperands(ctx, 0, ctx.input(2), 3, ctx.input(5));
  if (failed(ops))
    return failure();
  Value bias = ctx.input(8);
  if (bias && !elementTypeOf(bias).isInteger(32))
    return ctx.fail("B must be an int32 tensor");
  FailureOr<Value> acc = buildConv(ctx, ops->first, ops->second, bias);
  if (failed(acc))
    return failure();
  int64_t rank = cast<RankedTensorType>(acc->getType()).getRank();
  FailureOr<Value> y =
      requantize(ctx, *acc, ctx.input(1), rank - 2, ctx.input(4), rank - 2,
                 ctx.input(6), ctx.input(7));
  if (failed(y))
    return failure();
  return ctx.setOutputs({*y});
}

} // namespace

void registerQuantConverters(ConverterRegistry &r) {
  r.add("QuantizeLinear", 10, convertQuantize);
  r.add("DequantizeLinear", 10, convertDequantize);
  r.add("DynamicQuantizeLinear", 11, convertDynamicQuantize);
  r.add("MatMulInteger", 10, convertMatMulInteger);
  r.add("ConvInteger", 10, convertConvInteger);
  r.add("QLinearMatMul", 10, convertQLinearMatMul);
  r.add("QLinearConv", 10, convertQLinearConv);
}

} // namespace blade::onnx_import
