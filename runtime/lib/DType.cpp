//===- DType.cpp - Sizes and names of runtime element types ---------------===//

#include "blade-rt/DType.h"

#include <iterator>

namespace blade::rt {

namespace {

struct DTypeInfo {
  DType dtype;
  const char *name;
  size_t size;
};

// One row per DType, in enumeration order.
constexpr DTypeInfo kDTypeTable[] = {
    {DType::F32, "f32", 4},   {DType::F64, "f64", 8}, {DType::F16, "f16", 2},
    {DType::BF16, "bf16", 2}, {DType::I8, "i8", 1},   {DType::I16, "i16", 2},
    {DType::I32, "i32", 4},   {DType::I64, "i64", 8}, {DType::U8, "u8", 1},
    {DType::U16, "u16", 2},   {DType::U32, "u32", 4}, {DType::U64, "u64", 8},
    {DType::Bool, "bool", 1},
};

const DTypeInfo *lookup(DType dtype) {
  auto index = static_cast<size_t>(dtype);
  if (index >= std::size(kDTypeTable))
    return nullptr;
  return &kDTypeTable[index];
}

} // namespace

size_t dtypeSize(DType dtype) {
  const DTypeInfo *info = lookup(dtype);
  return info ? info->size : 0;
}

const char *dtypeName(DType dtype) {
  const DTypeInfo *info = lookup(dtype);
  return info ? info->name : "unknown";
}

std::optional<DType> dtypeFromName(std::string_view name) {
  for (const DTypeInfo &info : kDTypeTable)
    if (name == info.name)
      return info.dtype;
  return std::nullopt;
}

} // namespace blade::rt
