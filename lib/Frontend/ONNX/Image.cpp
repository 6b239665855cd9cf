//===- Image.cpp - ONNX Resize, Upsample, GridSample, RoiAlign ------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/ImageShapes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// String attribute `name`, or `dflt`.
std::string stringAttr(const NodeContext &ctx, StringRef name, StringRef dflt) {
  const onnx::AttributeProto *a = ctx.attr(name);
  return a ? a->s() : dflt.str();
}

/// True for an input given as a tensor statically holding no values (how
/// opset 11 leaves out roi and scales).
bool isEmptyTensor(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return type.hasStaticShape() && type.getNumElements() == 0;
}

/// The values of a constant 1-D float tensor, if it is constant.
std::optional<SmallVector<double>> getConstantFloats(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<double> values;
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

/// What a Resize or Upsample node asks for, once its opset's defaults are
/// applied.
struct ResizeRequest {
  Value x, scales, sizes, roi;
  std::string mode, coordinateMode, nearestMode;
  float cubicCoeffA = -0.75f;
  bool excludeOutside = false;
  float extrapolationValue = 0.0f;
};

/// Output dims known at compile time: constant sizes, or constant scales of
/// static input dims (floor(in * scale), as ONNX computes it).
SmallVector<int64_t> inferResizeShape(const ResizeRequest &r) {
  auto type = cast<RankedTensorType>(r.x.getType());
  SmallVector<int64_t> shape(type.getRank(), ShapedType::kDynamic);
  if (r.sizes) {
    if (auto sizes = getConstantInts(r.sizes);
        sizes && sizes->size() == shape.size())
      shape.assign(sizes->begin(), sizes->end());
    return shape;
  }
  auto scales = getConstantFloats(r.scales);
  if (!scales || scales->size() != shape.size())
    return shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!type.isDynamicDim(i))
      shape[i] = static_cast<int64_t>(
          std::floor(static_cast<double>(type.getDimSize(i)) * (*scales)[i]));
  return shape;
}

LogicalResult buildResize(NodeContext &ctx, ResizeRequest &r) {
  auto type = cast<RankedTensorType>(r.x.getType());
  int64_t rank = type.getRank();
  if (r.mode == "bilinear" || r.mode == "trilinear")
    r.mode = "linear"; // Upsample-7 spellings.
  if (r.mode != "nearest" && r.mode != "linear" && r.mode != "cubic")
    return ctx.fail("unsupported mode '" + r.mode + "'");
  if (r.mode != "nearest" && !isa<FloatType>(type.getElementType()))
    return ctx.fail("the " + r.mode + " mode needs a floating-point input");
  if (!type.getElementType().isIntOrFloat())
    return ctx.fail("expects a numeric input");
  auto checkVector = [&](Value v, StringRef name, int64_t length,
                         bool isFloat) -> LogicalResult {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || (!t.isDynamicDim(0) && t.getDimSize(0) != length))
      return ctx.fail(name + " must hold " + Twine(length) + " values");
    if (isFloat != isa<FloatType>(t.getElementType()) ||
        (!isFloat && !t.getElementType().isInteger(64)))
      return ctx.fail(name + " must be " + (isFloat ? "float" : "int64"));
    return success();
  };
  if (r.sizes && isEmptyTensor(r.sizes))
    r.sizes = Value();
  if (r.sizes) {
    r.scales = Value();
    if (failed(checkVector(r.sizes, "sizes", rank, false)))
      return failure();
  } else if (!r.scales || isEmptyTensor(r.scales)) {
    return ctx.fail("expects scales or sizes");
  } else if (failed(checkVector(r.scales, "scales", rank, true))) {
    return failure();
  }
  if (r.coordinateMode != "tf_crop_and_resize") {
    r.roi = Value();
  } else if (!r.roi || isEmptyTensor(r.roi)) {
    return ctx.fail("tf_crop_and_resize needs a roi");
  } else if (failed(checkVector(r.roi, "roi", 2 * rank, true))) {
    return failure();
  }
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_half_pixel_for_nn",
                           "tf_crop_and_resize"},
                          r.coordinateMode))
    return ctx.fail("unsupported coordinate_transformation_mode '" +
                    r.coordinateMode + "'");
  if (!llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          r.nearestMode))
    return ctx.fail("unsupported nearest_mode '" + r.nearestMode + "'");

  OpBuilder &b = ctx.builder;
  auto resultType =
      RankedTensorType::get(inferResizeShape(r), type.getElementType());
  auto op = ResizeOp::create(
      b, ctx.loc, resultType, r.x, r.scales, r.sizes, r.roi,
      b.getStringAttr(r.mode), b.getStringAttr(r.coordinateMode),
      b.getStringAttr(r.nearestMode), b.getF32FloatAttr(r.cubicCoeffA),
      b.getBoolAttr(r.excludeOutside), b.getF32FloatAttr(r.extrapolationValue));
  return ctx.setOutputs({op.getResult()});
}

/// Resize-10 and Upsample: scales only, asymmetric coordinates, nearest
/// rounds down.
LogicalResult convertScalesOnlyResize(NodeContext &ctx, Value scales) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  ResizeRequest r;
  r.x = *x;
  r.scales = scales;
  r.mode = stringAttr(ctx, "mode", "nearest");
  r.coordinateMode = "asymmetric";
  r.nearestMode = "floor";
  return buildResize(ctx, r);
}

LogicalResult convertResize10(NodeContext &ctx) {
  FailureOr<Value> scales = ctx.requiredInput(1);
  if (failed(scales))
    return failure();
  return convertScalesOnlyResize(ctx, *scales);
}

LogicalResult convertUpsample7(NodeContext &ctx) {
  std::optional<SmallVector<float>> scales;
  if (const onnx::AttributeProto *a = ctx.attr("scales"))
    scales = SmallVector<float>(a->floats().begin(), a->floats().end());
  if (!scales)
    return ctx.fail("expects a scales attribute");
  auto type = RankedTensorType::get({static_cast<int64_t>(scales->size())},
                                    ctx.builder.getF32Type());
  Value constant = ConstantOp::create(
      ctx.builder, ctx.loc,
      DenseElementsAttr::get(type, ArrayRef<float>(*scales)));
  return convertScalesOnlyResize(ctx, constant);
}

LogicalResult convertResize(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  ResizeRequest r;
  r.x = *x;
  r.roi = ctx.input(1);
  r.scales = ctx.input(2);
  r.sizes = ctx.input(3);
  r.mode = stringAttr(ctx, "mode", "nearest");
  r.coordinateMode =
      stringAttr(ctx, "coordinate_transformation_mode", "half_pixel");
  r.nearestMode = stringAttr(ctx, "nearest_mode", "round_prefer_floor");
  r.cubicCoeffA = ctx.floatAttr("cubic_coeff_a", -0.75f);
  r.excludeOutside = ctx.intAttr("exclude_outside", 0) != 0;
  r.extrapolationValue = ctx.floatAttr("extrapolation_value", 0.0f);
  return buildResize(ctx, r);
}

LogicalResult convertGridSample(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> grid = ctx.requiredInput(1);
  if (failed(x) || failed(grid))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  auto gridType = cast<RankedTensorType>(grid->getType());
  if (!isa<FloatType>(xType.getElementType()) ||
      !isa<FloatType>(gridType.getElementType()))
    return ctx.fail("expects floating-point inputs");
  std::string mode = stringAttr(ctx, "mode", "bilinear");
  std::string padding = stringAttr(ctx, "padding_mode", "zeros");
  if (!llvm::is_contained({"bilinear", "nearest", "bicubic"}, mode))
    return ctx.fail("unsupported mode '" + mode + "'");
  if (!llvm::is_contained({"zeros", "border", "reflection"}, padding))
    return ctx.fail("unsupported padding_mode '" + padding + "'");
  std::string error;
  FailureOr<SmallVector<int64_t>> shape =
      inferGridSampleShape(xType.getShape(), gridType.getShape(), error);
  if (failed(shape))
    return ctx.fail(error);
  OpBuilder &b = ctx.builder;
  auto op = GridSampleOp::create(
      b, ctx.loc, RankedTensorType::get(*shape, xType.getElementType()), *x,
      *grid, b.getStringAttr(mode), b.getStringAttr(padding),
      b.getBoolAttr(ctx.intAttr("align_corners", 0) != 0));
  return ctx.setOutputs({op.getResult()});
}

LogicalResult convertRoiAlign(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> rois = ctx.requiredInput(1);
  FailureOr<Value> indices = ctx.requiredInput(2);
  if (failed(x) || failed(rois) || failed(indices))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  auto roisType = cast<RankedTensorType>(rois->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  if (!isa<FloatType>(xType.getElementType()) ||
      roisType.getElementType() != xType.getElementType())
    return ctx.fail("expects X and rois of one floating-point type");
  if (!isa<IntegerType>(indicesType.getElementType()))
    return ctx.fail("expects integer batch indices");
  std::string mode = stringAttr(ctx, "mode", "avg");
  if (mode != "avg" && mode != "max")
    return ctx.fail("unsupported mode '" + mode + "'");
  // Opset 10 has no coordinate_transformation_mode and behaves as
  // output_half_pixel; from opset 16 the default is half_pixel.
  std::string coord =
      stringAttr(ctx, "coordinate_transformation_mode",
                 ctx.opset >= 16 ? "half_pixel" : "output_half_pixel");
  if (coord != "half_pixel" && coord != "output_half_pixel")
    return ctx.fail("unsupported coordinate_transformation_mode '" + coord +
                    "'");
  int64_t ratio = ctx.intAttr("sampling_ratio", 0);
  if (ratio < 0)
    return ctx.fail("sampling_ratio must not be negative");
  std::string error;
  FailureOr<SmallVector<int64_t>> shape = inferRoiAlignShape(
      xType.getShape(), roisType.getShape(), indicesType.getShape(),
      ctx.intAttr("output_height", 1), ctx.intAttr("output_width", 1), error);
  if (failed(shape))
    return ctx.fail(error);
  OpBuilder &b = ctx.builder;
  auto op = RoiAlignOp::create(
      b, ctx.loc, RankedTensorType::get(*shape, xType.getElementType()), *x,
      *rois, *indices, b.getStringAttr(mode), b.getI64IntegerAttr(ratio),
      b.getF32FloatAttr(ctx.floatAttr("spatial_scale", 1.0f)),
      b.getBoolAttr(coord == "half_pixel"));
  return ctx.setOutputs({op.getResult()});
}

} // namespace

void registerImageConverters(ConverterRegistry &r) {
  r.add("Upsample", 7, 8, convertUpsample7);
  r.add("Upsample", 9, 9, convertResize10);
  r.add("Resize", 10, 10, convertResize10);
  r.add("Resize", 11, convertResize);
  r.add("GridSample", 16, convertGridSample);
  r.add("RoiAlign", 10, convertRoiAlign);
}

} // namespace blade::onnx_import
