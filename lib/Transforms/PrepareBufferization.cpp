//===- PrepareBufferization.cpp - The blade-prepare-bufferization pass ----===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace blade {
#define GEN_PASS_DEF_BLADEPREPAREBUFFERIZATIONPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

/// Follows ops that bufferize to views of their source back to the value
/// that owns the storage.
Value getStorageRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::ReshapeOp, tensor::CastOp, tensor::CollapseShapeOp,
            tensor::ExpandShapeOp, tensor::ExtractSliceOp>(def))
      v = def->getOperand(0);
    else
      break;
  }
  return v;
}

/// True if `root` does not become a fresh allocation when bufferized.
bool needsCopy(Value root, const llvm::SmallPtrSetImpl<Value> &returned) {
  if (isa<BlockArgument>(root) || returned.contains(root))
    return true;
  return matchPattern(root, m_Constant());
}

Value copyToFreshTensor(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, v, i));
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType(), sizes);
  return linalg::CopyOp::create(b, loc, v, init).getResult(0);
}

struct BladePrepareBufferizationPass
    : blade::impl::BladePrepareBufferizationPassBase<
          BladePrepareBufferizationPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func.isPublic() || func.isExternal())
      return;
    OpBuilder b(func.getContext());
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (isa<TensorType>(func.getArgument(i).getType()))
        func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                        b.getBoolAttr(false));
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());

    func.walk([&](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> returned;
      b.setInsertionPoint(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        if (!isa<RankedTensorType>(operand.get().getType()))
          continue;
        Value root = getStorageRoot(operand.get());
        if (needsCopy(root, returned)) {
          Value copy = copyToFreshTensor(b, ret.getLoc(), operand.get());
          operand.set(copy);
          root = copy;
        }
        returned.insert(root);
      }
    });
  }
};

} // namespace
