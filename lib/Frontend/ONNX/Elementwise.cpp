//===- Elementwise.cpp - ONNX elementwise math, logic, compare, cast ------===//

#include "ElementwiseBuilders.h"

#include "mlir/IR/Matchers.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace blade::onnx_import {

//===----------------------------------------------------------------------===//
// Shared builders (ElementwiseBuilders.h)
//===----------------------------------------------------------------------===//

ElementKind elementKind(Type type) {
  if (isa<FloatType>(type))
    return kFloat;
  if (type.isInteger(1))
    return kBool;
  return type.isUnsignedInteger() ? kUnsigned : kSigned;
}

LogicalResult checkElementKind(NodeContext &ctx, unsigned i, unsigned kinds) {
  Type type = elementTypeOf(ctx.input(i));
  if (elementKind(type) & kinds)
    return success();
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return ctx.fail("input #" + Twine(i) + ": element type " + name +
                  " is not supported");
}

Value scalarConstant(NodeContext &ctx, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute scalar;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    scalar = FloatAttr::get(floatType, value);
  else
    scalar = IntegerAttr::get(elementType,
                              APInt(elementType.getIntOrFloatBitWidth(),
                                    static_cast<int64_t>(value),
                                    /*isSigned=*/true, /*implicitTrunc=*/true));
  return ConstantOp::create(ctx.builder, ctx.loc,
                            DenseElementsAttr::get(type, scalar))
      .getResult();
}

FailureOr<RankedTensorType> broadcastType(NodeContext &ctx, ValueRange operands,
                                          Type elementType) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    ArrayRef<int64_t> next = cast<RankedTensorType>(v.getType()).getShape();
    FailureOr<SmallVector<int64_t>> result = inferBroadcastShape(shape, next);
    if (failed(result))
      return ctx.fail("operand shapes " + shapeToString(shape) + " and " +
                      shapeToString(next) + " are not broadcastable");
    shape = std::move(*result);
  }
  return RankedTensorType::get(shape, elementType);
}

FailureOr<Value> buildCompare(NodeContext &ctx, StringRef predicate, Value lhs,
                              Value rhs) {
  if (elementTypeOf(lhs) != elementTypeOf(rhs))
    return ctx.fail("operand element types differ");
  FailureOr<RankedTensorType> type =
      broadcastType(ctx, {lhs, rhs}, ctx.builder.getI1Type());
  if (failed(type))
    return failure();
  return CompareOp::create(ctx.builder, ctx.loc, *type,
                           ctx.builder.getStringAttr(predicate), lhs, rhs)
      .getResult();
}

FailureOr<Value> buildSelect(NodeContext &ctx, Value cond, Value onTrue,
                             Value onFalse) {
  if (!elementTypeOf(cond).isInteger(1))
    return ctx.fail("the condition must be a bool tensor");
  if (elementTypeOf(onTrue) != elementTypeOf(onFalse))
    return ctx.fail("operand element types differ");
  FailureOr<RankedTensorType> type =
      broadcastType(ctx, {cond, onTrue, onFalse}, elementTypeOf(onTrue));
  if (failed(type))
    return failure();
  return SelectOp::create(ctx.builder, ctx.loc, *type, cond, onTrue, onFalse)
      .getResult();
}

Value buildConvert(NodeContext &ctx, Value v, Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  return ConvertOp::create(ctx.builder, ctx.loc, type.clone(elementType), v)
      .getResult();
}

namespace {

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

template <typename OpTy, unsigned Kinds>
LogicalResult convertUnary(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, Kinds)))
    return failure();
  return ctx.setOutputs({buildUnary<OpTy>(ctx, *x)});
}

/// Erf of integers: through f64, truncated back (the spec allows them).
LogicalResult convertErf(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, kNumeric)))
    return failure();
  Type type = elementTypeOf(*x);
  if (isa<FloatType>(type))
    return ctx.setOutputs({buildUnary<ErfOp>(ctx, *x)});
  Value f = buildConvert(ctx, *x, ctx.builder.getF64Type());
  return ctx.setOutputs({buildConvert(ctx, buildUnary<ErfOp>(ctx, f), type)});
}

LogicalResult convertReciprocal(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, kFloat)))
    return failure();
  Value one = scalarConstant(ctx, elementTypeOf(*x), 1.0);
  FailureOr<Value> r = buildBinary<DivOp>(ctx, one, *x);
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

LogicalResult convertIsNaN(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, kFloat)))
    return failure();
  FailureOr<Value> r = buildCompare(ctx, "ne", *x, *x);
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

LogicalResult convertIsInf(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, kFloat)))
    return failure();
  bool pos = ctx.intAttr("detect_positive", 1) != 0;
  bool neg = ctx.intAttr("detect_negative", 1) != 0;
  double inf = std::numeric_limits<double>::infinity();
  Type type = elementTypeOf(*x);
  FailureOr<Value> r;
  if (pos && neg)
    r = buildCompare(ctx, "eq", buildUnary<AbsOp>(ctx, *x),
                     scalarConstant(ctx, type, inf));
  else if (pos)
    r = buildCompare(ctx, "eq", *x, scalarConstant(ctx, type, inf));
  else if (neg)
    r = buildCompare(ctx, "eq", *x, scalarConstant(ctx, type, -inf));
  else // Nothing is below -inf: all false.
    r = buildCompare(ctx, "lt", *x, scalarConstant(ctx, type, -inf));
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

//===----------------------------------------------------------------------===//
// Binary and variadic
//===----------------------------------------------------------------------===//

/// Before opset 7, `broadcast` = 1 lets B broadcast to A with B's dims
/// starting at A's dim `axis` (by default B aligns with A's trailing dims,
/// which is numpy broadcasting). Appends the 1s that make an explicit `axis`
/// numpy-aligned.
FailureOr<Value> alignLegacyBroadcast(NodeContext &ctx, Value a, Value b) {
  std::optional<int64_t> axis = ctx.intAttr("axis");
  if (ctx.opset >= 7 || ctx.intAttr("broadcast", 0) == 0 || !axis)
    return b;
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  FailureOr<int64_t> start = normalizeAxis(ctx, *axis, aType.getRank());
  if (failed(start))
    return failure();
  int64_t trailing = aType.getRank() - *start - bType.getRank();
  if (trailing < 0)
    return ctx.fail("operand shape " + shapeToString(bType.getShape()) +
                    " does not fit at axis " + Twine(*axis) + " of " +
                    shapeToString(aType.getShape()));
  SmallVector<int64_t> shape(bType.getShape());
  shape.append(trailing, 1);
  return buildReshape(ctx, b, shape);
}

/// A binary op whose inputs must be of `Kinds`.
template <typename OpTy, unsigned Kinds>
LogicalResult convertBinary(NodeContext &ctx) {
  FailureOr<Value> lhs = ctx.requiredInput(0);
  FailureOr<Value> rhs = ctx.requiredInput(1);
  if (failed(lhs) || failed(rhs) || failed(checkElementKind(ctx, 0, Kinds)))
    return failure();
  rhs = alignLegacyBroadcast(ctx, *lhs, *rhs);
  if (failed(rhs))
    return failure();
  FailureOr<Value> r = buildBinary<OpTy>(ctx, *lhs, *rhs);
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

/// Sum, Max, Min (and Mean, which divides by the count): a left fold.
template <typename OpTy, unsigned Kinds, bool IsMean = false>
LogicalResult convertVariadic(NodeContext &ctx) {
  if (ctx.numInputs() == 0)
    return ctx.fail("expects at least one input");
  FailureOr<Value> acc = ctx.requiredInput(0);
  if (failed(acc) || failed(checkElementKind(ctx, 0, Kinds)))
    return failure();
  for (unsigned i = 1; i < ctx.numInputs(); ++i) {
    FailureOr<Value> next = ctx.requiredInput(i);
    if (failed(next))
      return failure();
    acc = buildBinary<OpTy>(ctx, *acc, *next);
    if (failed(acc))
      return failure();
  }
  if (IsMean && ctx.numInputs() > 1) {
    Value n = scalarConstant(ctx, elementTypeOf(*acc), ctx.numInputs());
    acc = buildBinary<DivOp>(ctx, *acc, n);
    if (failed(acc))
      return failure();
  }
  return ctx.setOutputs({*acc});
}

LogicalResult convertPow(NodeContext &ctx) {
  FailureOr<Value> base = ctx.requiredInput(0);
  FailureOr<Value> exponent = ctx.requiredInput(1);
  if (failed(base) || failed(exponent) ||
      failed(checkElementKind(ctx, 0, kFloat | kSigned)) ||
      failed(checkElementKind(ctx, 1, kNumeric)))
    return failure();
  exponent = alignLegacyBroadcast(ctx, *base, *exponent);
  if (failed(exponent))
    return failure();
  Type type = elementTypeOf(*base);
  if (ctx.opset < 12 && elementTypeOf(*exponent) != type)
    return ctx.fail("operand element types differ");
  FailureOr<Value> r;
  if (isa<FloatType>(type) || !isa<FloatType>(elementTypeOf(*exponent))) {
    // The exponent takes the base's type; integer powers are exact.
    r = buildBinary<PowOp>(ctx, *base, buildConvert(ctx, *exponent, type));
  } else {
    // An integer base with a float exponent: in f64, truncated back.
    Type f64 = ctx.builder.getF64Type();
    r = buildBinary<PowOp>(ctx, buildConvert(ctx, *base, f64),
                           buildConvert(ctx, *exponent, f64));
    if (succeeded(r))
      r = buildConvert(ctx, *r, type);
  }
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

LogicalResult convertMod(NodeContext &ctx) {
  FailureOr<Value> lhs = ctx.requiredInput(0);
  FailureOr<Value> rhs = ctx.requiredInput(1);
  if (failed(lhs) || failed(rhs) || failed(checkElementKind(ctx, 0, kNumeric)))
    return failure();
  bool fmod = ctx.intAttr("fmod", 0) != 0;
  if (!fmod && isa<FloatType>(elementTypeOf(*lhs)))
    return ctx.fail("floating-point inputs need fmod=1");
  FailureOr<Value> r = fmod ? buildBinary<RemOp>(ctx, *lhs, *rhs)
                            : buildBinary<ModOp>(ctx, *lhs, *rhs);
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

LogicalResult convertBitShift(NodeContext &ctx) {
  FailureOr<Value> lhs = ctx.requiredInput(0);
  FailureOr<Value> rhs = ctx.requiredInput(1);
  if (failed(lhs) || failed(rhs) || failed(checkElementKind(ctx, 0, kUnsigned)))
    return failure();
  const onnx::AttributeProto *dir = ctx.attr("direction");
  if (!dir)
    return ctx.fail("missing attribute 'direction'");
  FailureOr<Value> r;
  if (dir->s() == "LEFT")
    r = buildBinary<ShiftLeftOp>(ctx, *lhs, *rhs);
  else if (dir->s() == "RIGHT")
    r = buildBinary<ShiftRightOp>(ctx, *lhs, *rhs);
  else
    return ctx.fail("direction must be LEFT or RIGHT, not '" + dir->s() + "'");
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

template <unsigned Kinds>
LogicalResult convertCompare(NodeContext &ctx, StringRef predicate) {
  FailureOr<Value> lhs = ctx.requiredInput(0);
  FailureOr<Value> rhs = ctx.requiredInput(1);
  if (failed(lhs) || failed(rhs) || failed(checkElementKind(ctx, 0, Kinds)))
    return failure();
  rhs = alignLegacyBroadcast(ctx, *lhs, *rhs);
  if (failed(rhs))
    return failure();
  FailureOr<Value> r = buildCompare(ctx, predicate, *lhs, *rhs);
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

LogicalResult convertWhere(NodeContext &ctx) {
  FailureOr<Value> c = ctx.requiredInput(0);
  FailureOr<Value> x = ctx.requiredInput(1);
  FailureOr<Value> y = ctx.requiredInput(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  FailureOr<Value> r = buildSelect(ctx, *c, *x, *y);
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

LogicalResult convertClip(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) ||
      failed(checkElementKind(ctx, 0, ctx.opset < 12 ? kFloat : kNumeric)))
    return failure();
  Type type = elementTypeOf(*x);
  Value lo, hi;
  if (ctx.opset < 11) {
    if (std::optional<float> v = ctx.floatAttr("min"))
      lo = scalarConstant(ctx, type, *v);
    if (std::optional<float> v = ctx.floatAttr("max"))
      hi = scalarConstant(ctx, type, *v);
  } else {
    lo = ctx.input(1);
    hi = ctx.input(2);
  }
  FailureOr<Value> r = *x;
  if (lo)
    r = buildBinary<MaxOp>(ctx, *r, lo);
  if (succeeded(r) && hi)
    r = buildBinary<MinOp>(ctx, *r, hi);
  if (succeeded(r) && cast<RankedTensorType>(r->getType()).getRank() !=
                          cast<RankedTensorType>(x->getType()).getRank())
    return ctx.fail("min and max must be scalars");
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

//===----------------------------------------------------------------------===//
// Casts and Dropout
//===----------------------------------------------------------------------===//

LogicalResult castTo(NodeContext &ctx, Value x, Type to) {
  if (failed(checkElementKind(ctx, 0, kNumeric | kBool)))
    return failure();
  return ctx.setOutputs({buildConvert(ctx, x, to)});
}

LogicalResult convertCast(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  std::optional<int64_t> to = ctx.intAttr("to");
  if (!to)
    return ctx.fail("missing attribute 'to'");
  Type type = convertElementType(ctx.builder.getContext(), *to);
  if (!type)
    return ctx.fail("casting to " + onnxTypeName(*to) + " is not supported");
  return castTo(ctx, *x, type);
}

LogicalResult convertCastLike(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> like = ctx.requiredInput(1);
  if (failed(x) || failed(like))
    return failure();
  return castTo(ctx, *x, elementTypeOf(*like));
}

/// Inference only: the output is the input and the mask is all true.
LogicalResult convertDropout(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, kFloat)))
    return failure();
  if (Value training = ctx.input(2)) {
    DenseElementsAttr value;
    if (!matchPattern(training, m_Constant(&value)) ||
        !value.getElementType().isInteger(1) ||
        llvm::any_of(value.getValues<bool>(), [](bool b) { return b; }))
      return ctx.fail("training_mode must be absent or a constant false "
                      "(training is not supported)");
  }
  if (ctx.node.output_size() < 2 || ctx.node.output(1).empty())
    return ctx.setOutputs({*x});
  // true | (x != 0) has x's shape, dynamic dims included.
  Type i1 = ctx.builder.getI1Type();
  FailureOr<Value> mask = buildBinary<OrOp>(ctx, buildConvert(ctx, *x, i1),
                                            scalarConstant(ctx, i1, 1));
  if (failed(mask))
    return failure();
  // Before opset 10 the mask has the input's type.
  Value result =
      ctx.opset < 10 ? buildConvert(ctx, *mask, elementTypeOf(*x)) : *mask;
  return ctx.setOutputs({*x, result});
}

} // namespace

void registerElementwiseConverters(ConverterRegistry &r) {
  // Before opset 7 these take `broadcast` and `axis` attributes
  // (alignLegacyBroadcast); the opset 1 `consumed_inputs` is ignored.
  r.add("Add", 1, convertBinary<AddOp, kNumeric>);
  r.add("Sub", 1, convertBinary<SubOp, kNumeric>);
  r.add("Mul", 1, convertBinary<MulOp, kNumeric>);
  r.add("Div", 1, convertBinary<DivOp, kNumeric>);
  r.add("Pow", 1, convertPow);
  r.add("Mod", 10, convertMod);
  r.add("BitShift", 11, convertBitShift);
  r.add("And", 1, convertBinary<AndOp, kBool>);
  r.add("Or", 1, convertBinary<OrOp, kBool>);
  r.add("Xor", 1, convertBinary<XorOp, kBool>);
  // Variadic; opset 6 (equal shapes) is a special case of broadcasting.
  r.add("Sum", 6, convertVariadic<AddOp, kFloat>);
  r.add("Mean", 6, convertVariadic<AddOp, kFloat, /*IsMean=*/true>);
  r.add("Max", 6, convertVariadic<MaxOp, kNumeric>);
  r.add("Min", 6, convertVariadic<MinOp, kNumeric>);

  r.add("Equal", 1, [](NodeContext &c) {
    return convertCompare<kNumeric | kBool>(c, "eq");
  });
  r.add("Less", 1,
        [](NodeContext &c) { return convertCompare<kNumeric>(c, "lt"); });
  r.add("LessOrEqual", 12,
        [](NodeContext &c) { return convertCompare<kNumeric>(c, "le"); });
  r.add("Greater", 1,
        [](NodeContext &c) { return convertCompare<kNumeric>(c, "gt"); });
  r.add("GreaterOrEqual", 12,
        [](NodeContext &c) { return convertCompare<kNumeric>(c, "ge"); });
  r.add("Where", 9, convertWhere);
  r.add("Clip", 6, convertClip);
  r.add("Cast", 6, convertCast);
  r.add("CastLike", 15, convertCastLike);
  r.add("Dropout", 7, convertDropout);

  r.add("Relu", 6, convertUnary<ReluOp, kFloat | kSigned>);
  r.add("Sigmoid", 6, convertUnary<SigmoidOp, kFloat>);
  r.add("Tanh", 6, convertUnary<TanhOp, kFloat>);
  r.add("Abs", 6, convertUnary<AbsOp, kNumeric>);
  r.add("Neg", 6, convertUnary<NegOp, kFloat | kSigned>);
  r.add("Sign", 9, convertUnary<SignOp, kNumeric>);
  r.add("Reciprocal", 6, convertReciprocal);
  r.add("Exp", 6, convertUnary<ExpOp, kFloat>);
  r.add("Log", 6, convertUnary<LogOp, kFloat>);
  r.add("Sqrt", 6, convertUnary<SqrtOp, kFloat>);
  r.add("Floor", 6, convertUnary<FloorOp, kFloat>);
  r.add("Ceil", 6, convertUnary<CeilOp, kFloat>);
  r.add("Round", 11, convertUnary<RoundOp, kFloat>);
  r.add("Sin", 7, convertUnary<SinOp, kFloat>);
  r.add("Cos", 7, convertUnary<CosOp, kFloat>);
  r.add("Tan", 7, convertUnary<TanOp, kFloat>);
  r.add("Asin", 7, convertUnary<AsinOp, kFloat>);
  r.add("Acos", 7, convertUnary<AcosOp, kFloat>);
  r.add("Atan", 7, convertUnary<AtanOp, kFloat>);
  r.add("Sinh", 9, convertUnary<SinhOp, kFloat>);
  r.add("Cosh", 9, convertUnary<CoshOp, kFloat>);
  r.add("Asinh", 9, convertUnary<AsinhOp, kFloat>);
  r.add("Acosh", 9, convertUnary<AcoshOp, kFloat>);
  r.add("Atanh", 9, convertUnary<AtanhOp, kFloat>);
  r.add("Erf", 9, convertErf);
  r.add("Not", 1, convertUnary<NotOp, kBool>);
  r.add("IsNaN", 9, convertIsNaN);
  r.add("IsInf", 10, convertIsInf);
}

} // namespace blade::onnx_import
