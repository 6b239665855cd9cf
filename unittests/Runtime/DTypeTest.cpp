//===- DTypeTest.cpp - Tests for DType helpers and Status -----------------===//

#include "blade-rt/DType.h"
#include "blade-rt/Status.h"

#include <gtest/gtest.h>

#include <iterator>
#include <string>

using namespace blade::rt;

namespace {

struct Expected {
  DType dtype;
  const char *name;
  size_t size;
};

const Expected kAll[] = {
    {DType::F32, "f32", 4},   {DType::F64, "f64", 8}, {DType::F16, "f16", 2},
    {DType::BF16, "bf16", 2}, {DType::I8, "i8", 1},   {DType::I16, "i16", 2},
    {DType::I32, "i32", 4},   {DType::I64, "i64", 8}, {DType::U8, "u8", 1},
    {DType::U16, "u16", 2},   {DType::U32, "u32", 4}, {DType::U64, "u64", 8},
    {DType::Bool, "bool", 1},
};

TEST(DTypeTest, EnumValuesAreStable) {
  // The numeric values are shared with compiled code.
  for (size_t i = 0; i < std::size(kAll); ++i)
    EXPECT_EQ(static_cast<int32_t>(kAll[i].dtype), static_cast<int32_t>(i));
  EXPECT_EQ(sizeof(DType), sizeof(int32_t));
}

TEST(DTypeTest, SizesAndNames) {
  for (const Expected &e : kAll) {
    SCOPED_TRACE(e.name);
    EXPECT_EQ(dtypeSize(e.dtype), e.size);
    EXPECT_STREQ(dtypeName(e.dtype), e.name);
    std::optional<DType> parsed = dtypeFromName(e.name);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, e.dtype);
  }
}

TEST(DTypeTest, UnknownNames) {
  EXPECT_FALSE(dtypeFromName("").has_value());
  EXPECT_FALSE(dtypeFromName("F32").has_value());
  EXPECT_FALSE(dtypeFromName("float32").has_value());
  EXPECT_FALSE(dtypeFromName("f32 ").has_value());
  EXPECT_FALSE(dtypeFromName("c64").has_value());
}

TEST(DTypeTest, OutOfRangeValue) {
  auto bogus = static_cast<DType>(99);
  EXPECT_EQ(dtypeSize(bogus), 0u);
  EXPECT_STREQ(dtypeName(bogus), "unknown");
}

TEST(StatusTest, OkAndError) {
  Status ok = Status::ok();
  EXPECT_TRUE(ok.isOk());
  EXPECT_TRUE(static_cast<bool>(ok));
  EXPECT_EQ(ok.message(), "");

  Status error = Status::error("boom");
  EXPECT_FALSE(error.isOk());
  EXPECT_FALSE(static_cast<bool>(error));
  EXPECT_EQ(error.message(), "boom");

  // An error is an error even with an empty message.
  EXPECT_FALSE(Status::error("").isOk());
}

} // namespace
