//===- DType.h - Element types of runtime tensors ---------------*- C++ -*-===//

#ifndef BLADE_RT_DTYPE_H
#define BLADE_RT_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace blade::rt {

/// Element type of a tensor. The numeric values are part of the ABI between
/// compiled models and the runtime; only append new entries.
enum class DType : int32_t {
  F32,
  F64,
  F16,
  BF16,
  I8,
  I16,
  I32,
  I64,
  U8,
  U16,
  U32,
  U64,
  Bool,
};

/// Size in bytes of one element of `dtype` (Bool is one byte).
size_t dtypeSize(DType dtype);

/// Short lower-case name of `dtype`: "f32", "bf16", "i64", "bool", ...
/// Returns "unknown" for a value outside the enumeration.
const char *dtypeName(DType dtype);

/// Inverse of dtypeName(); std::nullopt for an unknown name.
std::optional<DType> dtypeFromName(std::string_view name);

} // namespace blade::rt

#endif // BLADE_RT_DTYPE_H
