//===- BladeOps.h - blade dialect operations --------------------*- C++ -*-===//
#ifndef BLADE_DIALECT_BLADE_IR_BLADEOPS_H
#define BLADE_DIALECT_BLADE_IR_BLADEOPS_H

#include "blade/Dialect/Blade/IR/BladeDialect.h"
#include "blade/Dialect/Blade/IR/ShapeChecks.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "blade/Dialect/Blade/IR/BladeInterfaces.h.inc"

#define GET_OP_CLASSES
#include "blade/Dialect/Blade/IR/BladeOps.h.inc"

namespace blade {
/// The kinds of blade.fusion groups, in the planner's order.
inline constexpr llvm::StringLiteral kFusionKinds[] = {"loop", "input",
                                                      "stitch", "epilogue"};
} // namespace blade

#endif // BLADE_DIALECT_BLADE_IR_BLADEOPS_H
