//===- AotLibrary.cpp - Model libraries compiled ahead of time ------------===//

#include "blade/Compiler/AotLibrary.h"

#include "blade-rt/CpuFeatures.h"
#include "blade-rt/RunContext.h"
#include "blade/Frontend/ONNX/Importer.h"
#include "blade/Transforms/Passes.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <dlfcn.h>

using namespace mlir;

namespace blade {

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Adds `void <name>(void **args)` calling `fn` with *args[i] and storing its
/// result (if any) to args[n]: the packed calling convention of
/// blade-rt/Entry.h, the one MLIR's ExecutionEngine gives the JIT.
void addPackedWrapper(llvm::Module &module, llvm::Function &fn,
                      llvm::StringRef name) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::PointerType *ptr = llvm::PointerType::getUnqual(ctx);
  auto *wrapper = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false),
      llvm::GlobalValue::ExternalLinkage, name, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  llvm::Value *args = wrapper->getArg(0);
  auto slot = [&](unsigned i) {
    return b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, args, i));
  };
  llvm::SmallVector<llvm::Value *> callArgs;
  for (llvm::Argument &arg : fn.args())
    callArgs.push_back(b.CreateLoad(arg.getType(), slot(arg.getArgNo())));
  llvm::CallInst *call = b.CreateCall(&fn, callArgs);
  if (!call->getType()->isVoidTy())
    b.CreateStore(call, slot(fn.arg_size()));
  b.CreateRetVoid();
}

/// Adds `const char *blade_model_info(void)` returning `text`.
void addInfoFunction(llvm::Module &module, const std::string &text) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Constant *data = llvm::ConstantDataArray::getString(ctx, text, true);
  auto *global = new llvm::GlobalVariable(module, data->getType(), true,
                                          llvm::GlobalValue::PrivateLinkage,
                                          data, "blade.model_info");
  auto *fn = llvm::Function::Create(
      llvm::FunctionType::get(llvm::PointerType::getUnqual(ctx), false),
      llvm::GlobalValue::ExternalLinkage, rt::kModelInfoSymbol, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  b.CreateRet(global);
}

/// The libblade_runtime.so this process runs on.
std::string loadedRuntimeLibrary() {
  Dl_info where;
  if (!dladdr(reinterpret_cast<void *>(&blade_rt_parallel_for), &where) ||
      !where.dli_fname)
    return "";
  llvm::SmallString<256> path(where.dli_fname);
  llvm::sys::fs::make_absolute(path);
  return path.str().str();
}

llvm::Expected<std::string> findLinker(const LibraryOptions &options) {
  if (!options.linker.empty()) {
    if (auto found = llvm::sys::findProgramByName(options.linker))
      return *found;
    return fail("linker '" + options.linker + "' not found");
  }
  for (llvm::StringRef name : {"clang-22", "clang", "cc"}) {
    // LLVM's own bin directory first: the clang that matches this LLVM.
    if (auto found = llvm::sys::findProgramByName(name, {BLADE_LLVM_TOOLS_DIR}))
      return *found;
    if (auto found = llvm::sys::findProgramByName(name))
      return *found;
  }
  return fail("no C compiler driver to link the library with (looked for "
              "clang-22, clang and cc in " BLADE_LLVM_TOOLS_DIR
              " and PATH; pass --linker)");
}

/// Prefix of the header's macros: the library's name without "lib" and
/// extension, upper-case, non-identifier characters as '_'.
std::string macroPrefix(llvm::StringRef libraryPath) {
  llvm::StringRef stem = llvm::sys::path::stem(libraryPath);
  stem.consume_front("lib");
  std::string prefix;
  for (char c : stem)
    prefix += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  if (prefix.empty() || llvm::isDigit(prefix[0]))
    prefix = "MODEL_" + prefix;
  return prefix;
}

/// Text safe inside a C comment or, with `inString`, a string literal.
std::string cSafe(llvm::StringRef s, bool inString) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (inString && (c == '"' || c == '\\' || u < 0x20 || u >= 0x7f)) {
      out += '\\';
      out += static_cast<char>('0' + (u >> 6));
      out += static_cast<char>('0' + ((u >> 3) & 7));
      out += static_cast<char>('0' + (u & 7));
    } else if (!inString && (u < 0x20 || u >= 0x7f)) {
      out += '_';
    } else if (!inString && c == '/' && !out.empty() && out.back() == '*') {
      out += " /"; // never close the comment
    } else {
      out += c;
    }
  }
  return out;
}

const char *cElementType(rt::DType dtype) {
  switch (dtype) {
  case rt::DType::F32:
    return "float";
  case rt::DType::F64:
    return "double";
  case rt::DType::F16:
  case rt::DType::BF16:
  case rt::DType::U16:
    return "uint16_t";
  case rt::DType::I8:
    return "int8_t";
  case rt::DType::I16:
    return "int16_t";
  case rt::DType::I32:
    return "int32_t";
  case rt::DType::I64:
    return "int64_t";
  case rt::DType::U8:
  case rt::DType::Bool:
    return "uint8_t";
  case rt::DType::U32:
    return "uint32_t";
  case rt::DType::U64:
    return "uint64_t";
  }
  return "uint8_t";
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::Module>>
translateForTarget(ModuleOp module, llvm::LLVMContext &llvmCtx,
                   llvm::TargetMachine &tm, unsigned optLevel) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmCtx);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  llvmModule->setDataLayout(tm.createDataLayout());
  llvmModule->setTargetTriple(tm.getTargetTriple());
  setTargetAttributes(*llvmModule, tm);
  if (llvm::Error err = makeOptimizingTransformer(std::min(optLevel, 3u), 0,
                                                  &tm)(llvmModule.get()))
    return std::move(err);
  return std::move(llvmModule);
}

llvm::Error emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm,
                            llvm::CodeGenFileType type,
                            llvm::raw_pwrite_stream &os) {
  llvm::legacy::PassManager codegen;
  if (tm.addPassesToEmitFile(codegen, os, nullptr, type))
    return fail("the target cannot emit this file type");
  codegen.run(module);
  return llvm::Error::success();
}

std::vector<std::string> getShapeCheckMessages(ModuleOp module) {
  std::vector<std::string> messages;
  if (auto checks = module->getAttrOfType<DictionaryAttr>(kShapeChecksAttr))
    if (auto list = checks.getAs<ArrayAttr>(kEntryFunctionName))
      for (auto m : list.getAsRange<StringAttr>())
        messages.push_back(m.str());
  return messages;
}

llvm::Error writeModelLibrary(ModuleOp llvmModule,
                              const rt::ModelSignature &signature,
                              std::vector<std::string> checkMessages,
                              const LibraryOptions &options,
                              llvm::StringRef outputPath, rt::ModelInfo &info) {
  // Check the tools first: a missing linker should not cost a compile.
  llvm::Expected<std::string> linker = findLinker(options);
  if (!linker)
    return linker.takeError();
  std::string runtime = options.runtimeLibrary.empty() ? loadedRuntimeLibrary()
                                                       : options.runtimeLibrary;
  if (runtime.empty() || !llvm::sys::fs::exists(runtime))
    return fail("the Blade runtime library '" + runtime +
                "' does not exist (pass --runtime-lib)");

  auto tm = createTargetMachine(options.target, /*mustRunHere=*/false);
  if (!tm)
    return tm.takeError();
  std::string entry = ("_mlir_ciface_" + kEntryFunctionName).str();
  std::string check = entry + "_shape_check";

  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(llvmModule, llvmCtx);
  if (!module)
    return fail("translation to LLVM IR failed");
  info = rt::ModelInfo();
  info.signature = signature;
  info.targetCpu = (*tm)->getTargetCPU().str();
  info.targetFeatures = options.target.features;
  // The ISA extensions of the target (its CPU with the feature changes):
  // the runtime refuses to load the library on a CPU without them.
  if (const llvm::MCSubtargetInfo *sti = (*tm)->getMCSubtargetInfo())
    for (const std::string &feature : rt::knownCpuFeatures())
      if (sti->checkFeatures("+" + feature))
        info.cpuFeatures.push_back(feature);
  llvm::Function *entryFn = module->getFunction(entry);
  if (!entryFn || entryFn->isDeclaration())
    return fail("the module has no function '" + entry + "'");
  info.entrySymbol = "_mlir_" + entry;
  addPackedWrapper(*module, *entryFn, info.entrySymbol);
  if (!checkMessages.empty()) {
    llvm::Function *checkFn = module->getFunction(check);
    if (!checkFn || checkFn->isDeclaration())
      return fail("the module has no function '" + check + "'");
    info.shapeCheckSymbol = "_mlir_" + check;
    addPackedWrapper(*module, *checkFn, info.shapeCheckSymbol);
    info.checkMessages = std::move(checkMessages);
  }
  addInfoFunction(*module, rt::serializeModelInfo(info));
  // Only the C-interface functions, their packed wrappers and the info
  // function are exported; the rest (weights included) is internal, free to
  // inline and never interposed by another model's symbols.
  llvm::StringSet<> exported = {rt::kModelInfoSymbol, entry, info.entrySymbol};
  if (!info.shapeCheckSymbol.empty())
    for (llvm::StringRef name :
         {llvm::StringRef(check), llvm::StringRef(info.shapeCheckSymbol)})
      exported.insert(name);
  for (llvm::GlobalValue &value : module->global_values()) {
    // LLVM's special globals (llvm.used, llvm.global_ctors) keep their
    // linkage.
    if (value.isDeclaration() || value.hasLocalLinkage() ||
        value.hasAppendingLinkage() || value.getName().starts_with("llvm."))
      continue;
    if (!value.hasName() || !exported.contains(value.getName()))
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  module->setDataLayout((*tm)->createDataLayout());
  module->setTargetTriple((*tm)->getTargetTriple());
  setTargetAttributes(*module, **tm);
  if (llvm::Error err = makeOptimizingTransformer(
          std::min(options.llvmOptLevel, 3u), 0, tm->get())(module.get()))
    return err;

  // Object code in a temporary file, then the link.
  llvm::SmallString<128> objectPath, logPath;
  int fd = -1;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "blade-model", "o", fd, objectPath))
    return fail("cannot create a temporary object file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (llvm::Error err = emitMachineCode(
            *module, **tm, llvm::CodeGenFileType::ObjectFile, os))
      return err;
    os.close();
    if (os.has_error())
      return fail("cannot write the object file: " + os.error().message());
  }
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("blade-link", "log", logPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeLog(logPath);

  // The runtime is named by its path (its soname becomes the dependency) and
  // found again at load time through the rpath.
  llvm::SmallString<256> runtimePath(runtime);
  llvm::sys::fs::make_absolute(runtimePath);
  std::string runtimeDir = llvm::sys::path::parent_path(runtimePath).str();
  std::string soname = llvm::sys::path::filename(outputPath).str();
  std::vector<std::string> args = {*linker,
                                   "-shared",
                                   "-o",
                                   outputPath.str(),
                                   objectPath.str().str(),
                                   runtimePath.str().str(),
                                   "-Wl,-rpath," + runtimeDir,
                                   "-lm",
                                   "-Wl,--no-undefined",
                                   "-Wl,-z,noexecstack",
                                   "-Wl,-soname," + soname};
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logPath.str(),
                                                logPath.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(*linker, argRefs, std::nullopt, redirects,
                                     0, 0, &execError);
  if (rc != 0) {
    std::string detail = execError;
    if (auto log = llvm::MemoryBuffer::getFile(logPath)) {
      // The linker's first error line says most.
      llvm::SmallVector<llvm::StringRef> lines;
      (*log)->getBuffer().split(lines, '\n', -1, false);
      for (llvm::StringRef line : lines)
        if (line.contains("error") || detail.empty()) {
          detail = line.trim().str();
          if (line.contains("error"))
            break;
        }
    }
    return fail(
        "linking '" + outputPath + "' with " + *linker + " failed: " +
        (detail.empty() ? "exit status " + std::to_string(rc) : detail));
  }
  return llvm::Error::success();
}

std::string generateModelHeader(const rt::ModelInfo &info,
                                llvm::StringRef libraryPath,
                                llvm::StringRef modelPath) {
  std::string prefix = macroPrefix(libraryPath);
  std::string lib = cSafe(llvm::sys::path::filename(libraryPath), false);
  std::string h;
  llvm::raw_string_ostream os(h);
  os << "/* " << prefix << " model library " << lib
     << ": generated by blade-compile from "
     << cSafe(llvm::sys::path::filename(modelPath), false) << ".\n"
     << " *\n"
     << " * Load it with the Blade C API (blade-c/Blade.h):\n"
     << " *   bladeModelLoadLibrary(\"" << lib << "\", options, &model);\n"
     << " * which checks inputs and shape rules and owns the results. The\n"
     << " * functions below are the library's raw exports (MLIR's C\n"
     << " * interface: memref descriptors; results are buffers of the Blade\n"
     << " * runtime's allocator, which the caller releases with\n"
     << " * blade_rt_free(allocated), declared below; link libblade_runtime).\n"
     << " * Code generated for CPU '" << cSafe(info.targetCpu, false) << "'"
     << (info.targetFeatures.empty()
             ? std::string()
             : " with " + cSafe(info.targetFeatures, false))
     << ". Dims of -1 are dynamic.\n */\n";
  os << "#ifndef " << prefix << "_BLADE_MODEL_H\n#define " << prefix
     << "_BLADE_MODEL_H\n\n#include <stdint.h>\n\n";
  os << "/* Releases a result buffer (libblade_runtime). */\n"
     << "extern void blade_rt_free(void *ptr);\n\n";
  os << "#define " << prefix << "_BLADE_ABI_VERSION "
     << rt::kModelLibraryAbiVersion << "\n";
  os << "#define " << prefix << "_NUM_INPUTS " << info.signature.inputs.size()
     << "\n#define " << prefix << "_NUM_OUTPUTS "
     << info.signature.outputs.size() << "\n\n";
  auto describe = [&](const char *kind, const char *upper,
                      const std::vector<rt::TensorSpec> &specs) {
    for (size_t i = 0; i < specs.size(); ++i) {
      const rt::TensorSpec &spec = specs[i];
      std::string m = prefix + "_" + upper + std::to_string(i);
      os << "/* " << kind << " " << i << ": " << cSafe(spec.toString(), false)
         << " */\n";
      os << "#define " << m << "_NAME \"" << cSafe(spec.name, true) << "\"\n";
      os << "#define " << m << "_DTYPE " << static_cast<int>(spec.dtype)
         << " /* BladeDType: " << rt::dtypeName(spec.dtype) << " */\n";
      os << "#define " << m << "_RANK " << spec.rank() << "\n";
      if (spec.rank()) {
        os << "#define " << m << "_DIMS {";
        for (int64_t d = 0; d < spec.rank(); ++d)
          os << (d ? ", " : "") << spec.shape[d];
        os << "}\n";
      }
      // The memref descriptor of this value.
      os << "typedef struct {\n  " << cElementType(spec.dtype)
         << " *allocated;\n  " << cElementType(spec.dtype)
         << " *aligned;\n  int64_t offset;\n";
      if (spec.rank())
        os << "  int64_t sizes[" << spec.rank() << "];\n  int64_t strides["
           << spec.rank() << "];\n";
      os << "} " << llvm::StringRef(m).lower() << "_memref;\n\n";
    }
  };
  describe("input", "INPUT", info.signature.inputs);
  describe("output", "OUTPUT", info.signature.outputs);
  std::string lower = llvm::StringRef(prefix).lower();
  if (!info.signature.outputs.empty()) {
    os << "/* The results the entry writes, in output order. */\ntypedef "
          "struct {\n";
    for (size_t i = 0; i < info.signature.outputs.size(); ++i)
      os << "  " << lower << "_output" << i << "_memref output" << i << ";\n";
    os << "} " << lower << "_results;\n\n";
  }
  std::string inputsDecl;
  for (size_t i = 0; i < info.signature.inputs.size(); ++i)
    inputsDecl += (i ? ", " : "") + lower + "_input" + std::to_string(i) +
                  "_memref *input" + std::to_string(i);
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << "/* The library's info text (signature, shape rules; versioned). */\n"
     << "const char *" << rt::kModelInfoSymbol << "(void);\n\n";
  llvm::StringRef entry = llvm::StringRef(info.entrySymbol).drop_front(6);
  os << "/* Runs the model. Call the shape check first when dims are "
        "dynamic. */\nvoid "
     << entry << "(";
  if (!info.signature.outputs.empty())
    os << lower << "_results *results" << (inputsDecl.empty() ? "" : ", ");
  os << (inputsDecl.empty() && info.signature.outputs.empty() ? "void"
                                                              : inputsDecl)
     << ");\n";
  if (!info.shapeCheckSymbol.empty()) {
    os << "/* The index of the first shape rule the inputs break, or -1:\n";
    for (size_t i = 0; i < info.checkMessages.size(); ++i)
      os << " *   " << i << ": " << cSafe(info.checkMessages[i], false) << "\n";
    os << " */\nint32_t "
       << llvm::StringRef(info.shapeCheckSymbol).drop_front(6) << "("
       << (inputsDecl.empty() ? "void" : inputsDecl) << ");\n";
  }
  os << "/* Packed forms: args[i] points to argument i (and, for the shape "
        "check,\n * args[n] to the int32_t result). */\n";
  os << "void " << info.entrySymbol << "(void **args);\n";
  if (!info.shapeCheckSymbol.empty())
    os << "void " << info.shapeCheckSymbol << "(void **args);\n";
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << prefix
     << "_BLADE_MODEL_H */\n";
  return h;
}

} // namespace blade
