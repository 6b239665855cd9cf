//===- FusionOps.cpp - Verifier of blade.fusion ---------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace blade;

LogicalResult FusionOp::verify() {
  if (!llvm::is_contained(kFusionKinds, getKind()))
    return emitOpError() << "kind '" << getKind()
                         << "' is not one of loop, input, stitch, epilogue";
  auto yield = dyn_cast<YieldOp>(getBody().front().getTerminator());
  if (!yield)
    return emitOpError() << "region must end in blade.yield";
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "yields " << yield.getValues().size()
                         << " values whose types differ from the results";
  return success();
}
