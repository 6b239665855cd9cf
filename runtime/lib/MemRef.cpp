//===- MemRef.cpp - Building and decoding memref descriptors --------------===//

#include "blade-rt/MemRef.h"

#include <cstring>

namespace blade::rt {

static_assert(sizeof(void *) == sizeof(int64_t),
              "memref descriptors assume 64-bit pointers");

namespace {

int64_t pointerToWord(void *pointer) {
  int64_t word;
  std::memcpy(&word, &pointer, sizeof(word));
  return word;
}

void *wordToPointer(int64_t word) {
  void *pointer;
  std::memcpy(&pointer, &word, sizeof(pointer));
  return pointer;
}

} // namespace

size_t DescriptorBuffer::appendInput(void *data,
                                     const std::vector<int64_t> &shape) {
  size_t start = storage.size();
  storage.push_back(pointerToWord(data)); // allocated
  storage.push_back(pointerToWord(data)); // aligned
  storage.push_back(0);                   // offset
  storage.insert(storage.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides = rowMajorStrides(shape);
  storage.insert(storage.end(), strides.begin(), strides.end());
  return start;
}

size_t DescriptorBuffer::reserveResult(int64_t rank) {
  size_t start = storage.size();
  storage.resize(start + descriptorWords(rank), 0);
  return start;
}

void *DescriptorBuffer::at(size_t wordIndex) {
  return wordIndex < storage.size() ? &storage[wordIndex] : nullptr;
}

const void *DescriptorBuffer::at(size_t wordIndex) const {
  return wordIndex < storage.size() ? &storage[wordIndex] : nullptr;
}

MemRefView DescriptorBuffer::readDescriptor(size_t wordIndex,
                                            int64_t rank) const {
  MemRefView view;
  if (rank < 0 || wordIndex > storage.size() ||
      storage.size() - wordIndex < descriptorWords(rank))
    return view;
  const int64_t *words = storage.data() + wordIndex;
  auto r = static_cast<size_t>(rank);
  view.allocated = wordToPointer(words[0]);
  view.aligned = wordToPointer(words[1]);
  view.offset = words[2];
  view.sizes.assign(words + 3, words + 3 + r);
  view.strides.assign(words + 3 + r, words + 3 + 2 * r);
  return view;
}

Tensor copyFromView(DType dtype, const MemRefView &view) {
  return copyStrided(dtype, view.aligned, view.offset, view.sizes,
                     view.strides);
}

} // namespace blade::rt
