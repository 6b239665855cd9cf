//===- blade-compile.cpp - ONNX model to MLIR or LLVM IR ------------------===//
//
//   blade-compile MODEL.onnx [-o OUT] [--emit=import|blade|buffers|llvm|llvmir]
//
// Imports an ONNX model (binary, or ONNX text syntax) and writes it at the
// chosen stage of the pipeline.
//
//===----------------------------------------------------------------------===//

#include "blade/Compiler/Compiler.h"
#include "blade/Frontend/ONNX/Importer.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace {
enum class Emit { Import, Blade, Buffers, LLVM, LLVMIR };

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required);
cl::opt<std::string> outputPath("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("path"), cl::init("-"));
// A string checked here, not a cl enum: cl::opt's value errors bypass the
// error stream and would print a second line.
cl::opt<std::string> emitName(
    "emit",
    cl::desc("What to write: import (blade IR as imported), blade (after graph "
             "passes), buffers (bufferized linalg), llvm (LLVM dialect), "
             "llvmir (LLVM IR)"),
    cl::value_desc("stage"), cl::init("blade"));

std::optional<Emit> parseEmit(StringRef name) {
  return llvm::StringSwitch<std::optional<Emit>>(name)
      .Case("import", Emit::Import)
      .Case("blade", Emit::Blade)
      .Case("buffers", Emit::Buffers)
      .Case("llvm", Emit::LLVM)
      .Case("llvmir", Emit::LLVMIR)
      .Default(std::nullopt);
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // --mlir-print-debuginfo, --mlir-elide-elementsattrs-if-larger=N, ...
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  std::string errors;
  raw_string_ostream errorStream(errors);
  if (!cl::ParseCommandLineOptions(argc, argv, "Blade ONNX compiler\n",
                                   &errorStream)) {
    StringRef first = StringRef(errors).split('\n').first;
    errs() << "error: " << first.ltrim() << "\n";
    return 2;
  }
  std::optional<Emit> emitKind = parseEmit(emitName);
  if (!emitKind) {
    errs() << "error: --emit must be import, blade, buffers, llvm or llvmir, "
              "got '"
           << emitName << "'\n";
    return 2;
  }
  Emit emit = *emitKind;

  mlir::MLIRContext ctx;
  blade::prepareContext(ctx);
  blade::OneLineDiagnostics diagnostics(ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      blade::importOnnxFile(&ctx, inputPath);
  if (!module)
    return 1;
  blade::Stage stage = emit == Emit::Import    ? blade::Stage::Import
                       : emit == Emit::Blade   ? blade::Stage::Graph
                       : emit == Emit::Buffers ? blade::Stage::Buffers
                                               : blade::Stage::LLVM;
  if (failed(blade::lowerToStage(*module, stage)))
    return 1;

  std::error_code ec;
  ToolOutputFile out(outputPath, ec, sys::fs::OF_None);
  if (ec) {
    errs() << "error: cannot write '" << outputPath << "': " << ec.message()
           << "\n";
    return 1;
  }
  if (emit == Emit::LLVMIR) {
    LLVMContext llvmCtx;
    std::unique_ptr<Module> llvmModule =
        mlir::translateModuleToLLVMIR(*module, llvmCtx);
    if (!llvmModule)
      return 1;
    llvmModule->print(out.os(), nullptr);
  } else {
    module->print(out.os());
  }
  out.keep();
  return 0;
}
