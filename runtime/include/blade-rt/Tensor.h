//===- Tensor.h - Dense row-major tensors for the runtime -------*- C++ -*-===//

#ifndef BLADE_RT_TENSOR_H
#define BLADE_RT_TENSOR_H

#include "blade-rt/DType.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace blade::rt {

/// Number of elements of `shape` (1 for rank 0), or std::nullopt when a
/// dimension is negative or the product overflows int64_t.
std::optional<int64_t> shapeNumElements(const std::vector<int64_t> &shape);

/// Row-major (C order) strides, in elements, of a contiguous `shape`.
std::vector<int64_t> rowMajorStrides(const std::vector<int64_t> &shape);

/// A dense tensor with contiguous row-major storage.
///
/// A tensor either owns its memory (allocate()) or adopts an external buffer
/// together with a deleter (adopt()). The deleter runs exactly once, when the
/// tensor is destroyed or assigned over. Tensors are move-only; a moved-from
/// tensor is a null tensor.
class Tensor {
public:
  /// Called with the data pointer when the tensor releases its buffer.
  using Deleter = std::function<void(void *)>;

  /// Alignment in bytes of buffers created by allocate().
  static constexpr size_t kAlignment = 64;

  /// A null tensor: no data, dtype f32, rank 0.
  Tensor() = default;
  ~Tensor();
  Tensor(Tensor &&other) noexcept;
  Tensor &operator=(Tensor &&other) noexcept;
  Tensor(const Tensor &) = delete;
  Tensor &operator=(const Tensor &) = delete;

  /// Allocates a zero-initialised, kAlignment-aligned tensor. An empty tensor
  /// (some dimension 0) still gets a non-null buffer. Returns a null tensor
  /// if the shape is invalid (negative dimension, size overflow) or memory
  /// cannot be allocated.
  static Tensor allocate(DType dtype, std::vector<int64_t> shape);

  /// Wraps `data`, which must hold a contiguous row-major array of `shape`.
  /// `deleter(data)` is called once when the tensor releases it; an empty
  /// deleter means the memory is borrowed and never freed by the tensor.
  static Tensor adopt(DType dtype, std::vector<int64_t> shape, void *data,
                      Deleter deleter);

  /// True if the tensor has no data pointer (default-constructed, moved-from
  /// or failed allocation).
  bool isNull() const { return buffer == nullptr; }

  DType dtype() const { return elemType; }
  const std::vector<int64_t> &shape() const { return dims; }
  int64_t rank() const { return static_cast<int64_t>(dims.size()); }

  void *data() { return buffer; }
  const void *data() const { return buffer; }

  /// The data viewed as elements of type T (no type check is done).
  template <typename T> T *dataAs() { return static_cast<T *>(buffer); }
  template <typename T> const T *dataAs() const {
    return static_cast<const T *>(buffer);
  }

  /// Product of the dimensions (1 for rank 0, 0 for an empty tensor).
  int64_t numElements() const;

  /// numElements() * dtypeSize(dtype()).
  size_t byteSize() const;

  /// The shape as text, e.g. "[1, 10]"; "[]" for rank 0.
  std::string shapeString() const;

private:
  Tensor(DType dtype, std::vector<int64_t> shape, void *data, Deleter deleter);

  /// Runs the deleter (if any) and turns this into a null tensor.
  void reset();

  DType elemType = DType::F32;
  std::vector<int64_t> dims;
  void *buffer = nullptr;
  Deleter deleter;
};

/// Copies a strided view into a new contiguous tensor. `base` points to
/// element 0 of the underlying buffer; element (i0, i1, ...) of the view lies
/// at element index `offset + i0 * strides[0] + i1 * strides[1] + ...` of
/// `base`, as in an MLIR memref descriptor (aligned pointer, offset, sizes,
/// strides). Row-major contiguous views are copied with a single memcpy.
/// Returns a null tensor if `shape` and `strides` differ in length, the shape
/// is invalid, or `base` is null for a non-empty view.
Tensor copyStrided(DType dtype, const void *base, int64_t offset,
                   const std::vector<int64_t> &shape,
                   const std::vector<int64_t> &strides);

} // namespace blade::rt

#endif // BLADE_RT_TENSOR_H
