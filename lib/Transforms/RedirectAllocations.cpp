//===- RedirectAllocations.cpp - The blade-redirect-allocations pass ------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace blade {
#define GEN_PASS_DEF_BLADEREDIRECTALLOCATIONSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

/// MLIR's generic allocation functions and the runtime's, same signatures.
constexpr std::pair<llvm::StringLiteral, llvm::StringLiteral> kRenames[] = {
    {"_mlir_memref_to_llvm_alloc", "blade_rt_alloc"},
    {"_mlir_memref_to_llvm_aligned_alloc", "blade_rt_aligned_alloc"},
    {"_mlir_memref_to_llvm_free", "blade_rt_free"},
};

struct BladeRedirectAllocationsPass
    : blade::impl::BladeRedirectAllocationsPassBase<
          BladeRedirectAllocationsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (const auto &[from, to] : kRenames) {
      auto fn = symbols.lookup<LLVM::LLVMFuncOp>(from);
      if (!fn)
        continue;
      auto newName = StringAttr::get(module.getContext(), to);
      if (!symbols.lookup(to)) {
        // Renames the calls too.
        if (failed(symbols.rename(fn, newName)))
          return signalPassFailure();
        continue;
      }
      // The runtime's declaration is already there: keep that one.
      if (failed(SymbolTable::replaceAllSymbolUses(fn, newName, module)))
        return signalPassFailure();
      symbols.erase(fn);
    }
  }
};

} // namespace
