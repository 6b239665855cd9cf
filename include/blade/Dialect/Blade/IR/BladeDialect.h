//===- BladeDialect.h - The blade graph dialect -----------------*- C++ -*-===//
#ifndef BLADE_DIALECT_BLADE_IR_BLADEDIALECT_H
#define BLADE_DIALECT_BLADE_IR_BLADEDIALECT_H

#include "mlir/IR/Dialect.h"

#include "blade/Dialect/Blade/IR/BladeOpsDialect.h.inc"

#endif // BLADE_DIALECT_BLADE_IR_BLADEDIALECT_H
