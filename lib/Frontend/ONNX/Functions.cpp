//===- Functions.cpp - Expanding ONNX function bodies ---------------------===//
//
// An ONNX operator may be defined as a function of other operators (in its
// schema, possibly built from the node's attributes and input types), and a
// model may define functions of its own. A node without a converter whose
// operator has such a body is replaced by the body's nodes.
//
//===----------------------------------------------------------------------===//

#include "ModelPrep.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/defs/schema.h>

using namespace mlir;

namespace blade::onnx_import {

namespace {

/// The ONNX data type of an MLIR element type (UNDEFINED if none).
int32_t onnxElementType(Type t) {
  if (t.isF32())
    return onnx::TensorProto::FLOAT;
  if (t.isF64())
    return onnx::TensorProto::DOUBLE;
  if (t.isF16())
    return onnx::TensorProto::FLOAT16;
  if (t.isBF16())
    return onnx::TensorProto::BFLOAT16;
  auto it = dyn_cast<IntegerType>(t);
  if (!it)
    return onnx::TensorProto::UNDEFINED;
  bool isUnsigned = it.isUnsigned();
  switch (it.getWidth()) {
  case 1:
    return onnx::TensorProto::BOOL;
  case 8:
    return isUnsigned ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  case 16:
    return isUnsigned ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
  case 32:
    return isUnsigned ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
  case 64:
    return isUnsigned ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
  default:
    return onnx::TensorProto::UNDEFINED;
  }
}

onnx::TypeProto typeProtoOf(Type type) {
  onnx::TypeProto proto;
  auto ranked = dyn_cast_or_null<RankedTensorType>(type);
  if (!ranked)
    return proto;
  onnx::TypeProto::Tensor *tensor = proto.mutable_tensor_type();
  tensor->set_elem_type(onnxElementType(ranked.getElementType()));
  onnx::TensorShapeProto *shape = tensor->mutable_shape();
  for (int64_t d : ranked.getShape()) {
    onnx::TensorShapeProto::Dimension *dim = shape->add_dim();
    if (!ShapedType::isDynamic(d))
      dim->set_dim_value(d);
  }
  return proto;
}

/// Default-domain opset a function body was written for (0 if it says none).
int64_t declaredOpset(const onnx::FunctionProto &fn) {
  for (const onnx::OperatorSetIdProto &id : fn.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      return id.version();
  return 0;
}

} // namespace

std::string functionKey(const std::string &domain, const std::string &name) {
  return (domain == "ai.onnx" ? std::string() : domain) + ":" + name;
}

FailureOr<bool> instantiateFunction(const onnx::NodeProto &node, int64_t opset,
                                    const LocalFunctions &local,
                                    ArrayRef<Type> inputTypes,
                                    const std::string &prefix,
                                    std::vector<onnx::NodeProto> &body,
                                    int64_t &bodyOpset, std::string &error) {
  const onnx::FunctionProto *fn = nullptr;
  const onnx::OpSchema *schema = nullptr;
  onnx::FunctionProto built;
  auto it = local.find(functionKey(node.domain(), node.op_type()));
  if (it != local.end()) {
    fn = it->second;
  } else if (node.domain().empty() || node.domain() == "ai.onnx") {
    schema =
        onnx::OpSchemaRegistry::Schema(node.op_type(), static_cast<int>(opset));
    if (schema && schema->HasFunction()) {
      fn = schema->GetFunction();
    } else if (schema && schema->HasContextDependentFunction()) {
      std::vector<onnx::TypeProto> types;
      for (Type t : inputTypes)
        types.push_back(typeProtoOf(t));
      onnx::FunctionBodyBuildContextImpl buildCtx(node, types);
      try {
        if (!schema->BuildContextDependentFunction(buildCtx, built)) {
          error = "its function body cannot be built for these inputs";
          return failure();
        }
      } catch (const std::exception &e) {
        error = std::string("its function body cannot be built: ") + e.what();
        return failure();
      }
      fn = &built;
    }
  }
  if (!fn)
    return false;
  bodyOpset = declaredOpset(*fn) ? declaredOpset(*fn) : opset;

  // Formal parameter -> actual value name ("" for a missing optional one).
  llvm::StringMap<std::string> rename;
  for (int i = 0; i < fn->input_size(); ++i)
    rename[fn->input(i)] = i < node.input_size() ? node.input(i) : "";
  for (int i = 0; i < fn->output_size(); ++i)
    rename[fn->output(i)] = i < node.output_size() ? node.output(i) : "";
  auto mapName = [&](const std::string &name) -> std::string {
    if (name.empty())
      return name;
    auto found = rename.find(name);
    return found != rename.end() ? found->second : prefix + name;
  };
  llvm::StringMap<const onnx::AttributeProto *> given;
  for (const onnx::AttributeProto &a : node.attribute())
    given[a.name()] = &a;

  body.clear();
  for (const onnx::NodeProto &src : fn->node()) {
    onnx::NodeProto dst = src;
    dst.set_name(prefix + (src.name().empty() ? src.op_type() : src.name()));
    for (int i = 0; i < dst.input_size(); ++i)
      dst.set_input(i, mapName(src.input(i)));
    for (int i = 0; i < dst.output_size(); ++i)
      dst.set_output(i, mapName(src.output(i)));
    dst.clear_attribute();
    for (const onnx::AttributeProto &a : src.attribute()) {
      if (a.ref_attr_name().empty()) {
        *dst.add_attribute() = a;
        continue;
      }
      // A reference to an attribute of the calling node, or to the
      // schema's default; left out (so the body op's default applies) if
      // neither gives one.
      const onnx::AttributeProto *value = nullptr;
      auto found = given.find(a.ref_attr_name());
      if (found != given.end()) {
        value = found->second;
      } else if (schema) {
        auto attr = schema->attributes().find(a.ref_attr_name());
        if (attr != schema->attributes().end() &&
            attr->second.default_value.has_type())
          value = &attr->second.default_value;
      }
      if (!value)
        continue;
      onnx::AttributeProto *copy = dst.add_attribute();
      *copy = *value;
      copy->set_name(a.name());
    }
    body.push_back(std::move(dst));
  }
  return true;
}

} // namespace blade::onnx_import
