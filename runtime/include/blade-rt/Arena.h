//===- Arena.h - Buffers of compiled code, reused from run to run -*- C++
//-*-===//
//
// Compiled models allocate every intermediate buffer through blade_rt_alloc /
// blade_rt_aligned_alloc and release it through blade_rt_free right after its
// last use (the buffer-deallocation pipeline places those frees). During a run
// these calls are served by the run's Arena: a freed block goes to a free list
// of its size class and the next allocation of that class takes it back, so
// liveness decides reuse, and a model whose shapes repeat stops calling the
// system allocator after its first run.
//
// Every block carries a 64-byte header naming its arena, so any block, also a
// result the caller keeps after the run, is released with blade_rt_free: a
// block of a live arena goes back to that arena's free lists, a block made
// outside any run (no current arena) goes back to the system.
//
// Arenas come from an ArenaPool owned by the model (KernelCache); RunScope
// takes one arena from it for the duration of a run, so concurrent runs of one
// model never share an arena.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_ARENA_H
#define BLADE_RT_ARENA_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace blade::rt {

/// Alignment of every block (AVX-512 vectors, cache lines).
constexpr size_t kArenaAlignment = 64;

/// The size class a request of `bytes` is served from: a multiple of 64 up to
/// 1 KiB, then eight classes per power of two (at most 12.5% waste). Returns
/// 0 for requests too large to round.
size_t arenaSizeClass(size_t bytes);

/// How an arena bounds what it keeps.
struct ArenaOptions {
  /// Free blocks of a size class no run asked for during this many runs of
  /// the arena go back to the system (shapes that changed).
  unsigned idleRuns = 4;
  /// Most bytes of free blocks an arena keeps; 0 means no limit beyond
  /// idleRuns. Blocks freed past the limit go back to the system.
  size_t maxCachedBytes = 0;
  /// False: every block comes from and goes back to the system, as without
  /// an arena (to measure, or so memory checkers see each buffer).
  bool reuse = true;
};

/// Counters of one arena or, summed, of a pool.
struct ArenaStats {
  uint64_t arenas = 0;            ///< Arenas in a pool.
  uint64_t runs = 0;              ///< Runs served.
  uint64_t allocations = 0;       ///< Blocks handed out.
  uint64_t systemAllocations = 0; ///< Of which taken from the system.
  uint64_t bytesInUse = 0;        ///< Class bytes of blocks not yet freed.
  uint64_t peakBytesInUse = 0;    ///< Highest bytesInUse (per arena, summed).
  uint64_t bytesCached = 0;       ///< Class bytes of free blocks kept.
};

struct ArenaBlock;

/// Size-class free lists for one run at a time. Blocks may be allocated and
/// freed from any thread (the workers of the run's parallel loops, a result
/// released after the run).
class Arena {
public:
  explicit Arena(const ArenaOptions &options = {});
  Arena(const Arena &) = delete;
  Arena &operator=(const Arena &) = delete;

  /// A block of at least `bytes` aligned to `alignment` (a power of two), or
  /// null when memory is exhausted. Alignments above kArenaAlignment are
  /// served by the system directly.
  void *allocate(size_t bytes, size_t alignment = kArenaAlignment);

  /// Marks the start and the end of a run; the end drops idle free blocks.
  void beginRun();
  void endRun();

  /// Returns every free block to the system.
  void trim();

  ArenaStats stats() const;
  void setOptions(const ArenaOptions &options);

  /// Frees the cached blocks and deletes the arena once its last block in
  /// use is freed (results may outlive the model).
  static void retire(Arena *arena);

  /// Releases a block made by allocate() or blade_rt_*alloc: back to its
  /// arena, or to the system. Null is ignored, so is a second release.
  static void deallocate(void *ptr);

private:
  friend class ArenaPool;
  ~Arena();
  void release(ArenaBlock *block);
  void freeCachedLocked(size_t keepFromRun);

  mutable std::mutex mutex;
  ArenaOptions opts;
  /// Free blocks per size class, most recently freed last.
  std::vector<std::vector<ArenaBlock *>> freeLists;
  ArenaStats counters;
  uint64_t liveBlocks = 0;
  bool retired = false;
  /// Kept by the pool (under its lock): its release count when this arena
  /// last came back, and whether it was trimmed since.
  uint64_t lastPoolRelease = 0;
  bool poolTrimmed = false;
};

/// The arenas of one model: one per run in flight, kept between runs.
class ArenaPool {
public:
  ArenaPool();
  ~ArenaPool();
  ArenaPool(const ArenaPool &) = delete;
  ArenaPool &operator=(const ArenaPool &) = delete;

  /// An arena no other run uses (made if all are busy), its run begun.
  Arena *acquire();
  /// Ends the arena's run and makes it available again.
  void release(Arena *arena);

  /// Options for every arena of the pool, present and future.
  void setOptions(const ArenaOptions &options);
  /// Sum of the arenas' counters.
  ArenaStats stats() const;
  /// Returns the free blocks of every arena not in a run to the system.
  void trim();

private:
  mutable std::mutex mutex;
  ArenaOptions opts;
  std::vector<Arena *> all;
  std::vector<Arena *> idle; ///< Most recently released last.
  uint64_t releases = 0;
};

/// Makes an arena of `pool` the calling thread's current one until
/// destroyed; a null pool makes allocations go to the system. Scopes nest.
class ArenaScope {
public:
  explicit ArenaScope(ArenaPool *pool);
  ~ArenaScope();
  ArenaScope(const ArenaScope &) = delete;
  ArenaScope &operator=(const ArenaScope &) = delete;

private:
  ArenaPool *pool;
  Arena *arena;
  Arena *saved;
};

/// The calling thread's arena, or null outside a run.
Arena *currentArena();

/// Makes `arena` the calling thread's current one and returns the previous
/// one (worker threads of a parallel loop borrow the run's arena).
Arena *exchangeCurrentArena(Arena *arena);

} // namespace blade::rt

extern "C" {
/// Allocation entry points of compiled code (finalize-memref-to-llvm's
/// generic allocation functions, renamed by blade-redirect-allocations).
/// Blocks are 64-byte aligned; blade_rt_free accepts null.
void *blade_rt_alloc(uint64_t size);
void *blade_rt_aligned_alloc(uint64_t alignment, uint64_t size);
void blade_rt_free(void *ptr);
}

#endif // BLADE_RT_ARENA_H
