//===- NN.cpp - ONNX convolution and pooling ------------------------------===//

#include "ConverterRegistry.h"

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
    for (int64_t i = 0; i < k; ++i) {
      int64_t in = xType.getDimSize(i + 2), kernel = wType.getDimSize(i + 2);
      if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
        return ctx.fail("output_shape needs static input and kernel sizes");
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
  if (Kind == 0 && ctx.node.output_size() > 1 && !ctx.node.output(1).empty())
    return ctx.fail("the Indices output is not supported");
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
  Value result = PoolOp::create(
      b, ctx.loc, resultType, *x, kKinds[Kind], *kernel, attrs->strides,
      attrs->dilations, attrs->pads, attrs->autoPad, ceilMode, countIncludePad,
      p);
  return ctx.setOutputs({result});
}

} // namespace

void registerNNConverters(ConverterRegistry &r) {
  r.add("Conv", 1, convertConv);
  r.add("ConvTranspose", 1, convertConvTranspose);
  r.add("MaxPool", 1, convertPool<0>);
  r.add("AveragePool", 1, convertPool<1>);
  r.add("LpPool", 1, convertPool<2>);
}

} // namespace blade::onnx_import
