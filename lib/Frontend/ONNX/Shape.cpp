//===- Shape.cpp - ONNX Reshape, Flatten, Transpose, Identity, Constant ---===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;

namespace blade::onnx_import {

FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis,
                                 int64_t rank) {
  if (axis < -rank || axis >= rank)
    return ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                    Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

FailureOr<Value> buildReshape(NodeContext &ctx, Value v,
                              ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  if (failed(verifyReshapeShapes(type.getShape(), shape, std::nullopt))) {
    if (llvm::count_if(shape, ShapedType::isDynamic) > 1)
      return ctx.fail("reshaping " + shapeToString(type.getShape()) + " to " +
                      shapeToString(shape) +
                      " needs more than one dynamic dimension, which is not "
                      "supported yet");
    return ctx.fail("cannot reshape " + shapeToString(type.getShape()) +
                    " to " + shapeToString(shape));
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return ReshapeOp::create(ctx.builder, ctx.loc, resultType, v).getResult();
}

namespace {

/// Resolves ONNX Reshape's special entries: 0 copies the input dim (unless
/// allowzero), -1 is inferred. Input dims copied in place cancel out of the
/// inference, so [?, 4, 8] -> [0, -1] gives [?, 32].
FailureOr<SmallVector<int64_t>> resolveReshape(NodeContext &ctx,
                                               ArrayRef<int64_t> in,
                                               ArrayRef<int64_t> target,
                                               bool allowZero) {
  SmallVector<int64_t> out;
  SmallVector<bool> cancelled(in.size(), false);
  int64_t inferIndex = -1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return ctx.fail("shape entry " + Twine(i) +
                        " is 0 but the input has no such dim");
      out.push_back(in[i]);
      cancelled[i] = true;
    } else if (d == -1) {
      if (inferIndex >= 0)
        return ctx.fail("shape has more than one -1");
      inferIndex = i;
      out.push_back(ShapedType::kDynamic);
    } else if (d < 0) {
      return ctx.fail("invalid shape entry " + Twine(d));
    } else {
      out.push_back(d);
    }
  }
  if (inferIndex < 0)
    return out;
  // -1 = (product of input dims not cancelled) / (product of other output
  // dims not copied from the input); static only if both sides are.
  int64_t numerator = 1, denominator = 1;
  bool known = true;
  for (auto [i, d] : llvm::enumerate(in)) {
    if (cancelled[i])
      continue;
    if (ShapedType::isDynamic(d))
      known = false;
    else
      numerator *= d;
  }
  for (auto [i, d] : llvm::enumerate(target)) {
    if (static_cast<int64_t>(i) == inferIndex || (d == 0 && !allowZero))
      continue;
    denominator *= d;
  }
  if (known && denominator != 0) {
    if (numerator % denominator != 0)
      return ctx.fail("cannot reshape " + shapeToString(in) + " to " +
                      shapeToString(out));
    out[inferIndex] = numerator / denominator;
  }
  return out;
}

LogicalResult convertReshape(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  Value shapeInput = ctx.input(1);
  if (!shapeInput)
    return ctx.fail("missing required input #1 (shape)");
  auto shapeType = cast<RankedTensorType>(shapeInput.getType());
  if (!shapeType.getElementType().isInteger(64) || shapeType.getRank() != 1)
    return ctx.fail("the shape input must be a 1-D int64 tensor");
  std::optional<SmallVector<int64_t>> target = getConstantInts(shapeInput);
  if (!target)
    return ctx.fail("the shape input must be a constant (a computed shape is "
                    "not supported yet)");
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<SmallVector<int64_t>> shape = resolveReshape(
      ctx, type.getShape(), *target, ctx.intAttr("allowzero", 0) != 0);
  if (failed(shape))
    return failure();
  FailureOr<Value> result = buildReshape(ctx, *x, *shape);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

LogicalResult convertFlatten(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  int64_t axis = ctx.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                    Twine(rank));
  if (axis < 0)
    axis += rank;
  auto product = [&](int64_t from, int64_t to) {
    int64_t n = 1;
    for (int64_t i = from; i < to; ++i) {
      if (type.isDynamicDim(i))
        return ShapedType::kDynamic;
      n *= type.getDimSize(i);
    }
    return n;
  };
  FailureOr<Value> result =
      buildReshape(ctx, *x, {product(0, axis), product(axis, rank)});
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

LogicalResult convertTranspose(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  SmallVector<int64_t> perm;
  if (std::optional<SmallVector<int64_t>> p = ctx.intsAttr("perm"))
    perm = *p;
  else
    for (int64_t i = type.getRank() - 1; i >= 0; --i)
      perm.push_back(i);
  FailureOr<SmallVector<int64_t>> shape =
      inferTransposeShape(type.getShape(), perm);
  if (failed(shape))
    return ctx.fail("perm is not a permutation of the input's " +
                    Twine(type.getRank()) + " dims");
  auto resultType = RankedTensorType::get(*shape, type.getElementType());
  return ctx.setOutputs(
      {TransposeOp::create(ctx.builder, ctx.loc, resultType, *x, perm)
           .getResult()});
}

LogicalResult convertIdentity(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  return ctx.setOutputs({*x});
}

LogicalResult convertConstant(NodeContext &ctx) {
  MLIRContext *mlirCtx = ctx.builder.getContext();
  OpBuilder &b = ctx.builder;
  DenseElementsAttr value;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    std::string error;
    FailureOr<DenseElementsAttr> attr =
        convertTensorProto(mlirCtx, a->t(), error);
    if (failed(attr))
      return ctx.fail(error);
    value = *attr;
  } else if (std::optional<float> f = ctx.floatAttr("value_float")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   *f);
  } else if (std::optional<int64_t> i = ctx.intAttr("value_int")) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({}, b.getIntegerType(64)), *i);
  } else if (const onnx::AttributeProto *a = ctx.attr("value_floats")) {
    SmallVector<float> values(a->floats().begin(), a->floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(values.size())},
                              b.getF32Type()),
        ArrayRef<float>(values));
  } else if (std::optional<SmallVector<int64_t>> ints =
                 ctx.intsAttr("value_ints")) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(ints->size())},
                              b.getIntegerType(64)),
        ArrayRef<int64_t>(*ints));
  } else {
    return ctx.fail("only value, value_float(s) and value_int(s) constants "
                    "are supported");
  }
  return ctx.setOutputs(
      {ConstantOp::create(b, ctx.loc, value).getResult()});
}

} // namespace

void registerShapeConverters(ConverterRegistry &r) {
  // Reshape before opset 5 took the shape as an attribute; not supported.
  r.add("Reshape", 5, convertReshape);
  r.add("Flatten", 1, convertFlatten);
  r.add("Transpose", 1, convertTranspose);
  r.add("Identity", 1, convertIdentity);
  r.add("Constant", 1, convertConstant);
}

} // namespace blade::onnx_import
