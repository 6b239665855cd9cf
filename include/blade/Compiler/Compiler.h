//===- Compiler.h - From an ONNX file to a runnable model -------*- C++ -*-===//
//
// The compiler driver shared by the tools (and later the C API): import,
// run the pipelines up to a chosen stage, extract the model signature, and
// hand the LLVM-dialect module to the JIT.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_COMPILER_COMPILER_H
#define BLADE_COMPILER_COMPILER_H

#include "blade-rt/Signature.h"
#include "blade/Codegen/CPU/JitModel.h"
#include "blade/Pipelines/Pipelines.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace blade {

/// How far to lower a module.
enum class Stage {
  Import,  ///< As the ONNX importer built it.
  Graph,   ///< After the blade-level graph pipeline.
  Buffers, ///< linalg on memrefs, bufferized, deallocations placed.
  LLVM,    ///< LLVM dialect, ready for translation and the JIT.
};

/// Loads the dialects and translations Blade uses into `ctx`.
void prepareContext(mlir::MLIRContext &ctx);

/// Runs the pipelines that take an imported module to `stage`. Errors are
/// emitted as diagnostics.
mlir::LogicalResult lowerToStage(mlir::ModuleOp module, Stage stage,
                                 const PipelineOptions &options = {});

/// The help text of the tools' --disable-fusion option.
inline constexpr llvm::StringLiteral kDisableFusionHelp =
    "Fusion kinds to turn off (comma-separated: loop, input, stitch, "
    "epilogue, all; to compare or debug)";

/// Parses a comma-separated list of fusion kinds (`loop`, `input`,
/// `stitch`, `epilogue`, or `all`) to turn off (--disable-fusion); the
/// error names the option and the unknown word.
llvm::Expected<FusionKinds> parseDisabledFusion(llvm::StringRef list);

/// The signature of the imported entry function (call before lowering).
mlir::FailureOr<rt::ModelSignature> getModelSignature(mlir::ModuleOp module);

struct CompileOptions {
  unsigned llvmOptLevel = 3;
  /// The CPU and feature changes code is generated for (see JitTarget).
  JitTarget target;
  /// f32 matmul/conv call oneDNN kernels (false: linalg loops, to compare).
  bool libraryCalls = true;
  /// The fusion groups the planner forms.
  FusionKinds fusion;
};

/// Lowers an imported module and JIT-compiles it. Returns null after
/// emitting diagnostics on failure.
std::unique_ptr<JitModel> compileModule(mlir::ModuleOp module,
                                        const CompileOptions &options);

/// Import + lower + JIT of an ONNX file (see importOnnxFile).
std::unique_ptr<JitModel> compileOnnxFile(mlir::MLIRContext &ctx,
                                          llvm::StringRef path,
                                          const CompileOptions &options);

/// Installs a diagnostic handler printing each error as one line,
/// `error: <where>: <message>`, to stderr for the handler's lifetime. With a
/// `sink`, the lines (`<where>: <message>`, joined by "; ") are appended to
/// it instead.
class OneLineDiagnostics {
public:
  explicit OneLineDiagnostics(mlir::MLIRContext &ctx,
                              std::string *sink = nullptr);
  ~OneLineDiagnostics();

private:
  mlir::MLIRContext &ctx;
  uint64_t id;
};

} // namespace blade

#endif // BLADE_COMPILER_COMPILER_H
