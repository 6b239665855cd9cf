//===- NN.cpp - ONNX convolution and pooling ------------------------------===//

#include "ConverterRegistry.h"
#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "blade/Dialect/Blade/IR/WindowShapes.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// Window attributes of Conv and the pools, with ONNX defaults filled in.
struct WindowAttrs {
  SmallVector<int64_t> strides, dilations, pads;
  std::string autoPad;
  AutoPad mode = AutoPad::NotSet;
};

FailureOr<WindowAttrs> readWindowAttrs(NodeContext &ctx, int64_t k) {
  WindowAttrs w;
  w.strides = ctx.intsAttr("strides").value_or(SmallVector<int64_t>(k, 1));
  w.dilations = ctx.intsAttr("dilations").value_or(SmallVector<int64_t>(k, 1));
  w.pads = ctx.intsAttr("pads").value_or(SmallVector<int64_t>(2 * k, 0));
  const onnx::AttributeProto *autoPad = ctx.attr("auto_pad");
  w.autoPad = autoPad ? autoPad->s() : "NOTSET";
  std::optional<AutoPad> mode = parseAutoPad(w.autoPad);
  if (!mode)
    return ctx.fail("unknown auto_pad '" + w.autoPad + "'");
  w.mode = *mode;
  if (w.autoPad.empty())
    w.autoPad = "NOTSET";
  if (static_cast<int64_t>(w.strides.size()) != k ||
      static_cast<int64_t>(w.dilations.size()) != k ||
      static_cast<int64_t>(w.pads.size()) != 2 * k)
    return ctx.fail("strides, dilations and pads must have " + Twine(k) +
                    ", " + Twine(k) + " and " + Twine(2 * k) + " entries");
  for (int64_t i = 0; i < k; ++i)
    if (w.strides[i] < 1 || w.dilations[i] < 1 || w.pads[i] < 0 ||
        w.pads[k + i] < 0)
      return ctx.fail("strides and dilations must be positive and pads "
                      "non-negative");
  return w;
}

/// [N, channels, output spatial sizes...], failing if a static input is
/// smaller than the window.
FailureOr<SmallVector<int64_t>>
windowResultShape(NodeContext &ctx, RankedTensorType input, int64_t channels,
                  ArrayRef<int64_t> kernel, const WindowAttrs &w,
                  bool ceilMode) {
  int64_t k = kernel.size();
  SmallVector<int64_t> shape = {input.getDimSize(0), channels};
  for (int64_t i = 0; i < k; ++i) {
    if (ShapedType::isDynamic(kernel[i])) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    WindowDim dim{kernel[i], w.strides[i], w.dilations[i], w.pads[i],
                  w.pads[k + i]};
    int64_t out =
        windowOutputSize(input.getDimSize(i + 2), dim, w.mode, ceilMode);
    if (!ShapedType::isDynamic(out) && out < 1)
      return ctx.fail("spatial dim " + Twine(i) + " of input " +
                      shapeToString(input.getShape()) +
                      " is smaller than the window");
    shape.push_back(out);
  }
  return shape;
}

/// X and W of Conv and ConvTranspose: one floating-point type, X of rank
/// >= 3 and W of the same rank.
FailureOr<std::pair<Value, Value>> convOperands(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> w = ctx.requiredInput(1);
  if (failed(x) || failed(w))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  auto wType = cast<RankedTensorType>(w->getType());
  if (xType.getRank() < 3 || wType.getRank() != xType.getRank())
    return ctx.fail("expects X of rank >= 3 and W of the same rank, got " +
                    shapeToString(xType.getShape()) + " and " +
                    shapeToString(wType.getShape()));
  if (!isa<FloatType>(xType.getElementType()) ||
      xType.getElementType() != wType.getElementType())
    return ctx.fail("expects X and W of one floating-point type");
  return std::make_pair(*x, *w);
}

} // namespace

FailureOr<Value> buildConv(NodeContext &ctx, Value x, Value w, Value bias) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t rank = xType.getRank();
  int64_t k = rank - 2;
  SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
  if (std::optional<SmallVector<int64_t>> ks = ctx.intsAttr("kernel_shape")) {
    if (static_cast<int64_t>(ks->size()) != k)
      return ctx.fail("kernel_shape must have " + Twine(k) + " entries");
    for (int64_t i = 0; i < k; ++i) {
      if (!ShapedType::isDynamic(kernel[i]) && kernel[i] != (*ks)[i])
        return ctx.fail("kernel_shape does not match W's shape " +
                        shapeToString(wType.getShape()));
      kernel[i] = (*ks)[i];
    }
  }
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, k);
  if (failed(attrs))
    return failure();
  int64_t group = ctx.intAttr("group", 1);
  int64_t c = xType.getDimSize(1), cg = wType.getDimSize(1);
  int64_t m = wType.getDimSize(0);
  if (group < 1)
    return ctx.fail("group must be positive");
  if (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(cg) &&
      c != cg * group)
    return ctx.fail("X has " + Twine(c) + " channels but W expects " +
                    Twine(cg) + " x group " + Twine(group));
  if (group > 1 &&
      (ShapedType::isDynamic(m) || ShapedType::isDynamic(cg) || m % group != 0))
    return ctx.fail("a grouped convolution needs static channel counts "
                    "divisible by group");
  if (bias) {
    auto bType = cast<RankedTensorType>(bias.getType());
    if (bType.getRank() != 1 ||
        bType.getElementType() != xType.getElementType())
      return ctx.fail("B must be a 1-D tensor of X's element type");
  }
  FailureOr<SmallVector<int64_t>> shape =
      windowResultShape(ctx, xType, m, kernel, *attrs, /*ceilMode=*/false);
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder;
  auto resultType = RankedTensorType::get(*shape, xType.getElementType());
  return ConvOp::create(b, ctx.loc, resultType, x, w, bias, attrs->strides,
                        attrs->dilations, attrs->pads, attrs->autoPad, group)
      .getResult();
}

namespace {

LogicalResult convertConv(NodeContext &ctx) {
  FailureOr<std::pair<Value, Value>> operands = convOperands(ctx);
  if (failed(operands))
    return failure();
  FailureOr<Value> result =
      buildConv(ctx, operands->first, operands->second, ctx.input(2));
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

/// ConvTranspose with output_shape and input or kernel sizes only known at
/// run time: the full output (no pads) is cropped or zero-extended to the
/// requested spatial sizes by a blade.pad whose amounts follow ONNX's rule
/// (total = full + output_padding - requested, split by auto_pad), then the
/// bias is added.
LogicalResult convertConvTransposeToShape(NodeContext &ctx, Value x, Value w,
                                          const WindowAttrs &attrs,
                                          ArrayRef<int64_t> outputPadding,
                                          ArrayRef<int64_t> spatial,
                                          int64_t group) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t k = xType.getRank() - 2;
  OpBuilder &b = ctx.builder;
  int64_t m = ShapedType::isDynamic(wType.getDimSize(1))
                  ? ShapedType::kDynamic
                  : wType.getDimSize(1) * group;
  SmallVector<int64_t> fullShape = {xType.getDimSize(0), m};
  fullShape.append(k, ShapedType::kDynamic);
  Value full = ConvTransposeOp::create(
      b, ctx.loc, RankedTensorType::get(fullShape, xType.getElementType()), x,
      w, Value(), attrs.strides, attrs.dilations,
      SmallVector<int64_t>(2 * k, 0), SmallVector<int64_t>(k, 0), "NOTSET",
      group);
  auto entry = RankedTensorType::get({1}, b.getI64Type());
  SmallVector<Value> before(2, buildI64Constant(ctx, {0}));
  SmallVector<Value> after(2, buildI64Constant(ctx, {0}));
  for (int64_t i = 0; i < k; ++i) {
    Value size = buildDimEntry(ctx, full, i + 2);
    Value total = b.createOrFold<SubOp>(
        ctx.loc, entry, size,
        buildI64Constant(ctx, {spatial[i] - outputPadding[i]}));
    total = b.createOrFold<MaxOp>(ctx.loc, entry, total,
                                  buildI64Constant(ctx, {0}));
    Value half = b.createOrFold<DivOp>(ctx.loc, entry, total,
                                       buildI64Constant(ctx, {2}));
    Value begin = attrs.mode == AutoPad::SameUpper
                      ? half
                      : b.createOrFold<SubOp>(ctx.loc, entry, total, half);
    before.push_back(b.createOrFold<NegOp>(ctx.loc, begin));
    // After the crop of `begin`, `spatial - (size - begin)` more entries.
    Value left = b.createOrFold<SubOp>(ctx.loc, entry, size, begin);
    after.push_back(b.createOrFold<SubOp>(
        ctx.loc, entry, buildI64Constant(ctx, {spatial[i]}), left));
  }
  llvm::append_range(before, after);
  Value pads = b.createOrFold<ConcatOp>(
      ctx.loc, RankedTensorType::get({2 * (k + 2)}, b.getI64Type()), before, 0);
  SmallVector<int64_t> shape = {xType.getDimSize(0), m};
  llvm::append_range(shape, spatial);
  auto type = RankedTensorType::get(shape, xType.getElementType());
  Value zero = ConstantOp::create(
      b, ctx.loc,
      DenseElementsAttr::get(RankedTensorType::get({}, type.getElementType()),
                             b.getZeroAttr(type.getElementType())));
  Value result =
      PadOp::create(b, ctx.loc, type, full, pads, zero, "constant").getResult();
  if (Value bias = ctx.input(2)) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1)
      return ctx.fail("B must be 1-D");
    SmallVector<int64_t> biasShape(k + 2, 1);
    biasShape[1] = biasType.getDimSize(0);
    FailureOr<Value> reshaped = buildReshape(ctx, bias, biasShape);
    if (failed(reshaped))
      return failure();
    result = AddOp::create(b, ctx.loc, type, result, *reshaped);
  }
  return ctx.setOutputs({result});
}

/// ConvTranspose; an explicit output_shape turns into pads (static inputs).
LogicalResult convertConvTranspose(NodeContext &ctx) {
  FailureOr<std::pair<Value, Value>> operands = convOperands(ctx);
  if (failed(operands))
    return failure();
  auto [x, w] = *operands;
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t rank = xType.getRank();
  int64_t k = rank - 2;
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, k);
  if (failed(attrs))
    return failure();
  SmallVector<int64_t> outputPadding =
      ctx.intsAttr("output_padding").value_or(SmallVector<int64_t>(k, 0));
  if (static_cast<int64_t>(outputPadding.size()) != k)
    return ctx.fail("output_padding must have " + Twine(k) + " entries");
  int64_t group = ctx.intAttr("group", 1);
  int64_t c = xType.getDimSize(1), wc = wType.getDimSize(0);
  if (group < 1)
    return ctx.fail("group must be positive");
  if (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(wc) && c != wc)
    return ctx.fail("X has " + Twine(c) + " channels but W has " + Twine(wc));
  if (group > 1 && (ShapedType::isDynamic(wc) || wc % group != 0))
    return ctx.fail("a grouped ConvTranspose needs static weight channels "
                    "divisible by group");
  if (std::optional<SmallVector<int64_t>> outShape =
          ctx.intsAttr("output_shape")) {
    // The last k entries are the spatial output sizes.
    if (static_cast<int64_t>(outShape->size()) < k)
      return ctx.fail("output_shape must have at least " + Twine(k) +
                      " entries");
    ArrayRef<int64_t> spatial = ArrayRef<int64_t>(*outShape).take_back(k);
    if (llvm::any_of(spatial, [](int64_t d) { return d < 1; }))
      return ctx.fail("output_shape entries must be positive");
    for (int64_t i = 0; i < k; ++i)
      if (xType.isDynamicDim(i + 2) || wType.isDynamicDim(i + 2))
        return convertConvTransposeToShape(ctx, x, w, *attrs, outputPadding,
                                           spatial, group);
    for (int64_t i = 0; i < k; ++i) {
      int64_t in = xType.getDimSize(i + 2), kernel = wType.getDimSize(i + 2);
      WindowDim dim{kernel, attrs->strides[i], attrs->dilations[i], 0, 0};
      int64_t total = attrs->strides[i] * (in - 1) + outputPadding[i] +
                      dim.extent() - spatial[i];
      if (total < 0) {
        // A larger output than the input covers: extra zeros at the end.
        outputPadding[i] -= total;
        total = 0;
      }
      bool upper = attrs->mode == AutoPad::SameUpper;
      attrs->pads[i] = upper ? total / 2 : total - total / 2;
      attrs->pads[k + i] = total - attrs->pads[i];
    }
    attrs->autoPad = "NOTSET";
    attrs->mode = AutoPad::NotSet;
  }
  Value bias = ctx.input(2);
  int64_t m = ShapedType::isDynamic(wType.getDimSize(1))
                  ? ShapedType::kDynamic
                  : wType.getDimSize(1) * group;
  SmallVector<int64_t> shape = {xType.getDimSize(0), m};
  for (int64_t i = 0; i < k; ++i) {
    int64_t kernel = wType.getDimSize(i + 2);
    WindowDim dim{kernel, attrs->strides[i], attrs->dilations[i],
                  attrs->pads[i], attrs->pads[k + i]};
    shape.push_back(ShapedType::isDynamic(kernel)
                        ? ShapedType::kDynamic
                        : transposedWindowOutputSize(xType.getDimSize(i + 2),
                                                     dim, outputPadding[i],
                                                     attrs->mode));
    if (!ShapedType::isDynamic(shape.back()) && shape.back() < 1)
      return ctx.fail("the output would be empty in spatial dim " + Twine(i));
  }
  auto resultType = RankedTensorType::get(shape, xType.getElementType());
  Value result = ConvTransposeOp::create(
      ctx.builder, ctx.loc, resultType, x, w, bias, attrs->strides,
      attrs->dilations, attrs->pads, outputPadding, attrs->autoPad, group);
  return ctx.setOutputs({result});
}

/// MaxPool, AveragePool and LpPool.
template <int Kind>
LogicalResult convertPool(NodeContext &ctx) {
  static constexpr const char *kKinds[] = {"max", "avg", "lp"};
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  int64_t rank = xType.getRank();
  if (rank < 3)
    return ctx.fail("expects X of rank >= 3, got " +
                    shapeToString(xType.getShape()));
  if (Kind != 0 && !isa<FloatType>(xType.getElementType()))
    return ctx.fail("expects a floating-point X");
  bool wantIndices =
      Kind == 0 && ctx.node.output_size() > 1 && !ctx.node.output(1).empty();
  int64_t storageOrder = ctx.intAttr("storage_order", 0);
  if (storageOrder != 0 && storageOrder != 1)
    return ctx.fail("storage_order must be 0 or 1");
  int64_t k = rank - 2;
  std::optional<SmallVector<int64_t>> kernel = ctx.intsAttr("kernel_shape");
  if (!kernel || static_cast<int64_t>(kernel->size()) != k)
    return ctx.fail("kernel_shape must have " + Twine(k) + " entries");
  for (int64_t s : *kernel)
    if (s < 1)
      return ctx.fail("kernel_shape entries must be positive");
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, k);
  if (failed(attrs))
    return failure();
  bool ceilMode = ctx.intAttr("ceil_mode", 0) != 0;
  bool countIncludePad = ctx.intAttr("count_include_pad", 0) != 0;
  int64_t p = ctx.intAttr("p", 2);
  if (Kind == 2 && p < 1)
    return ctx.fail("p must be positive");
  FailureOr<SmallVector<int64_t>> shape = windowResultShape(
      ctx, xType, xType.getDimSize(1), *kernel, *attrs, ceilMode);
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder;
  auto resultType = RankedTensorType::get(*shape, xType.getElementType());
  Type indicesType =
      wantIndices ? RankedTensorType::get(*shape, b.getI64Type()) : Type();
  auto pool = PoolOp::create(b, ctx.loc, resultType, indicesType, *x,
                             kKinds[Kind], *kernel, attrs->strides,
                             attrs->dilations, attrs->pads, attrs->autoPad,
                             ceilMode, countIncludePad, p, storageOrder);
  return ctx.setOutputs({pool.getResult(), pool.getIndices()});
}

/// A reshape of `v` to `shape` (static dims, `?` where dynamic), whose
/// dynamic dims come from the 1-D i64 `shapeValue` at run time.
FailureOr<Value> reshapeWithShape(NodeContext &ctx, Value v,
                                  ArrayRef<int64_t> shape, Value shapeValue) {
  if (llvm::count_if(shape, ShapedType::isDynamic) <= 1)
    return buildReshape(ctx, v, shape);
  auto type = cast<RankedTensorType>(v.getType());
  return DynamicReshapeOp::create(ctx.builder, ctx.loc, type.clone(shape), v,
                                  shapeValue, /*allow_zero=*/true)
      .getResult();
}

/// MaxUnpool: zeros of the size a max pool with these attributes inverts,
/// flattened, X scattered at the flat Indices, reshaped back; an explicit
/// output_shape then pads the end of each dim with zeros (the indices keep
/// their coordinates, as in the ONNX reference).
LogicalResult convertMaxUnpool(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> indices = ctx.requiredInput(1);
  if (failed(x) || failed(indices))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  auto iType = cast<RankedTensorType>(indices->getType());
  int64_t rank = xType.getRank(), k = rank - 2;
  if (rank < 3 || iType.getRank() != rank ||
      !iType.getElementType().isSignlessInteger(64))
    return ctx.fail("expects X of rank >= 3 and int64 I of the same rank");
  std::optional<SmallVector<int64_t>> kernel = ctx.intsAttr("kernel_shape");
  if (!kernel || static_cast<int64_t>(kernel->size()) != k)
    return ctx.fail("kernel_shape must have " + Twine(k) + " entries");
  FailureOr<WindowAttrs> attrs = readWindowAttrs(ctx, k);
  if (failed(attrs))
    return failure();
  Value outputShape = ctx.input(2);
  if (outputShape) {
    auto sType = cast<RankedTensorType>(outputShape.getType());
    // A dynamic length is checked at run time by the subtraction below.
    if (sType.getRank() != 1 ||
        (!sType.isDynamicDim(0) && sType.getDimSize(0) != rank) ||
        !sType.getElementType().isSignlessInteger(64))
      return ctx.fail("output_shape must be an int64 tensor of " + Twine(rank) +
                      " entries");
  }
  OpBuilder &b = ctx.builder;
  auto entryType = RankedTensorType::get({1}, b.getI64Type());
  auto shapeType = RankedTensorType::get({rank}, b.getI64Type());
  // Each spatial dim: (in - 1) * stride + kernel - pads.
  SmallVector<Value> entries = {buildDimEntry(ctx, *x, 0),
                                buildDimEntry(ctx, *x, 1)};
  SmallVector<int64_t> shape = {xType.getDimSize(0), xType.getDimSize(1)};
  for (int64_t i = 0; i < k; ++i) {
    int64_t stride = attrs->strides[i];
    int64_t extra = (*kernel)[i] - stride - attrs->pads[i] - attrs->pads[k + i];
    int64_t in = xType.getDimSize(i + 2);
    shape.push_back(ShapedType::isDynamic(in) ? ShapedType::kDynamic
                                              : in * stride + extra);
    if (!ShapedType::isDynamic(shape.back()) && shape.back() < 1)
      return ctx.fail("the output would be empty in spatial dim " + Twine(i));
    Value scaled = buildEntryArith(ctx, buildDimEntry(ctx, *x, i + 2),
                                   buildI64Constant(ctx, {stride}), false);
    entries.push_back(b.createOrFold<AddOp>(ctx.loc, entryType, scaled,
                                            buildI64Constant(ctx, {extra})));
  }
  Value shapeValue = b.createOrFold<ConcatOp>(ctx.loc, shapeType, entries, 0);
  Type element = xType.getElementType();
  auto scalarType = RankedTensorType::get({}, element);
  Value zeros = ConstantOfShapeOp::create(
      b, ctx.loc, RankedTensorType::get(shape, element), shapeValue,
      DenseElementsAttr::get(RankedTensorType::get({1}, element),
                             b.getZeroAttr(element)));
  Value minusOne = buildI64Constant(ctx, {-1});
  FailureOr<Value> flat =
      reshapeWithShape(ctx, zeros, {ShapedType::kDynamic}, minusOne);
  int64_t count =
      xType.hasStaticShape() ? xType.getNumElements() : ShapedType::kDynamic;
  FailureOr<Value> flatIndices = reshapeWithShape(
      ctx, *indices, {count, 1}, buildI64Constant(ctx, {-1, 1}));
  FailureOr<Value> updates = reshapeWithShape(ctx, *x, {count}, minusOne);
  if (failed(flat) || failed(flatIndices) || failed(updates))
    return failure();
  Value scattered = ScatterNDOp::create(b, ctx.loc, flat->getType(), *flat,
                                        *flatIndices, *updates, "none");
  FailureOr<Value> result = reshapeWithShape(ctx, scattered, shape, shapeValue);
  if (failed(result) || !outputShape)
    return failed(result) ? failure() : ctx.setOutputs({*result});

  // Pad the end of each dim up to output_shape.
  SmallVector<int64_t> padded(rank, ShapedType::kDynamic);
  for (auto [i, e] : llvm::enumerate(traceShapeEntries(outputShape)))
    if (e && *e >= 0)
      padded[i] = *e;
  Value grow =
      b.createOrFold<SubOp>(ctx.loc, shapeType, outputShape, shapeValue);
  auto padsType = RankedTensorType::get({2 * rank}, b.getI64Type());
  Value pads = b.createOrFold<ConcatOp>(
      ctx.loc, padsType,
      ValueRange{buildI64Constant(ctx, SmallVector<int64_t>(rank, 0)), grow},
      0);
  Value zero = ConstantOp::create(
      b, ctx.loc, DenseElementsAttr::get(scalarType, b.getZeroAttr(element)));
  return ctx.setOutputs(
      {PadOp::create(b, ctx.loc, RankedTensorType::get(padded, element),
                     *result, pads, zero, "constant")
           .getResult()});
}

} // namespace

void registerNNConverters(ConverterRegistry &r) {
  r.add("Conv", 1, convertConv);
  r.add("ConvTranspose", 1, convertConvTranspose);
  r.add("MaxPool", 1, convertPool<0>);
  r.add("AveragePool", 1, convertPool<1>);
  r.add("LpPool", 1, convertPool<2>);
  r.add("MaxUnpool", 9, convertMaxUnpool);
}

} // namespace blade::onnx_import
