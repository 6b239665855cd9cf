//===- ReleaseBuffersEarly.cpp - The blade-release-buffers-early pass -----===//
//
// MLIR's ownership-based deallocation frees a function's buffers at the end
// of the block that owns them, so every intermediate buffer of a model stays
// live for the whole run. This pass moves each such free to just after the
// last use of the buffer or of a view of it.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace blade {
#define GEN_PASS_DEF_BLADERELEASEBUFFERSEARLYPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

bool isBufferType(Type type) { return isa<BaseMemRefType>(type); }

/// Whether `user` only derives views of `source` (its buffer results alias
/// it and nothing else escapes): subviews, reshapes, transposes, casts,
/// strided metadata.
bool derivesViews(Operation *user, Value source) {
  // Metadata-only ops that do not implement ViewLikeOpInterface.
  if (isa<memref::TransposeOp, memref::ReinterpretCastOp>(user))
    return user->getOperand(0) == source;
  if (auto view = dyn_cast<ViewLikeOpInterface>(user))
    return view.getViewSource() == source;
  return isa<CastOpInterface>(user) && user->getNumOperands() == 1;
}

/// The op of `block` that holds the last use of `buffer` or of a view of it;
/// null when the buffer may outlive what this can see: it (or a view) is
/// returned, yielded out of a region, or given to an op that makes a buffer
/// of it in a way not known to be a view, or its address is taken as an
/// integer.
Operation *lastUseIn(Block *block, Value buffer) {
  Operation *last = buffer.getDefiningOp();
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      if (derivesViews(user, value)) {
        for (Value result : user->getResults())
          if (isBufferType(result.getType()))
            worklist.push_back(result);
      } else if (user->hasTrait<OpTrait::ReturnLike>() ||
                 isa<RegionBranchTerminatorOpInterface,
                     memref::ExtractAlignedPointerAsIndexOp>(user) ||
                 llvm::any_of(user->getResultTypes(), isBufferType)) {
        return nullptr;
      }
      Operation *holder = block->findAncestorOpInBlock(*user);
      if (!holder)
        return nullptr;
      if (last->isBeforeInBlock(holder))
        last = holder;
    }
  }
  return last;
}

struct BladeReleaseBuffersEarlyPass
    : blade::impl::BladeReleaseBuffersEarlyPassBase<
          BladeReleaseBuffersEarlyPass> {
  void runOnOperation() override {
    SmallVector<memref::DeallocOp> deallocs;
    getOperation().walk(
        [&](memref::DeallocOp dealloc) { deallocs.push_back(dealloc); });
    for (memref::DeallocOp dealloc : deallocs) {
      Value buffer = dealloc.getMemref();
      auto alloc = buffer.getDefiningOp<memref::AllocOp>();
      Block *block = dealloc->getBlock();
      if (!alloc || alloc->getBlock() != block ||
          llvm::count_if(buffer.getUsers(), llvm::IsaPred<memref::DeallocOp>) !=
              1)
        continue;
      Operation *last = lastUseIn(block, buffer);
      if (last && last->isBeforeInBlock(dealloc))
        dealloc->moveAfter(last);
    }
  }
};

} // namespace
