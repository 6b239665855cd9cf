//===- Passes.h - Lowering passes out of the blade dialect ------*- C++ -*-===//
#ifndef BLADE_CONVERSION_PASSES_H
#define BLADE_CONVERSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace blade {

#define GEN_PASS_DECL
#include "blade/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "blade/Conversion/Passes.h.inc"

} // namespace blade

#endif // BLADE_CONVERSION_PASSES_H
