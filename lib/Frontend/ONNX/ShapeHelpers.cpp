//===- ShapeHelpers.cpp - Shape values for the ONNX converters ------------===//

#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;

namespace blade::onnx_import {

Value buildI64Constant(NodeContext &ctx, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    ctx.builder.getI64Type());
  return ConstantOp::create(ctx.builder, ctx.loc,
                            DenseIntElementsAttr::get(type, values));
}

Value buildDimEntry(NodeContext &ctx, Value v, int64_t i) {
  auto type = RankedTensorType::get({1}, ctx.builder.getI64Type());
  return ctx.builder.createOrFold<ShapeOfOp>(ctx.loc, type, v, i, i + 1);
}

Value buildEntryArith(NodeContext &ctx, Value lhs, Value rhs, bool divide) {
  std::optional<SmallVector<int64_t>> l = getConstantInts(lhs);
  std::optional<SmallVector<int64_t>> r = getConstantInts(rhs);
  if (l && r && l->size() == 1 && r->size() == 1 && (!divide || (*r)[0] != 0))
    return buildI64Constant(ctx,
                            {divide ? (*l)[0] / (*r)[0] : (*l)[0] * (*r)[0]});
  if (r && r->size() == 1 && (*r)[0] == 1)
    return lhs;
  if (r && r->size() == 1 && (*r)[0] == 0 && !divide)
    return buildI64Constant(ctx, {0});
  if (l && l->size() == 1 && (*l)[0] == 1 && !divide)
    return rhs;
  if (divide)
    return DivOp::create(ctx.builder, ctx.loc, lhs.getType(), lhs, rhs);
  return MulOp::create(ctx.builder, ctx.loc, lhs.getType(), lhs, rhs);
}

FailureOr<Value> buildReshapeFromEntries(NodeContext &ctx, Value v,
                                         ArrayRef<int64_t> shape,
                                         ArrayRef<Value> entries) {
  if (llvm::count_if(shape, ShapedType::isDynamic) <= 1)
    return buildReshape(ctx, v, shape);
  SmallVector<Value> pieces;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(d))
      pieces.push_back(buildI64Constant(ctx, {d}));
    else if (i < entries.size() && entries[i])
      pieces.push_back(entries[i]);
    else
      return ctx.fail("internal: no run-time size for dim " + Twine(i));
  }
  auto shapeType = RankedTensorType::get({static_cast<int64_t>(shape.size())},
                                         ctx.builder.getI64Type());
  Value shapeValue =
      ctx.builder.createOrFold<ConcatOp>(ctx.loc, shapeType, pieces, 0);
  auto type = cast<RankedTensorType>(v.getType());
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  auto op = DynamicReshapeOp::create(ctx.builder, ctx.loc, resultType, v,
                                     shapeValue, /*allow_zero=*/true);
  return op.getResult();
}

SmallVector<std::optional<int64_t>> traceShapeEntries(Value shape) {
  auto type = dyn_cast<RankedTensorType>(shape.getType());
  if (!type || type.getRank() > 1 || !type.hasStaticShape())
    return {};
  int64_t n = type.getNumElements();
  SmallVector<std::optional<int64_t>> result;
  if (std::optional<SmallVector<int64_t>> values = getConstantInts(shape)) {
    for (int64_t v : *values)
      result.push_back(v);
    return result;
  }
  Operation *def = shape.getDefiningOp();
  if (auto shapeOf = dyn_cast_if_present<ShapeOfOp>(def)) {
    RankedTensorType src = shapeOf.getOperand().getType();
    for (int64_t i = shapeOf.getStart(); i < (int64_t)shapeOf.getEnd(); ++i)
      result.push_back(src.isDynamicDim(i)
                           ? std::nullopt
                           : std::optional<int64_t>(src.getDimSize(i)));
    return result;
  }
  if (auto concat = dyn_cast_if_present<ConcatOp>(def)) {
    for (Value in : concat.getInputs()) {
      SmallVector<std::optional<int64_t>> part = traceShapeEntries(in);
      if (part.empty())
        return SmallVector<std::optional<int64_t>>(n, std::nullopt);
      llvm::append_range(result, part);
    }
    return result;
  }
  if (auto reshape = dyn_cast_if_present<ReshapeOp>(def)) {
    result = traceShapeEntries(reshape.getOperand());
    if (static_cast<int64_t>(result.size()) == n)
      return result;
  }
  return SmallVector<std::optional<int64_t>>(n, std::nullopt);
}

SmallVector<std::pair<Value, int64_t>> traceDimSources(Value shape) {
  auto type = dyn_cast<RankedTensorType>(shape.getType());
  if (!type || type.getRank() > 1 || !type.hasStaticShape())
    return {};
  int64_t n = type.getNumElements();
  SmallVector<std::pair<Value, int64_t>> result;
  Operation *def = shape.getDefiningOp();
  if (auto shapeOf = dyn_cast_if_present<ShapeOfOp>(def)) {
    for (int64_t i = shapeOf.getStart(); i < (int64_t)shapeOf.getEnd(); ++i)
      result.push_back({shapeOf.getOperand(), i});
    return result;
  }
  if (auto concat = dyn_cast_if_present<ConcatOp>(def)) {
    for (Value in : concat.getInputs()) {
      SmallVector<std::pair<Value, int64_t>> part = traceDimSources(in);
      if (part.empty())
        return SmallVector<std::pair<Value, int64_t>>(n, {Value(), 0});
      llvm::append_range(result, part);
    }
    return result;
  }
  if (auto reshape = dyn_cast_if_present<ReshapeOp>(def)) {
    result = traceDimSources(reshape.getOperand());
    if (static_cast<int64_t>(result.size()) == n)
      return result;
  }
  return SmallVector<std::pair<Value, int64_t>>(n, {Value(), 0});
}

Value buildCheckedDim(NodeContext &ctx, Value v, int64_t i, int64_t size) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(i))
    return v;
  SmallVector<int64_t> shape(type.getShape());
  shape[i] = size;
  return ctx.builder.createOrFold<CheckedCastOp>(ctx.loc, type.clone(shape), v);
}

Value buildPaddedShape(NodeContext &ctx, Value shape, int64_t length) {
  OpBuilder &b = ctx.builder;
  auto type = cast<RankedTensorType>(shape.getType());
  auto entry = RankedTensorType::get({1}, b.getI64Type());
  // max(length - n, 0) ones, then the shape: `length` entries when n fits.
  Value n = b.createOrFold<ShapeOfOp>(ctx.loc, entry, shape, 0, 1);
  Value missing =
      b.createOrFold<SubOp>(ctx.loc, entry, buildI64Constant(ctx, {length}), n);
  missing = b.createOrFold<MaxOp>(ctx.loc, entry, missing,
                                  buildI64Constant(ctx, {0}));
  auto onesType =
      RankedTensorType::get({ShapedType::kDynamic}, type.getElementType());
  Value ones = b.createOrFold<ConstantOfShapeOp>(
      ctx.loc, onesType, missing,
      DenseElementsAttr::get(RankedTensorType::get({1}, type.getElementType()),
                             b.getIntegerAttr(type.getElementType(), 1)));
  Value padded =
      b.createOrFold<ConcatOp>(ctx.loc, onesType, ValueRange{ones, shape}, 0);
  return buildCheckedDim(ctx, padded, 0, length);
}

FailureOr<std::optional<SmallVector<int64_t>>>
getIntsAttrOrInput(NodeContext &ctx, StringRef name, int64_t inputSince,
                   unsigned inputIndex) {
  if (ctx.opset < inputSince)
    return ctx.intsAttr(name);
  Value v = ctx.input(inputIndex);
  if (!v)
    return std::optional<SmallVector<int64_t>>();
  std::optional<SmallVector<int64_t>> values = getConstantInts(v);
  if (!values)
    return ctx.fail("input #" + Twine(inputIndex) + " (" + name +
                    ") must be a constant (a computed one is not supported)");
  return std::optional<SmallVector<int64_t>>(*values);
}

} // namespace blade::onnx_import
