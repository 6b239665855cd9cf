//===- BladeOps.cpp - blade dialect operations ----------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace blade;

#define GET_OP_CLASSES
#include "blade/Dialect/Blade/IR/BladeOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared verifiers
//===----------------------------------------------------------------------===//

static LogicalResult verifyBroadcastBinaryOp(Operation *op) {
  auto lhs = cast<ShapedType>(op->getOperand(0).getType());
  auto rhs = cast<ShapedType>(op->getOperand(1).getType());
  FailureOr<SmallVector<int64_t>> shape =
      inferBroadcastShape(lhs.getShape(), rhs.getShape(), op->getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, cast<ShapedType>(op->getResultTypes()[0]),
                             op->getLoc());
}

LogicalResult AddOp::verify() { return verifyBroadcastBinaryOp(*this); }
LogicalResult SubOp::verify() { return verifyBroadcastBinaryOp(*this); }
LogicalResult MulOp::verify() { return verifyBroadcastBinaryOp(*this); }
LogicalResult DivOp::verify() { return verifyBroadcastBinaryOp(*this); }

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis
                         << " is out of range for a rank-" << rank
                         << " operand";
  return success();
}

LogicalResult MatMulOp::verify() {
  FailureOr<SmallVector<int64_t>> shape =
      inferMatMulShape(getLhs().getType().getShape(),
                       getRhs().getType().getShape(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

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
