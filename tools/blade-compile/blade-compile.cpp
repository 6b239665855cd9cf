//===- blade-compile.cpp - ONNX model to MLIR or LLVM IR ------------------===//
//
//   blade-compile MODEL.onnx [-o OUT]
//       [--emit=import|blade|buffers|llvm|llvmir|asm|obj|lib] [--mcpu=..]
//       [--mattr=..] [--header=PATH] [--runtime-lib=PATH] [--linker=PROG]
//
// Imports an ONNX model (binary, or ONNX text syntax) and writes it at the
// chosen stage of the pipeline, or (--emit=lib, the default when OUT ends in
// .so) as a shared model library for the Blade runtime plus a C header.
//
//===----------------------------------------------------------------------===//

#include "blade/Compiler/AotLibrary.h"
#include "blade/Compiler/Compiler.h"
#include "blade/Compiler/FusionReport.h"
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
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

namespace {
enum class Emit { Import, Blade, Buffers, LLVM, LLVMIR, Asm, Obj, Lib };

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
             "llvmir (LLVM IR), asm (assembly), obj (object file), lib "
             "(shared model library and C header; the default for -o *.so)"),
    cl::value_desc("stage"), cl::init("blade"));
cl::opt<std::string> mcpu("mcpu",
                          cl::desc("CPU to generate code for (asm, obj, lib; "
                                   "default: host, this machine's CPU)"),
                          cl::value_desc("name"), cl::init("host"));
cl::opt<std::string> mattr("mattr",
                           cl::desc("CPU feature changes, e.g. -avx512f,+fma"),
                           cl::value_desc("+a,-b"));
cl::opt<std::string>
    headerPath("header",
               cl::desc("C header for --emit=lib (default: the library's "
                        "path with .h; 'none' to skip)"),
               cl::value_desc("path"));
cl::opt<std::string> runtimeLib(
    "runtime-lib",
    cl::desc("libblade_runtime.so to link a library against (default: the "
             "one this tool runs on)"),
    cl::value_desc("path"));
cl::opt<std::string>
    linkerName("linker",
               cl::desc("C compiler driver that links a library (default: "
                        "clang-22, clang or cc)"),
               cl::value_desc("program"));
cl::opt<bool> dumpFusion(
    "dump-fusion",
    cl::desc("Write the fusion groups and the kernel counts with and without "
             "fusion instead of compiled output"));
cl::opt<std::string> disableFusion("disable-fusion",
                                   cl::desc(blade::kDisableFusionHelp),
                                   cl::value_desc("kinds"));
cl::opt<std::string> optLevel("O", cl::desc("LLVM optimisation level (0-3)"),
                              cl::init("3"), cl::Prefix);

std::optional<Emit> parseEmit(StringRef name) {
  return llvm::StringSwitch<std::optional<Emit>>(name)
      .Case("import", Emit::Import)
      .Case("blade", Emit::Blade)
      .Case("buffers", Emit::Buffers)
      .Case("llvm", Emit::LLVM)
      .Case("llvmir", Emit::LLVMIR)
      .Case("asm", Emit::Asm)
      .Case("obj", Emit::Obj)
      .Case("lib", Emit::Lib)
      .Default(std::nullopt);
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // --mlir-print-debuginfo, --mlir-elide-elementsattrs-if-larger=N, ...
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  // --help lists Blade's options and MLIR's printing ones, not the ones
  // libLLVM registers.
  static cl::OptionCategory options("blade-compile options");
  for (cl::Option *o : std::initializer_list<cl::Option *>{
           &inputPath, &outputPath, &emitName, &mcpu, &mattr, &headerPath,
           &runtimeLib, &linkerName, &dumpFusion, &disableFusion, &optLevel})
    o->addCategory(options);
  for (auto &entry : cl::getRegisteredOptions())
    if (entry.first.starts_with("mlir-"))
      entry.second->addCategory(options);
  cl::HideUnrelatedOptions(options);
  std::string errors;
  raw_string_ostream errorStream(errors);
  if (!cl::ParseCommandLineOptions(argc, argv, "Blade ONNX compiler\n",
                                   &errorStream)) {
    StringRef first = StringRef(errors).split('\n').first;
    errs() << "error: " << first.ltrim() << "\n";
    return 2;
  }
  // -o lib.so means a library unless --emit says otherwise.
  if (!emitName.getNumOccurrences() && StringRef(outputPath).ends_with(".so"))
    emitName = "lib";
  std::optional<Emit> emitKind = parseEmit(emitName);
  if (!emitKind) {
    errs()
        << "error: --emit must be import, blade, buffers, llvm, llvmir, asm, "
           "obj or lib, got '"
        << emitName << "'\n";
    return 2;
  }
  Emit emit = *emitKind;
  if (emit == Emit::Lib && outputPath == "-") {
    errs() << "error: --emit=lib needs an output file (-o libmodel.so)\n";
    return 2;
  }
  if (emit != Emit::Lib &&
      (headerPath.getNumOccurrences() || runtimeLib.getNumOccurrences() ||
       linkerName.getNumOccurrences())) {
    errs() << "error: --header, --runtime-lib and --linker apply to "
              "--emit=lib only\n";
    return 2;
  }
  unsigned level = 0;
  if (StringRef(optLevel).getAsInteger(10, level) || level > 3) {
    errs() << "error: -O must be 0, 1, 2 or 3, got '" << optLevel << "'\n";
    return 2;
  }

  Expected<blade::FusionKinds> fusion =
      blade::parseDisabledFusion(disableFusion);
  if (!fusion)
    return errs() << "error: " << toString(fusion.takeError()) << "\n", 2;
  blade::PipelineOptions pipeline;
  pipeline.fusion = *fusion;

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
  // The signature is read from the imported entry, before lowering.
  mlir::FailureOr<blade::rt::ModelSignature> signature;
  if (emit == Emit::Lib &&
      failed(signature = blade::getModelSignature(*module)))
    return 1;
  if (dumpFusion) {
    mlir::FailureOr<std::string> report =
        blade::describeFusion(*module, pipeline);
    if (failed(report))
      return 1;
    std::error_code ec;
    ToolOutputFile out(outputPath, ec, sys::fs::OF_Text);
    if (ec) {
      errs() << "error: cannot write '" << outputPath << "': " << ec.message()
             << "\n";
      return 1;
    }
    out.os() << *report;
    out.keep();
    return 0;
  }
  if (failed(blade::lowerToStage(*module, stage, pipeline)))
    return 1;

  if (emit == Emit::Lib) {
    blade::LibraryOptions options;
    options.llvmOptLevel = level;
    options.target = {mcpu, mattr};
    options.runtimeLibrary = runtimeLib;
    options.linker = linkerName;
    blade::rt::ModelInfo info;
    if (Error err = blade::writeModelLibrary(
            *module, *signature, blade::getShapeCheckMessages(*module), options,
            outputPath, info)) {
      errs() << "error: " << toString(std::move(err)) << "\n";
      return 1;
    }
    std::string header = headerPath;
    if (header.empty()) {
      SmallString<128> path(outputPath);
      sys::path::replace_extension(path, ".h");
      header = path.str().str();
    }
    if (header == "none")
      return 0;
    std::error_code ec;
    if (StringRef dir = sys::path::parent_path(header); !dir.empty())
      ec = sys::fs::create_directories(dir);
    ToolOutputFile out(header, ec, sys::fs::OF_Text);
    if (ec) {
      errs() << "error: cannot write '" << header << "': " << ec.message()
             << "\n";
      return 1;
    }
    out.os() << blade::generateModelHeader(info, outputPath, inputPath);
    out.keep();
    return 0;
  }

  std::error_code ec;
  ToolOutputFile out(outputPath, ec,
                     emit == Emit::Obj ? sys::fs::OF_None : sys::fs::OF_Text);
  if (ec) {
    errs() << "error: cannot write '" << outputPath << "': " << ec.message()
           << "\n";
    return 1;
  }
  if (emit == Emit::Asm || emit == Emit::Obj) {
    // Machine code for the chosen CPU; it need not run on this machine.
    auto tm = blade::createTargetMachine({mcpu, mattr}, /*mustRunHere=*/false);
    if (!tm) {
      errs() << "error: " << toString(tm.takeError()) << "\n";
      return 1;
    }
    LLVMContext llvmCtx;
    auto llvmModule = blade::translateForTarget(*module, llvmCtx, **tm, level);
    if (!llvmModule) {
      errs() << "error: " << toString(llvmModule.takeError()) << "\n";
      return 1;
    }
    if (Error err = blade::emitMachineCode(**llvmModule, **tm,
                                           emit == Emit::Asm
                                               ? CodeGenFileType::AssemblyFile
                                               : CodeGenFileType::ObjectFile,
                                           out.os())) {
      errs() << "error: " << toString(std::move(err)) << "\n";
      return 1;
    }
  } else if (emit == Emit::LLVMIR) {
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
