//===- TensorFiles.cpp - Reading tensors from .npy and .pb files ----------===//

#include "blade/Compiler/TensorFiles.h"

#include "blade-rt/Npy.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace blade {

namespace {

std::optional<rt::DType> dtypeOf(int32_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return rt::DType::F32;
  case onnx::TensorProto::DOUBLE:
    return rt::DType::F64;
  case onnx::TensorProto::FLOAT16:
    return rt::DType::F16;
  case onnx::TensorProto::BFLOAT16:
    return rt::DType::BF16;
  case onnx::TensorProto::INT8:
    return rt::DType::I8;
  case onnx::TensorProto::INT16:
    return rt::DType::I16;
  case onnx::TensorProto::INT32:
    return rt::DType::I32;
  case onnx::TensorProto::INT64:
    return rt::DType::I64;
  case onnx::TensorProto::UINT8:
    return rt::DType::U8;
  case onnx::TensorProto::UINT16:
    return rt::DType::U16;
  case onnx::TensorProto::UINT32:
    return rt::DType::U32;
  case onnx::TensorProto::UINT64:
    return rt::DType::U64;
  case onnx::TensorProto::BOOL:
    return rt::DType::Bool;
  default:
    return std::nullopt;
  }
}

/// Stores `values` (a typed repeated field) element by element as T.
template <typename T, typename Field>
void storeField(const Field &values, void *dst) {
  T *out = static_cast<T *>(dst);
  for (int i = 0; i < values.size(); ++i)
    out[i] = static_cast<T>(values.Get(i));
}

/// Number of values the typed field for `t`'s data type holds.
int64_t typedFieldSize(const onnx::TensorProto &t, rt::DType dtype) {
  switch (dtype) {
  case rt::DType::F32:
    return t.float_data_size();
  case rt::DType::F64:
    return t.double_data_size();
  case rt::DType::I64:
    return t.int64_data_size();
  case rt::DType::U32:
  case rt::DType::U64:
    return t.uint64_data_size();
  default:
    return t.int32_data_size();
  }
}

void storeTypedField(const onnx::TensorProto &t, rt::DType dtype, void *dst) {
  switch (dtype) {
  case rt::DType::F32:
    return storeField<float>(t.float_data(), dst);
  case rt::DType::F64:
    return storeField<double>(t.double_data(), dst);
  case rt::DType::I64:
    return storeField<int64_t>(t.int64_data(), dst);
  case rt::DType::U32:
    return storeField<uint32_t>(t.uint64_data(), dst);
  case rt::DType::U64:
    return storeField<uint64_t>(t.uint64_data(), dst);
  case rt::DType::I32:
    return storeField<int32_t>(t.int32_data(), dst);
  case rt::DType::I16:
    return storeField<int16_t>(t.int32_data(), dst);
  case rt::DType::I8:
    return storeField<int8_t>(t.int32_data(), dst);
  case rt::DType::U8:
  case rt::DType::Bool:
    return storeField<uint8_t>(t.int32_data(), dst);
  case rt::DType::U16:
  case rt::DType::F16:
  case rt::DType::BF16:
    // Half-precision values are stored as their bit patterns.
    return storeField<uint16_t>(t.int32_data(), dst);
  }
}

} // namespace

rt::Status decodeTensorProto(const std::string &bytes, const std::string &what,
                             rt::Tensor &out) {
  onnx::TensorProto t;
  if (!t.ParseFromString(bytes))
    return rt::Status::error("'" + what + "' is not a serialized ONNX tensor");
  std::optional<rt::DType> dtype = dtypeOf(t.data_type());
  if (!dtype) {
    std::string name =
        onnx::TensorProto_DataType_IsValid(t.data_type())
            ? onnx::TensorProto_DataType_Name(
                  static_cast<onnx::TensorProto_DataType>(t.data_type()))
            : std::to_string(t.data_type());
    return rt::Status::error("'" + what + "' holds " + name +
                             " data, which is not supported");
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return rt::Status::error("'" + what +
                             "' keeps its data in an external file");
  std::vector<int64_t> shape(t.dims().begin(), t.dims().end());
  rt::Tensor tensor = rt::Tensor::allocate(*dtype, shape);
  if (tensor.isNull())
    return rt::Status::error("'" + what +
                             "' has an invalid or too large shape");
  int64_t count = tensor.numElements();
  if (t.has_raw_data()) {
    if (t.raw_data().size() != tensor.byteSize())
      return rt::Status::error("'" + what + "' has " +
                               std::to_string(t.raw_data().size()) +
                               " bytes of data, its shape needs " +
                               std::to_string(tensor.byteSize()));
    std::memcpy(tensor.data(), t.raw_data().data(), tensor.byteSize());
  } else {
    int64_t have = typedFieldSize(t, *dtype);
    if (have != count)
      return rt::Status::error("'" + what + "' has " + std::to_string(have) +
                               " values, its shape needs " +
                               std::to_string(count));
    storeTypedField(t, *dtype, tensor.data());
  }
  out = std::move(tensor);
  return rt::Status::ok();
}

rt::Status readTensorFile(const std::string &path, rt::Tensor &out) {
  bool isProto =
      path.size() >= 3 && path.compare(path.size() - 3, 3, ".pb") == 0;
  if (!isProto)
    return rt::readNpy(path, out);
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return rt::Status::error("cannot open '" + path + "'");
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad())
    return rt::Status::error("cannot read '" + path + "'");
  return decodeTensorProto(bytes.str(), path, out);
}

} // namespace blade
