//===- Convert.cpp - Element type conversions between tensors -------------===//

#include "blade-rt/Convert.h"

#include <cstring>

namespace blade::rt {

namespace {

uint16_t floatToBF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  // NaN: keep the sign and force a quiet payload so truncation cannot turn
  // it into an infinity.
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0)
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

float bf16ToFloat(uint16_t half) {
  uint32_t bits = static_cast<uint32_t>(half) << 16;
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

} // namespace

Status convertTensor(const Tensor &src, DType dtype, Tensor &dst) {
  if (src.isNull())
    return Status::error("cannot convert a null tensor");
  DType from = src.dtype();
  bool supported = from == dtype ||
                   (from == DType::F32 && dtype == DType::BF16) ||
                   (from == DType::BF16 && dtype == DType::F32);
  if (!supported)
    return Status::error(std::string("no conversion from ") + dtypeName(from) +
                         " to " + dtypeName(dtype));
  Tensor out = Tensor::allocate(dtype, src.shape());
  if (out.isNull())
    return Status::error("cannot allocate a " + src.shapeString() + " " +
                         dtypeName(dtype) + " tensor");
  int64_t n = src.numElements();
  if (from == dtype) {
    std::memcpy(out.data(), src.data(), src.byteSize());
  } else if (dtype == DType::BF16) {
    const float *in = src.dataAs<float>();
    uint16_t *res = out.dataAs<uint16_t>();
    for (int64_t i = 0; i < n; ++i)
      res[i] = floatToBF16(in[i]);
  } else {
    const uint16_t *in = src.dataAs<uint16_t>();
    float *res = out.dataAs<float>();
    for (int64_t i = 0; i < n; ++i)
      res[i] = bf16ToFloat(in[i]);
  }
  dst = std::move(out);
  return Status::ok();
}

Status bitcastTensor(const Tensor &src, DType dtype, Tensor &dst) {
  if (src.isNull())
    return Status::error("cannot bitcast a null tensor");
  if (dtypeSize(src.dtype()) != dtypeSize(dtype))
    return Status::error(std::string("cannot bitcast ") +
                         dtypeName(src.dtype()) + " to " + dtypeName(dtype) +
                         ": the element sizes differ");
  Tensor out = Tensor::allocate(dtype, src.shape());
  if (out.isNull())
    return Status::error("cannot allocate a " + src.shapeString() + " " +
                         dtypeName(dtype) + " tensor");
  std::memcpy(out.data(), src.data(), src.byteSize());
  dst = std::move(out);
  return Status::ok();
}

} // namespace blade::rt
