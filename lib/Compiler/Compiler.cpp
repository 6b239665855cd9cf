//===- Compiler.cpp - From an ONNX file to a runnable model ---------------===//

#include "blade/Compiler/Compiler.h"

#include "blade/Compiler/AotLibrary.h"
#include "blade/Frontend/ONNX/Importer.h"
#include "blade/InitAll.h"
#include "blade/Pipelines/Pipelines.h"
#include "blade/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace blade {

void prepareContext(MLIRContext &ctx) {
  DialectRegistry registry;
  registerAllDialects(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();
}

LogicalResult lowerToStage(ModuleOp module, Stage stage,
                           const PipelineOptions &options) {
  PassManager pm(module.getContext());
  if (stage >= Stage::Graph)
    buildGraphPipeline(pm);
  if (stage >= Stage::Buffers)
    buildBufferizePipeline(pm, options);
  if (stage >= Stage::LLVM)
    buildCPULLVMPipeline(pm);
  return pm.run(module);
}

llvm::Expected<FusionKinds> parseDisabledFusion(StringRef list) {
  FusionKinds kinds;
  SmallVector<StringRef> words;
  list.split(words, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef word : words) {
    word = word.trim();
    if (word == "all") {
      kinds = {false, false, false, false};
    } else if (bool *flag = kinds.of(word)) {
      *flag = false;
    } else {
      return llvm::createStringError(
          "--disable-fusion: unknown fusion kind '" + word +
          "' (expected loop, input, stitch, epilogue or all)");
    }
  }
  return kinds;
}

FailureOr<rt::ModelSignature> getModelSignature(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>(kEntryFunctionName);
  if (!func)
    return module.emitError("no entry function @") << kEntryFunctionName;
  auto toSpec = [&](Type type, DictionaryAttr attrs,
                    unsigned index) -> FailureOr<rt::TensorSpec> {
    auto tensor = dyn_cast<RankedTensorType>(type);
    rt::TensorSpec spec;
    auto name = attrs ? attrs.getAs<StringAttr>(kNameAttr) : StringAttr();
    spec.name = name ? name.str() : "#" + std::to_string(index);
    if (!tensor)
      return func.emitError("entry value '") << spec.name << "' is not a ranked tensor";
    Type el = tensor.getElementType();
    std::optional<rt::DType> dtype;
    if (el.isF32())
      dtype = rt::DType::F32;
    else if (el.isF64())
      dtype = rt::DType::F64;
    else if (el.isF16())
      dtype = rt::DType::F16;
    else if (el.isBF16())
      dtype = rt::DType::BF16;
    else if (el.isInteger(1))
      dtype = rt::DType::Bool;
    else if (el.isUnsignedInteger(8))
      dtype = rt::DType::U8;
    else if (el.isUnsignedInteger(16))
      dtype = rt::DType::U16;
    else if (el.isUnsignedInteger(32))
      dtype = rt::DType::U32;
    else if (el.isUnsignedInteger(64))
      dtype = rt::DType::U64;
    else if (el.isInteger(8))
      dtype = rt::DType::I8;
    else if (el.isInteger(16))
      dtype = rt::DType::I16;
    else if (el.isInteger(32))
      dtype = rt::DType::I32;
    else if (el.isInteger(64))
      dtype = rt::DType::I64;
    if (!dtype)
      return func.emitError("entry value '")
             << spec.name << "' has unsupported element type " << el;
    spec.dtype = *dtype;
    for (int64_t d : tensor.getShape())
      spec.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    spec.dimNames.assign(spec.shape.size(), "");
    if (auto names = attrs ? attrs.getAs<ArrayAttr>(kDimNamesAttr) : ArrayAttr())
      for (auto [i, n] : llvm::enumerate(names.getAsRange<StringAttr>()))
        if (i < spec.dimNames.size())
          spec.dimNames[i] = n.str();
    return spec;
  };
  rt::ModelSignature sig;
  FunctionType type = func.getFunctionType();
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    FailureOr<rt::TensorSpec> spec =
        toSpec(type.getInput(i), func.getArgAttrDict(i), i);
    if (failed(spec))
      return failure();
    sig.inputs.push_back(std::move(*spec));
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    FailureOr<rt::TensorSpec> spec =
        toSpec(type.getResult(i), func.getResultAttrDict(i), i);
    if (failed(spec))
      return failure();
    sig.outputs.push_back(std::move(*spec));
  }
  return sig;
}

std::unique_ptr<JitModel> compileModule(ModuleOp module,
                                        const CompileOptions &options) {
  FailureOr<rt::ModelSignature> sig = getModelSignature(module);
  if (failed(sig) ||
      failed(lowerToStage(module, Stage::LLVM,
                          PipelineOptions{options.libraryCalls,
                                          options.fusion})))
    return nullptr;
  std::vector<std::string> checkMessages = getShapeCheckMessages(module);
  auto model = JitModel::create(module, kEntryFunctionName, std::move(*sig),
                                std::move(checkMessages), options.llvmOptLevel,
                                options.target);
  if (!model) {
    emitError(module->getLoc())
        << "JIT compilation failed: " << llvm::toString(model.takeError());
    return nullptr;
  }
  return std::move(*model);
}

std::unique_ptr<JitModel> compileOnnxFile(MLIRContext &ctx, StringRef path,
                                          const CompileOptions &options) {
  OwningOpRef<ModuleOp> module = importOnnxFile(&ctx, path);
  if (!module)
    return nullptr;
  return compileModule(*module, options);
}

//===----------------------------------------------------------------------===//
// One-line diagnostics for the tools
//===----------------------------------------------------------------------===//

/// Where a diagnostic points, in words: the ONNX node (NameLoc) or the file.
static std::string describeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return "at '" + name.getName().str() + "'";
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    std::string s = file.getFilename().str();
    if (file.getLine())
      s += ":" + std::to_string(file.getLine()) + ":" +
           std::to_string(file.getColumn());
    return s;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string s = describeLocation(inner); !s.empty())
        return s;
  return "";
}

OneLineDiagnostics::OneLineDiagnostics(MLIRContext &ctx, std::string *sink)
    : ctx(ctx) {
  id = ctx.getDiagEngine().registerHandler([sink](Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Error)
      return success();
    std::string message = diag.str();
    for (Diagnostic &note : diag.getNotes())
      message += " (" + note.str() + ")";
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::string where = describeLocation(diag.getLocation());
    if (StringRef(message).starts_with("node '"))
      where.clear(); // The importer's messages name the node themselves.
    std::string line = (where.empty() ? "" : where + ": ") + message;
    if (!sink) {
      llvm::errs() << "error: " << line << "\n";
      return success();
    }
    *sink += (sink->empty() ? "" : "; ") + line;
    return success();
  });
}

OneLineDiagnostics::~OneLineDiagnostics() {
  ctx.getDiagEngine().eraseHandler(id);
}

} // namespace blade
