//===- Matrix.cpp - ONNX Det ----------------------------------------------===//

#include "ConverterRegistry.h"
#include "ElementwiseBuilders.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

LogicalResult convertDet(NodeContext &ctx) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, kFloat)))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  if (rank < 2)
    return ctx.fail("the input must have rank 2 or more");
  int64_t rows = type.getDimSize(rank - 2), cols = type.getDimSize(rank - 1);
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(cols) &&
      rows != cols)
    return ctx.fail("the matrices must be square, got " +
                    shapeToString(type.getShape()));
  auto resultType = RankedTensorType::get(type.getShape().drop_back(2),
                                          type.getElementType());
  return ctx.setOutputs(
      {DetOp::create(ctx.builder, ctx.loc, resultType, *x).getResult()});
}

} // namespace

void registerMatrixConverters(ConverterRegistry &registry) {
  registry.add("Det", 11, convertDet);
}

} // namespace blade::onnx_import
