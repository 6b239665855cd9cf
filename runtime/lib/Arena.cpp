//===- Arena.cpp - Size-class arenas for the buffers of compiled code -----===//

#include "blade-rt/Arena.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace blade::rt {

/// Sits in the 64 bytes before every block handed out.
struct ArenaBlock {
  uint64_t magic;
  Arena *owner;      ///< Null: the block goes back to the system.
  void *raw;         ///< What the system allocator returned.
  size_t classBytes; ///< The block's size class (0 when not pooled).
  uint64_t lastUse;  ///< The owner's run count when the block was freed.
};
static_assert(sizeof(ArenaBlock) <= kArenaAlignment, "header too large");

namespace {
constexpr uint64_t kLiveMagic = 0xb1ade0a11c0b10c5ull;
constexpr uint64_t kCachedMagic = 0xb1adef7eeb10c5ull;
/// Classes: 16 multiples of 64 up to 1 KiB, then 8 per power of two.
constexpr unsigned kSmallClasses = 16;
constexpr unsigned kMaxLog2 = 60;
constexpr size_t kClassesPerOctave = 8;
constexpr size_t kNumClasses =
    kSmallClasses + (kMaxLog2 - 10 + 1) * kClassesPerOctave;
/// An arena the pool has not handed out for this many runs of the pool
/// returns its free blocks (runs of a burst of concurrent callers).
constexpr uint64_t kPoolIdleReleases = 64;

thread_local Arena *tlsArena = nullptr;

unsigned floorLog2(size_t x) { return 63 - __builtin_clzll(x); }

size_t classIndex(size_t classBytes) {
  if (classBytes <= 1024)
    return classBytes / kArenaAlignment - 1;
  unsigned e = floorLog2(classBytes);
  return kSmallClasses + (e - 10) * 8 + ((classBytes >> (e - 3)) - 8);
}

ArenaBlock *headerOf(void *ptr) {
  return reinterpret_cast<ArenaBlock *>(static_cast<char *>(ptr) -
                                        kArenaAlignment);
}

void *payloadOf(ArenaBlock *block) {
  return reinterpret_cast<char *>(block) + kArenaAlignment;
}

/// A block straight from the system: `alignment` bytes (at least 64) of
/// header room, then the payload.
ArenaBlock *systemBlock(size_t payloadBytes, size_t alignment) {
  size_t total = alignment + payloadBytes;
  total = (total + alignment - 1) / alignment * alignment;
  void *raw = std::aligned_alloc(alignment, total);
  if (!raw)
    return nullptr;
  auto *block = reinterpret_cast<ArenaBlock *>(static_cast<char *>(raw) +
                                               alignment - kArenaAlignment);
  block->magic = kLiveMagic;
  block->owner = nullptr;
  block->raw = raw;
  block->classBytes = 0;
  block->lastUse = 0;
  return block;
}

size_t normalAlignment(uint64_t alignment) {
  if (alignment <= kArenaAlignment || (alignment & (alignment - 1)) != 0)
    return kArenaAlignment;
  return static_cast<size_t>(alignment);
}

void *allocateUnowned(uint64_t size, size_t alignment) {
  if (size > (uint64_t(1) << kMaxLog2))
    return nullptr;
  ArenaBlock *block = systemBlock(size ? size : 1, alignment);
  return block ? payloadOf(block) : nullptr;
}
} // namespace

size_t arenaSizeClass(size_t bytes) {
  if (bytes > (size_t(1) << kMaxLog2))
    return 0;
  size_t rounded = (std::max<size_t>(bytes, 1) + kArenaAlignment - 1) &
                   ~(kArenaAlignment - 1);
  if (rounded <= 1024)
    return rounded;
  size_t step = size_t(1) << (floorLog2(rounded) - 3);
  return (rounded + step - 1) & ~(step - 1);
}

Arena::Arena(const ArenaOptions &options)
    : opts(options), freeLists(kNumClasses) {}

Arena::~Arena() = default;

void Arena::setOptions(const ArenaOptions &options) {
  std::lock_guard<std::mutex> lock(mutex);
  opts = options;
}

void *Arena::allocate(size_t bytes, size_t alignment) {
  if (alignment > kArenaAlignment) {
    // Rare (no Blade pass asks for it): not pooled.
    void *ptr = allocateUnowned(bytes, normalAlignment(alignment));
    std::lock_guard<std::mutex> lock(mutex);
    ++counters.allocations;
    ++counters.systemAllocations;
    return ptr;
  }
  size_t cls = arenaSizeClass(bytes);
  if (cls == 0)
    return nullptr;
  ArenaBlock *block = nullptr;
  std::unique_lock<std::mutex> lock(mutex);
  std::vector<ArenaBlock *> *list = &freeLists[classIndex(cls)];
  // None of its class free: the block of the next class up to twice the
  // size that has one (freed lately, so likely still in cache).
  for (size_t i = classIndex(cls) + 1,
              end = std::min(i + kClassesPerOctave, kNumClasses);
       list->empty() && i < end; ++i)
    list = &freeLists[i];
  if (!list->empty() && opts.reuse) {
    block = list->back();
    list->pop_back();
    counters.bytesCached -= block->classBytes;
  } else {
    // The system allocator may take a while: not under the lock.
    lock.unlock();
    block = systemBlock(cls, kArenaAlignment);
    if (!block)
      return nullptr;
    block->classBytes = cls;
    lock.lock();
    ++counters.systemAllocations;
  }
  ++counters.allocations;
  ++liveBlocks;
  counters.bytesInUse += block->classBytes;
  counters.peakBytesInUse =
      std::max(counters.peakBytesInUse, counters.bytesInUse);
  block->magic = kLiveMagic;
  block->owner = this;
  return payloadOf(block);
}

void Arena::release(ArenaBlock *block) {
  bool deleteArena = false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    --liveBlocks;
    counters.bytesInUse -= block->classBytes;
    bool keep =
        !retired && opts.reuse &&
        (opts.maxCachedBytes == 0 ||
         counters.bytesCached + block->classBytes <= opts.maxCachedBytes);
    if (keep) {
      block->magic = kCachedMagic;
      block->lastUse = counters.runs;
      freeLists[classIndex(block->classBytes)].push_back(block);
      counters.bytesCached += block->classBytes;
      return;
    }
    deleteArena = retired && liveBlocks == 0;
  }
  block->magic = 0;
  std::free(block->raw);
  if (deleteArena)
    delete this;
}

void Arena::deallocate(void *ptr) {
  if (!ptr)
    return;
  ArenaBlock *block = headerOf(ptr);
  // A block already back in its free list: a second release changes nothing.
  if (block->magic != kLiveMagic)
    return;
  if (block->owner) {
    block->owner->release(block);
    return;
  }
  block->magic = 0;
  std::free(block->raw);
}

void Arena::freeCachedLocked(size_t keepFromRun) {
  for (std::vector<ArenaBlock *> &list : freeLists) {
    // Pushed in run order: the blocks idle the longest come first.
    size_t n = 0;
    while (n < list.size() && list[n]->lastUse < keepFromRun) {
      counters.bytesCached -= list[n]->classBytes;
      list[n]->magic = 0;
      std::free(list[n]->raw);
      ++n;
    }
    list.erase(list.begin(), list.begin() + n);
  }
}

void Arena::beginRun() {
  std::lock_guard<std::mutex> lock(mutex);
  ++counters.runs;
}

void Arena::endRun() {
  std::lock_guard<std::mutex> lock(mutex);
  if (opts.idleRuns > 0 && counters.runs > opts.idleRuns)
    freeCachedLocked(counters.runs - opts.idleRuns + 1);
}

void Arena::trim() {
  std::lock_guard<std::mutex> lock(mutex);
  freeCachedLocked(UINT64_MAX);
}

ArenaStats Arena::stats() const {
  std::lock_guard<std::mutex> lock(mutex);
  ArenaStats s = counters;
  s.arenas = 1;
  return s;
}

void Arena::retire(Arena *arena) {
  bool deleteNow;
  {
    std::lock_guard<std::mutex> lock(arena->mutex);
    arena->retired = true;
    arena->freeCachedLocked(UINT64_MAX);
    deleteNow = arena->liveBlocks == 0;
  }
  if (deleteNow)
    delete arena;
}

ArenaPool::ArenaPool() = default;

ArenaPool::~ArenaPool() {
  for (Arena *arena : all)
    Arena::retire(arena);
}

Arena *ArenaPool::acquire() {
  Arena *arena;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (idle.empty()) {
      arena = new Arena(opts);
      all.push_back(arena);
    } else {
      arena = idle.back();
      idle.pop_back();
    }
    arena->poolTrimmed = false;
  }
  arena->beginRun();
  return arena;
}

void ArenaPool::release(Arena *arena) {
  arena->endRun();
  std::lock_guard<std::mutex> lock(mutex);
  arena->lastPoolRelease = ++releases;
  idle.push_back(arena);
  // After a burst of concurrent runs, the arenas no run takes any more give
  // their blocks back.
  for (Arena *other : idle)
    if (!other->poolTrimmed &&
        other->lastPoolRelease + kPoolIdleReleases < releases) {
      other->trim();
      other->poolTrimmed = true;
    }
}

void ArenaPool::setOptions(const ArenaOptions &options) {
  std::lock_guard<std::mutex> lock(mutex);
  opts = options;
  for (Arena *arena : all)
    arena->setOptions(options);
}

ArenaStats ArenaPool::stats() const {
  std::lock_guard<std::mutex> lock(mutex);
  ArenaStats sum;
  for (const Arena *arena : all) {
    ArenaStats s = arena->stats();
    sum.arenas += 1;
    sum.runs += s.runs;
    sum.allocations += s.allocations;
    sum.systemAllocations += s.systemAllocations;
    sum.bytesInUse += s.bytesInUse;
    sum.peakBytesInUse += s.peakBytesInUse;
    sum.bytesCached += s.bytesCached;
  }
  return sum;
}

void ArenaPool::trim() {
  std::lock_guard<std::mutex> lock(mutex);
  for (Arena *arena : idle)
    arena->trim();
}

ArenaScope::ArenaScope(ArenaPool *pool)
    : pool(pool), arena(pool ? pool->acquire() : nullptr), saved(tlsArena) {
  tlsArena = arena;
}

ArenaScope::~ArenaScope() {
  tlsArena = saved;
  if (arena)
    pool->release(arena);
}

Arena *currentArena() { return tlsArena; }

Arena *exchangeCurrentArena(Arena *arena) {
  Arena *previous = tlsArena;
  tlsArena = arena;
  return previous;
}

} // namespace blade::rt

using namespace blade::rt;

extern "C" void *blade_rt_alloc(uint64_t size) {
  return blade_rt_aligned_alloc(kArenaAlignment, size);
}

extern "C" void *blade_rt_aligned_alloc(uint64_t alignment, uint64_t size) {
  if (size > (uint64_t(1) << 60))
    return nullptr;
  if (Arena *arena = tlsArena)
    return arena->allocate(static_cast<size_t>(size),
                           normalAlignment(alignment));
  return allocateUnowned(size, normalAlignment(alignment));
}

extern "C" void blade_rt_free(void *ptr) { Arena::deallocate(ptr); }
