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

namespace {

/// Small builders of int64/bool tensors for the run-time axes arithmetic.
struct AxesMath {
  NodeContext &ctx;
  OpBuilder &b = ctx.builder;

  RankedTensorType i64(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getI64Type());
  }
  RankedTensorType i1(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getI1Type());
  }
  Value constant(ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
    return ConstantOp::create(b, ctx.loc,
                              DenseIntElementsAttr::get(i64(shape), values));
  }
  /// 0, 1, ..., n - 1 (minus `offset`) shaped `shape` (n elements).
  Value iota(int64_t n, ArrayRef<int64_t> shape, int64_t offset = 0) {
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(i - offset);
    return constant(shape, values);
  }
  /// [n, n] with 1 where column < row: a row sums the entries before it.
  Value strictlyLower(int64_t n) {
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        values.push_back(j < i ? 1 : 0);
    return constant({n, n}, values);
  }
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(v.getType());
    return b.createOrFold<ReshapeOp>(ctx.loc, type.clone(shape), v);
  }
  Value compare(StringRef predicate, Value lhs, Value rhs,
                ArrayRef<int64_t> shape) {
    return CompareOp::create(b, ctx.loc, i1(shape), b.getStringAttr(predicate),
                             lhs, rhs);
  }
  Value toI64(Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    return ConvertOp::create(b, ctx.loc, type.clone(b.getI64Type()), v);
  }
  /// Reduction of an int64 tensor over `axis`, without keepdims.
  Value reduce(StringRef kind, Value v, int64_t axis) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.erase(shape.begin() + axis);
    return ReduceOp::create(b, ctx.loc, i64(shape), v, b.getStringAttr(kind),
                            b.getDenseI64ArrayAttr({axis}),
                            b.getBoolAttr(false));
  }
  /// Row sums of `[m, n]` entries picked by `mask` (i1, broadcast) from
  /// `values` (broadcast), zero elsewhere.
  Value pickRows(Value mask, Value values, int64_t m, int64_t n) {
    Value picked = SelectOp::create(b, ctx.loc, i64({m, n}), mask, values,
                                    constant({}, {0}));
    return reduce("sum", picked, 1);
  }
};

} // namespace

FailureOr<Value> buildRuntimeAxesReshape(NodeContext &ctx, Value x, Value axes,
                                         bool insert) {
  AxesMath m{ctx};
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  int64_t k = cast<RankedTensorType>(axes.getType()).getDimSize(0);
  int64_t outRank = insert ? rank + k : rank - k;
  if (outRank < 0)
    return ctx.fail("more axes than dims");
  // count[i]: how many axes name dim i of the `n` dims the axes index.
  int64_t n = insert ? outRank : rank;
  Value row = m.reshape(axes, {1, k});
  Value hit = OrOp::create(m.b, ctx.loc, m.i1({n, k}),
                           m.compare("eq", row, m.iota(n, {n, 1}), {n, k}),
                           m.compare("eq", row, m.iota(n, {n, 1}, n), {n, k}));
  Value count = m.reduce("sum", m.toI64(hit), 1);
  // Every axis in range and none repeated: the counts add up to k, none > 1.
  Value ok = AndOp::create(
      m.b, ctx.loc, m.i1({}),
      m.compare("eq", m.reduce("sum", count, 0), m.constant({}, {k}), {}),
      m.compare("le", m.reduce("max", count, 0), m.constant({}, {1}), {}));
  Value dims = m.b.createOrFold<ShapeOfOp>(ctx.loc, m.i64({rank}), x, 0, rank);
  Value dimsRow = m.reshape(dims, {1, rank});
  Value lower = m.strictlyLower(n);
  Value shape;
  if (insert) {
    // New dims are 1; output dim i otherwise reads input dim i - (new dims
    // before i).
    Value before = m.reduce("sum",
                            MulOp::create(m.b, ctx.loc, m.i64({n, n}), lower,
                                          m.reshape(count, {1, n})),
                            1);
    Value src = SubOp::create(m.b, ctx.loc, m.i64({n}), m.iota(n, {n}), before);
    Value readsDim = m.compare("eq", m.reshape(src, {n, 1}),
                               m.iota(rank, {1, rank}), {n, rank});
    Value copied = m.pickRows(readsDim, dimsRow, n, rank);
    Value isNew = m.compare("ne", count, m.constant({}, {0}), {n});
    shape = SelectOp::create(m.b, ctx.loc, m.i64({n}), isNew,
                             m.constant({}, {1}), copied);
  } else {
    // Kept dim i becomes output dim (kept dims before i).
    Value keep =
        SubOp::create(m.b, ctx.loc, m.i64({n}), m.constant({}, {1}), count);
    Value keepRow = m.reshape(keep, {1, n});
    Value pos = m.reduce(
        "sum", MulOp::create(m.b, ctx.loc, m.i64({n, n}), lower, keepRow), 1);
    Value lands =
        AndOp::create(m.b, ctx.loc, m.i1({outRank, n}),
                      m.compare("eq", m.reshape(pos, {1, n}),
                                m.iota(outRank, {outRank, 1}), {outRank, n}),
                      m.compare("eq", keepRow, m.constant({}, {1}), {1, n}));
    shape = m.pickRows(lands, dimsRow, outRank, n);
    // Squeezed dims have size 1.
    Value notOne = m.toI64(m.compare("ne", dims, m.constant({}, {1}), {n}));
    Value bad = m.reduce(
        "sum", MulOp::create(m.b, ctx.loc, m.i64({n}), count, notOne), 0);
    ok = AndOp::create(m.b, ctx.loc, m.i1({}), ok,
                       m.compare("eq", bad, m.constant({}, {0}), {}));
  }
  std::string rule = insert ? "the axes must name distinct dims of the " +
                                  std::to_string(outRank) + "-D result"
                            : "the axes must name distinct dims of size 1 of "
                              "the " +
                                  std::to_string(rank) + "-D input";
  AssertOp::create(m.b, ctx.loc, ok, m.b.getStringAttr(rule + " at run time"));
  auto resultType =
      RankedTensorType::get(SmallVector<int64_t>(outRank, ShapedType::kDynamic),
                            type.getElementType());
  return DynamicReshapeOp::create(m.b, ctx.loc, resultType, x, shape,
                                  /*allow_zero=*/true)
      .getResult();
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
