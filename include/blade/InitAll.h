//===- InitAll.h - Everything a Blade tool registers ------------*- C++ -*-===//
#ifndef BLADE_INITALL_H
#define BLADE_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace blade {

/// The dialects (and their external interface models) Blade uses, and the
/// LLVM IR translations the JIT needs. Only what is used, never all of MLIR.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Blade's passes and pipelines, plus the upstream passes its lit tests run
/// on their own.
void registerAllPasses();

} // namespace blade

#endif // BLADE_INITALL_H
