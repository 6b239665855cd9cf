//===- Indexing.cpp - ONNX Concat, Split, Slice, Gather*, Scatter*, ... ---===//
//
// Concat, Split, Slice, Tile, Pad, Trilu, EyeLike, OneHot, Gather,
// GatherElements, GatherND, Scatter, ScatterElements and ScatterND. Gather
// and Slice of a `blade.shape_of` pick dims directly, so the dims that are
// static fold to constants even when others are dynamic.
//
//===----------------------------------------------------------------------===//

#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;

namespace blade::onnx_import {
namespace {

constexpr int64_t kMaxEnd = std::numeric_limits<int64_t>::max();

LogicalResult convertConcat(NodeContext &ctx) {
  SmallVector<Value> inputs;
  SmallVector<SmallVector<int64_t>> shapes;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
    shapes.emplace_back(cast<RankedTensorType>(v->getType()).getShape());
  }
  if (inputs.empty())
    return ctx.fail("needs at least one input");
  Type elementType =
      cast<RankedTensorType>(inputs[0].getType()).getElementType();
  for (Value v : inputs)
    if (cast<RankedTensorType>(v.getType()).getElementType() != elementType)
      return ctx.fail("input element types differ");
  std::optional<int64_t> axisAttr = ctx.intAttr("axis");
  if (!axisAttr)
    return ctx.fail("missing axis");
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, *axisAttr, static_cast<int64_t>(shapes[0].size()));
  if (failed(axis))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = inferConcatShape(shapes, *axis);
  if (failed(shape))
    return ctx.fail("inputs cannot be concatenated along axis " + Twine(*axis));
  auto type = RankedTensorType::get(*shape, elementType);
  return ctx.setOutputs(
      {ctx.builder.createOrFold<ConcatOp>(ctx.loc, type, inputs, *axis)});
}

/// Slice of dim `axis` of `x` (rank-wide bounds with defaults elsewhere).
FailureOr<Value> buildSlice(NodeContext &ctx, Value x, ArrayRef<int64_t> starts,
                            ArrayRef<int64_t> ends, ArrayRef<int64_t> steps) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    shape.push_back(
        inferSliceDim(type.getDimSize(i), starts[i], ends[i], steps[i]));
  // A unit-step slice of a shape_of picks its dims directly.
  if (auto shapeOf = x.getDefiningOp<ShapeOfOp>(); shapeOf && steps[0] == 1) {
    auto [s, e] = clampSliceBounds(type.getDimSize(0), starts[0], ends[0], 1);
    e = std::max(s, e);
    auto resultType = RankedTensorType::get({e - s}, type.getElementType());
    int64_t base = shapeOf.getStart();
    return ctx.builder.createOrFold<ShapeOfOp>(
        ctx.loc, resultType, shapeOf.getOperand(), base + s, base + e);
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return ctx.builder.createOrFold<SliceOp>(ctx.loc, resultType, x, starts, ends,
                                           steps);
}

/// Slice whose bounds are computed: a blade.dynamic_slice; dims whose
/// bounds are all known keep static sizes.
LogicalResult convertDynamicSlice(NodeContext &ctx, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  FailureOr<Value> starts = ctx.requiredInput(1);
  FailureOr<Value> ends = ctx.requiredInput(2);
  if (failed(starts) || failed(ends))
    return failure();
  auto boundsType = cast<RankedTensorType>(starts->getType());
  if (boundsType.getRank() != 1)
    return ctx.fail("slice bounds must be 1-D");
  int64_t n = boundsType.getDimSize(0);
  Value axes = ctx.input(3), steps = ctx.input(4);
  OpBuilder &b = ctx.builder;
  auto i64 = [&](int64_t v) {
    return ConstantOp::create(
        b, ctx.loc,
        DenseIntElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                  {v}));
  };
  if (!axes) {
    if (ShapedType::isDynamic(n)) {
      // 0 .. len(starts) at run time.
      auto scalar = RankedTensorType::get({}, b.getI64Type());
      Value count = SizeOp::create(b, ctx.loc, scalar, *starts);
      axes = RangeOp::create(b, ctx.loc, boundsType.clone(b.getI64Type()),
                             i64(0), count, i64(1));
    } else {
      axes = buildI64Constant(ctx, llvm::to_vector(llvm::seq<int64_t>(0, n)));
    }
  }
  if (!steps) {
    if (ShapedType::isDynamic(n)) {
      auto lengthType = RankedTensorType::get({1}, b.getI64Type());
      Value length = ShapeOfOp::create(b, ctx.loc, lengthType, *starts, 0, 1);
      steps = ConstantOfShapeOp::create(
          b, ctx.loc, boundsType.clone(b.getI64Type()), length,
          DenseIntElementsAttr::get(lengthType, {int64_t(1)}));
    } else {
      steps = buildI64Constant(ctx, SmallVector<int64_t>(n, 1));
    }
  }
  for (Value v : {*ends, axes, steps}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || (!ShapedType::isDynamic(n) && !t.isDynamicDim(0) &&
                             t.getDimSize(0) != n))
      return ctx.fail("starts, ends, axes and steps must have one length");
  }
  SmallVector<std::optional<int64_t>> s = traceShapeEntries(*starts),
                                      e = traceShapeEntries(*ends),
                                      a = traceShapeEntries(axes),
                                      st = traceShapeEntries(steps);
  SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
  // Static result dims need every trace to cover the n entries and known
  // axes; otherwise every dim may change.
  bool traced =
      !ShapedType::isDynamic(n) &&
      llvm::all_of(ArrayRef<size_t>{s.size(), e.size(), a.size(), st.size()},
                   [&](size_t len) { return (int64_t)len == n; });
  if (traced &&
      llvm::all_of(a, [](std::optional<int64_t> v) { return v.has_value(); })) {
    shape.assign(type.getShape().begin(), type.getShape().end());
    for (int64_t k = 0; k < n; ++k) {
      FailureOr<int64_t> axis = normalizeAxis(ctx, *a[k], rank);
      if (failed(axis))
        return failure();
      shape[*axis] =
          s[k] && e[k] && st[k] && *st[k] != 0
              ? inferSliceDim(type.getDimSize(*axis), *s[k], *e[k], *st[k])
              : ShapedType::kDynamic;
    }
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return ctx.setOutputs(
      {DynamicSliceOp::create(ctx.builder, ctx.loc, resultType, x, *starts,
                              *ends, axes, steps)
           .getResult()});
}

LogicalResult convertSlice(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (ctx.opset >= 10 &&
      llvm::any_of(ArrayRef<unsigned>{1, 2, 3, 4}, [&](unsigned i) {
        return ctx.input(i) && !getConstantInts(ctx.input(i));
      }))
    return convertDynamicSlice(ctx, *x);
  FailureOr<std::optional<SmallVector<int64_t>>> starts =
      getIntsAttrOrInput(ctx, "starts", 10, 1);
  FailureOr<std::optional<SmallVector<int64_t>>> ends =
      getIntsAttrOrInput(ctx, "ends", 10, 2);
  FailureOr<std::optional<SmallVector<int64_t>>> axes =
      getIntsAttrOrInput(ctx, "axes", 10, 3);
  FailureOr<std::optional<SmallVector<int64_t>>> steps =
      ctx.opset < 10 ? FailureOr<std::optional<SmallVector<int64_t>>>(
                           std::optional<SmallVector<int64_t>>())
                     : getIntsAttrOrInput(ctx, "steps", 10, 4);
  if (failed(starts) || failed(ends) || failed(axes) || failed(steps))
    return failure();
  if (!*starts || !*ends || (*starts)->size() != (*ends)->size())
    return ctx.fail("starts and ends must be given with equal lengths");
  size_t n = (*starts)->size();
  SmallVector<int64_t> axisList;
  if (*axes)
    axisList = **axes;
  else
    for (size_t i = 0; i < n; ++i)
      axisList.push_back(i);
  if (axisList.size() != n || (*steps && (*steps)->size() != n))
    return ctx.fail("axes and steps must match starts in length");
  SmallVector<int64_t> s(rank, 0), e(rank, kMaxEnd), st(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t k = 0; k < n; ++k) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, axisList[k], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return ctx.fail("axis " + Twine(*axis) + " is repeated");
    seen[*axis] = true;
    s[*axis] = (**starts)[k];
    e[*axis] = (**ends)[k];
    st[*axis] = *steps ? (**steps)[k] : 1;
    if (st[*axis] == 0)
      return ctx.fail("slice step is zero");
  }
  FailureOr<Value> result = buildSlice(ctx, *x, s, e, st);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

/// Split with sizes computed at run time: each part is a dynamic_slice
/// between running sums of the sizes.
LogicalResult convertComputedSplit(NodeContext &ctx, Value x, int64_t axis) {
  Value sizes = ctx.input(1);
  auto sizesType = cast<RankedTensorType>(sizes.getType());
  int64_t outputs = ctx.node.output_size();
  if (sizesType.getRank() != 1 ||
      (!sizesType.isDynamicDim(0) && sizesType.getDimSize(0) != outputs) ||
      !sizesType.getElementType().isInteger(64))
    return ctx.fail("split must be a 1-D int64 tensor with one entry per "
                    "output");
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = ShapedType::kDynamic;
  auto partType = RankedTensorType::get(shape, type.getElementType());
  auto entryType = RankedTensorType::get({1}, ctx.builder.getI64Type());
  Value axes = buildI64Constant(ctx, {axis});
  Value steps = buildI64Constant(ctx, {1});
  Value start = buildI64Constant(ctx, {0});
  SmallVector<Value> results;
  for (int64_t i = 0; i < outputs; ++i) {
    // A gather keeps the entry's static length even when the sizes' is not.
    Value size = ctx.builder.createOrFold<GatherOp>(
        ctx.loc, entryType, sizes, buildI64Constant(ctx, {i}), 0);
    Value end = AddOp::create(ctx.builder, ctx.loc, entryType, start, size);
    results.push_back(DynamicSliceOp::create(ctx.builder, ctx.loc, partType, x,
                                             start, end, axes, steps));
    start = end;
  }
  return ctx.setOutputs(results);
}

LogicalResult convertSplit(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = normalizeAxis(ctx, ctx.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  if (ctx.opset >= 13 && ctx.input(1) && !getConstantInts(ctx.input(1)))
    return convertComputedSplit(ctx, *x, *axis);
  FailureOr<std::optional<SmallVector<int64_t>>> split =
      getIntsAttrOrInput(ctx, "split", 13, 1);
  if (failed(split))
    return failure();
  int64_t outputs = ctx.node.output_size();
  int64_t d = type.getDimSize(*axis);
  SmallVector<int64_t> sizes;
  if (*split) {
    sizes = **split;
    if (static_cast<int64_t>(sizes.size()) != outputs)
      return ctx.fail("split has " + Twine(sizes.size()) + " entries for " +
                      Twine(outputs) + " outputs");
  } else if (ShapedType::isDynamic(d)) {
    // Equal parts of a run-time size: bounds computed at run time.
    if (outputs == 0)
      return ctx.fail("needs at least one output");
    Value chunk = buildEntryArith(ctx, buildDimEntry(ctx, *x, *axis),
                                  buildI64Constant(ctx, {outputs}), true);
    Value axes = buildI64Constant(ctx, {*axis});
    Value steps = buildI64Constant(ctx, {1});
    SmallVector<int64_t> shape(type.getShape());
    shape[*axis] = ShapedType::kDynamic;
    auto partType = RankedTensorType::get(shape, type.getElementType());
    SmallVector<Value> results;
    for (int64_t i = 0; i < outputs; ++i) {
      Value start =
          buildEntryArith(ctx, chunk, buildI64Constant(ctx, {i}), false);
      Value end =
          buildEntryArith(ctx, chunk, buildI64Constant(ctx, {i + 1}), false);
      results.push_back(DynamicSliceOp::create(ctx.builder, ctx.loc, partType,
                                               *x, start, end, axes, steps));
    }
    return ctx.setOutputs(results);
  } else {
    if (outputs == 0 || d % outputs != 0)
      return ctx.fail("dim " + Twine(d) + " cannot be split into " +
                      Twine(outputs) + " equal parts");
    sizes.assign(outputs, d / outputs);
  }
  int64_t total = 0;
  for (int64_t p : sizes) {
    if (p < 0)
      return ctx.fail("split sizes must not be negative");
    total += p;
  }
  if (!ShapedType::isDynamic(d) && total != d)
    return ctx.fail("split sizes add up to " + Twine(total) + ", not " +
                    Twine(d));
  SmallVector<Value> results;
  int64_t offset = 0;
  for (int64_t p : sizes) {
    SmallVector<int64_t> s(rank, 0), e(rank, kMaxEnd), st(rank, 1);
    s[*axis] = offset;
    e[*axis] = offset + p;
    offset += p;
    FailureOr<Value> part = buildSlice(ctx, *x, s, e, st);
    if (failed(part))
      return failure();
    results.push_back(*part);
  }
  return ctx.setOutputs(results);
}

LogicalResult convertTile(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> repeats = ctx.requiredInput(1);
  if (failed(x) || failed(repeats))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  SmallVector<std::optional<int64_t>> reps = traceShapeEntries(*repeats);
  if (reps.empty() && cast<RankedTensorType>(repeats->getType()).getRank() == 1)
    reps.assign(type.getRank(), std::nullopt); // length only known at run time
  if (static_cast<int64_t>(reps.size()) != type.getRank())
    return ctx.fail("repeats must be a 1-D tensor with one entry per dim");
  SmallVector<int64_t> shape;
  for (auto [d, r] : llvm::zip(type.getShape(), reps)) {
    if (r && *r < 0)
      return ctx.fail("repeats must not be negative");
    shape.push_back(ShapedType::isDynamic(d) || !r ? ShapedType::kDynamic
                                                   : d * *r);
  }
  if (llvm::all_of(reps, [](std::optional<int64_t> r) { return r && *r == 1; }))
    return ctx.setOutputs({*x});
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return ctx.setOutputs(
      {TileOp::create(ctx.builder, ctx.loc, resultType, *x, *repeats)
           .getResult()});
}

LogicalResult convertPad(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  std::string mode = "constant";
  if (const onnx::AttributeProto *a = ctx.attr("mode"))
    mode = a->s();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return ctx.fail("unknown mode '" + mode + "'");
  // Pads are an attribute before opset 11, else an input that may be
  // computed (then the padded dims are dynamic).
  Value padsValue;
  SmallVector<std::optional<int64_t>> pads;
  if (ctx.opset < 11) {
    std::optional<SmallVector<int64_t>> attr = ctx.intsAttr("pads");
    if (!attr)
      return ctx.fail("missing pads");
    padsValue = buildI64Constant(ctx, *attr);
  } else {
    FailureOr<Value> in = ctx.requiredInput(1);
    if (failed(in))
      return failure();
    padsValue = *in;
  }
  pads = traceShapeEntries(padsValue);
  auto padsType = cast<RankedTensorType>(padsValue.getType());
  if (pads.empty() && padsType.getRank() == 1)
    pads.assign(2 * rank, std::nullopt); // length only known at run time
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return ctx.fail("pads must be a 1-D tensor of 2 * rank entries");
  Type elementType = type.getElementType();
  auto scalarType = RankedTensorType::get({}, elementType);
  Value value;
  if (ctx.opset >= 11 && ctx.input(2)) {
    value = ctx.input(2);
    auto vType = cast<RankedTensorType>(value.getType());
    if (vType.getElementType() != elementType || vType.getNumElements() != 1)
      return ctx.fail("constant_value must be one element of the input type");
    if (vType.getRank() != 0) {
      FailureOr<Value> r = buildReshape(ctx, value, {});
      if (failed(r))
        return failure();
      value = *r;
    }
  } else {
    Attribute zero;
    float f = ctx.opset < 11 ? ctx.floatAttr("value", 0.0f) : 0.0f;
    if (auto ft = dyn_cast<FloatType>(elementType))
      zero = FloatAttr::get(ft, f);
    else if (auto it = dyn_cast<IntegerType>(elementType))
      zero = IntegerAttr::get(it, static_cast<int64_t>(f));
    else
      return ctx.fail("unsupported element type");
    value = ConstantOp::create(ctx.builder, ctx.loc,
                               DenseElementsAttr::get(scalarType, zero));
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = type.getDimSize(i);
    std::optional<int64_t> lo = pads[i], hi = pads[rank + i];
    if (ShapedType::isDynamic(d) || !lo || !hi) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (d + *lo + *hi < 0)
      return ctx.fail("pads crop more than dim " + Twine(i) + " holds");
    if (mode == "reflect" && (*lo >= d || *hi >= d))
      return ctx.fail("reflect pads must be smaller than the dim");
    shape.push_back(d + *lo + *hi);
  }
  if (llvm::all_of(pads, [](std::optional<int64_t> p) { return p && !*p; }))
    return ctx.setOutputs({*x});
  auto resultType = RankedTensorType::get(shape, elementType);
  return ctx.setOutputs({PadOp::create(ctx.builder, ctx.loc, resultType, *x,
                                       padsValue, value, mode)
                             .getResult()});
}

LogicalResult convertTrilu(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  if (cast<RankedTensorType>(x->getType()).getRank() < 2)
    return ctx.fail("expects an input of rank 2 or more");
  Value k = ctx.input(1);
  auto scalarType = RankedTensorType::get({}, ctx.builder.getI64Type());
  if (!k) {
    k = ConstantOp::create(ctx.builder, ctx.loc,
                           DenseIntElementsAttr::get(scalarType, {int64_t(0)}));
  } else {
    auto kType = cast<RankedTensorType>(k.getType());
    if (kType.getElementType() != ctx.builder.getI64Type() ||
        kType.getNumElements() != 1)
      return ctx.fail("k must be an int64 scalar");
    if (kType.getRank() != 0) {
      FailureOr<Value> r = buildReshape(ctx, k, {});
      if (failed(r))
        return failure();
      k = *r;
    }
  }
  bool upper = ctx.intAttr("upper", 1) != 0;
  return ctx.setOutputs(
      {TriluOp::create(ctx.builder, ctx.loc, x->getType(), *x, k, upper)
           .getResult()});
}

LogicalResult convertEyeLike(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getRank() != 2)
    return ctx.fail("expects a 2-D input");
  Type elementType = type.getElementType();
  if (std::optional<int64_t> dtype = ctx.intAttr("dtype")) {
    elementType = convertElementType(ctx.builder.getContext(), *dtype);
    if (!elementType)
      return ctx.fail("unsupported dtype " + onnxTypeName(*dtype));
  }
  auto resultType = RankedTensorType::get(type.getShape(), elementType);
  return ctx.setOutputs({EyeLikeOp::create(ctx.builder, ctx.loc, resultType, *x,
                                           ctx.intAttr("k", 0))
                             .getResult()});
}

/// Checks that `indices` is an int32/int64 tensor.
LogicalResult checkIndices(NodeContext &ctx, Value indices) {
  Type t = cast<RankedTensorType>(indices.getType()).getElementType();
  if (!t.isInteger(32) && !t.isInteger(64))
    return ctx.fail("indices must be int32 or int64");
  return success();
}

LogicalResult convertGather(NodeContext &ctx) {
  FailureOr<Value> data = ctx.requiredInput(0);
  FailureOr<Value> indices = ctx.requiredInput(1);
  if (failed(data) || failed(indices) || failed(checkIndices(ctx, *indices)))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", 0), dataType.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape =
      inferGatherShape(dataType.getShape(), indicesType.getShape(), *axis);
  auto type = RankedTensorType::get(shape, dataType.getElementType());
  // Constant indices into a shape_of pick the dims themselves.
  std::optional<SmallVector<int64_t>> picks = getConstantInts(*indices);
  auto shapeOf = data->getDefiningOp<ShapeOfOp>();
  if (shapeOf && picks && dataType.hasStaticShape()) {
    int64_t n = dataType.getDimSize(0);
    SmallVector<Value> dims;
    for (int64_t k : *picks) {
      if (k < -n || k >= n)
        return ctx.fail("index " + Twine(k) + " is out of range for " +
                        Twine(n) + " dims");
      dims.push_back(buildDimEntry(ctx, shapeOf.getOperand(),
                                   shapeOf.getStart() + (k < 0 ? k + n : k)));
    }
    auto flatType = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                          ctx.builder.getI64Type());
    Value flat =
        dims.size() == 1
            ? dims[0]
            : ctx.builder.createOrFold<ConcatOp>(ctx.loc, flatType, dims, 0);
    FailureOr<Value> result = buildReshape(ctx, flat, shape);
    if (failed(result))
      return failure();
    return ctx.setOutputs({*result});
  }
  return ctx.setOutputs({ctx.builder.createOrFold<GatherOp>(
      ctx.loc, type, *data, *indices, *axis)});
}

LogicalResult convertGatherElements(NodeContext &ctx) {
  FailureOr<Value> data = ctx.requiredInput(0);
  FailureOr<Value> indices = ctx.requiredInput(1);
  if (failed(data) || failed(indices) || failed(checkIndices(ctx, *indices)))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  if (dataType.getRank() != indicesType.getRank())
    return ctx.fail("data and indices must have the same rank");
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", 0), dataType.getRank());
  if (failed(axis))
    return failure();
  auto type =
      RankedTensorType::get(indicesType.getShape(), dataType.getElementType());
  return ctx.setOutputs({GatherElementsOp::create(ctx.builder, ctx.loc, type,
                                                  *data, *indices, *axis)
                             .getResult()});
}

LogicalResult convertGatherND(NodeContext &ctx) {
  FailureOr<Value> data = ctx.requiredInput(0);
  FailureOr<Value> indices = ctx.requiredInput(1);
  if (failed(data) || failed(indices) || failed(checkIndices(ctx, *indices)))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  int64_t batchDims = ctx.intAttr("batch_dims", 0);
  auto indicesType = cast<RankedTensorType>(indices->getType());
  int64_t q = indicesType.getRank(), r = dataType.getRank();
  std::optional<int64_t> outRank = ctx.declaredRank(0);
  if (q > 0 && indicesType.isDynamicDim(q - 1) && outRank) {
    // The output rank q - 1 + r - batch_dims - k gives the tuple length k.
    int64_t k = q - 1 + r - batchDims - *outRank;
    if (k >= 1 && k <= r - batchDims)
      *indices = buildCheckedDim(ctx, *indices, q - 1, k);
  }
  FailureOr<SmallVector<int64_t>> shape = inferGatherNDShape(
      dataType.getShape(),
      cast<RankedTensorType>(indices->getType()).getShape(), batchDims);
  if (failed(shape))
    return ctx.fail("indices do not fit the data (the last indices dim must "
                    "be static and batch_dims smaller than both ranks)");
  auto type = RankedTensorType::get(*shape, dataType.getElementType());
  return ctx.setOutputs({GatherNDOp::create(ctx.builder, ctx.loc, type, *data,
                                            *indices, batchDims)
                             .getResult()});
}

FailureOr<std::string> getReduction(NodeContext &ctx) {
  std::string reduction = "none";
  if (const onnx::AttributeProto *a = ctx.attr("reduction"))
    reduction = a->s();
  if (reduction != "none" && reduction != "add" && reduction != "mul" &&
      reduction != "max" && reduction != "min")
    return ctx.fail("unknown reduction '" + reduction + "'");
  return reduction;
}

LogicalResult convertScatterElements(NodeContext &ctx) {
  FailureOr<Value> data = ctx.requiredInput(0);
  FailureOr<Value> indices = ctx.requiredInput(1);
  FailureOr<Value> updates = ctx.requiredInput(2);
  FailureOr<std::string> reduction = getReduction(ctx);
  if (failed(data) || failed(indices) || failed(updates) || failed(reduction) ||
      failed(checkIndices(ctx, *indices)))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  auto updatesType = cast<RankedTensorType>(updates->getType());
  if (indicesType.getRank() != dataType.getRank() ||
      failed(verifyCompatibleShape(indicesType, updatesType)) ||
      updatesType.getElementType() != dataType.getElementType())
    return ctx.fail("indices and updates must share a shape of the data's "
                    "rank, and updates the data's element type");
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", 0), dataType.getRank());
  if (failed(axis))
    return failure();
  return ctx.setOutputs(
      {ScatterElementsOp::create(ctx.builder, ctx.loc, dataType, *data,
                                 *indices, *updates, *axis, *reduction)
           .getResult()});
}

LogicalResult convertScatterND(NodeContext &ctx) {
  FailureOr<Value> data = ctx.requiredInput(0);
  FailureOr<Value> indices = ctx.requiredInput(1);
  FailureOr<Value> updates = ctx.requiredInput(2);
  FailureOr<std::string> reduction = getReduction(ctx);
  if (failed(data) || failed(indices) || failed(updates) || failed(reduction) ||
      failed(checkIndices(ctx, *indices)))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto updatesType = cast<RankedTensorType>(updates->getType());
  int64_t q = cast<RankedTensorType>(indices->getType()).getRank();
  if (q > 0) {
    // The updates' rank q - 1 + r - k gives the tuple length k.
    int64_t k = q - 1 + dataType.getRank() - updatesType.getRank();
    if (k >= 1 && k <= dataType.getRank())
      *indices = buildCheckedDim(ctx, *indices, q - 1, k);
  }
  ArrayRef<int64_t> idx = cast<RankedTensorType>(indices->getType()).getShape();
  if (idx.empty() || ShapedType::isDynamic(idx.back()) || idx.back() < 1 ||
      idx.back() > dataType.getRank())
    return ctx.fail("the last indices dim must be static and at most the "
                    "data's rank");
  SmallVector<int64_t> expected(idx.drop_back());
  llvm::append_range(expected, dataType.getShape().drop_front(idx.back()));
  if (updatesType.getRank() != static_cast<int64_t>(expected.size()) ||
      failed(verifyCompatibleShape(expected, updatesType.getShape())) ||
      updatesType.getElementType() != dataType.getElementType())
    return ctx.fail("updates must have shape " + shapeToString(expected) +
                    " and the data's element type");
  return ctx.setOutputs(
      {ScatterNDOp::create(ctx.builder, ctx.loc, dataType, *data, *indices,
                           *updates, *reduction)
           .getResult()});
}

LogicalResult convertOneHot(NodeContext &ctx) {
  FailureOr<Value> indices = ctx.requiredInput(0);
  FailureOr<Value> depth = ctx.requiredInput(1);
  FailureOr<Value> values = ctx.requiredInput(2);
  if (failed(indices) || failed(depth) || failed(values))
    return failure();
  auto indicesType = cast<RankedTensorType>(indices->getType());
  auto valuesType = cast<RankedTensorType>(values->getType());
  if (valuesType.getRank() != 1 ||
      (!valuesType.isDynamicDim(0) && valuesType.getDimSize(0) != 2))
    return ctx.fail("values must be a 2-element 1-D tensor");
  auto depthType = cast<RankedTensorType>(depth->getType());
  if (depthType.getNumElements() != 1 || !depthType.hasStaticShape())
    return ctx.fail("depth must be a scalar");
  Value d = *depth;
  if (depthType.getRank() != 0) {
    FailureOr<Value> r = buildReshape(ctx, d, {});
    if (failed(r))
      return failure();
    d = *r;
  }
  int64_t rank = indicesType.getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", -1), rank + 1);
  if (failed(axis))
    return failure();
  int64_t size = ShapedType::kDynamic;
  DenseElementsAttr attr;
  if (matchPattern(d, m_Constant(&attr))) {
    if (isa<FloatType>(attr.getElementType()))
      size =
          static_cast<int64_t>(attr.getSplatValue<APFloat>().convertToDouble());
    else
      size = attr.getSplatValue<APInt>().getSExtValue();
    if (size < 1)
      return ctx.fail("depth must be positive");
  }
  SmallVector<int64_t> shape(indicesType.getShape());
  shape.insert(shape.begin() + *axis, size);
  auto type = RankedTensorType::get(shape, valuesType.getElementType());
  return ctx.setOutputs(
      {OneHotOp::create(ctx.builder, ctx.loc, type, *indices, d, *values, *axis)
           .getResult()});
}

} // namespace

void registerIndexingConverters(ConverterRegistry &r) {
  r.add("Concat", 4, convertConcat);
  r.add("Slice", 1, convertSlice);
  r.add("Split", 2, convertSplit);
  r.add("Tile", 6, convertTile);
  r.add("Pad", 2, convertPad);
  r.add("Trilu", 14, convertTrilu);
  r.add("EyeLike", 9, convertEyeLike);
  r.add("Gather", 1, convertGather);
  r.add("GatherElements", 11, convertGatherElements);
  r.add("GatherND", 11, convertGatherND);
  r.add("Scatter", 9, 10, convertScatterElements);
  r.add("ScatterElements", 11, convertScatterElements);
  r.add("ScatterND", 11, convertScatterND);
  r.add("OneHot", 9, convertOneHot);
}

} // namespace blade::onnx_import
