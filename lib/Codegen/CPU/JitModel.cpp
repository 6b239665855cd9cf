//===- JitModel.cpp - A model compiled in-process for this CPU ------------===//

#include "blade/Codegen/CPU/JitModel.h"

#include "blade-rt/MemRef.h"
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

#include <cstdlib>
#include <set>

using namespace mlir;

namespace blade {

JitModel::JitModel(std::unique_ptr<ExecutionEngine> engine, std::string entry,
                   std::string checkEntry, rt::ModelSignature signature,
                   std::vector<std::string> shapeCheckMessages)
    : engine(std::move(engine)), packedEntry(std::move(entry)),
      packedCheck(std::move(checkEntry)), sig(std::move(signature)),
      checkMessages(std::move(shapeCheckMessages)) {}

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
  std::string entry = ("_mlir_ciface_" + entryName).str();
  if (auto fn = (*engine)->lookupPacked(entry); !fn)
    return fn.takeError();
  std::string check;
  if (!shapeCheckMessages.empty()) {
    check = entry + "_shape_check";
    if (auto fn = (*engine)->lookupPacked(check); !fn)
      return fn.takeError();
  }
  return std::unique_ptr<JitModel>(
      new JitModel(std::move(*engine), entry, std::move(check),
                   std::move(signature), std::move(shapeCheckMessages)));
}

rt::Status JitModel::run(const std::vector<const rt::Tensor *> &inputs,
                         std::vector<rt::Tensor> &outputs,
                         const rt::RunOptions &options) const {
  if (options.threads < 0)
    return rt::Status::error("the thread count must not be negative (got " +
                             std::to_string(options.threads) + ")");
  if (rt::Status status = rt::validateInputs(sig, inputs); !status)
    return status;

  rt::DescriptorBuffer descriptors;
  std::vector<size_t> resultAt, inputAt;
  for (const rt::TensorSpec &out : sig.outputs)
    resultAt.push_back(descriptors.reserveResult(out.rank()));
  for (const rt::Tensor *t : inputs)
    inputAt.push_back(
        descriptors.appendInput(const_cast<void *>(t->data()), t->shape()));

  // All words are in place: take the pointers now (appends may move them).
  void *resultPtr = descriptors.at(resultAt.empty() ? 0 : resultAt[0]);
  std::vector<void *> inputPtrs;
  for (size_t at : inputAt)
    inputPtrs.push_back(descriptors.at(at));
  std::vector<void *> args;
  for (void *&p : inputPtrs)
    args.push_back(&p);

  // Dims that are dynamic at compile time must satisfy the ops' shape rules
  // before the model may touch its buffers.
  if (!packedCheck.empty()) {
    int32_t failed = -1;
    args.push_back(&failed);
    if (llvm::Error err = engine->invokePacked(packedCheck, args))
      return rt::Status::error("checking the input shapes failed: " +
                               llvm::toString(std::move(err)));
    args.pop_back();
    if (failed >= 0)
      return rt::Status::error(
          "the inputs do not fit the model: " +
          (static_cast<size_t>(failed) < checkMessages.size()
               ? checkMessages[failed]
               : "shape check #" + std::to_string(failed) + " failed"));
  }
  if (!sig.outputs.empty())
    args.insert(args.begin(), &resultPtr);

  rt::RunScope scope(&kernels, options);
  if (llvm::Error err = engine->invokePacked(packedEntry, args)) {
    return rt::Status::error("running the model failed: " +
                             llvm::toString(std::move(err)));
  }
  bool kernelFailed = !scope.kernelError().empty();

  // Each result owns a fresh malloc'd buffer (blade-prepare-bufferization
  // guarantees it); adopt contiguous ones, copy the rest and free them.
  std::set<void *> inputBuffers;
  for (const rt::Tensor *t : inputs)
    inputBuffers.insert(const_cast<void *>(t->data()));
  std::set<void *> adopted, copied;
  outputs.clear();
  for (size_t i = 0; i < sig.outputs.size(); ++i) {
    const rt::TensorSpec &spec = sig.outputs[i];
    rt::MemRefView view = descriptors.readDescriptor(resultAt[i], spec.rank());
    bool contiguous = view.offset == 0;
    int64_t stride = 1;
    for (int64_t d = spec.rank() - 1; d >= 0 && contiguous; --d) {
      if (view.sizes[d] != 1 && view.strides[d] != stride)
        contiguous = false;
      stride *= view.sizes[d];
    }
    bool owned = view.allocated && !inputBuffers.count(view.allocated) &&
                 !adopted.count(view.allocated);
    if (contiguous && owned) {
      adopted.insert(view.allocated);
      void *allocated = view.allocated;
      outputs.push_back(
          rt::Tensor::adopt(spec.dtype, view.sizes, view.aligned,
                            [allocated](void *) { std::free(allocated); }));
      continue;
    }
    outputs.push_back(rt::copyFromView(spec.dtype, view));
    if (owned)
      copied.insert(view.allocated);
  }
  // Free copied-out buffers last: another result may still have viewed them.
  for (void *p : copied)
    if (!adopted.count(p))
      std::free(p);
  // A library kernel failed: the results are not to be trusted.
  if (kernelFailed) {
    outputs.clear();
    return rt::Status::error("running the model failed: " +
                             scope.kernelError());
  }
  return rt::Status::ok();
}

} // namespace blade
