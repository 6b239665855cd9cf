//===- TensorTest.cpp - Tests for Tensor and copyStrided ------------------===//

#include "blade-rt/Tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <type_traits>
#include <vector>

using namespace blade::rt;

namespace {

static_assert(!std::is_copy_constructible_v<Tensor>);
static_assert(!std::is_copy_assignable_v<Tensor>);
static_assert(std::is_nothrow_move_constructible_v<Tensor>);
static_assert(std::is_nothrow_move_assignable_v<Tensor>);

std::vector<float> contents(const Tensor &t) {
  const float *p = t.dataAs<float>();
  return std::vector<float>(p, p + t.numElements());
}

std::vector<float> iota(size_t n) {
  std::vector<float> values(n);
  std::iota(values.begin(), values.end(), 0.0f);
  return values;
}

TEST(TensorTest, DefaultIsNull) {
  Tensor t;
  EXPECT_TRUE(t.isNull());
  EXPECT_EQ(t.data(), nullptr);
  EXPECT_EQ(t.rank(), 0);
  EXPECT_EQ(t.dtype(), DType::F32);
}

TEST(TensorTest, AllocateIsZeroedAndAligned) {
  Tensor t = Tensor::allocate(DType::F64, {2, 3, 5});
  ASSERT_FALSE(t.isNull());
  EXPECT_EQ(t.dtype(), DType::F64);
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(t.rank(), 3);
  EXPECT_EQ(t.numElements(), 30);
  EXPECT_EQ(t.byteSize(), 240u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % Tensor::kAlignment, 0u);
  const unsigned char *bytes = t.dataAs<unsigned char>();
  for (size_t i = 0; i < t.byteSize(); ++i)
    ASSERT_EQ(bytes[i], 0) << "byte " << i;
  // The memory is writable over its whole extent.
  t.dataAs<double>()[29] = 1.5;
  EXPECT_EQ(t.dataAs<double>()[29], 1.5);
}

TEST(TensorTest, ShapeString) {
  EXPECT_EQ(Tensor::allocate(DType::F32, {1, 10}).shapeString(), "[1, 10]");
  EXPECT_EQ(Tensor::allocate(DType::F32, {7}).shapeString(), "[7]");
  EXPECT_EQ(Tensor::allocate(DType::F32, {}).shapeString(), "[]");
  EXPECT_EQ(Tensor::allocate(DType::F32, {2, 0, 4}).shapeString(), "[2, 0, 4]");
}

TEST(TensorTest, ScalarAndEmpty) {
  Tensor scalar = Tensor::allocate(DType::I16, {});
  ASSERT_FALSE(scalar.isNull());
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_EQ(scalar.numElements(), 1);
  EXPECT_EQ(scalar.byteSize(), 2u);

  Tensor empty = Tensor::allocate(DType::I64, {3, 0});
  EXPECT_FALSE(empty.isNull());
  EXPECT_EQ(empty.numElements(), 0);
  EXPECT_EQ(empty.byteSize(), 0u);
}

TEST(TensorTest, AllocateRejectsBadShapes) {
  EXPECT_TRUE(Tensor::allocate(DType::F32, {2, -1}).isNull());
  EXPECT_TRUE(Tensor::allocate(DType::F32, {int64_t(1) << 40, int64_t(1) << 40})
                  .isNull());
  EXPECT_TRUE(Tensor::allocate(DType::F64, {int64_t(1) << 61}).isNull());
}

TEST(TensorTest, ShapeHelpers) {
  EXPECT_EQ(shapeNumElements({}), 1);
  EXPECT_EQ(shapeNumElements({2, 3, 4}), 24);
  EXPECT_EQ(shapeNumElements({2, 0, 4}), 0);
  EXPECT_FALSE(shapeNumElements({2, -3}).has_value());
  EXPECT_FALSE(shapeNumElements({int64_t(1) << 62, 4}).has_value());
  EXPECT_EQ(rowMajorStrides({2, 3, 4}), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(rowMajorStrides({5}), (std::vector<int64_t>{1}));
  EXPECT_TRUE(rowMajorStrides({}).empty());
}

TEST(TensorTest, AdoptCallsDeleterExactlyOnce) {
  float storage[4] = {1, 2, 3, 4};
  int calls = 0;
  void *seen = nullptr;
  {
    Tensor t = Tensor::adopt(DType::F32, {2, 2}, storage, [&](void *p) {
      ++calls;
      seen = p;
    });
    EXPECT_EQ(t.data(), storage);
    EXPECT_EQ(t.dataAs<float>()[3], 4.0f);
    EXPECT_EQ(calls, 0);
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, storage);
}

TEST(TensorTest, AdoptWithoutDeleterBorrows) {
  float storage[3] = {1, 2, 3};
  {
    Tensor t = Tensor::adopt(DType::F32, {3}, storage, nullptr);
    t.dataAs<float>()[0] = 9;
  }
  // Still valid (a free() of stack memory would be caught by ASan).
  EXPECT_EQ(storage[0], 9.0f);
  EXPECT_EQ(storage[2], 3.0f);
}

TEST(TensorTest, AdoptHeapMemory) {
  auto *heap = new int32_t[6]();
  int calls = 0;
  {
    Tensor t = Tensor::adopt(DType::I32, {6}, heap, [&](void *p) {
      ++calls;
      delete[] static_cast<int32_t *>(p);
    });
  }
  EXPECT_EQ(calls, 1);
}

TEST(TensorTest, MoveConstructionTransfersOwnership) {
  float storage[2] = {};
  int calls = 0;
  {
    Tensor a =
        Tensor::adopt(DType::F32, {2}, storage, [&](void *) { ++calls; });
    Tensor b(std::move(a));
    EXPECT_TRUE(a.isNull()); // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(a.rank(), 0);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(b.data(), storage);
    EXPECT_EQ(b.shape(), (std::vector<int64_t>{2}));
    EXPECT_EQ(b.dtype(), DType::F32);
  }
  EXPECT_EQ(calls, 1);
}

TEST(TensorTest, MoveAssignmentReleasesPreviousBuffer) {
  float first[1] = {}, second[1] = {};
  int firstCalls = 0, secondCalls = 0;
  {
    Tensor a =
        Tensor::adopt(DType::F32, {1}, first, [&](void *) { ++firstCalls; });
    Tensor b =
        Tensor::adopt(DType::I32, {1}, second, [&](void *) { ++secondCalls; });
    a = std::move(b);
    EXPECT_EQ(firstCalls, 1);
    EXPECT_EQ(secondCalls, 0);
    EXPECT_EQ(a.data(), second);
    EXPECT_EQ(a.dtype(), DType::I32);
    EXPECT_TRUE(b.isNull()); // NOLINT(bugprone-use-after-move)

    // Self-assignment keeps the buffer.
    Tensor &alias = a;
    a = std::move(alias);
    EXPECT_EQ(a.data(), second);
    EXPECT_EQ(secondCalls, 0);
  }
  EXPECT_EQ(firstCalls, 1);
  EXPECT_EQ(secondCalls, 1);
}

TEST(TensorTest, MovedOwnedTensorFreedOnce) {
  // Owned allocations are released by the final owner only (ASan checks).
  Tensor a = Tensor::allocate(DType::U8, {100});
  void *data = a.data();
  Tensor b = std::move(a);
  Tensor c;
  c = std::move(b);
  EXPECT_EQ(c.data(), data);
  EXPECT_TRUE(a.isNull()); // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(b.isNull()); // NOLINT(bugprone-use-after-move)
}

TEST(CopyStridedTest, Transposed) {
  // Base is a row-major 2x3 array; the view is its 3x2 transpose.
  std::vector<float> base = iota(6);
  Tensor t = copyStrided(DType::F32, base.data(), 0, {3, 2}, {1, 3});
  ASSERT_FALSE(t.isNull());
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(contents(t), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(CopyStridedTest, ContiguousWithOffset) {
  std::vector<float> base = iota(10);
  Tensor t = copyStrided(DType::F32, base.data(), 4, {2, 3}, {3, 1});
  ASSERT_FALSE(t.isNull());
  EXPECT_EQ(contents(t), (std::vector<float>{4, 5, 6, 7, 8, 9}));
}

TEST(CopyStridedTest, UnitDimsIgnoreStride) {
  std::vector<float> base = iota(6);
  Tensor t =
      copyStrided(DType::F32, base.data(), 0, {1, 2, 1, 3}, {999, 3, -7, 1});
  ASSERT_FALSE(t.isNull());
  EXPECT_EQ(contents(t), base);
}

TEST(CopyStridedTest, ColumnSliceAndRowPadding) {
  // 3x4 base; take rows 0..2, columns 1 and 3 (inner stride 2).
  std::vector<float> base = iota(12);
  Tensor t = copyStrided(DType::F32, base.data(), 1, {3, 2}, {4, 2});
  EXPECT_EQ(contents(t), (std::vector<float>{1, 3, 5, 7, 9, 11}));
  // Rows with padding: 3x2 window of a 3x4 base (inner stride 1).
  Tensor w = copyStrided(DType::F32, base.data(), 2, {3, 2}, {4, 1});
  EXPECT_EQ(contents(w), (std::vector<float>{2, 3, 6, 7, 10, 11}));
}

TEST(CopyStridedTest, NegativeAndZeroStrides) {
  std::vector<float> base = iota(4);
  Tensor reversed = copyStrided(DType::F32, base.data(), 3, {4}, {-1});
  EXPECT_EQ(contents(reversed), (std::vector<float>{3, 2, 1, 0}));
  Tensor broadcast = copyStrided(DType::F32, base.data(), 1, {2, 3}, {0, 1});
  EXPECT_EQ(contents(broadcast), (std::vector<float>{1, 2, 3, 1, 2, 3}));
}

TEST(CopyStridedTest, Rank3Permutation) {
  // Base 2x3x4 row-major (strides 12, 4, 1); view permuted to 4x2x3.
  std::vector<int64_t> base(24);
  std::iota(base.begin(), base.end(), 0);
  Tensor t = copyStrided(DType::I64, base.data(), 0, {4, 2, 3}, {1, 12, 4});
  ASSERT_FALSE(t.isNull());
  const int64_t *p = t.dataAs<int64_t>();
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 3; ++j)
        EXPECT_EQ(p[k * 6 + i * 3 + j], i * 12 + j * 4 + k);
}

TEST(CopyStridedTest, OddElementSize) {
  // Two-byte elements through the generic (non-memcpy) path.
  std::vector<uint16_t> base = {10, 11, 12, 13, 14, 15};
  Tensor t = copyStrided(DType::F16, base.data(), 0, {3, 2}, {1, 3});
  const uint16_t *p = t.dataAs<uint16_t>();
  EXPECT_EQ(std::vector<uint16_t>(p, p + 6),
            (std::vector<uint16_t>{10, 13, 11, 14, 12, 15}));
}

TEST(CopyStridedTest, ScalarAndEmpty) {
  std::vector<float> base = iota(5);
  Tensor scalar = copyStrided(DType::F32, base.data(), 3, {}, {});
  ASSERT_FALSE(scalar.isNull());
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_EQ(contents(scalar), (std::vector<float>{3}));

  Tensor empty = copyStrided(DType::F32, nullptr, 0, {0, 5}, {5, 1});
  ASSERT_FALSE(empty.isNull());
  EXPECT_EQ(empty.numElements(), 0);
  EXPECT_EQ(empty.shape(), (std::vector<int64_t>{0, 5}));
}

TEST(CopyStridedTest, InvalidArguments) {
  std::vector<float> base = iota(6);
  EXPECT_TRUE(copyStrided(DType::F32, base.data(), 0, {2, 3}, {1}).isNull());
  EXPECT_TRUE(copyStrided(DType::F32, base.data(), 0, {-2}, {1}).isNull());
  EXPECT_TRUE(copyStrided(DType::F32, nullptr, 0, {2}, {1}).isNull());
}

} // namespace
