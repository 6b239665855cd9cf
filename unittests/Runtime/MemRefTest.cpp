//===- MemRefTest.cpp - Tests for memref descriptor helpers ---------------===//

#include "blade-rt/MemRef.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace blade::rt;

namespace {

/// The C struct MLIR's C interface uses for a ranked memref.
template <int N> struct CMemRef {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[N];
  int64_t strides[N];
};

/// A rank-0 memref has no size/stride arrays.
struct CMemRef0 {
  void *allocated;
  void *aligned;
  int64_t offset;
};

/// Two results returned by one function, packed as MLIR packs them.
struct TwoResults {
  CMemRef<2> transposed;
  CMemRef0 sum;
};

static_assert(sizeof(CMemRef<1>) == descriptorWords(1) * 8);
static_assert(sizeof(CMemRef<2>) == descriptorWords(2) * 8);
static_assert(sizeof(CMemRef<4>) == descriptorWords(4) * 8);
static_assert(sizeof(CMemRef0) == descriptorWords(0) * 8);
static_assert(offsetof(TwoResults, sum) == descriptorWords(2) * 8);

/// Stands in for a compiled `_mlir_ciface_` function: returns a transposed
/// view of its 2-D f32 input (aliasing it) and a freshly malloc'ed sum.
void fakeKernel(TwoResults *results, CMemRef<2> *input) {
  results->transposed.allocated = input->allocated;
  results->transposed.aligned = input->aligned;
  results->transposed.offset = input->offset;
  results->transposed.sizes[0] = input->sizes[1];
  results->transposed.sizes[1] = input->sizes[0];
  results->transposed.strides[0] = input->strides[1];
  results->transposed.strides[1] = input->strides[0];

  const float *in = static_cast<const float *>(input->aligned);
  float total = 0;
  for (int64_t i = 0; i < input->sizes[0] * input->sizes[1]; ++i)
    total += in[i];
  auto *sum = static_cast<float *>(std::malloc(sizeof(float)));
  *sum = total;
  results->sum.allocated = sum;
  results->sum.aligned = sum;
  results->sum.offset = 0;
}

int64_t word(const void *pointer) {
  int64_t value;
  std::memcpy(&value, &pointer, sizeof(value));
  return value;
}

TEST(MemRefTest, DescriptorWords) {
  EXPECT_EQ(descriptorWords(0), 3u);
  EXPECT_EQ(descriptorWords(1), 5u);
  EXPECT_EQ(descriptorWords(2), 7u);
  EXPECT_EQ(descriptorWords(5), 13u);
  EXPECT_EQ(descriptorWords(-1), 3u);
}

TEST(MemRefTest, AppendInputLayout) {
  float a[6] = {};
  double b[24] = {};
  int32_t c = 0;
  DescriptorBuffer buffer;
  EXPECT_EQ(buffer.appendInput(a, {2, 3}), 0u);
  EXPECT_EQ(buffer.appendInput(&c, {}), 7u);
  EXPECT_EQ(buffer.appendInput(b, {2, 3, 4}), 10u);
  std::vector<int64_t> expected = {
      word(a),  word(a),  0, 2, 3, 3, 1,        // rank 2
      word(&c), word(&c), 0,                    // rank 0
      word(b),  word(b),  0, 2, 3, 4, 12, 4, 1, // rank 3
  };
  EXPECT_EQ(buffer.words(), expected);
  EXPECT_EQ(buffer.numWords(), 19u);
}

TEST(MemRefTest, ReserveResultIsZeroed) {
  float a[4] = {};
  DescriptorBuffer buffer;
  buffer.appendInput(a, {4});
  EXPECT_EQ(buffer.reserveResult(2), 5u);
  EXPECT_EQ(buffer.reserveResult(0), 12u);
  EXPECT_EQ(buffer.numWords(), 15u);
  for (size_t i = 5; i < 15; ++i)
    EXPECT_EQ(buffer.words()[i], 0) << "word " << i;
  buffer.clear();
  EXPECT_EQ(buffer.numWords(), 0u);
  EXPECT_EQ(buffer.reserveResult(-3), 0u);
  EXPECT_EQ(buffer.numWords(), 3u);
}

TEST(MemRefTest, AtPointsIntoWords) {
  float a[2] = {};
  DescriptorBuffer buffer;
  size_t in = buffer.appendInput(a, {2});
  size_t out = buffer.reserveResult(1);
  EXPECT_EQ(buffer.at(in), buffer.words().data());
  EXPECT_EQ(buffer.at(out), buffer.words().data() + out);
  EXPECT_EQ(buffer.at(buffer.numWords()), nullptr);
  const DescriptorBuffer &constBuffer = buffer;
  EXPECT_EQ(constBuffer.at(out), buffer.at(out));

  // The descriptor is readable through the C struct layout.
  auto *desc = static_cast<CMemRef<1> *>(buffer.at(in));
  EXPECT_EQ(desc->allocated, a);
  EXPECT_EQ(desc->aligned, a);
  EXPECT_EQ(desc->offset, 0);
  EXPECT_EQ(desc->sizes[0], 2);
  EXPECT_EQ(desc->strides[0], 1);
}

TEST(MemRefTest, ReadDescriptor) {
  int32_t data[12] = {};
  DescriptorBuffer buffer;
  size_t index = buffer.appendInput(data, {3, 4});
  MemRefView view = buffer.readDescriptor(index, 2);
  EXPECT_EQ(view.allocated, data);
  EXPECT_EQ(view.aligned, data);
  EXPECT_EQ(view.offset, 0);
  EXPECT_EQ(view.sizes, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(view.strides, (std::vector<int64_t>{4, 1}));

  // Out of range or too long for the buffer: empty view.
  MemRefView bad = buffer.readDescriptor(index, 3);
  EXPECT_EQ(bad.aligned, nullptr);
  EXPECT_TRUE(bad.sizes.empty());
  EXPECT_EQ(buffer.readDescriptor(100, 0).aligned, nullptr);
  EXPECT_EQ(buffer.readDescriptor(index, -1).aligned, nullptr);
  // A rank-0 read of the last 3 words {4, 4, 1} fits exactly.
  MemRefView tail = buffer.readDescriptor(buffer.numWords() - 3, 0);
  EXPECT_EQ(tail.offset, 1);
  EXPECT_TRUE(tail.sizes.empty());
}

TEST(MemRefTest, CallWithMultipleResults) {
  float input[6] = {0, 1, 2, 3, 4, 5}; // 2x3
  DescriptorBuffer buffer;
  size_t in = buffer.appendInput(input, {2, 3});
  size_t first = buffer.reserveResult(2);
  size_t second = buffer.reserveResult(0);
  EXPECT_EQ(second, first + descriptorWords(2));

  fakeKernel(static_cast<TwoResults *>(buffer.at(first)),
             static_cast<CMemRef<2> *>(buffer.at(in)));

  MemRefView transposed = buffer.readDescriptor(first, 2);
  EXPECT_EQ(transposed.aligned, input);
  EXPECT_EQ(transposed.sizes, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(transposed.strides, (std::vector<int64_t>{1, 3}));
  Tensor t = copyFromView(DType::F32, transposed);
  ASSERT_FALSE(t.isNull());
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{3, 2}));
  const float *p = t.dataAs<float>();
  EXPECT_EQ(std::vector<float>(p, p + 6),
            (std::vector<float>{0, 3, 1, 4, 2, 5}));

  MemRefView sum = buffer.readDescriptor(second, 0);
  ASSERT_NE(sum.aligned, nullptr);
  Tensor s = copyFromView(DType::F32, sum);
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(*s.dataAs<float>(), 15.0f);
  std::free(sum.allocated);
}

} // namespace
