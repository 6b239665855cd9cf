//===- TensorProto.cpp - ONNX tensors and data types to MLIR --------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;

namespace blade::onnx_import {

Type convertElementType(MLIRContext *ctx, int32_t onnxType) {
  Builder b(ctx);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::BOOL:
    return b.getIntegerType(1);
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::UINT16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case onnx::TensorProto::UINT32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case onnx::TensorProto::UINT64:
    return b.getIntegerType(64, /*isSigned=*/false);
  default:
    // Strings and complex numbers are not supported.
    return nullptr;
  }
}

std::string onnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto_DataType_IsValid(onnxType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(onnxType));
  return "<invalid type " + std::to_string(onnxType) + ">";
}

namespace {

/// Builds the attribute from values held in one of the typed repeated
/// fields of a TensorProto.
template <typename T, typename Field>
DenseElementsAttr fromField(RankedTensorType type, const Field &field) {
  SmallVector<T> values(field.begin(), field.end());
  return DenseElementsAttr::get(type, ArrayRef<T>(values));
}

/// Half-precision values stored as 16-bit patterns in int32_data.
DenseElementsAttr fromHalfBits(RankedTensorType type,
                               const google::protobuf::RepeatedField<int32_t> &f) {
  auto floatType = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> values;
  for (int32_t bits : f)
    values.emplace_back(floatType.getFloatSemantics(),
                        APInt(16, static_cast<uint16_t>(bits)));
  return DenseElementsAttr::get(type, values);
}

} // namespace

FailureOr<DenseElementsAttr> convertTensorProto(MLIRContext *ctx,
                                                const onnx::TensorProto &t,
                                                std::string &error) {
  Type elementType = convertElementType(ctx, t.data_type());
  if (!elementType) {
    error = "tensor '" + t.name() + "' has unsupported data type " +
            onnxTypeName(t.data_type());
    return failure();
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "tensor '" + t.name() +
            "' stores its data in an external file, which is not supported yet";
    return failure();
  }
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      error = "tensor '" + t.name() + "' has a negative dimension";
      return failure();
    }
    count *= d;
  }
  auto type = RankedTensorType::get(shape, elementType);
  unsigned bits = elementType.getIntOrFloatBitWidth();

  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    size_t elementBytes = bits == 1 ? 1 : bits / 8;
    if (raw.size() != static_cast<size_t>(count) * elementBytes) {
      error = "tensor '" + t.name() + "' has " + std::to_string(raw.size()) +
              " bytes of raw data, expected " +
              std::to_string(count * elementBytes);
      return failure();
    }
    if (bits == 1) {
      SmallVector<bool> values;
      for (char c : raw)
        values.push_back(c != 0);
      return DenseElementsAttr::get(type, ArrayRef<bool>(values));
    }
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(raw.data(), raw.size()));
  }

  int64_t have = -1;
  DenseElementsAttr attr;
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    have = t.float_data_size();
    if (have == count)
      attr = fromField<float>(type, t.float_data());
    break;
  case onnx::TensorProto::DOUBLE:
    have = t.double_data_size();
    if (have == count)
      attr = fromField<double>(type, t.double_data());
    break;
  case onnx::TensorProto::INT64:
    have = t.int64_data_size();
    if (have == count)
      attr = fromField<int64_t>(type, t.int64_data());
    break;
  case onnx::TensorProto::INT32:
    have = t.int32_data_size();
    if (have == count)
      attr = fromField<int32_t>(type, t.int32_data());
    break;
  case onnx::TensorProto::INT16:
    have = t.int32_data_size();
    if (have == count)
      attr = fromField<int16_t>(type, t.int32_data());
    break;
  case onnx::TensorProto::INT8:
    have = t.int32_data_size();
    if (have == count)
      attr = fromField<int8_t>(type, t.int32_data());
    break;
  case onnx::TensorProto::BOOL:
    have = t.int32_data_size();
    if (have == count)
      attr = fromField<bool>(type, t.int32_data());
    break;
  case onnx::TensorProto::UINT8:
    have = t.int32_data_size();
    if (have == count)
      attr = fromField<uint8_t>(type, t.int32_data());
    break;
  case onnx::TensorProto::UINT16:
    have = t.int32_data_size();
    if (have == count)
      attr = fromField<uint16_t>(type, t.int32_data());
    break;
  case onnx::TensorProto::UINT32:
    have = t.uint64_data_size();
    if (have == count)
      attr = fromField<uint32_t>(type, t.uint64_data());
    break;
  case onnx::TensorProto::UINT64:
    have = t.uint64_data_size();
    if (have == count)
      attr = fromField<uint64_t>(type, t.uint64_data());
    break;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    have = t.int32_data_size();
    if (have == count)
      attr = fromHalfBits(type, t.int32_data());
    break;
  default:
    break;
  }
  if (!attr) {
    error = "tensor '" + t.name() + "' holds " + std::to_string(have) +
            " values for a shape of " + std::to_string(count) + " elements";
    return failure();
  }
  return attr;
}

std::optional<SmallVector<int64_t>> getConstantInts(Value v) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &x : attr.getValues<APInt>())
    values.push_back(x.getSExtValue());
  return values;
}

} // namespace blade::onnx_import
