//===- StridedCopyToLinalg.cpp - The blade-strided-copy-to-linalg pass ----===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace blade {
#define GEN_PASS_DEF_BLADESTRIDEDCOPYTOLINALGPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

bool isContiguous(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getLayout().isIdentity();
}

struct BladeStridedCopyToLinalgPass
    : blade::impl::BladeStridedCopyToLinalgPassBase<
          BladeStridedCopyToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource()) || !isContiguous(copy.getTarget()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
