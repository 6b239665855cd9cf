//===- Tensor.cpp - Dense tensor storage and strided copies ---------------===//

#include "blade-rt/Tensor.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

namespace blade::rt {

std::optional<int64_t> shapeNumElements(const std::vector<int64_t> &shape) {
  bool isEmpty = false;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    isEmpty |= dim == 0;
  }
  if (isEmpty)
    return 0;
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (count > std::numeric_limits<int64_t>::max() / dim)
      return std::nullopt;
    count *= dim;
  }
  return count;
}

std::vector<int64_t> rowMajorStrides(const std::vector<int64_t> &shape) {
  // Unsigned arithmetic: no undefined behaviour for absurd shapes.
  std::vector<int64_t> strides(shape.size());
  uint64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = static_cast<int64_t>(stride);
    stride *= static_cast<uint64_t>(shape[i]);
  }
  return strides;
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape, void *data,
               Deleter deleter)
    : elemType(dtype), dims(std::move(shape)), buffer(data),
      deleter(std::move(deleter)) {}

Tensor::~Tensor() { reset(); }

Tensor::Tensor(Tensor &&other) noexcept
    : elemType(other.elemType), dims(std::move(other.dims)),
      buffer(other.buffer), deleter(std::move(other.deleter)) {
  other.elemType = DType::F32;
  other.dims.clear();
  other.buffer = nullptr;
  other.deleter = nullptr;
}

Tensor &Tensor::operator=(Tensor &&other) noexcept {
  if (this == &other)
    return *this;
  reset();
  elemType = other.elemType;
  dims = std::move(other.dims);
  buffer = other.buffer;
  deleter = std::move(other.deleter);
  other.elemType = DType::F32;
  other.dims.clear();
  other.buffer = nullptr;
  other.deleter = nullptr;
  return *this;
}

void Tensor::reset() {
  // Move the deleter out first so that it runs at most once even if it
  // somehow re-enters this tensor.
  Deleter release = std::move(deleter);
  deleter = nullptr;
  void *data = buffer;
  buffer = nullptr;
  dims.clear();
  elemType = DType::F32;
  if (release)
    release(data);
}

Tensor Tensor::allocate(DType dtype, std::vector<int64_t> shape) {
  std::optional<int64_t> count = shapeNumElements(shape);
  size_t elemSize = dtypeSize(dtype);
  if (!count || elemSize == 0)
    return Tensor();
  // Keep sizes well inside size_t/ptrdiff_t so the rounding cannot overflow.
  constexpr int64_t maxBytes = std::numeric_limits<int64_t>::max() / 2;
  if (*count > maxBytes / static_cast<int64_t>(elemSize))
    return Tensor();
  size_t bytes = static_cast<size_t>(*count) * elemSize;
  // aligned_alloc wants a non-zero multiple of the alignment.
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0)
    rounded = kAlignment;
  void *data = std::aligned_alloc(kAlignment, rounded);
  if (!data)
    return Tensor();
  std::memset(data, 0, rounded);
  return Tensor(dtype, std::move(shape), data, [](void *p) { std::free(p); });
}

Tensor Tensor::adopt(DType dtype, std::vector<int64_t> shape, void *data,
                     Deleter deleter) {
  return Tensor(dtype, std::move(shape), data, std::move(deleter));
}

int64_t Tensor::numElements() const {
  return shapeNumElements(dims).value_or(0);
}

size_t Tensor::byteSize() const {
  return static_cast<size_t>(numElements()) * dtypeSize(elemType);
}

std::string Tensor::shapeString() const {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i != 0)
      text += ", ";
    text += std::to_string(dims[i]);
  }
  text += "]";
  return text;
}

namespace {

/// True if a view with these sizes and strides is laid out exactly like a
/// contiguous row-major array. Strides of unit dimensions are irrelevant.
bool isRowMajorContiguous(const std::vector<int64_t> &shape,
                          const std::vector<int64_t> &strides) {
  int64_t expected = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] != 1 && strides[i] != expected)
      return false;
    expected *= shape[i];
  }
  return true;
}

} // namespace

Tensor copyStrided(DType dtype, const void *base, int64_t offset,
                   const std::vector<int64_t> &shape,
                   const std::vector<int64_t> &strides) {
  if (shape.size() != strides.size())
    return Tensor();
  Tensor result = Tensor::allocate(dtype, shape);
  if (result.isNull() || result.numElements() == 0)
    return result;
  if (!base)
    return Tensor();

  const auto elemSize = static_cast<int64_t>(dtypeSize(dtype));
  const char *src = static_cast<const char *>(base);
  char *dst = static_cast<char *>(result.data());

  if (isRowMajorContiguous(shape, strides)) {
    std::memcpy(dst, src + offset * elemSize, result.byteSize());
    return result;
  }

  // Walk the outer dimensions with an odometer; copy one innermost row at a
  // time (a rank-0 view is always contiguous, so rank >= 1 here).
  const size_t rank = shape.size();
  const int64_t innerSize = shape[rank - 1];
  const int64_t innerStride = strides[rank - 1];
  const int64_t numRows = result.numElements() / innerSize;
  std::vector<int64_t> index(rank - 1, 0);
  int64_t rowStart = offset;
  for (int64_t row = 0; row < numRows; ++row) {
    if (innerStride == 1) {
      std::memcpy(dst, src + rowStart * elemSize, innerSize * elemSize);
      dst += innerSize * elemSize;
    } else {
      for (int64_t j = 0; j < innerSize; ++j, dst += elemSize)
        std::memcpy(dst, src + (rowStart + j * innerStride) * elemSize,
                    elemSize);
    }
    // Advance the outer index, carrying into slower dimensions.
    for (size_t d = rank - 1; d-- > 0;) {
      rowStart += strides[d];
      if (++index[d] < shape[d])
        break;
      rowStart -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return result;
}

} // namespace blade::rt
