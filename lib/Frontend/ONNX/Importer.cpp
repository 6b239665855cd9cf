//===- Importer.cpp - ONNX model to blade dialect -------------------------===//

#include "blade/Frontend/ONNX/Importer.h"
#include "ConverterRegistry.h"
#include "ModelPrep.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SaveAndRestore.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/shape_inference/implementation.h>

using namespace mlir;

namespace blade {
namespace {

using onnx_import::ConverterRegistry;
using onnx_import::NodeContext;

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef sourceName)
      : ctx(ctx), builder(ctx), sourceName(sourceName.str()) {}

  OwningOpRef<ModuleOp> importModel(const onnx::ModelProto &model);

private:
  LogicalResult importInitializers(const onnx::GraphProto &graph);
  LogicalResult importInputs(const onnx::GraphProto &graph,
                             SmallVectorImpl<Type> &types,
                             SmallVectorImpl<DictionaryAttr> &attrs);
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  FailureOr<bool> importFunctionBody(const onnx::NodeProto &node,
                                     NodeContext &nodeCtx,
                                     ArrayRef<Value> inputs);
  LogicalResult importSubgraph(const onnx::GraphProto &graph,
                               ArrayRef<Value> inputs,
                               SmallVectorImpl<Value> &outputs);
  LogicalResult checkDeclaredType(const onnx::ValueInfoProto &output,
                                  Type computed);
  Location nodeLoc(const onnx::NodeProto &node, size_t index);
  LogicalResult error(const Twine &message) {
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0)) << message;
    return failure();
  }

  void collectDeclaredRanks(const onnx::ModelProto &model);

  MLIRContext *ctx;
  OpBuilder builder;
  std::string sourceName;
  int64_t opset = 0;
  int64_t trainingOpset = 0; // ai.onnx.preview.training
  llvm::StringMap<Value> values;
  onnx_import::LocalFunctions localFunctions;
  /// Numbers function-body expansions, keeping their value names unique.
  unsigned expansions = 0;
  llvm::StringMap<int64_t> declaredRanks;
};

/// A copy of `model` for ONNX shape inference without the data of large
/// initializers (weights): they become typed graph inputs, so their shapes
/// still flow while small ones (shape constants) keep their values.
onnx::ModelProto copyForShapeInference(const onnx::ModelProto &model) {
  constexpr int64_t kMaxCopiedElements = 1024;
  onnx::ModelProto copy;
  copy.set_ir_version(model.ir_version());
  *copy.mutable_opset_import() = model.opset_import();
  *copy.mutable_functions() = model.functions();
  const onnx::GraphProto &graph = model.graph();
  onnx::GraphProto &out = *copy.mutable_graph();
  *out.mutable_node() = graph.node();
  *out.mutable_input() = graph.input();
  *out.mutable_output() = graph.output();
  *out.mutable_value_info() = graph.value_info();
  llvm::StringSet<> inputs;
  for (const onnx::ValueInfoProto &input : graph.input())
    inputs.insert(input.name());
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    int64_t n = 1;
    for (int64_t d : tensor.dims())
      n *= d;
    if (n <= kMaxCopiedElements) {
      *out.add_initializer() = tensor;
      continue;
    }
    if (inputs.contains(tensor.name()))
      continue;
    onnx::ValueInfoProto &input = *out.add_input();
    input.set_name(tensor.name());
    onnx::TypeProto::Tensor &type =
        *input.mutable_type()->mutable_tensor_type();
    type.set_elem_type(tensor.data_type());
    onnx::TensorShapeProto &shape = *type.mutable_shape();
    for (int64_t d : tensor.dims())
      shape.add_dim()->set_dim_value(d);
  }
  return copy;
}

/// Ranks the model states for its values: graph outputs, value_info, and
/// what ONNX shape inference derives from them (a model it rejects simply
/// gives fewer ranks).
void GraphImporter::collectDeclaredRanks(const onnx::ModelProto &model) {
  auto add = [&](const onnx::ValueInfoProto &info) {
    if (info.type().has_tensor_type() && info.type().tensor_type().has_shape())
      declaredRanks[info.name()] = info.type().tensor_type().shape().dim_size();
  };
  onnx::ModelProto inferred = copyForShapeInference(model);
  try {
    onnx::shape_inference::InferShapes(inferred);
  } catch (const std::exception &) {
    inferred.mutable_graph()->clear_value_info();
  }
  for (const onnx::ModelProto *m : {&std::as_const(inferred), &model}) {
    for (const onnx::ValueInfoProto &info : m->graph().value_info())
      add(info);
    for (const onnx::ValueInfoProto &info : m->graph().output())
      add(info);
  }
}

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  return NameLoc::get(StringAttr::get(ctx, name));
}

LogicalResult GraphImporter::importInitializers(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    std::string message;
    FailureOr<DenseElementsAttr> attr =
        onnx_import::convertTensorProto(ctx, tensor, message);
    if (failed(attr))
      return error("initializer: " + message);
    Location loc = NameLoc::get(StringAttr::get(ctx, tensor.name()));
    values[tensor.name()] = ConstantOp::create(builder, loc, *attr);
  }
  return success();
}

LogicalResult
GraphImporter::importInputs(const onnx::GraphProto &graph,
                            SmallVectorImpl<Type> &types,
                            SmallVectorImpl<DictionaryAttr> &attrs) {
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (values.count(input.name()))
      continue; // An initializer listed as input (IR version < 4).
    const std::string &name = input.name();
    if (!input.type().has_tensor_type())
      return error("input '" + name + "' is not a tensor");
    const onnx::TypeProto::Tensor &tt = input.type().tensor_type();
    Type elementType = onnx_import::convertElementType(ctx, tt.elem_type());
    if (!elementType)
      return error("input '" + name + "' has unsupported element type " +
                   onnx_import::onnxTypeName(tt.elem_type()));
    if (!tt.has_shape())
      return error("input '" + name +
                   "' has no shape (rank); Blade needs ranked inputs");
    SmallVector<int64_t> shape;
    SmallVector<Attribute> dimNames;
    for (const onnx::TensorShapeProto::Dimension &d : tt.shape().dim()) {
      if (d.has_dim_value() && d.dim_value() >= 0) {
        shape.push_back(d.dim_value());
        dimNames.push_back(builder.getStringAttr(""));
      } else {
        shape.push_back(ShapedType::kDynamic);
        dimNames.push_back(builder.getStringAttr(d.dim_param()));
      }
    }
    types.push_back(RankedTensorType::get(shape, elementType));
    attrs.push_back(builder.getDictionaryAttr(
        {builder.getNamedAttr(kNameAttr, builder.getStringAttr(name)),
         builder.getNamedAttr(kDimNamesAttr, builder.getArrayAttr(dimNames))}));
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  Location loc = nodeLoc(node, index);
  SmallVector<Value> inputs;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      inputs.push_back(Value());
      continue;
    }
    auto it = values.find(name);
    inputs.push_back(it == values.end() ? Value() : it->second);
  }
  // Default-domain ops are looked up by op type, training ops by prefix.
  bool training = node.domain() == onnx_import::kTrainingDomain;
  bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
  std::string key = training
                        ? onnx_import::kTrainingDomainPrefix + node.op_type()
                        : node.op_type();
  NodeContext nodeCtx(node, training ? trainingOpset : opset, builder, loc,
                      inputs);
  nodeCtx.setDeclaredRanks(&declaredRanks);
  auto subgraph = [this](const onnx::GraphProto &graph, ArrayRef<Value> in,
                         SmallVectorImpl<Value> &out) {
    return importSubgraph(graph, in, out);
  };
  nodeCtx.importSubgraph = subgraph;
  for (auto [i, name] : llvm::enumerate(node.input()))
    if (!name.empty() && !inputs[i])
      return nodeCtx.fail("input '" + name + "' is not defined");
  const ConverterRegistry &registry = ConverterRegistry::get();
  onnx_import::ConverterFn fn = defaultDomain || training
                                    ? registry.lookup(key, nodeCtx.opset)
                                    : nullptr;
  if (!fn) {
    // No converter: an operator defined as a function is imported as its
    // body.
    FailureOr<bool> expanded = importFunctionBody(node, nodeCtx, inputs);
    if (failed(expanded))
      return failure();
    if (*expanded)
      return success();
    if (!defaultDomain && !training)
      return nodeCtx.fail("operators of domain '" + node.domain() +
                          "' are not supported");
    return nodeCtx.fail(registry.knows(key)
                            ? "this opset version is not supported"
                            : "unsupported operator");
  }
  if (failed(fn(nodeCtx)))
    return failure();
  ArrayRef<Value> outputs = nodeCtx.getOutputs();
  for (int i = 0; i < node.output_size(); ++i) {
    if (node.output(i).empty())
      continue;
    if (i >= static_cast<int>(outputs.size()) || !outputs[i])
      return nodeCtx.fail("output #" + Twine(i) + " is not supported");
    values[node.output(i)] = outputs[i];
  }
  return success();
}

FailureOr<bool> GraphImporter::importFunctionBody(const onnx::NodeProto &node,
                                                 NodeContext &nodeCtx,
                                                 ArrayRef<Value> inputs) {
  SmallVector<Type> inputTypes;
  for (Value v : inputs)
    inputTypes.push_back(v ? v.getType() : Type());
  std::string name = node.name().empty() ? node.op_type() : node.name();
  std::string prefix = name + "#" + std::to_string(expansions++) + "/";
  std::vector<onnx::NodeProto> body;
  int64_t bodyOpset = opset;
  std::string message;
  FailureOr<bool> found = onnx_import::instantiateFunction(
      node, opset, localFunctions, inputTypes, prefix, body, bodyOpset,
      message);
  if (failed(found))
    return nodeCtx.fail(message);
  if (!*found)
    return false;
  if (bodyOpset > ConverterRegistry::kLatestOpset)
    return nodeCtx.fail("its function body needs opset " + Twine(bodyOpset) +
                        ", newer than the supported " +
                        Twine(ConverterRegistry::kLatestOpset));
  llvm::SaveAndRestore<int64_t> bodyVersion(opset, bodyOpset);
  for (auto [i, bodyNode] : llvm::enumerate(body))
    if (failed(importNode(bodyNode, i)))
      return failure();
  return true;
}

/// The nodes of a subgraph see its inputs and initializers over the values
/// of the enclosing graphs; its own values go out of scope afterwards.
LogicalResult GraphImporter::importSubgraph(const onnx::GraphProto &graph,
                                            ArrayRef<Value> inputs,
                                            SmallVectorImpl<Value> &outputs) {
  llvm::StringMap<Value> outer = values;
  auto restore = llvm::make_scope_exit([&] { values = std::move(outer); });
  if (failed(importInitializers(graph)))
    return failure();
  for (auto [input, value] : llvm::zip(graph.input(), inputs))
    values[input.name()] = value;
  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(importNode(graph.node(i), i)))
      return failure();
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return error("subgraph '" + graph.name() + "': output '" + output.name() +
                   "' is never produced");
    outputs.push_back(it->second);
  }
  return success();
}

/// A graph output's declared type, where it gives one, must agree with the
/// type the converters computed.
LogicalResult GraphImporter::checkDeclaredType(const onnx::ValueInfoProto &output,
                                               Type computed) {
  if (!output.type().has_tensor_type())
    return success();
  const onnx::TypeProto::Tensor &tt = output.type().tensor_type();
  auto type = cast<RankedTensorType>(computed);
  if (tt.elem_type() != onnx::TensorProto::UNDEFINED) {
    Type declared = onnx_import::convertElementType(ctx, tt.elem_type());
    if (declared != type.getElementType())
      return error("graph output '" + output.name() + "' is declared " +
                   onnx_import::onnxTypeName(tt.elem_type()) +
                   " but the graph computes a different element type");
  }
  if (!tt.has_shape())
    return success();
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &d : tt.shape().dim())
    shape.push_back(d.has_dim_value() ? d.dim_value() : ShapedType::kDynamic);
  if (static_cast<int64_t>(shape.size()) != type.getRank() ||
      failed(verifyCompatibleShape(shape, type.getShape())))
    return error("graph output '" + output.name() + "' is declared with shape " +
                 shapeToString(shape) + " but the graph computes " +
                 shapeToString(type.getShape()));
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::importModel(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
    else if (id.domain() == onnx_import::kTrainingDomain)
      trainingOpset = id.version();
  if (opset == 0 && trainingOpset == 0) {
    (void)error("the model imports no default-domain (ai.onnx) opset");
    return nullptr;
  }
  if (opset > ConverterRegistry::kLatestOpset) {
    (void)error("opset " + Twine(opset) + " is newer than the supported " +
                Twine(ConverterRegistry::kLatestOpset));
    return nullptr;
  }
  for (const onnx::FunctionProto &fn : model.functions())
    localFunctions[onnx_import::functionKey(fn.domain(), fn.name())] = &fn;
  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(ctx, sourceName, 0, 0));
  if (!graph.name().empty())
    (*module)->setAttr("blade.graph_name", builder.getStringAttr(graph.name()));

  // Build the body first: argument types come from the graph inputs, result
  // types from what the nodes produce.
  auto func = func::FuncOp::create(builder, module->getLoc(),
                                   kEntryFunctionName,
                                   builder.getFunctionType({}, {}));
  module->push_back(func);
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);

  collectDeclaredRanks(model);
  if (failed(importInitializers(graph)))
    return nullptr;
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  if (failed(importInputs(graph, argTypes, argAttrs)))
    return nullptr;
  size_t argIndex = 0;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (values.count(input.name()))
      continue;
    values[input.name()] = body->addArgument(
        argTypes[argIndex++], NameLoc::get(StringAttr::get(ctx, input.name())));
  }

  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(importNode(graph.node(i), i)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<DictionaryAttr> resultAttrs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end()) {
      (void)error("graph output '" + output.name() + "' is never produced");
      return nullptr;
    }
    if (failed(checkDeclaredType(output, it->second.getType())))
      return nullptr;
    results.push_back(it->second);
    resultAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        kNameAttr, builder.getStringAttr(output.name()))));
  }
  func::ReturnOp::create(builder, module->getLoc(), results);
  func.setType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);

  if (failed(verify(*module)))
    return nullptr;
  return module;
}

/// Runs ONNX's own model checker; its exceptions become a diagnostic.
LogicalResult checkModel(MLIRContext *ctx, const onnx::ModelProto &model,
                         StringRef sourceName) {
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    std::string what = e.what();
    // The checker appends a line of context; keep the message to one line.
    std::replace(what.begin(), what.end(), '\n', ' ');
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0))
        << "invalid ONNX model: " << StringRef(what).trim();
    return failure();
  }
  return success();
}

OwningOpRef<ModuleOp> importModelProto(MLIRContext *ctx,
                                       onnx::ModelProto &model,
                                       StringRef sourceName,
                                       StringRef baseDir) {
  std::string message;
  if (failed(onnx_import::loadExternalData(model, baseDir, message))) {
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0)) << message;
    return nullptr;
  }
  if (failed(checkModel(ctx, model, sourceName)))
    return nullptr;
  return GraphImporter(ctx, sourceName).importModel(model);
}

} // namespace

OwningOpRef<ModuleOp> importOnnxBytes(MLIRContext *ctx, StringRef bytes,
                                      StringRef sourceName, StringRef baseDir) {
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0))
        << "not a valid ONNX model (protobuf parse failed)";
    return nullptr;
  }
  return importModelProto(ctx, model, sourceName, baseDir);
}

OwningOpRef<ModuleOp> importOnnxText(MLIRContext *ctx, StringRef text,
                                     StringRef sourceName, StringRef baseDir) {
  onnx::ModelProto model;
  std::string copy = text.str();
  onnx::Common::Status status = onnx::OnnxParser::Parse(model, copy.c_str());
  if (!status.IsOK()) {
    std::string message = status.ErrorMessage();
    std::replace(message.begin(), message.end(), '\n', ' ');
    emitError(FileLineColLoc::get(ctx, sourceName, 0, 0))
        << "cannot parse ONNX text: " << StringRef(message).trim();
    return nullptr;
  }
  return importModelProto(ctx, model, sourceName, baseDir);
}

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext *ctx, StringRef path) {
  // protobuf cannot parse a message over 2 GiB: say so before reading.
  uint64_t size = 0;
  if (!llvm::sys::fs::file_size(path, size) && size > uint64_t(INT_MAX)) {
    emitError(UnknownLoc::get(ctx))
        << "'" << path << "' is " << size
        << " bytes; an ONNX protobuf file is limited to 2 GiB (keep the "
           "weights in external data files)";
    return nullptr;
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (std::error_code ec = file.getError()) {
    emitError(UnknownLoc::get(ctx))
        << "cannot open '" << path << "': " << ec.message();
    return nullptr;
  }
  StringRef bytes = (*file)->getBuffer();
  // External data files are found next to the model.
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  if (path.ends_with(".onnxtxt") || bytes.ltrim().starts_with("<"))
    return importOnnxText(ctx, bytes, path, dir);
  return importOnnxBytes(ctx, bytes, path, dir);
}

} // namespace blade
