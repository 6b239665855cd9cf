//===- FusionReport.cpp - What the fusion planner did to a model ----------===//

#include "blade/Compiler/FusionReport.h"

#include "blade/Compiler/Compiler.h"
#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Frontend/ONNX/Importer.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Location.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace blade {

namespace {

bool inParallelLoop(Operation *op) {
  return op->getParentOfType<scf::ForallOp>() ||
         op->getParentOfType<scf::ParallelOp>();
}

/// The ONNX node an op came from (its NameLoc), or "".
std::string nodeName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string n = nodeName(inner); !n.empty())
        return n;
  return "";
}

std::string kindsOn(FusionKinds kinds) {
  std::string s;
  for (StringRef kind : kFusionKinds)
    if (*kinds.of(kind))
      s += (s.empty() ? "" : ", ") + kind.str();
  return s.empty() ? "none" : s;
}

FailureOr<int64_t> kernelsWith(ModuleOp module,
                               const PipelineOptions &options) {
  OwningOpRef<ModuleOp> copy = module.clone();
  if (failed(lowerToStage(*copy, Stage::Buffers, options)))
    return failure();
  return countKernels(*copy);
}

} // namespace

int64_t countKernels(ModuleOp module) {
  auto entry = module.lookupSymbol<func::FuncOp>(kEntryFunctionName);
  if (!entry)
    return 0;
  int64_t kernels = 0;
  entry.walk([&](Operation *op) {
    if (inParallelLoop(op))
      return;
    if (isa<scf::ForallOp, scf::ParallelOp>(op))
      ++kernels;
    else if (auto call = dyn_cast<func::CallOp>(op))
      kernels += call.getCallee().starts_with("blade_rt_") ? 1 : 0;
    else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
      kernels += linalgOp.getNumLoops() > 0 ? 1 : 0;
    else if (isa<memref::CopyOp>(op))
      ++kernels;
  });
  return kernels;
}

FailureOr<std::string> describeFusion(ModuleOp module,
                                      const PipelineOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // The groups, as the planner leaves them.
  OwningOpRef<ModuleOp> planned = module.clone();
  PassManager pm(module.getContext());
  buildGraphPipeline(pm);
  buildFusionPlanningPipeline(pm, options);
  if (failed(pm.run(*planned)))
    return failure();
  auto entry = planned->lookupSymbol<func::FuncOp>(kEntryFunctionName);
  if (!entry)
    return module.emitError("no entry function @") << kEntryFunctionName;
  os << "fusion groups of @" << kEntryFunctionName
     << " (kinds on: " << kindsOn(options.fusion) << ")\n";
  llvm::StringMap<int64_t> byKind;
  int64_t grouped = 0, ops = 0, index = 0;
  for (Operation &op : entry.getBody().front()) {
    auto fusion = dyn_cast<FusionOp>(op);
    if (!fusion) {
      ops += isa<BladeDialect>(op.getDialect()) ? 1 : 0;
      continue;
    }
    ++byKind[fusion.getKind()];
    os << "  #" << index++ << " " << fusion.getKind() << ":";
    for (Operation &member : fusion.getBody().front().without_terminator()) {
      ++grouped;
      ++ops;
      os << " " << member.getName().stripDialect();
      if (std::string node = nodeName(member.getLoc()); !node.empty())
        os << " '" << node << "'";
      os << ",";
    }
    text.pop_back();
    os << "\n";
  }
  os << "groups: " << index;
  for (StringRef kind : kFusionKinds)
    os << ", " << kind << " " << byKind.lookup(kind);
  os << "; blade ops in groups: " << grouped << " of " << ops << "\n";
  // Kernels with these kinds and with none.
  FailureOr<int64_t> fused = kernelsWith(module, options);
  PipelineOptions unfused = options;
  unfused.fusion = {false, false, false, false};
  FailureOr<int64_t> plain = kernelsWith(module, unfused);
  if (failed(fused) || failed(plain))
    return failure();
  os << "kernels: " << *fused << " (fusion off: " << *plain << ")\n";
  return text;
}

} // namespace blade
