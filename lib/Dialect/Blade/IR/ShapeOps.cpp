//===- ShapeOps.cpp - Constants and data movement -------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace blade;

LogicalResult TransposeOp::verify() {
  FailureOr<SmallVector<int64_t>> shape = inferTransposeShape(
      getOperand().getType().getShape(), getPermutation(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

LogicalResult ReshapeOp::verify() {
  return verifyReshapeShapes(getOperand().getType().getShape(),
                             getType().getShape(), getLoc());
}

void ReshapeOp::emitShapeChecks(ShapeCheckList &checks) {
  RankedTensorType from = getOperand().getType();
  RankedTensorType to = getType();
  if (from.hasStaticShape())
    return; // The verifier has checked it.
  OpBuilder &b = checks.builder();
  Location loc = getLoc();
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t i = 0; i < from.getRank(); ++i)
    count = arith::MulIOp::create(b, loc, count, checks.dim(getOperand(), i));
  int64_t known = 1;
  for (int64_t d : to.getShape())
    if (!ShapedType::isDynamic(d))
      known *= d;
  std::string message = ShapeCheckList::where(*this) + ": cannot reshape " +
                        shapeToString(from.getShape()) + " to " +
                        shapeToString(to.getShape()) +
                        ": the element count does not fit at run time";
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value knownValue = arith::ConstantIndexOp::create(b, loc, known);
  if (to.hasStaticShape()) {
    checks.requireEqual(loc, count, knownValue, message);
  } else if (known == 0) {
    checks.requireEqual(loc, count, zero, message);
  } else {
    Value rem = arith::RemUIOp::create(b, loc, count, knownValue);
    checks.requireEqual(loc, rem, zero, message);
  }
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  if (llvm::equal(getPermutation(),
                  llvm::seq<int64_t>(0, getPermutation().size())) &&
      getOperand().getType() == getType())
    return getOperand();
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand());
  if (!input || !getType().hasStaticShape())
    return {};
  if (input.isSplat())
    return input.resizeSplat(getType());
  // Gather the elements in result order as raw attributes; constants fed to
  // transposes are weights, visited once at compile time.
  ArrayRef<int64_t> inShape = input.getType().getShape();
  ArrayRef<int64_t> outShape = getType().getShape();
  ArrayRef<int64_t> perm = getPermutation();
  int64_t rank = outShape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * inShape[i + 1];
  SmallVector<Attribute> values(input.getValues<Attribute>());
  SmallVector<Attribute> result;
  result.reserve(values.size());
  SmallVector<int64_t> index(rank, 0);
  for (size_t n = 0; n < values.size(); ++n) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d)
      offset += index[d] * inStrides[perm[d]];
    result.push_back(values[offset]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(getType(), result);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // A result has at most one dynamic dim, so equal types mean equal shapes.
  if (getOperand().getType() == getType())
    return getOperand();
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand());
  if (input && getType().hasStaticShape())
    return input.reshape(getType());
  return {};
}
