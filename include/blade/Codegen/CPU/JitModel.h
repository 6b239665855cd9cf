//===- JitModel.h - A model compiled in-process for this CPU ----*- C++ -*-===//
//
// Wraps MLIR's ExecutionEngine: takes a module already lowered to the LLVM
// dialect (blade-cpu-pipeline), compiles it for the host CPU, and runs its
// entry through the C-interface memref ABI. Results come back as tensors that
// own the buffers the compiled code allocated.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_CODEGEN_CPU_JITMODEL_H
#define BLADE_CODEGEN_CPU_JITMODEL_H

#include "blade-rt/Entry.h"
#include "blade-rt/RunContext.h"
#include "blade-rt/Signature.h"
#include "blade-rt/Status.h"
#include "blade-rt/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace blade {

/// The CPU the JIT generates code for, like clang's -mcpu/-mattr: a CPU name
/// ("host" for this machine) and a comma-separated list of +feature/-feature
/// changes. The JIT runs the code here, so it refuses a target that needs
/// features this machine lacks.
struct JitTarget {
  std::string cpu = "host";
  std::string features;
};

/// A target machine for `target` on this machine's triple. Unknown CPUs or
/// features are errors; with `mustRunHere` (the JIT), so are instruction-set
/// features this machine lacks.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const JitTarget &target, bool mustRunHere);

/// Sets target-cpu/target-features of every function defined in `module` to
/// `tm`'s; code generation follows these attributes.
void setTargetAttributes(llvm::Module &module, const llvm::TargetMachine &tm);

class JitModel {
public:
  /// Compiles `llvmModule` (LLVM dialect) whose entry is `entryName`.
  /// If `shapeCheckMessages` is not empty, the module also has the entry's
  /// shape-check function (blade-emit-shape-checks) and these are its
  /// messages. `optLevel` is the LLVM optimisation level, 0 to 3.
  static llvm::Expected<std::unique_ptr<JitModel>>
  create(mlir::ModuleOp llvmModule, llvm::StringRef entryName,
         rt::ModelSignature signature,
         std::vector<std::string> shapeCheckMessages, unsigned optLevel = 3,
         const JitTarget &target = {});
  ~JitModel();

  const rt::ModelSignature &signature() const { return sig; }

  /// Validates `inputs` against the signature, runs the model and fills
  /// `outputs` (one per signature output, contiguous, owning their memory).
  /// Several threads may run one model at once.
  rt::Status run(const std::vector<const rt::Tensor *> &inputs,
                 std::vector<rt::Tensor> &outputs,
                 const rt::RunOptions &options = {}) const;

  /// Counters of the arenas this model's runs allocate from.
  rt::ArenaStats memoryStats() const { return kernels.arenas().stats(); }
  /// How those arenas reuse and keep memory.
  void setMemoryOptions(const rt::ArenaOptions &options) {
    kernels.arenas().setOptions(options);
  }

private:
  JitModel(std::unique_ptr<mlir::ExecutionEngine> engine,
           rt::CompiledEntry entry, rt::ModelSignature signature);

  std::unique_ptr<mlir::ExecutionEngine> engine;
  /// The packed entry and shape check, run by rt::runEntry (as AOT models).
  rt::CompiledEntry entry;
  rt::ModelSignature sig;
  /// Library kernels' state (primitives, packed weights) for this model.
  mutable rt::KernelCache kernels;
};

} // namespace blade

#endif // BLADE_CODEGEN_CPU_JITMODEL_H
