//===- ExternalData.cpp - Loading tensors stored in external files --------===//
//
// ONNX models over protobuf's 2 GiB limit keep their tensors in side files:
// a TensorProto with data_location EXTERNAL names a `location` (relative to
// the model's directory), an optional byte `offset` and `length`. The
// importer reads them into raw_data before checking and converting.
//
//===----------------------------------------------------------------------===//

#include "ModelPrep.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fstream>

using namespace mlir;

namespace blade::onnx_import {

namespace {

/// Bytes per element of an ONNX data type (0 for strings and unknowns).
uint64_t elementBytes(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::BOOL:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return 1;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::FLOAT:
    return 4;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

/// Calls `fn` on every tensor of `graph`: initializers and tensor-valued
/// attributes, in subgraphs too.
void forEachTensor(onnx::GraphProto &graph,
                   function_ref<void(onnx::TensorProto &)> fn) {
  for (onnx::TensorProto &t : *graph.mutable_initializer())
    fn(t);
  for (onnx::NodeProto &node : *graph.mutable_node()) {
    for (onnx::AttributeProto &a : *node.mutable_attribute()) {
      if (a.has_t())
        fn(*a.mutable_t());
      for (onnx::TensorProto &t : *a.mutable_tensors())
        fn(t);
      if (a.has_g())
        forEachTensor(*a.mutable_g(), fn);
      for (onnx::GraphProto &g : *a.mutable_graphs())
        forEachTensor(g, fn);
    }
  }
}

/// Element count of `t`, saturating instead of overflowing.
uint64_t elementCount(const onnx::TensorProto &t) {
  uint64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d <= 0)
      return 0;
    if (count > UINT64_MAX / static_cast<uint64_t>(d))
      return UINT64_MAX;
    count *= static_cast<uint64_t>(d);
  }
  return count;
}

/// Size in bytes the tensor's data takes (saturating).
uint64_t dataBytes(const onnx::TensorProto &t) {
  if (t.has_raw_data())
    return t.raw_data().size();
  uint64_t count = elementCount(t), bytes = elementBytes(t.data_type());
  if (bytes && count > UINT64_MAX / bytes)
    return UINT64_MAX;
  return count * bytes;
}

std::string tensorName(const onnx::TensorProto &t) {
  return t.name().empty() ? std::string("<unnamed>") : t.name();
}

/// Reads one external tensor into raw_data.
LogicalResult loadTensor(onnx::TensorProto &t, StringRef baseDir,
                         std::string &error) {
  std::string location;
  uint64_t offset = 0;
  bool hasLength = false;
  uint64_t length = 0;
  for (const onnx::StringStringEntryProto &e : t.external_data()) {
    if (e.key() == "location") {
      location = e.value();
    } else if (e.key() == "offset" || e.key() == "length") {
      uint64_t value;
      if (StringRef(e.value()).getAsInteger(10, value)) {
        error = "tensor '" + tensorName(t) + "': external data " + e.key() +
                " '" + e.value() + "' is not a number";
        return failure();
      }
      (e.key() == "offset" ? offset : length) = value;
      hasLength |= e.key() == "length";
    }
  }
  std::string what = "tensor '" + tensorName(t) + "'";
  if (location.empty()) {
    error = what + " is stored externally but names no location";
    return failure();
  }
  if (baseDir.empty()) {
    error = what + " keeps its data in '" + location +
            "', but a model read from memory has no directory to find it in";
    return failure();
  }
  // Like ONNX itself, only accept files inside the model's directory.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         "..")) {
    error = what + ": external data location '" + location +
            "' must be a relative path inside the model's directory";
    return failure();
  }
  uint64_t expected = dataBytes(t);
  if (hasLength && length != expected) {
    error = what + ": external data length " + std::to_string(length) +
            " does not match its shape (" + std::to_string(expected) +
            " bytes)";
    return failure();
  }
  llvm::SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);
  uint64_t fileSize = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize)) {
    error = what + ": cannot open external data file '" + location +
            "': " + ec.message();
    return failure();
  }
  if (offset > fileSize || expected > fileSize - offset) {
    error = what + ": external data file '" + location + "' has " +
            std::to_string(fileSize) + " bytes, the tensor needs " +
            std::to_string(expected) + " from offset " + std::to_string(offset);
    return failure();
  }
  std::ifstream file(path.c_str(), std::ios::binary);
  std::string data(expected, '\0');
  file.seekg(static_cast<std::streamoff>(offset));
  file.read(data.data(), static_cast<std::streamsize>(expected));
  if (!file) {
    error = what + ": cannot read external data file '" + location + "'";
    return failure();
  }
  t.set_raw_data(std::move(data));
  t.clear_external_data();
  t.set_data_location(onnx::TensorProto::DEFAULT);
  return success();
}

} // namespace

LogicalResult loadExternalData(onnx::ModelProto &model, StringRef baseDir,
                               std::string &error) {
  onnx::GraphProto &graph = *model.mutable_graph();
  uint64_t total = 0;
  forEachTensor(graph, [&](onnx::TensorProto &t) {
    uint64_t bytes = dataBytes(t);
    total = bytes > UINT64_MAX - total ? UINT64_MAX : total + bytes;
  });
  if (total > kMaxWeightBytes) {
    error = "the model's weights take " + std::to_string(total) +
            " bytes, over the " + std::to_string(kMaxWeightBytes) +
            " bytes (2 GiB) Blade accepts";
    return failure();
  }
  LogicalResult result = success();
  forEachTensor(graph, [&](onnx::TensorProto &t) {
    if (succeeded(result) && t.data_location() == onnx::TensorProto::EXTERNAL)
      result = loadTensor(t, baseDir, error);
  });
  return result;
}

} // namespace blade::onnx_import
