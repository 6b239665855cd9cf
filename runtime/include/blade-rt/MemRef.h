//===- MemRef.h - MLIR C-interface memref descriptor helpers ----*- C++ -*-===//
//
// A ranked memref of rank r is passed to `_mlir_ciface_*` functions as a
// pointer to a descriptor made of 3 + 2r int64-sized words:
//
//   [allocated ptr, aligned ptr, offset, sizes[0..r), strides[0..r)]
//
// with no padding. Offset and strides count elements, not bytes. A function
// returning several memrefs writes their descriptors back-to-back into one
// result struct. DescriptorBuffer builds such words for inputs and results in
// one contiguous std::vector<int64_t>.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_MEMREF_H
#define BLADE_RT_MEMREF_H

#include "blade-rt/DType.h"
#include "blade-rt/Tensor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace blade::rt {

/// Number of int64 words in a descriptor of rank `rank`: 3 + 2 * rank.
constexpr size_t descriptorWords(int64_t rank) {
  return 3 + 2 * static_cast<size_t>(rank < 0 ? 0 : rank);
}

/// A decoded memref descriptor.
struct MemRefView {
  void *allocated = nullptr; ///< Pointer to free (if owned), or null.
  void *aligned = nullptr;   ///< Pointer that offset and strides apply to.
  int64_t offset = 0;        ///< In elements.
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides; ///< In elements.
};

/// A growable array of descriptor words. Word indices returned by the
/// append/reserve methods stay valid; raw pointers from at() are invalidated
/// by any later append or reserve, so build the whole buffer first and take
/// pointers afterwards.
class DescriptorBuffer {
public:
  /// Appends a descriptor for a contiguous row-major buffer `data` of `shape`
  /// (allocated = aligned = data, offset 0, row-major strides). Returns the
  /// word index where the descriptor starts.
  size_t appendInput(void *data, const std::vector<int64_t> &shape);

  /// Appends descriptorWords(rank) zero words for a callee to fill in.
  /// Returns the word index where the descriptor starts. A negative rank is
  /// treated as 0.
  size_t reserveResult(int64_t rank);

  /// Pointer to the descriptor starting at `wordIndex`, or nullptr if the
  /// index is out of range.
  void *at(size_t wordIndex);
  const void *at(size_t wordIndex) const;

  /// Decodes the rank-`rank` descriptor starting at `wordIndex`. Returns an
  /// empty view (null pointers, no sizes) if it does not fit in the buffer.
  MemRefView readDescriptor(size_t wordIndex, int64_t rank) const;

  /// All words, in order.
  const std::vector<int64_t> &words() const { return storage; }
  size_t numWords() const { return storage.size(); }

  void clear() { storage.clear(); }

private:
  std::vector<int64_t> storage;
};

/// Copies the elements seen through `view` (of element type `dtype`) into a
/// new contiguous tensor; see copyStrided(). Does not free view.allocated.
Tensor copyFromView(DType dtype, const MemRefView &view);

} // namespace blade::rt

#endif // BLADE_RT_MEMREF_H
