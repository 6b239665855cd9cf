//===- IndexingOps.cpp - Gather, scatter and one-hot blade ops ------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

#include <algorithm>

using namespace mlir;
using namespace blade;

static bool isValidReduction(StringRef r) {
  return r == "none" || r == "add" || r == "mul" || r == "max" || r == "min";
}

LogicalResult GatherOp::verify() {
  int64_t rank = getData().getType().getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return verifyInferredShape(inferGatherShape(getData().getType().getShape(),
                                              getIndices().getType().getShape(),
                                              axis),
                             getType(), getLoc());
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto data = dyn_cast_if_present<DenseElementsAttr>(adaptor.getData());
  auto indices =
      dyn_cast_if_present<DenseIntElementsAttr>(adaptor.getIndices());
  RankedTensorType dataType = getData().getType();
  if (!data || !indices || !getType().hasStaticShape() ||
      !dataType.hasStaticShape() || getType().getNumElements() > 4096)
    return {};
  int64_t axis = getAxis();
  ArrayRef<int64_t> shape = dataType.getShape();
  int64_t outer = 1, inner = 1, n = shape[axis];
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (int64_t i = axis + 1; i < dataType.getRank(); ++i)
    inner *= shape[i];
  if (n == 0)
    return {};
  SmallVector<int64_t> picks;
  for (const APInt &v : indices.getValues<APInt>()) {
    int64_t k = v.getSExtValue();
    if (k < 0)
      k += n;
    picks.push_back(std::clamp<int64_t>(k, 0, n - 1));
  }
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<Attribute> result;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : picks)
      for (int64_t i = 0; i < inner; ++i)
        result.push_back(values[(o * n + k) * inner + i]);
  return DenseElementsAttr::get(getType(), result);
}

LogicalResult GatherElementsOp::verify() {
  int64_t rank = getData().getType().getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  if (getIndices().getType().getRank() != rank)
    return emitOpError("data and indices must have the same rank");
  return verifyInferredShape(getIndices().getType().getShape(), getType(),
                             getLoc());
}

LogicalResult GatherNDOp::verify() {
  FailureOr<SmallVector<int64_t>> shape = inferGatherNDShape(
      getData().getType().getShape(), getIndices().getType().getShape(),
      getBatchDims(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

LogicalResult ScatterElementsOp::verify() {
  int64_t rank = getData().getType().getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  if (!isValidReduction(getReduction()))
    return emitOpError("unknown reduction '") << getReduction() << "'";
  if (getIndices().getType().getRank() != rank ||
      failed(verifyCompatibleShape(getIndices().getType(),
                                   getUpdates().getType())))
    return emitOpError("indices and updates must have the same shape and "
                       "the data's rank");
  if (getUpdates().getType().getElementType() != getType().getElementType())
    return emitOpError("updates must have the data's element type");
  return success();
}

LogicalResult ScatterNDOp::verify() {
  if (!isValidReduction(getReduction()))
    return emitOpError("unknown reduction '") << getReduction() << "'";
  ArrayRef<int64_t> data = getData().getType().getShape();
  ArrayRef<int64_t> indices = getIndices().getType().getShape();
  if (indices.empty() || ShapedType::isDynamic(indices.back()) ||
      indices.back() < 1 || indices.back() > static_cast<int64_t>(data.size()))
    return emitOpError("the last indices dim must be static and at most the "
                       "data's rank");
  SmallVector<int64_t> expected(indices.drop_back());
  llvm::append_range(expected, data.drop_front(indices.back()));
  if (getUpdates().getType().getElementType() != getType().getElementType())
    return emitOpError("updates must have the data's element type");
  return verifyInferredShape(expected, getUpdates().getType(), getLoc());
}

LogicalResult OneHotOp::verify() {
  int64_t rank = getIndices().getType().getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis > rank)
    return emitOpError("axis ") << axis << " is out of range";
  int64_t numValues = getValues().getType().getDimSize(0);
  if (!ShapedType::isDynamic(numValues) && numValues != 2)
    return emitOpError("values must hold [off, on]");
  if (getType().getRank() != rank + 1)
    return emitOpError("result must have one more dim than the indices");
  SmallVector<int64_t> expected(getIndices().getType().getShape());
  expected.insert(expected.begin() + axis, getType().getDimSize(axis));
  return verifyInferredShape(expected, getType(), getLoc());
}
