//===- AotLibrary.h - Model libraries compiled ahead of time ----*- C++ -*-===//
//
// `blade-compile model.onnx -o libmodel.so`: the LLVM-dialect module (the
// JIT's pipeline) becomes an object file for a chosen CPU, gets packed entry
// wrappers and an embedded info text (blade-rt/ModelInfo.h), and is linked
// with a C compiler driver into a shared library that needs only
// libblade_runtime and libm. A C header describing it may be written too.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_COMPILER_AOTLIBRARY_H
#define BLADE_COMPILER_AOTLIBRARY_H

#include "blade-rt/ModelInfo.h"
#include "blade/Codegen/CPU/JitModel.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
class raw_pwrite_stream;
} // namespace llvm

namespace blade {

/// Translates an LLVM-dialect module to LLVM IR for `tm` (data layout,
/// triple, target attributes) and optimizes it at `optLevel`.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateForTarget(mlir::ModuleOp module, llvm::LLVMContext &llvmCtx,
                   llvm::TargetMachine &tm, unsigned optLevel);

/// Writes `module` as assembly or an object file for `tm`.
llvm::Error emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm,
                            llvm::CodeGenFileType type,
                            llvm::raw_pwrite_stream &os);

/// The shape-check messages of the entry (blade-emit-shape-checks).
std::vector<std::string> getShapeCheckMessages(mlir::ModuleOp module);

struct LibraryOptions {
  unsigned llvmOptLevel = 3;
  /// Code is generated for this CPU; "host" (the default) is this machine's.
  JitTarget target;
  /// libblade_runtime.so to link against; empty: the one this process uses.
  std::string runtimeLibrary;
  /// The C compiler driver that links; empty: clang-22, clang or cc.
  std::string linker;
};

/// Compiles `llvmModule` (LLVM dialect, entry kEntryFunctionName) with
/// `signature` and `checkMessages` into the shared library `outputPath`.
/// Fills `info` with what the library embeds.
llvm::Error writeModelLibrary(mlir::ModuleOp llvmModule,
                              const rt::ModelSignature &signature,
                              std::vector<std::string> checkMessages,
                              const LibraryOptions &options,
                              llvm::StringRef outputPath, rt::ModelInfo &info);

/// A C89 header for the library `libraryPath` described by `info`: its
/// inputs and outputs as comments and macros (prefix from the library name)
/// and declarations of the functions it exports.
std::string generateModelHeader(const rt::ModelInfo &info,
                                llvm::StringRef libraryPath,
                                llvm::StringRef modelPath);

} // namespace blade

#endif // BLADE_COMPILER_AOTLIBRARY_H
