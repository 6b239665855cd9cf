//===- Shape.cpp - ONNX shape values, reshapes, Transpose, Constant -------===//
//
// Shape, Size, ConstantOfShape, Range, Reshape, Flatten, Squeeze, Unsqueeze,
// Expand, DepthToSpace, SpaceToDepth, Transpose, Identity and Constant.
// Shape arithmetic folds while importing (ops are built with createOrFold),
// so shape chains on static tensors become constants and plain reshapes.
//
//===----------------------------------------------------------------------===//

#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace blade::onnx_import {

FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis, int64_t rank) {
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
  if (llvm::count_if(shape, ShapedType::isDynamic) > 1) {
    // Only unit dims are added or removed: each dynamic result dim is the
    // matching dynamic operand dim.
    SmallVector<int64_t> from, to;
    for (auto [i, d] : llvm::enumerate(type.getShape()))
      if (d != 1)
        from.push_back(i);
    for (auto [i, d] : llvm::enumerate(shape))
      if (d != 1)
        to.push_back(i);
    bool matches = from.size() == to.size();
    for (size_t k = 0; matches && k < from.size(); ++k)
      matches = type.getDimSize(from[k]) == shape[to[k]];
    if (!matches)
      return ctx.fail("reshaping " + shapeToString(type.getShape()) + " to " +
                      shapeToString(shape) +
                      " needs the run-time sizes of its dynamic dims");
    SmallVector<Value> entries(shape.size());
    for (size_t k = 0; k < from.size(); ++k)
      if (ShapedType::isDynamic(shape[to[k]]))
        entries[to[k]] = buildDimEntry(ctx, v, from[k]);
    return buildReshapeFromEntries(ctx, v, shape, entries);
  }
  if (failed(verifyReshapeShapes(type.getShape(), shape, std::nullopt)))
    return ctx.fail("cannot reshape " + shapeToString(type.getShape()) +
                    " to " + shapeToString(shape));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return ctx.builder.createOrFold<ReshapeOp>(ctx.loc, resultType, v);
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
  auto type = cast<RankedTensorType>(x->getType());
  bool allowZero = ctx.intAttr("allowzero", 0) != 0;
  if (!target) {
    // A computed shape: the result dims known at compile time are kept, the
    // others (and 0/-1) are resolved at run time.
    SmallVector<std::optional<int64_t>> entries = traceShapeEntries(shapeInput);
    if (entries.empty()) {
      // A shape of run-time length: the declared output rank gives it.
      std::optional<int64_t> rank = ctx.declaredRank(0);
      if (!rank)
        return ctx.fail("the shape input must have a static length (or the "
                        "output a declared rank)");
      shapeInput = buildCheckedDim(ctx, shapeInput, 0, *rank);
      entries = traceShapeEntries(shapeInput);
    }
    // Entries that are dims of X itself or constants (PyTorch's
    // Shape -> Gather -> Concat chains) make a reshape whose dims follow
    // from X's: a plain blade.reshape when at most one is dynamic.
    SmallVector<std::pair<Value, int64_t>> sources =
        traceDimSources(shapeInput);
    SmallVector<int64_t> resolved;
    SmallVector<bool> used(type.getRank(), false);
    bool ok = !allowZero;
    int64_t inferIndex = -1;
    for (auto [i, e] : llvm::enumerate(entries)) {
      if (!ok)
        break;
      if (sources[i].first == *x && !used[sources[i].second]) {
        used[sources[i].second] = true;
        resolved.push_back(type.getDimSize(sources[i].second));
      } else if (e && *e == -1 && inferIndex < 0) {
        inferIndex = i;
        resolved.push_back(ShapedType::kDynamic);
      } else if (e && *e > 0) {
        resolved.push_back(*e);
      } else {
        ok = false;
      }
    }
    if (ok && inferIndex >= 0) {
      // -1 is the product of the unused dims of X over the other static
      // entries not copied from X.
      int64_t num = 1, den = 1;
      for (int64_t j = 0; j < type.getRank(); ++j)
        if (!used[j])
          num = type.isDynamicDim(j) || num == ShapedType::kDynamic
                    ? ShapedType::kDynamic
                    : num * type.getDimSize(j);
      for (auto [i, e] : llvm::enumerate(entries))
        if (static_cast<int64_t>(i) != inferIndex && !(sources[i].first == *x))
          den *= *e;
      if (num != ShapedType::kDynamic && den != 0 && num % den == 0)
        resolved[inferIndex] = num / den;
    }
    if (ok && llvm::count_if(resolved, ShapedType::isDynamic) <= 1) {
      FailureOr<Value> result = buildReshape(ctx, *x, resolved);
      if (failed(result))
        return failure();
      return ctx.setOutputs({*result});
    }
    SmallVector<int64_t> dims;
    for (auto [i, e] : llvm::enumerate(entries)) {
      if (e && *e == 0 && !allowZero)
        dims.push_back(i < (size_t)type.getRank() ? type.getDimSize(i)
                                                  : ShapedType::kDynamic);
      else if (e && *e >= 0)
        dims.push_back(*e);
      else
        dims.push_back(ShapedType::kDynamic);
    }
    auto resultType = RankedTensorType::get(dims, type.getElementType());
    auto op = DynamicReshapeOp::create(ctx.builder, ctx.loc, resultType, *x,
                                       shapeInput, allowZero);
    return ctx.setOutputs({op.getResult()});
  }
  FailureOr<SmallVector<int64_t>> shape =
      resolveReshape(ctx, type.getShape(), *target, allowZero);
  if (failed(shape))
    return failure();
  if (llvm::count_if(*shape, ShapedType::isDynamic) > 1 &&
      *shape != type.getShape()) {
    // E.g. [B, S, 768] -> [0, 0, 12, 64] with B and S dynamic: the constant
    // shape is resolved against the run-time dims.
    auto resultType = RankedTensorType::get(*shape, type.getElementType());
    return ctx.setOutputs(
        {DynamicReshapeOp::create(ctx.builder, ctx.loc, resultType, *x,
                                  shapeInput, allowZero)
             .getResult()});
  }
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
  // Dynamic halves take their run-time size from the product of their dims.
  auto entry = [&](int64_t from, int64_t to) {
    Value p;
    for (int64_t i = from; i < to; ++i) {
      Value d = buildDimEntry(ctx, *x, i);
      p = p ? buildEntryArith(ctx, p, d, false) : d;
    }
    return p ? p : buildI64Constant(ctx, {1});
  };
  SmallVector<int64_t> shape = {product(0, axis), product(axis, rank)};
  SmallVector<Value> entries(2);
  if (llvm::all_of(shape, ShapedType::isDynamic))
    entries = {entry(0, axis), entry(axis, rank)};
  FailureOr<Value> result = buildReshapeFromEntries(ctx, *x, shape, entries);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

LogicalResult convertShape(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  // Opset 15 added start/end: negative counts from the rank, then clamped.
  auto clampToRank = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampToRank(ctx.intAttr("start", 0));
  int64_t end = ctx.attr("end") ? clampToRank(*ctx.intAttr("end")) : rank;
  end = std::max(start, end);
  auto type = RankedTensorType::get({end - start}, ctx.builder.getI64Type());
  return ctx.setOutputs(
      {ctx.builder.createOrFold<ShapeOfOp>(ctx.loc, type, *x, start, end)});
}

LogicalResult convertSize(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = RankedTensorType::get({}, ctx.builder.getI64Type());
  return ctx.setOutputs({ctx.builder.createOrFold<SizeOp>(ctx.loc, type, *x)});
}

/// Result dims from a shape tensor: known entries are static.
FailureOr<SmallVector<int64_t>> dimsFromShapeTensor(NodeContext &ctx,
                                                    Value shape) {
  auto type = cast<RankedTensorType>(shape.getType());
  if (type.getRank() != 1 || !isa<IntegerType>(type.getElementType()))
    return ctx.fail("the shape input must be a 1-D integer tensor");
  SmallVector<std::optional<int64_t>> entries = traceShapeEntries(shape);
  if (entries.empty())
    return ctx.fail("the shape input must have a static length");
  SmallVector<int64_t> dims;
  for (std::optional<int64_t> e : entries) {
    if (e && *e < 0)
      return ctx.fail("shape entry " + Twine(*e) + " is negative");
    dims.push_back(e ? *e : ShapedType::kDynamic);
  }
  return dims;
}

LogicalResult convertConstantOfShape(NodeContext &ctx) {
  FailureOr<Value> shape = ctx.requiredInput(0);
  if (failed(shape))
    return failure();
  DenseElementsAttr value;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    std::string error;
    FailureOr<DenseElementsAttr> attr =
        convertTensorProto(ctx.builder.getContext(), a->t(), error);
    if (failed(attr))
      return ctx.fail(error);
    value = *attr;
    if (value.getNumElements() != 1)
      return ctx.fail("value must hold exactly one element");
    value = value.reshape(RankedTensorType::get({1}, value.getElementType()));
  } else {
    value = DenseElementsAttr::get(
        RankedTensorType::get({1}, ctx.builder.getF32Type()), 0.0f);
  }
  Value shapeValue = *shape;
  auto shapeType = cast<RankedTensorType>(shapeValue.getType());
  std::optional<int64_t> rank = ctx.declaredRank(0);
  if (shapeType.getRank() == 1 && shapeType.isDynamicDim(0) && rank)
    shapeValue = buildCheckedDim(ctx, shapeValue, 0, *rank);
  FailureOr<SmallVector<int64_t>> dims = dimsFromShapeTensor(ctx, shapeValue);
  if (failed(dims))
    return failure();
  auto type = RankedTensorType::get(*dims, value.getElementType());
  return ctx.setOutputs({ctx.builder.createOrFold<ConstantOfShapeOp>(
      ctx.loc, type, shapeValue, value)});
}

LogicalResult convertRange(NodeContext &ctx) {
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 3; ++i) {
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    auto type = cast<RankedTensorType>(v->getType());
    if (type.getNumElements() != 1 || !type.hasStaticShape())
      return ctx.fail("start, limit and delta must be scalars");
    if (type.getRank() != 0) {
      FailureOr<Value> scalar = buildReshape(ctx, *v, {});
      if (failed(scalar))
        return failure();
      v = *scalar;
    }
    operands.push_back(*v);
  }
  Type t = cast<RankedTensorType>(operands[0].getType()).getElementType();
  if (llvm::any_of(operands, [&](Value v) {
        return cast<RankedTensorType>(v.getType()).getElementType() != t;
      }))
    return ctx.fail("start, limit and delta must have one element type");
  // The length is static when all three are constants.
  int64_t n = ShapedType::kDynamic;
  SmallVector<DenseElementsAttr> values;
  for (Value v : operands) {
    DenseElementsAttr attr;
    if (matchPattern(v, m_Constant(&attr)))
      values.push_back(attr);
  }
  if (values.size() == 3) {
    double s, l, d;
    if (isa<FloatType>(t)) {
      s = values[0].getSplatValue<APFloat>().convertToDouble();
      l = values[1].getSplatValue<APFloat>().convertToDouble();
      d = values[2].getSplatValue<APFloat>().convertToDouble();
    } else {
      s = values[0].getSplatValue<APInt>().getSExtValue();
      l = values[1].getSplatValue<APInt>().getSExtValue();
      d = values[2].getSplatValue<APInt>().getSExtValue();
    }
    if (d == 0)
      return ctx.fail("delta is zero");
    n = std::max<int64_t>(static_cast<int64_t>(std::ceil((l - s) / d)), 0);
  }
  auto type = RankedTensorType::get({n}, t);
  return ctx.setOutputs({ctx.builder.createOrFold<RangeOp>(
      ctx.loc, type, operands[0], operands[1], operands[2])});
}

/// Squeeze/Unsqueeze axes: the `axes` attribute before opset 13, else the
/// optional constant input #1.
FailureOr<std::optional<SmallVector<int64_t>>> getAxes(NodeContext &ctx) {
  return getIntsAttrOrInput(ctx, "axes", 13, 1);
}

/// Squeeze/Unsqueeze whose axes input is computed: its length (static, or
/// from the declared output rank) gives the result rank, and the result
/// shape is computed at run time. Fails (std::nullopt) when the axes are
/// constant or absent, which the callers handle.
std::optional<LogicalResult> convertRuntimeAxes(NodeContext &ctx, bool insert) {
  Value axes = ctx.opset >= 13 ? ctx.input(1) : Value();
  if (!axes || getConstantInts(axes))
    return std::nullopt;
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto axesType = cast<RankedTensorType>(axes.getType());
  if (axesType.getRank() != 1 || !axesType.getElementType().isInteger(64))
    return ctx.fail("the axes input must be a 1-D int64 tensor");
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  std::optional<int64_t> outRank = ctx.declaredRank(0);
  if (axesType.isDynamicDim(0)) {
    int64_t k = outRank ? (insert ? *outRank - rank : rank - *outRank) : -1;
    if (k < 0)
      return ctx.fail("computed axes need a static length or a declared "
                      "output rank");
    axes = buildCheckedDim(ctx, axes, 0, k);
  }
  FailureOr<Value> result = buildRuntimeAxesReshape(ctx, *x, axes, insert);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

LogicalResult convertSqueeze(NodeContext &ctx) {
  if (std::optional<LogicalResult> done = convertRuntimeAxes(ctx, false))
    return *done;
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(ctx);
  if (failed(x) || failed(axes))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  SmallVector<bool> drop(rank, false);
  if (*axes) {
    for (int64_t a : **axes) {
      FailureOr<int64_t> axis = normalizeAxis(ctx, a, rank);
      if (failed(axis))
        return failure();
      if (!type.isDynamicDim(*axis) && type.getDimSize(*axis) != 1)
        return ctx.fail("cannot squeeze dim " + Twine(*axis) + " of size " +
                        Twine(type.getDimSize(*axis)));
      drop[*axis] = true;
    }
  } else {
    // Without axes every dim of size 1 goes; dynamic dims are kept.
    for (int64_t i = 0; i < rank; ++i)
      drop[i] = type.getDimSize(i) == 1;
  }
  SmallVector<int64_t> shape;
  SmallVector<Value> entries;
  for (int64_t i = 0; i < rank; ++i) {
    if (drop[i])
      continue;
    shape.push_back(type.getDimSize(i));
    entries.push_back(type.isDynamicDim(i) ? buildDimEntry(ctx, *x, i)
                                           : Value());
  }
  // A squeezed dynamic dim must be 1 at run time: a reshape by element count
  // (checked at run time) rather than a copy of dims.
  FailureOr<Value> result = buildReshapeFromEntries(ctx, *x, shape, entries);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

LogicalResult convertUnsqueeze(NodeContext &ctx) {
  if (std::optional<LogicalResult> done = convertRuntimeAxes(ctx, true))
    return *done;
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(ctx);
  if (failed(x) || failed(axes))
    return failure();
  if (!*axes)
    return ctx.fail("missing axes");
  auto type = cast<RankedTensorType>(x->getType());
  int64_t outRank = type.getRank() + (*axes)->size();
  SmallVector<bool> isNew(outRank, false);
  for (int64_t a : **axes) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, a, outRank);
    if (failed(axis))
      return failure();
    if (isNew[*axis])
      return ctx.fail("axis " + Twine(a) + " is repeated");
    isNew[*axis] = true;
  }
  SmallVector<int64_t> shape;
  SmallVector<Value> entries;
  for (int64_t i = 0, j = 0; i < outRank; ++i) {
    if (isNew[i]) {
      shape.push_back(1);
      entries.push_back(Value());
      continue;
    }
    shape.push_back(type.getDimSize(j));
    entries.push_back(type.isDynamicDim(j) ? buildDimEntry(ctx, *x, j)
                                           : Value());
    ++j;
  }
  FailureOr<Value> result = buildReshapeFromEntries(ctx, *x, shape, entries);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

LogicalResult convertExpand(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> shape = ctx.requiredInput(1);
  if (failed(x) || failed(shape))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  Value shapeValue = *shape;
  auto shapeType = cast<RankedTensorType>(shape->getType());
  std::optional<int64_t> declared = ctx.declaredRank(0);
  if (shapeType.getRank() == 1 && shapeType.isDynamicDim(0) && declared) {
    // A shape of run-time length: the declared output rank bounds it, and
    // a shorter one is padded with ones at run time.
    if (*declared < type.getRank())
      return ctx.fail("the declared output rank " + Twine(*declared) +
                      " is below the input's rank");
    if (shapeType.getElementType() != ctx.builder.getI64Type())
      return ctx.fail("the shape input must be int64");
    shapeValue = buildPaddedShape(ctx, shapeValue, *declared);
  }
  FailureOr<SmallVector<int64_t>> entries =
      dimsFromShapeTensor(ctx, shapeValue);
  if (failed(entries))
    return failure();
  int64_t rank = std::max<int64_t>(type.getRank(), entries->size());
  if (shapeType.getElementType() != ctx.builder.getI64Type())
    return ctx.fail("the shape input must be int64");
  if (static_cast<int64_t>(entries->size()) < rank) {
    // A shorter shape aligns at the trailing dim: pad it with ones.
    int64_t pad = rank - entries->size();
    auto paddedType = RankedTensorType::get({rank}, ctx.builder.getI64Type());
    shapeValue = ctx.builder.createOrFold<ConcatOp>(
        ctx.loc, paddedType,
        ValueRange{buildI64Constant(ctx, SmallVector<int64_t>(pad, 1)),
                   shapeValue},
        0);
    entries->insert(entries->begin(), pad, 1);
  }
  SmallVector<int64_t> dims;
  int64_t off = rank - type.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    int64_t e = (*entries)[i];
    int64_t a = i < off ? 1 : type.getDimSize(i - off);
    if (a == 1)
      dims.push_back(e);
    else if (!ShapedType::isDynamic(a)) {
      if (!ShapedType::isDynamic(e) && e != 1 && e != a)
        return ctx.fail("cannot expand " + shapeToString(type.getShape()) +
                        " to " + shapeToString(*entries));
      dims.push_back(a);
    } else
      dims.push_back(ShapedType::isDynamic(e) || e == 1 ? a : e);
  }
  auto resultType = RankedTensorType::get(dims, type.getElementType());
  if (resultType == type && type.hasStaticShape())
    return ctx.setOutputs({*x});
  return ctx.setOutputs(
      {ExpandOp::create(ctx.builder, ctx.loc, resultType, *x, shapeValue)
           .getResult()});
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth as reshape, transpose,
/// reshape.
LogicalResult convertDepthSpace(NodeContext &ctx, bool toSpace) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getRank() != 4)
    return ctx.fail("expects a 4-D input");
  std::optional<int64_t> blockAttr = ctx.intAttr("blocksize");
  if (!blockAttr || *blockAttr < 1)
    return ctx.fail("needs a positive blocksize");
  int64_t b = *blockAttr;
  const onnx::AttributeProto *mode = ctx.attr("mode");
  bool crd = toSpace && mode && mode->s() == "CRD";
  // Dims and their run-time entries: static sizes or derived values.
  struct Dim {
    int64_t size;
    Value entry;
  };
  auto dim = [&](int64_t i) {
    return Dim{type.getDimSize(i),
               type.isDynamicDim(i) ? buildDimEntry(ctx, *x, i) : Value()};
  };
  auto scale = [&](Dim d, int64_t by, bool divide) {
    if (!ShapedType::isDynamic(d.size)) {
      if (divide && d.size % by != 0)
        return Dim{-1, Value()};
      return Dim{divide ? d.size / by : d.size * by, Value()};
    }
    return Dim{
        ShapedType::kDynamic,
        buildEntryArith(ctx, d.entry, buildI64Constant(ctx, {by}), divide)};
  };
  auto reshape = [&](Value v, ArrayRef<Dim> dims) -> FailureOr<Value> {
    SmallVector<int64_t> shape;
    SmallVector<Value> entries;
    for (const Dim &d : dims) {
      shape.push_back(d.size);
      entries.push_back(d.entry);
    }
    return buildReshapeFromEntries(ctx, v, shape, entries);
  };
  Dim n = dim(0), c = dim(1), h = dim(2), w = dim(3);
  Dim bb = {b, Value()};
  SmallVector<Dim> split, merged;
  SmallVector<int64_t> perm;
  if (toSpace) {
    Dim cOut = scale(c, b * b, true);
    if (cOut.size == -1)
      return ctx.fail("channels are not divisible by blocksize^2");
    split = crd ? SmallVector<Dim>{n, cOut, bb, bb, h, w}
                : SmallVector<Dim>{n, bb, bb, cOut, h, w};
    perm = crd ? SmallVector<int64_t>{0, 1, 4, 2, 5, 3}
               : SmallVector<int64_t>{0, 3, 4, 1, 5, 2};
    merged = {n, cOut, scale(h, b, false), scale(w, b, false)};
  } else {
    Dim hOut = scale(h, b, true), wOut = scale(w, b, true);
    if (hOut.size == -1 || wOut.size == -1)
      return ctx.fail("height and width must be divisible by blocksize");
    split = {n, c, hOut, bb, wOut, bb};
    perm = {0, 3, 5, 1, 2, 4};
    merged = {n, scale(c, b * b, false), hOut, wOut};
  }
  FailureOr<Value> first = reshape(*x, split);
  if (failed(first))
    return failure();
  auto firstType = cast<RankedTensorType>(first->getType());
  FailureOr<SmallVector<int64_t>> tShape =
      inferTransposeShape(firstType.getShape(), perm);
  if (failed(tShape))
    return ctx.fail("internal: bad permutation");
  Value t = ctx.builder.createOrFold<TransposeOp>(
      ctx.loc, RankedTensorType::get(*tShape, type.getElementType()), *first,
      perm);
  FailureOr<Value> result = reshape(t, merged);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

LogicalResult convertDepthToSpace(NodeContext &ctx) {
  return convertDepthSpace(ctx, true);
}
LogicalResult convertSpaceToDepth(NodeContext &ctx) {
  return convertDepthSpace(ctx, false);
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
    value =
        DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()), *f);
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
  return ctx.setOutputs({ConstantOp::create(b, ctx.loc, value).getResult()});
}

} // namespace

void registerShapeConverters(ConverterRegistry &r) {
  // Reshape before opset 5 took the shape as an attribute; not supported.
  r.add("Reshape", 5, convertReshape);
  r.add("Flatten", 1, convertFlatten);
  r.add("Transpose", 1, convertTranspose);
  r.add("Identity", 1, convertIdentity);
  r.add("Constant", 1, convertConstant);
  r.add("Shape", 1, convertShape);
  r.add("Size", 1, convertSize);
  r.add("ConstantOfShape", 9, convertConstantOfShape);
  r.add("Range", 11, convertRange);
  r.add("Squeeze", 1, convertSqueeze);
  r.add("Unsqueeze", 1, convertUnsqueeze);
  r.add("Expand", 8, convertExpand);
  r.add("DepthToSpace", 1, convertDepthToSpace);
  r.add("SpaceToDepth", 1, convertSpaceToDepth);
}

} // namespace blade::onnx_import
