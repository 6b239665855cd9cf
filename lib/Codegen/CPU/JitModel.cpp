//===- JitModel.cpp - A model compiled in-process for this CPU ------------===//

#include "blade/Codegen/CPU/JitModel.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

namespace blade {

JitModel::JitModel(std::unique_ptr<ExecutionEngine> engine,
                   rt::CompiledEntry entry, rt::ModelSignature signature)
    : engine(std::move(engine)), entry(std::move(entry)),
      sig(std::move(signature)) {}

JitModel::~JitModel() = default;

void setTargetAttributes(llvm::Module &module, const llvm::TargetMachine &tm) {
  for (llvm::Function &fn : module) {
    if (fn.isDeclaration())
      continue;
    fn.addFnAttr("target-cpu", tm.getTargetCPU());
    fn.addFnAttr("target-features", tm.getTargetFeatureString());
  }
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const JitTarget &target, bool mustRunHere) {
  static const bool targetsReady = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsReady;
  auto fail = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  auto hostBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder)
    return hostBuilder.takeError();
  auto hostTm = hostBuilder->createTargetMachine();
  if (!hostTm)
    return hostTm.takeError();
  llvm::TargetMachine &host = **hostTm;
  const llvm::MCSubtargetInfo &hostInfo = *host.getMCSubtargetInfo();
  llvm::orc::JITTargetMachineBuilder builder(host.getTargetTriple());
  builder.setCodeGenOptLevel(host.getOptLevel());
  bool isHost = target.cpu.empty() || target.cpu == "host";
  std::string cpu = isHost ? host.getTargetCPU().str() : target.cpu;
  if (!hostInfo.isCPUStringValid(cpu))
    return fail("unknown CPU '" + cpu + "' for " +
                host.getTargetTriple().str());
  builder.setCPU(cpu);
  llvm::SubtargetFeatures features;
  if (isHost)
    features.addFeaturesVector(
        llvm::SubtargetFeatures(host.getTargetFeatureString()).getFeatures());
  llvm::SmallVector<llvm::StringRef> changes;
  llvm::StringRef(target.features).split(changes, ',', -1, false);
  for (llvm::StringRef change : changes) {
    change = change.trim();
    llvm::StringRef name = change.drop_front();
    bool known = llvm::any_of(
        hostInfo.getAllProcessorFeatures(),
        [&](const llvm::SubtargetFeatureKV &kv) { return name == kv.Key; });
    if ((!change.starts_with("+") && !change.starts_with("-")) || !known)
      return fail("unknown CPU feature '" + change +
                  "' (write +name or -name with an LLVM feature name)");
    features.AddFeature(change);
  }
  builder.addFeatures(features.getFeatures());
  auto tm = builder.createTargetMachine();
  if (!tm || !mustRunHere)
    return tm;
  // Instruction-set features the host reports as absent (tuning features
  // are not reported and do not matter here).
  llvm::StringMap<bool> hostFeatures = llvm::sys::getHostCPUFeatures();
  const llvm::FeatureBitset &wanted =
      (*tm)->getMCSubtargetInfo()->getFeatureBits();
  std::string missing;
  for (const llvm::SubtargetFeatureKV &kv :
       hostInfo.getAllProcessorFeatures()) {
    auto it = hostFeatures.find(kv.Key);
    if (wanted.test(kv.Value) && it != hostFeatures.end() && !it->second)
      missing += (missing.empty() ? "" : ", ") + std::string(kv.Key);
  }
  if (!missing.empty())
    return fail("the target needs CPU features this machine lacks (" + missing +
                "); the JIT runs the code here");
  return tm;
}

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::create(ModuleOp llvmModule, llvm::StringRef entryName,
                 rt::ModelSignature signature,
                 std::vector<std::string> shapeCheckMessages, unsigned optLevel,
                 const JitTarget &target) {
  auto tm = createTargetMachine(target, /*mustRunHere=*/true);
  if (!tm)
    return tm.takeError();

  // ExecutionEngineOptions holds the transformer by reference: keep it alive
  // until create() returns. Code generation follows each function's
  // target-cpu/target-features, so the chosen target applies to all of it.
  std::function<llvm::Error(llvm::Module *)> optimizeFor =
      makeOptimizingTransformer(std::min(optLevel, 3u), 0, tm->get());
  std::function<llvm::Error(llvm::Module *)> optimize =
      [&](llvm::Module *module) -> llvm::Error {
    setTargetAttributes(*module, **tm);
    return optimizeFor(module);
  };
  ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel =
      static_cast<llvm::CodeGenOptLevel>(std::min(optLevel, 3u));
  auto engine = ExecutionEngine::create(llvmModule, options);
  if (!engine)
    return engine.takeError();
  // The runtime functions compiled code calls (parallel loops, library
  // kernels), resolved by address rather than through the process's symbols.
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    size_t count = 0;
    const rt::KernelSymbol *table = rt::kernelSymbols(count);
    for (size_t i = 0; i < count; ++i)
      symbols[interner(table[i].name)] = {
          llvm::orc::ExecutorAddr::fromPtr(table[i].address),
          llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  // The C-interface wrapper of the entry takes the result struct pointer
  // first, then one descriptor pointer per input.
  std::string name = ("_mlir_ciface_" + entryName).str();
  rt::CompiledEntry entry;
  auto fn = (*engine)->lookupPacked(name);
  if (!fn)
    return fn.takeError();
  entry.run = *fn;
  if (!shapeCheckMessages.empty()) {
    auto check = (*engine)->lookupPacked(name + "_shape_check");
    if (!check)
      return check.takeError();
    entry.shapeCheck = *check;
    entry.checkMessages = std::move(shapeCheckMessages);
  }
  return std::unique_ptr<JitModel>(
      new JitModel(std::move(*engine), std::move(entry), std::move(signature)));
}

rt::Status JitModel::run(const std::vector<const rt::Tensor *> &inputs,
                         std::vector<rt::Tensor> &outputs,
                         const rt::RunOptions &options) const {
  return rt::runEntry(entry, sig, kernels, inputs, outputs, options);
}

} // namespace blade
