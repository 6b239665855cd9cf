//===- Selection.cpp - ONNX NonZero, Compress, Unique, NonMaxSuppression --===//

#include "ConverterRegistry.h"
#include "ElementwiseBuilders.h"
#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;

namespace blade::onnx_import {
namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

/// blade.nonzero of `x`: [rank, ?] int64.
FailureOr<Value> buildNonZero(NodeContext &ctx, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() == 0)
    return ctx.fail("expects an input of rank >= 1");
  if (!type.getElementType().isIntOrFloat())
    return ctx.fail("expects a numeric or bool input");
  auto resultType =
      RankedTensorType::get({type.getRank(), kDyn}, ctx.builder.getI64Type());
  return NonZeroOp::create(ctx.builder, ctx.loc, resultType, x).getResult();
}

LogicalResult convertNonZero(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<Value> result = buildNonZero(ctx, *x);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

/// Compress: the positions where the 1-D condition holds (NonZero), then a
/// gather along `axis`, or from the flattened input without one. Positions
/// past the end of a shorter condition are not selected.
LogicalResult convertCompress(NodeContext &ctx) {
  FailureOr<Value> input = ctx.requiredInput(0);
  FailureOr<Value> condition = ctx.requiredInput(1);
  if (failed(input) || failed(condition))
    return failure();
  auto condType = cast<RankedTensorType>(condition->getType());
  if (condType.getRank() != 1 || !condType.getElementType().isInteger(1))
    return ctx.fail("the condition must be a 1-D bool tensor");
  FailureOr<Value> positions = buildNonZero(ctx, *condition);
  if (failed(positions))
    return failure();
  FailureOr<Value> indices = buildReshape(ctx, *positions, {kDyn});
  if (failed(indices))
    return failure();
  Value data = *input;
  auto type = cast<RankedTensorType>(data.getType());
  int64_t axis = 0;
  if (std::optional<int64_t> a = ctx.intAttr("axis")) {
    FailureOr<int64_t> normalized = normalizeAxis(ctx, *a, type.getRank());
    if (failed(normalized))
      return failure();
    axis = *normalized;
  } else {
    int64_t count = type.hasStaticShape() ? type.getNumElements() : kDyn;
    FailureOr<Value> flat = buildReshape(ctx, data, {count});
    if (failed(flat))
      return failure();
    data = *flat;
    type = cast<RankedTensorType>(data.getType());
  }
  auto resultType = RankedTensorType::get(
      inferGatherShape(type.getShape(), {kDyn}, axis), type.getElementType());
  return ctx.setOutputs(
      {GatherOp::create(ctx.builder, ctx.loc, resultType, data, *indices, axis)
           .getResult()});
}

/// The product of dims [from, to) of `v` as a tensor<1xi64> entry.
Value dimProduct(NodeContext &ctx, Value v, int64_t from, int64_t to) {
  Value p;
  for (int64_t i = from; i < to; ++i) {
    Value d = buildDimEntry(ctx, v, i);
    p = p ? buildEntryArith(ctx, p, d, /*divide=*/false) : d;
  }
  return p ? p : buildI64Constant(ctx, {1});
}

int64_t staticProduct(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return kDyn;
    n *= d;
  }
  return n;
}

/// Unique: the slices along `axis` (the axis moved to the front, the rest
/// flattened) or the single elements become the rows of blade.unique.
LogicalResult convertUnique(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  Type elementType = type.getElementType();
  if (!elementType.isIntOrFloat())
    return ctx.fail("expects a numeric or bool input");
  int64_t rank = type.getRank();
  if (rank == 0)
    return ctx.fail("expects an input of rank >= 1");
  bool sorted = ctx.intAttr("sorted", 1) != 0;
  std::optional<int64_t> axisAttr = ctx.intAttr("axis");
  Value slices = *x;
  SmallVector<int64_t> perm;
  if (axisAttr) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, *axisAttr, rank);
    if (failed(axis))
      return failure();
    perm.push_back(*axis);
    for (int64_t i = 0; i < rank; ++i)
      if (i != *axis)
        perm.push_back(i);
    if (*axis != 0) {
      SmallVector<int64_t> shape;
      for (int64_t p : perm)
        shape.push_back(type.getDimSize(p));
      slices = TransposeOp::create(ctx.builder, ctx.loc,
                                   RankedTensorType::get(shape, elementType),
                                   *x, perm);
    }
  }
  auto sType = cast<RankedTensorType>(slices.getType());
  SmallVector<int64_t> matrixShape =
      axisAttr
          ? SmallVector<int64_t>{sType.getDimSize(0),
                                 staticProduct(sType.getShape().drop_front())}
          : SmallVector<int64_t>{staticProduct(sType.getShape()), 1};
  // Run-time sizes are only needed when both dims are dynamic.
  SmallVector<Value> entries(2);
  if (llvm::all_of(matrixShape, ShapedType::isDynamic))
    entries = {buildDimEntry(ctx, slices, 0), dimProduct(ctx, slices, 1, rank)};
  FailureOr<Value> matrix =
      buildReshapeFromEntries(ctx, slices, matrixShape, entries);
  if (failed(matrix))
    return failure();
  Type i64 = ctx.builder.getI64Type();
  auto vector = RankedTensorType::get({kDyn}, i64);
  auto op = UniqueOp::create(
      ctx.builder, ctx.loc,
      TypeRange{RankedTensorType::get({kDyn, matrixShape[1]}, elementType),
                vector, RankedTensorType::get({matrixShape[0]}, i64), vector},
      *matrix, sorted);
  Value y = op.getUnique();
  FailureOr<Value> shaped = failure();
  if (axisAttr) {
    // Back to the slices' shape, then the axis back into place.
    SmallVector<int64_t> shape = {kDyn};
    SmallVector<Value> yEntries = {buildDimEntry(ctx, y, 0)};
    for (int64_t i = 1; i < rank; ++i) {
      shape.push_back(sType.getDimSize(i));
      yEntries.push_back(sType.isDynamicDim(i) ? buildDimEntry(ctx, slices, i)
                                               : Value());
    }
    shaped = buildReshapeFromEntries(ctx, y, shape, yEntries);
    if (succeeded(shaped) && perm[0] != 0) {
      SmallVector<int64_t> inverse(rank), outShape(rank);
      for (int64_t i = 0; i < rank; ++i)
        inverse[perm[i]] = i;
      for (int64_t i = 0; i < rank; ++i)
        outShape[i] = shape[inverse[i]];
      shaped = TransposeOp::create(ctx.builder, ctx.loc,
                                   RankedTensorType::get(outShape, elementType),
                                   *shaped, inverse)
                   .getResult();
    }
  } else {
    shaped = buildReshape(ctx, y, {kDyn});
  }
  if (failed(shaped))
    return failure();
  return ctx.setOutputs(
      {*shaped, op.getIndices(), op.getInverseIndices(), op.getCounts()});
}

/// An optional scalar input (0-d or one element) as a 0-d tensor of
/// `elementType`, or the constant `dflt` when absent.
FailureOr<Value> scalarInput(NodeContext &ctx, unsigned i, Type elementType,
                             double dflt, StringRef name) {
  Value v = ctx.input(i);
  if (!v)
    return scalarConstant(ctx, elementType, dflt);
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() != elementType)
    return ctx.fail(name + " must be a " +
                    (isa<FloatType>(elementType) ? "float" : "int64") +
                    " tensor like the boxes");
  if (type.getRank() > 1 ||
      (type.getRank() == 1 && !type.isDynamicDim(0) && type.getDimSize(0) != 1))
    return ctx.fail(name + " must hold one value");
  return buildReshape(ctx, v, {});
}

LogicalResult convertNonMaxSuppression(NodeContext &ctx) {
  FailureOr<Value> boxes = ctx.requiredInput(0);
  FailureOr<Value> scores = ctx.requiredInput(1);
  if (failed(boxes) || failed(scores))
    return failure();
  auto bType = cast<RankedTensorType>(boxes->getType());
  auto sType = cast<RankedTensorType>(scores->getType());
  Type ft = bType.getElementType();
  if (!isa<FloatType>(ft) || sType.getElementType() != ft)
    return ctx.fail("expects float boxes and scores of one type");
  if (bType.getRank() != 3 || sType.getRank() != 3)
    return ctx.fail("expects boxes [batch, boxes, 4] and scores [batch, "
                    "classes, boxes]");
  if (failed(verifyCompatibleShape(
          bType.getShape(), {sType.getDimSize(0), sType.getDimSize(2), 4})))
    return ctx.fail("boxes " + shapeToString(bType.getShape()) +
                    " do not match scores " + shapeToString(sType.getShape()));
  int64_t center = ctx.intAttr("center_point_box", 0);
  if (center != 0 && center != 1)
    return ctx.fail("center_point_box must be 0 or 1");
  FailureOr<Value> maxOut = scalarInput(ctx, 2, ctx.builder.getI64Type(), 0,
                                        "max_output_boxes_per_class");
  FailureOr<Value> iou = scalarInput(ctx, 3, ft, 0, "iou_threshold");
  FailureOr<Value> score = scalarInput(
      ctx, 4, ft, -std::numeric_limits<double>::infinity(), "score_threshold");
  if (failed(maxOut) || failed(iou) || failed(score))
    return failure();
  auto resultType = RankedTensorType::get({kDyn, 3}, ctx.builder.getI64Type());
  return ctx.setOutputs(
      {NonMaxSuppressionOp::create(ctx.builder, ctx.loc, resultType, *boxes,
                                   *scores, *maxOut, *iou, *score, center != 0)
           .getResult()});
}

} // namespace

void registerSelectionConverters(ConverterRegistry &r) {
  r.add("NonZero", 9, convertNonZero);
  r.add("Compress", 9, convertCompress);
  r.add("Unique", 11, convertUnique);
  r.add("NonMaxSuppression", 10, convertNonMaxSuppression);
}

} // namespace blade::onnx_import
