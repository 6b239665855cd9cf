//===- ReverseSequence.cpp - ONNX ReverseSequence -------------------------===//
//
// ReverseSequence reads along the time axis through a computed index:
// out[b, t] = x[b, t < len[b] ? len[b] - 1 - t : t], a blade.gather_elements
// whose indices come from a range over the time dim and the lengths, both
// broadcast against each other and expanded to the input's shape.
//
//===----------------------------------------------------------------------===//

#include "ConverterRegistry.h"
#include "ElementwiseBuilders.h"
#include "ShapeHelpers.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// The 1-D `v` reshaped to rank `rank` with its length at `axis` and 1s
/// elsewhere; `length` is that length as a tensor<1xi64>.
FailureOr<Value> alongAxis(NodeContext &ctx, Value v, Value length,
                           int64_t axis, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = cast<RankedTensorType>(v.getType()).getDimSize(0);
  SmallVector<Value> entries(rank, Value());
  entries[axis] = length;
  return buildReshapeFromEntries(ctx, v, shape, entries);
}

LogicalResult convertReverseSequence(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> lens = ctx.requiredInput(1);
  if (failed(x) || failed(lens))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  auto lensType = cast<RankedTensorType>(lens->getType());
  int64_t rank = type.getRank();
  if (rank < 2)
    return ctx.fail("the input must have rank 2 or more");
  if (lensType.getRank() != 1 || !lensType.getElementType().isInteger(64))
    return ctx.fail("sequence_lens must be a 1-D int64 tensor");
  int64_t batchAxis = ctx.intAttr("batch_axis", 1);
  int64_t timeAxis = ctx.intAttr("time_axis", 0);
  if (!((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0)))
    return ctx.fail("batch_axis and time_axis must be 0 and 1");
  OpBuilder &b = ctx.builder;
  Type i64 = b.getI64Type();
  // t = 0 .. T - 1 along the time axis, len along the batch axis.
  FailureOr<Value> count =
      buildReshape(ctx, buildDimEntry(ctx, *x, timeAxis), {});
  if (failed(count))
    return failure();
  Value steps = b.createOrFold<RangeOp>(
      ctx.loc, RankedTensorType::get({type.getDimSize(timeAxis)}, i64),
      scalarConstant(ctx, i64, 0), *count, scalarConstant(ctx, i64, 1));
  FailureOr<Value> t =
      alongAxis(ctx, steps, buildDimEntry(ctx, *x, timeAxis), timeAxis, rank);
  FailureOr<Value> len =
      alongAxis(ctx, *lens, buildDimEntry(ctx, *lens, 0), batchAxis, rank);
  if (failed(t) || failed(len))
    return failure();
  FailureOr<Value> inside = buildCompare(ctx, "lt", *t, *len);
  FailureOr<Value> last =
      buildBinary<SubOp>(ctx, *len, scalarConstant(ctx, i64, 1));
  if (failed(inside) || failed(last))
    return failure();
  FailureOr<Value> reversed = buildBinary<SubOp>(ctx, *last, *t);
  if (failed(reversed))
    return failure();
  FailureOr<Value> index = buildSelect(ctx, *inside, *reversed, *t);
  if (failed(index))
    return failure();
  auto indexType = RankedTensorType::get(type.getShape(), i64);
  auto shapeType = RankedTensorType::get({rank}, i64);
  Value shape = b.createOrFold<ShapeOfOp>(ctx.loc, shapeType, *x, 0, rank);
  Value full = b.createOrFold<ExpandOp>(ctx.loc, indexType, *index, shape);
  return ctx.setOutputs(
      {GatherElementsOp::create(b, ctx.loc, type, *x, full, timeAxis)
           .getResult()});
}

} // namespace

void registerReverseSequenceConverters(ConverterRegistry &registry) {
  registry.add("ReverseSequence", 10, convertReverseSequence);
}

} // namespace blade::onnx_import
