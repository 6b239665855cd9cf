//===- Passes.h - Blade transformation passes -------------------*- C++ -*-===//
#ifndef BLADE_TRANSFORMS_PASSES_H
#define BLADE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace blade {

#define GEN_PASS_DECL
#include "blade/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "blade/Transforms/Passes.h.inc"

} // namespace blade

#endif // BLADE_TRANSFORMS_PASSES_H
