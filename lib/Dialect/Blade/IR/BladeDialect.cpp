//===- BladeDialect.cpp - The blade graph dialect -------------------------===//

#include "blade/Dialect/Blade/IR/BladeDialect.h"
#include "blade/Dialect/Blade/IR/BladeOps.h"

using namespace mlir;
using namespace blade;

#include "blade/Dialect/Blade/IR/BladeOpsDialect.cpp.inc"

void BladeDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "blade/Dialect/Blade/IR/BladeOps.cpp.inc"
      >();
}

Operation *BladeDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
