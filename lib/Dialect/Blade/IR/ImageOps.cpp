//===- ImageOps.cpp - Verifiers and shape checks of the image sampling ops ===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/ImageShapes.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace blade;

/// Static dims must agree; a dynamic one agrees with anything.
static bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Sets `error` to `message` and returns failure.
static FailureOr<SmallVector<int64_t>> shapeError(std::string &error,
                                                  const Twine &message) {
  error = message.str();
  return failure();
}

FailureOr<SmallVector<int64_t>>
blade::inferGridSampleShape(ArrayRef<int64_t> input, ArrayRef<int64_t> grid,
                            std::string &error) {
  if (input.size() != 4 || grid.size() != 4)
    return shapeError(error, "expects a 4-D input and a 4-D grid, got " +
                                 shapeToString(input) + " and " +
                                 shapeToString(grid));
  if (!dimsAgree(grid[3], 2))
    return shapeError(error, "the grid's last dim must be 2, got " +
                                 shapeToString(grid));
  if (!dimsAgree(input[0], grid[0]))
    return shapeError(error, "the input " + shapeToString(input) +
                                 " and the grid " + shapeToString(grid) +
                                 " differ in batch size");
  int64_t n = ShapedType::isDynamic(input[0]) ? grid[0] : input[0];
  return SmallVector<int64_t>{n, input[1], grid[1], grid[2]};
}

FailureOr<SmallVector<int64_t>>
blade::inferRoiAlignShape(ArrayRef<int64_t> input, ArrayRef<int64_t> rois,
                          ArrayRef<int64_t> batchIndices, int64_t outputHeight,
                          int64_t outputWidth, std::string &error) {
  if (input.size() != 4 || rois.size() != 2 || batchIndices.size() != 1)
    return shapeError(error, "expects a 4-D input, 2-D rois and 1-D batch "
                             "indices, got " +
                                 shapeToString(input) + ", " +
                                 shapeToString(rois) + " and " +
                                 shapeToString(batchIndices));
  if (!dimsAgree(rois[1], 4))
    return shapeError(error,
                      "rois must be [num_rois, 4], got " + shapeToString(rois));
  if (!dimsAgree(rois[0], batchIndices[0]))
    return shapeError(error, "rois " + shapeToString(rois) +
                                 " and batch indices " +
                                 shapeToString(batchIndices) +
                                 " differ in the number of regions");
  if (outputHeight < 1 || outputWidth < 1)
    return shapeError(error, "the output size must be positive, got " +
                                 Twine(outputHeight) + "x" +
                                 Twine(outputWidth));
  int64_t r = ShapedType::isDynamic(rois[0]) ? batchIndices[0] : rois[0];
  return SmallVector<int64_t>{r, input[1], outputHeight, outputWidth};
}

//===----------------------------------------------------------------------===//
// resize
//===----------------------------------------------------------------------===//

/// A 1-D operand of `length` values (when static).
static LogicalResult verifyVector(Operation *op, Value v, StringRef name,
                                  int64_t length) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() != 1 || !dimsAgree(type.getDimSize(0), length))
    return op->emitOpError()
           << "expects " << name << " to hold " << length << " values, got "
           << shapeToString(type.getShape());
  return success();
}

LogicalResult ResizeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  int64_t rank = in.getRank();
  if (out.getRank() != rank || out.getElementType() != in.getElementType())
    return emitOpError() << "the result must have the input's rank and "
                            "element type";
  if (static_cast<bool>(getScales()) == static_cast<bool>(getSizes()))
    return emitOpError() << "expects exactly one of scales and sizes";
  if (getScales() && failed(verifyVector(*this, getScales(), "scales", rank)))
    return failure();
  if (getSizes() && failed(verifyVector(*this, getSizes(), "sizes", rank)))
    return failure();
  StringRef kernel = getKernel(), coord = getCoordinateMode();
  if (kernel != "nearest" && kernel != "linear" && kernel != "cubic")
    return emitOpError() << "unknown kernel '" << kernel << "'";
  if (kernel != "nearest" && !isa<FloatType>(in.getElementType()))
    return emitOpError() << "the " << kernel
                         << " kernel needs a floating-point input";
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_half_pixel_for_nn",
                           "tf_crop_and_resize"},
                          coord))
    return emitOpError() << "unknown coordinate mode '" << coord << "'";
  if (!llvm::is_contained(
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
          getNearestMode()))
    return emitOpError() << "unknown nearest mode '" << getNearestMode() << "'";
  if ((coord == "tf_crop_and_resize") != static_cast<bool>(getRoi()))
    return emitOpError() << "expects a roi exactly with tf_crop_and_resize";
  if (getRoi() && failed(verifyVector(*this, getRoi(), "roi", 2 * rank)))
    return failure();
  return success();
}

void ResizeOp::emitShapeChecks(ShapeCheckList &checks) {
  int64_t rank = getInput().getType().getRank();
  auto requireLength = [&](Value v, StringRef name, int64_t length) {
    if (!v || !cast<RankedTensorType>(v.getType()).isDynamicDim(0))
      return;
    Value expected =
        arith::ConstantIndexOp::create(checks.builder(), getLoc(), length);
    checks.requireEqual(getLoc(), checks.dim(v, 0), expected,
                        ShapeCheckList::where(*this) + ": expects " +
                            name.str() + " to hold " + std::to_string(length) +
                            " values");
  };
  requireLength(getScales(), "scales", rank);
  requireLength(getSizes(), "sizes", rank);
  requireLength(getRoi(), "roi", 2 * rank);
}

/// Records that the dynamic dims `dims` of `v` (an image being sampled) are
/// not empty at run time.
static void requireNonEmpty(ShapeCheckList &checks, Operation *op, Value v,
                            ArrayRef<int64_t> dims) {
  auto type = cast<RankedTensorType>(v.getType());
  OpBuilder &b = checks.builder();
  for (int64_t d : dims) {
    if (!type.isDynamicDim(d))
      continue;
    Value one = arith::ConstantIndexOp::create(b, op->getLoc(), 1);
    checks.require(arith::CmpIOp::create(b, op->getLoc(),
                                         arith::CmpIPredicate::sge,
                                         checks.dim(v, d), one),
                   ShapeCheckList::where(op) + ": dim " + std::to_string(d) +
                       " of the input is empty at run time");
  }
}

/// Static dims `dims` of `type` must not be 0.
static LogicalResult verifyNonEmpty(Operation *op, RankedTensorType type,
                                    ArrayRef<int64_t> dims) {
  for (int64_t d : dims)
    if (type.getDimSize(d) == 0)
      return op->emitOpError() << "cannot sample the empty input "
                               << shapeToString(type.getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// grid_sample
//===----------------------------------------------------------------------===//

LogicalResult GridSampleOp::verify() {
  std::string error;
  FailureOr<SmallVector<int64_t>> shape = inferGridSampleShape(
      getInput().getType().getShape(), getGrid().getType().getShape(), error);
  if (failed(shape))
    return emitOpError() << error;
  if (failed(verifyInferredShape(*shape, getType(), getLoc())))
    return failure();
  if (getType().getElementType() != getInput().getType().getElementType())
    return emitOpError() << "the result must have the input's element type";
  if (failed(verifyNonEmpty(*this, getInput().getType(), {2, 3})))
    return failure();
  if (!llvm::is_contained({"bilinear", "nearest", "bicubic"}, getMode()))
    return emitOpError() << "unknown mode '" << getMode() << "'";
  if (!llvm::is_contained({"zeros", "border", "reflection"}, getPaddingMode()))
    return emitOpError() << "unknown padding mode '" << getPaddingMode() << "'";
  return success();
}

void GridSampleOp::emitShapeChecks(ShapeCheckList &checks) {
  Value x = getInput(), grid = getGrid();
  std::string where = ShapeCheckList::where(*this);
  if (getInput().getType().isDynamicDim(0) ||
      getGrid().getType().isDynamicDim(0))
    checks.requireEqual(getLoc(), checks.dim(x, 0), checks.dim(grid, 0),
                        where + ": the input and the grid differ in batch "
                                "size at run time");
  if (getGrid().getType().isDynamicDim(3))
    checks.requireEqual(
        getLoc(), checks.dim(grid, 3),
        arith::ConstantIndexOp::create(checks.builder(), getLoc(), 2),
        where + ": the grid's last dim must be 2");
  requireNonEmpty(checks, *this, x, {2, 3});
}

//===----------------------------------------------------------------------===//
// roi_align
//===----------------------------------------------------------------------===//

LogicalResult RoiAlignOp::verify() {
  RankedTensorType out = getType();
  if (out.getRank() != 4)
    return emitOpError() << "expects a 4-D result";
  std::string error;
  FailureOr<SmallVector<int64_t>> shape = inferRoiAlignShape(
      getInput().getType().getShape(), getRois().getType().getShape(),
      getBatchIndices().getType().getShape(),
      ShapedType::isDynamic(out.getDimSize(2)) ? 1 : out.getDimSize(2),
      ShapedType::isDynamic(out.getDimSize(3)) ? 1 : out.getDimSize(3), error);
  if (failed(shape))
    return emitOpError() << error;
  if (failed(verifyInferredShape(*shape, out, getLoc())))
    return failure();
  if (out.getElementType() != getInput().getType().getElementType())
    return emitOpError() << "the result must have the input's element type";
  if (failed(verifyNonEmpty(*this, getInput().getType(), {0, 2, 3})))
    return failure();
  if (getMode() != "avg" && getMode() != "max")
    return emitOpError() << "unknown mode '" << getMode() << "'";
  if (getSamplingRatio() < 0)
    return emitOpError() << "the sampling ratio must not be negative";
  return success();
}

void RoiAlignOp::emitShapeChecks(ShapeCheckList &checks) {
  Value rois = getRois(), idx = getBatchIndices();
  std::string where = ShapeCheckList::where(*this);
  if (getRois().getType().isDynamicDim(0) ||
      getBatchIndices().getType().isDynamicDim(0))
    checks.requireEqual(getLoc(), checks.dim(rois, 0), checks.dim(idx, 0),
                        where + ": rois and batch indices differ in the "
                                "number of regions at run time");
  if (getRois().getType().isDynamicDim(1))
    checks.requireEqual(
        getLoc(), checks.dim(rois, 1),
        arith::ConstantIndexOp::create(checks.builder(), getLoc(), 4),
        where + ": rois must be [num_rois, 4]");
  requireNonEmpty(checks, *this, getInput(), {0, 2, 3});
}
