//===- ConverterRegistry.h - ONNX node converters by opset -----*- C++ -*-===//
//
// Private to lib/Frontend/ONNX. A converter turns one ONNX node into blade
// ops. Converters are registered by (op type, opset range) from one file per
// op family, each exporting a register*Converters function.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_LIB_FRONTEND_ONNX_CONVERTERREGISTRY_H
#define BLADE_LIB_FRONTEND_ONNX_CONVERTERREGISTRY_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <optional>

namespace blade::onnx_import {

/// What a converter sees of the node it converts.
class NodeContext {
public:
  NodeContext(const onnx::NodeProto &node, int64_t opset, mlir::OpBuilder &b,
              mlir::Location loc, llvm::ArrayRef<mlir::Value> inputs)
      : node(node), opset(opset), builder(b), loc(loc), inputs(inputs) {}

  const onnx::NodeProto &node;
  const int64_t opset;
  mlir::OpBuilder &builder;
  const mlir::Location loc;

  /// Input `i`, or a null Value when it is absent or given as "".
  mlir::Value input(unsigned i) const {
    return i < inputs.size() ? inputs[i] : mlir::Value();
  }
  unsigned numInputs() const { return inputs.size(); }
  /// Input `i` as a ranked tensor value; fails (with a diagnostic) if absent.
  mlir::FailureOr<mlir::Value> requiredInput(unsigned i);

  std::optional<int64_t> intAttr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t dflt) const {
    return intAttr(name).value_or(dflt);
  }
  std::optional<float> floatAttr(llvm::StringRef name) const;
  float floatAttr(llvm::StringRef name, float dflt) const {
    return floatAttr(name).value_or(dflt);
  }
  std::optional<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name) const;
  const onnx::AttributeProto *attr(llvm::StringRef name) const;

  /// Emits `node 'N' (Op, opset K): message` at the node and returns failure.
  mlir::LogicalResult fail(const llvm::Twine &message) const;

  /// Records the node's outputs, in order.
  mlir::LogicalResult setOutputs(llvm::ArrayRef<mlir::Value> values) {
    outputs.assign(values.begin(), values.end());
    return mlir::success();
  }
  llvm::ArrayRef<mlir::Value> getOutputs() const { return outputs; }

  /// The rank the model declares for output `i` (graph outputs, value_info
  /// and what ONNX shape inference adds), if any. For converters whose result
  /// rank depends on run-time values; they check it at run time.
  std::optional<int64_t> declaredRank(unsigned i) const;
  /// Declared ranks by value name; set by the importer.
  void setDeclaredRanks(const llvm::StringMap<int64_t> *ranks) {
    declaredRanks = ranks;
  }
  /// Imports an ONNX subgraph (If branches, Loop and Scan bodies) at the
  /// builder's insertion point: `inputs` stand for its graph inputs, values
  /// of the enclosing graphs stay visible; `outputs` gets its graph outputs.
  using SubgraphImporter = llvm::function_ref<mlir::LogicalResult(
      const onnx::GraphProto &, llvm::ArrayRef<mlir::Value> inputs,
      llvm::SmallVectorImpl<mlir::Value> &outputs)>;
  SubgraphImporter importSubgraph;

private:
  const llvm::StringMap<int64_t> *declaredRanks = nullptr;
  llvm::ArrayRef<mlir::Value> inputs;
  llvm::SmallVector<mlir::Value> outputs;
};

using ConverterFn = mlir::LogicalResult (*)(NodeContext &);

/// Operators of domain ai.onnx.preview.training are registered as this
/// prefix + op type, by that domain's opset.
inline constexpr char kTrainingDomain[] = "ai.onnx.preview.training";
inline constexpr char kTrainingDomainPrefix[] = "ai.onnx.preview.training:";

/// Converters for the default ONNX domain, by op type and opset range.
class ConverterRegistry {
public:
  /// Registers `fn` for models whose default-domain opset is in
  /// [sinceOpset, untilOpset].
  void add(llvm::StringRef opType, int64_t sinceOpset, int64_t untilOpset,
           ConverterFn fn);
  void add(llvm::StringRef opType, int64_t sinceOpset, ConverterFn fn) {
    add(opType, sinceOpset, kLatestOpset, fn);
  }
  /// The converter for `opType` at `opset`, or nullptr.
  ConverterFn lookup(llvm::StringRef opType, int64_t opset) const;
  /// True if some opset has a converter for `opType`.
  bool knows(llvm::StringRef opType) const { return table.count(opType); }

  /// The registry with every converter of lib/Frontend/ONNX.
  static const ConverterRegistry &get();

  static constexpr int64_t kLatestOpset = 17;

private:
  struct Entry {
    int64_t since, until;
    ConverterFn fn;
  };
  llvm::StringMap<llvm::SmallVector<Entry, 2>> table;
};

void registerActivationConverters(ConverterRegistry &registry);
void registerControlFlowConverters(ConverterRegistry &registry);
void registerElementwiseConverters(ConverterRegistry &registry);
void registerImageConverters(ConverterRegistry &registry);
void registerIndexingConverters(ConverterRegistry &registry);
void registerLinearAlgebraConverters(ConverterRegistry &registry);
void registerLossConverters(ConverterRegistry &registry);
void registerMatrixConverters(ConverterRegistry &registry);
void registerNNConverters(ConverterRegistry &registry);
void registerNormalizationConverters(ConverterRegistry &registry);
void registerQuantConverters(ConverterRegistry &registry);
void registerRecurrentConverters(ConverterRegistry &registry);
void registerReductionConverters(ConverterRegistry &registry);
void registerReverseSequenceConverters(ConverterRegistry &registry);
void registerSelectionConverters(ConverterRegistry &registry);
void registerShapeConverters(ConverterRegistry &registry);
void registerSignalConverters(ConverterRegistry &registry);
void registerTextConverters(ConverterRegistry &registry);
void registerTrainingConverters(ConverterRegistry &registry);

//===----------------------------------------------------------------------===//
// Helpers shared by the converters (TensorProto.cpp, Shape.cpp)
//===----------------------------------------------------------------------===//

/// The MLIR element type of an ONNX TensorProto data type, or null.
mlir::Type convertElementType(mlir::MLIRContext *ctx, int32_t onnxType);

/// Name of an ONNX data type, e.g. "float", for messages.
std::string onnxTypeName(int32_t onnxType);

/// Converts an ONNX tensor (raw or typed data) to an elements attribute;
/// on failure sets `error`.
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensorProto(mlir::MLIRContext *ctx, const onnx::TensorProto &tensor,
                   std::string &error);

/// The integer values of a constant 1-D tensor value, if it is constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value v);

/// Builds a blade.reshape of `v` to `shape`, failing like the verifier would.
mlir::FailureOr<mlir::Value> buildReshape(NodeContext &ctx, mlir::Value v,
                                          llvm::ArrayRef<int64_t> shape);

/// MatMul with numpy semantics for 1-D operands (LinearAlgebra.cpp).
mlir::FailureOr<mlir::Value> buildNumpyMatMul(NodeContext &ctx, mlir::Value lhs,
                                              mlir::Value rhs);

/// blade.conv of `x` and `w` (rank >= 3, one element type) and an optional
/// bias, with the node's Conv attributes (NN.cpp).
mlir::FailureOr<mlir::Value> buildConv(NodeContext &ctx, mlir::Value x,
                                       mlir::Value w, mlir::Value bias);

/// Normalizes a possibly negative axis against `rank`; fails if out of range.
mlir::FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis,
                                       int64_t rank);

} // namespace blade::onnx_import

#endif // BLADE_LIB_FRONTEND_ONNX_CONVERTERREGISTRY_H
