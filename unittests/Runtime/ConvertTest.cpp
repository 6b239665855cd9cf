//===- ConvertTest.cpp - Tests for blade-rt element type conversions ------===//

#include "blade-rt/Convert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace blade::rt;

namespace {

Tensor f32Tensor(std::vector<float> values) {
  Tensor t =
      Tensor::allocate(DType::F32, {static_cast<int64_t>(values.size())});
  std::memcpy(t.data(), values.data(), values.size() * sizeof(float));
  return t;
}

TEST(ConvertTest, F32ToBF16RoundsToNearestEven) {
  // 1 + 2^-8 lies halfway between two bf16 values (1 and 1 + 2^-7): ties go to
  // the even mantissa (1). 1 + 3 * 2^-8 ties upwards to 1 + 2^-6.
  Tensor src = f32Tensor({1.0f, 1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, -2.5f,
                          1.0f + 0x1p-7f + 0x1p-9f});
  Tensor dst;
  ASSERT_TRUE(convertTensor(src, DType::BF16, dst));
  ASSERT_EQ(dst.dtype(), DType::BF16);
  ASSERT_EQ(dst.shape(), src.shape());
  const uint16_t *bits = dst.dataAs<uint16_t>();
  EXPECT_EQ(bits[0], 0x3f80);
  EXPECT_EQ(bits[1], 0x3f80);
  EXPECT_EQ(bits[2], 0x3f82);
  EXPECT_EQ(bits[3], 0xc020);
  EXPECT_EQ(bits[4], 0x3f81);
}

TEST(ConvertTest, NaNStaysNaNAndInfinityStays) {
  Tensor src = f32Tensor({std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::infinity()});
  Tensor bf16, back;
  ASSERT_TRUE(convertTensor(src, DType::BF16, bf16));
  ASSERT_TRUE(convertTensor(bf16, DType::F32, back));
  EXPECT_TRUE(std::isnan(back.dataAs<float>()[0]));
  EXPECT_TRUE(std::isinf(back.dataAs<float>()[1]));
}

TEST(ConvertTest, BF16ToF32IsExact) {
  Tensor src = Tensor::allocate(DType::BF16, {2, 2});
  uint16_t values[] = {0x3f80, 0xc020, 0x0001, 0x7f7f};
  std::memcpy(src.data(), values, sizeof(values));
  Tensor dst;
  ASSERT_TRUE(convertTensor(src, DType::F32, dst));
  EXPECT_EQ(dst.shape(), (std::vector<int64_t>{2, 2}));
  const float *out = dst.dataAs<float>();
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -2.5f);
  EXPECT_EQ(out[2], 0x1p-133f);
  // Round trip of a bf16 value through f32 gives the same bits.
  Tensor again;
  ASSERT_TRUE(convertTensor(dst, DType::BF16, again));
  EXPECT_EQ(std::memcmp(again.data(), values, sizeof(values)), 0);
}

TEST(ConvertTest, UnsupportedPairsAreErrors) {
  Tensor src = Tensor::allocate(DType::I32, {3});
  Tensor dst;
  Status s = convertTensor(src, DType::F32, dst);
  EXPECT_FALSE(s);
  EXPECT_EQ(s.message(), "no conversion from i32 to f32");
  EXPECT_TRUE(dst.isNull());
  EXPECT_FALSE(convertTensor(Tensor(), DType::F32, dst));
}

TEST(ConvertTest, SameDTypeCopies) {
  Tensor src = f32Tensor({1.5f, 2.5f});
  Tensor dst;
  ASSERT_TRUE(convertTensor(src, DType::F32, dst));
  EXPECT_NE(dst.data(), src.data());
  EXPECT_EQ(dst.dataAs<float>()[1], 2.5f);
}

TEST(ConvertTest, BitcastKeepsBytes) {
  Tensor src = Tensor::allocate(DType::U16, {2});
  uint16_t values[] = {0x3f80, 0xc020};
  std::memcpy(src.data(), values, sizeof(values));
  Tensor dst;
  ASSERT_TRUE(bitcastTensor(src, DType::BF16, dst));
  EXPECT_EQ(dst.dtype(), DType::BF16);
  EXPECT_EQ(std::memcmp(dst.data(), values, sizeof(values)), 0);
  Status s = bitcastTensor(src, DType::F32, dst);
  EXPECT_FALSE(s);
  EXPECT_EQ(s.message(), "cannot bitcast u16 to f32: the element sizes differ");
}

} // namespace
