//===- BladeOps.cpp - blade dialect operations ----------------------------===//
//
// The generated op and interface definitions. Verifiers, folders and shape
// checks live with their family: ElementwiseOps.cpp, NNOps.cpp,
// ReductionOps.cpp, ShapeOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"

#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace blade;

#include "blade/Dialect/Blade/IR/BladeInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "blade/Dialect/Blade/IR/BladeOps.cpp.inc"
