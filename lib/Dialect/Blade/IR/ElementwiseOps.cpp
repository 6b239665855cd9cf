//===- ElementwiseOps.cpp - Elementwise blade ops -------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;
using namespace blade;

//===----------------------------------------------------------------------===//
// Binary ops with numpy broadcasting
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

#define BLADE_BROADCAST_BINARY_OP(Op)                                          \
  LogicalResult Op::verify() { return verifyBroadcastBinaryOp(*this); }        \
  void Op::emitShapeChecks(ShapeCheckList &checks) {                           \
    checks.requireBroadcastable(*this, getLhs(), getRhs());                    \
  }
BLADE_BROADCAST_BINARY_OP(AddOp)
BLADE_BROADCAST_BINARY_OP(SubOp)
BLADE_BROADCAST_BINARY_OP(MulOp)
BLADE_BROADCAST_BINARY_OP(DivOp)
#undef BLADE_BROADCAST_BINARY_OP
