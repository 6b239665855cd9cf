//===- ConverterRegistry.cpp - ONNX node converters, keyed by opset -------===//

#include "ConverterRegistry.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace blade::onnx_import {

FailureOr<Value> NodeContext::requiredInput(unsigned i) {
  Value v = input(i);
  if (!v)
    return fail("missing required input #" + Twine(i));
  if (!isa<RankedTensorType>(v.getType()))
    return fail("input #" + Twine(i) + " is not a ranked tensor");
  return v;
}

std::optional<int64_t> NodeContext::declaredRank(unsigned i) const {
  if (!declaredRanks || static_cast<int>(i) >= node.output_size())
    return std::nullopt;
  auto it = declaredRanks->find(node.output(i));
  if (it == declaredRanks->end())
    return std::nullopt;
  return it->second;
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

std::optional<int64_t> NodeContext::intAttr(StringRef name) const {
  if (const onnx::AttributeProto *a = attr(name))
    return a->i();
  return std::nullopt;
}

std::optional<float> NodeContext::floatAttr(StringRef name) const {
  if (const onnx::AttributeProto *a = attr(name))
    return a->f();
  return std::nullopt;
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name) const {
  if (const onnx::AttributeProto *a = attr(name))
    return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  return std::nullopt;
}

LogicalResult NodeContext::fail(const Twine &message) const {
  // The location carries the node's name, or op type and index when it has
  // none; the message uses the same.
  std::string name = node.name();
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    name = nameLoc.getName().str();
  emitError(loc) << "node '" << name << "' (" << node.op_type() << ", opset "
                 << opset << "): " << message;
  return failure();
}

void ConverterRegistry::add(StringRef opType, int64_t sinceOpset,
                            int64_t untilOpset, ConverterFn fn) {
  table[opType].push_back({sinceOpset, untilOpset, fn});
}

ConverterFn ConverterRegistry::lookup(StringRef opType, int64_t opset) const {
  auto it = table.find(opType);
  if (it == table.end())
    return nullptr;
  for (const Entry &e : it->second)
    if (e.since <= opset && opset <= e.until)
      return e.fn;
  return nullptr;
}

const ConverterRegistry &ConverterRegistry::get() {
  static const ConverterRegistry registry = [] {
    ConverterRegistry r;
    registerActivationConverters(r);
    registerControlFlowConverters(r);
    registerElementwiseConverters(r);
    registerLinearAlgebraConverters(r);
    registerLossConverters(r);
    registerMatrixConverters(r);
    registerNNConverters(r);
    registerNormalizationConverters(r);
    registerQuantConverters(r);
    registerRecurrentConverters(r);
    registerSelectionConverters(r);
    registerReductionConverters(r);
    registerReverseSequenceConverters(r);
    registerShapeConverters(r);
    registerSignalConverters(r);
    registerTextConverters(r);
    registerTrainingConverters(r);
    registerIndexingConverters(r);
    registerImageConverters(r);
    return r;
  }();
  return registry;
}

} // namespace blade::onnx_import
