//===- BladeDialect.h - The blade graph dialect -----------------*- C++ -*-===//
#ifndef BLADE_DIALECT_BLADE_IR_BLADEDIALECT_H
#define BLADE_DIALECT_BLADE_IR_BLADEDIALECT_H

#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"

#include "blade/Dialect/Blade/IR/BladeOpsDialect.h.inc"

namespace blade::trait {
/// Ops computing each result element from the operand elements at the same
/// (numpy-broadcast) position; no verification of its own.
template <typename ConcreteType>
class Elementwise
    : public mlir::OpTrait::TraitBase<ConcreteType, Elementwise> {};
} // namespace blade::trait

#endif // BLADE_DIALECT_BLADE_IR_BLADEDIALECT_H
