//===- ArenaTest.cpp - Tests for run arenas and blade_rt_alloc/free -------===//

#include "blade-rt/Arena.h"
#include "blade-rt/RunContext.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

using namespace blade::rt;

namespace {

bool isAligned(const void *p, size_t alignment) {
  return reinterpret_cast<uintptr_t>(p) % alignment == 0;
}

/// One "run" of a model: allocate intermediates of these sizes one after
/// the other, each freed after the next one exists (a chain of ops).
void chainOfBuffers(const std::vector<size_t> &sizes) {
  void *previous = nullptr;
  for (size_t size : sizes) {
    void *buffer = blade_rt_alloc(size);
    ASSERT_NE(buffer, nullptr);
    std::memset(buffer, 0x5a, size);
    blade_rt_free(previous);
    previous = buffer;
  }
  blade_rt_free(previous);
}

TEST(ArenaSizeClass, RoundsToMultiplesOf64ThenEighthsOfAnOctave) {
  EXPECT_EQ(arenaSizeClass(0), 64u);
  EXPECT_EQ(arenaSizeClass(1), 64u);
  EXPECT_EQ(arenaSizeClass(64), 64u);
  EXPECT_EQ(arenaSizeClass(65), 128u);
  EXPECT_EQ(arenaSizeClass(1024), 1024u);
  EXPECT_EQ(arenaSizeClass(1025), 1152u);
  EXPECT_EQ(arenaSizeClass(2048), 2048u);
  EXPECT_EQ(arenaSizeClass(2049), 2304u);
  EXPECT_EQ(arenaSizeClass(size_t(1) << 62), 0u);
  for (size_t bytes = 1; bytes < (size_t(1) << 26); bytes = bytes * 5 / 4 + 7) {
    size_t cls = arenaSizeClass(bytes);
    EXPECT_GE(cls, bytes);
    EXPECT_EQ(cls % kArenaAlignment, 0u) << bytes;
    // At most one eighth wasted beyond the 64-byte rounding.
    EXPECT_LE(cls, bytes + bytes / 8 + kArenaAlignment) << bytes;
    EXPECT_EQ(arenaSizeClass(cls), cls) << bytes;
  }
}

TEST(Arena, OutsideARunAllocationsComeFromTheSystem) {
  EXPECT_EQ(currentArena(), nullptr);
  void *p = blade_rt_alloc(100);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(isAligned(p, 64));
  std::memset(p, 1, 100);
  blade_rt_free(p);
  blade_rt_free(nullptr);
  void *zero = blade_rt_alloc(0);
  EXPECT_NE(zero, nullptr);
  blade_rt_free(zero);
}

TEST(Arena, HonoursLargerAlignments) {
  ArenaPool pool;
  for (ArenaPool *p : {static_cast<ArenaPool *>(nullptr), &pool}) {
    ArenaScope scope(p);
    for (uint64_t alignment : {1u, 16u, 64u, 128u, 4096u}) {
      void *q = blade_rt_aligned_alloc(alignment, 1000);
      ASSERT_NE(q, nullptr);
      EXPECT_TRUE(isAligned(q, alignment < 64 ? 64 : alignment));
      std::memset(q, 2, 1000);
      blade_rt_free(q);
    }
  }
}

TEST(Arena, AFreedBlockServesTheNextRequestOfItsClass) {
  ArenaPool pool;
  ArenaScope scope(&pool);
  void *a = blade_rt_alloc(1000);
  blade_rt_free(a);
  void *b = blade_rt_alloc(970); // Same 1 KiB class.
  EXPECT_EQ(a, b);
  void *c = blade_rt_alloc(5000); // Another class: a new block.
  EXPECT_NE(c, b);
  blade_rt_free(b);
  blade_rt_free(c);
  ArenaStats s = pool.stats();
  EXPECT_EQ(s.allocations, 3u);
  EXPECT_EQ(s.systemAllocations, 2u);
  EXPECT_EQ(s.bytesInUse, 0u);
  EXPECT_EQ(s.peakBytesInUse, 1024u + arenaSizeClass(5000));
  EXPECT_EQ(s.bytesCached, 1024u + arenaSizeClass(5000));
}

TEST(Arena, AFreedBlockUpToTwiceTheSizeServesASmallerRequest) {
  ArenaPool pool;
  ArenaScope scope(&pool);
  void *a = blade_rt_alloc(8000); // Class 8192.
  blade_rt_free(a);
  void *b = blade_rt_alloc(5000); // Class 5120: none free; 8192 is near.
  EXPECT_EQ(a, b);
  blade_rt_free(b);
  void *c = blade_rt_alloc(3000); // Class 3072: 8192 is too large.
  EXPECT_NE(c, a);
  ArenaStats s = pool.stats();
  EXPECT_EQ(s.systemAllocations, 2u);
  // The block counts with its own class while in use.
  EXPECT_EQ(s.peakBytesInUse, 8192u);
  EXPECT_EQ(s.bytesInUse, arenaSizeClass(3000));
  EXPECT_EQ(s.bytesCached, 8192u);
  blade_rt_free(c);
}

TEST(Arena, SteadyStateRunsDoNotCallTheSystemAllocator) {
  ArenaPool pool;
  std::vector<size_t> sizes = {4096, 16384, 4096, 100000, 16384, 4096};
  for (int run = 0; run < 5; ++run) {
    ArenaScope scope(&pool);
    chainOfBuffers(sizes);
  }
  ArenaStats s = pool.stats();
  EXPECT_EQ(s.arenas, 1u);
  EXPECT_EQ(s.runs, 5u);
  EXPECT_EQ(s.allocations, 5 * sizes.size());
  // Only the first run's blocks came from the system: 4 KiB and 16 KiB, then
  // 100000 bytes while the 4 KiB block was reused.
  EXPECT_EQ(s.systemAllocations, 3u);
  uint64_t afterFirstRuns = s.systemAllocations;
  {
    ArenaScope scope(&pool);
    chainOfBuffers(sizes);
  }
  EXPECT_EQ(pool.stats().systemAllocations, afterFirstRuns);
}

TEST(Arena, ResultsOutliveTheRunAndThePool) {
  void *result = nullptr;
  {
    auto pool = std::make_unique<ArenaPool>();
    {
      ArenaScope scope(pool.get());
      result = blade_rt_alloc(256);
      std::memset(result, 7, 256);
    }
    EXPECT_EQ(pool->stats().bytesInUse, 256u);
  }
  // The pool is gone; its arena lives until its last block is freed (ASan
  // reports a use after free or a leak otherwise).
  EXPECT_EQ(static_cast<unsigned char *>(result)[255], 7);
  blade_rt_free(result);
}

TEST(Arena, BlocksMayBeFreedOnAnotherThread) {
  ArenaPool pool;
  void *result;
  {
    ArenaScope scope(&pool);
    result = blade_rt_alloc(300);
  }
  std::thread([&] { blade_rt_free(result); }).join();
  EXPECT_EQ(pool.stats().bytesInUse, 0u);
  EXPECT_EQ(pool.stats().bytesCached, 320u);
}

TEST(Arena, ConcurrentRunsUseSeparateArenas) {
  ArenaPool pool;
  constexpr int kThreads = 8, kRuns = 50;
  std::atomic<int> corrupted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int run = 0; run < kRuns; ++run) {
        ArenaScope scope(&pool);
        std::vector<unsigned char *> live;
        for (size_t size : {512u, 3000u, 512u, 70000u}) {
          auto *p = static_cast<unsigned char *>(blade_rt_alloc(size));
          std::memset(p, t, size);
          live.push_back(p);
        }
        std::this_thread::yield();
        for (unsigned char *p : live)
          if (p[0] != t || p[511] != t)
            ++corrupted;
        for (unsigned char *p : live)
          blade_rt_free(p);
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(corrupted.load(), 0);
  ArenaStats s = pool.stats();
  EXPECT_GE(s.arenas, 1u);
  EXPECT_LE(s.arenas, static_cast<uint64_t>(kThreads));
  EXPECT_EQ(s.runs, static_cast<uint64_t>(kThreads * kRuns));
  EXPECT_EQ(s.bytesInUse, 0u);
  // Each arena took its four blocks from the system at its first run (again
  // only if the pool trimmed it while idle).
  EXPECT_GE(s.systemAllocations, 4 * s.arenas);
  EXPECT_LT(s.systemAllocations, s.allocations / 4);
}

TEST(Arena, IdleBlocksGoBackAfterSomeRuns) {
  ArenaPool pool;
  ArenaOptions options;
  options.idleRuns = 2;
  pool.setOptions(options);
  {
    ArenaScope scope(&pool);
    chainOfBuffers({1 << 20}); // A shape seen once.
  }
  EXPECT_GT(pool.stats().bytesCached, 0u);
  for (int run = 0; run < 3; ++run) {
    ArenaScope scope(&pool);
    chainOfBuffers({4096});
  }
  EXPECT_EQ(pool.stats().bytesCached, 4096u);
  pool.trim();
  EXPECT_EQ(pool.stats().bytesCached, 0u);
}

TEST(Arena, CachedBytesStayUnderTheLimit) {
  ArenaPool pool;
  ArenaOptions options;
  options.maxCachedBytes = 10000;
  pool.setOptions(options);
  ArenaScope scope(&pool);
  std::vector<void *> blocks;
  for (int i = 0; i < 10; ++i)
    blocks.push_back(blade_rt_alloc(4096));
  for (void *p : blocks)
    blade_rt_free(p);
  EXPECT_EQ(pool.stats().bytesCached, 2 * 4096u);
}

TEST(Arena, WithoutReuseEveryBlockComesFromTheSystem) {
  ArenaPool pool;
  ArenaOptions options;
  options.reuse = false;
  pool.setOptions(options);
  for (int run = 0; run < 3; ++run) {
    ArenaScope scope(&pool);
    chainOfBuffers({4096, 4096, 4096});
  }
  ArenaStats s = pool.stats();
  EXPECT_EQ(s.allocations, 9u);
  EXPECT_EQ(s.systemAllocations, 9u);
  EXPECT_EQ(s.bytesCached, 0u);
}

TEST(Arena, ASecondFreeOfACachedBlockIsIgnored) {
  ArenaPool pool;
  ArenaScope scope(&pool);
  void *p = blade_rt_alloc(128);
  blade_rt_free(p);
  blade_rt_free(p);
  EXPECT_EQ(pool.stats().bytesCached, 128u);
  void *a = blade_rt_alloc(128), *b = blade_rt_alloc(128);
  EXPECT_NE(a, b);
  blade_rt_free(a);
  blade_rt_free(b);
}

TEST(Arena, RunScopeMakesTheModelsArenaCurrent) {
  KernelCache cache;
  EXPECT_EQ(currentArena(), nullptr);
  {
    RunScope run(&cache, RunOptions{});
    EXPECT_NE(currentArena(), nullptr);
    {
      RunScope outside(nullptr, RunOptions{});
      EXPECT_EQ(currentArena(), nullptr);
    }
    EXPECT_NE(currentArena(), nullptr);
    blade_rt_free(blade_rt_alloc(64));
  }
  EXPECT_EQ(currentArena(), nullptr);
  EXPECT_EQ(cache.arenas().stats().allocations, 1u);
}

TEST(Arena, ParallelLoopWorkersAllocateFromTheRunsArena) {
  KernelCache cache;
  RunOptions options;
  options.threads = 4;
  auto body = [](int64_t begin, int64_t end, void *) {
    for (int64_t i = begin; i < end; ++i) {
      void *scratch = blade_rt_alloc(4096);
      std::memset(scratch, static_cast<int>(i), 4096);
      blade_rt_free(scratch);
    }
  };
  for (int run = 0; run < 3; ++run) {
    RunScope scope(&cache, options);
    // 64 iterations costing 2^20 each: worth four threads.
    blade_rt_parallel_for(64, 1 << 20, body, nullptr);
  }
  ArenaStats s = cache.arenas().stats();
  EXPECT_EQ(s.arenas, 1u);
  EXPECT_EQ(s.allocations, 3 * 64u);
  // At most one 4 KiB block per worker, then reuse.
  EXPECT_LE(s.systemAllocations, 4u);
  EXPECT_EQ(s.bytesInUse, 0u);
}

TEST(Arena, SystemBlocksMayBeFreedInsideARun) {
  void *p = blade_rt_alloc(500); // No run: from the system.
  ArenaPool pool;
  ArenaScope scope(&pool);
  blade_rt_free(p); // Goes back to the system, not to the arena.
  EXPECT_EQ(pool.stats().bytesCached, 0u);
}

} // namespace
