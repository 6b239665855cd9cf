//===- RunContextTest.cpp - Run scopes, kernel caches, parallel loops -----===//

#include "blade-rt/RunContext.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace blade::rt;

namespace {

struct Coverage {
  std::vector<std::atomic<int>> hits;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  explicit Coverage(size_t n) : hits(n) {}
};

void countHits(int64_t begin, int64_t end, void *ctx) {
  auto *c = static_cast<Coverage *>(ctx);
  for (int64_t i = begin; i < end; ++i)
    c->hits[i].fetch_add(1);
  std::lock_guard<std::mutex> lock(c->mutex);
  c->threads.insert(std::this_thread::get_id());
}

TEST(RunContextTest, ParallelForCoversEveryIterationOnce) {
  for (int threads : {1, 2, 3, 4}) {
    KernelCache cache;
    RunScope scope(&cache, RunOptions{threads});
    EXPECT_EQ(currentThreads(), threads);
    for (int64_t n : {1, 7, 64, 1000, 4099}) {
      Coverage c(n);
      // Costly iterations: the loop is split across the run's threads.
      blade_rt_parallel_for(n, 1 << 20, countHits, &c);
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(c.hits[i].load(), 1) << "n=" << n << " i=" << i;
      EXPECT_LE(c.threads.size(), static_cast<size_t>(threads));
      if (n >= threads)
        EXPECT_EQ(c.threads.size(), static_cast<size_t>(threads))
            << "n=" << n << " threads=" << threads;
    }
  }
}

TEST(RunContextTest, CheapLoopsRunOnTheCallingThread) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{4});
  Coverage c(100);
  blade_rt_parallel_for(100, 1, countHits, &c);
  ASSERT_EQ(c.threads.size(), 1u);
  EXPECT_EQ(*c.threads.begin(), std::this_thread::get_id());
  blade_rt_parallel_for(0, 1, countHits, &c); // Empty: no call.
  for (auto &h : c.hits)
    EXPECT_EQ(h.load(), 1);
}

TEST(RunContextTest, ScopesNestAndRestore) {
  EXPECT_EQ(currentKernelCache(), nullptr);
  KernelCache outer, inner;
  {
    RunScope a(&outer, RunOptions{2});
    EXPECT_EQ(currentKernelCache(), &outer);
    EXPECT_EQ(currentThreads(), 2);
    {
      RunScope b(&inner, RunOptions{0});
      EXPECT_EQ(currentKernelCache(), &inner);
      EXPECT_EQ(currentThreads(), hardwareThreads());
    }
    EXPECT_EQ(currentKernelCache(), &outer);
    EXPECT_EQ(currentThreads(), 2);
  }
  EXPECT_EQ(currentKernelCache(), nullptr);
}

TEST(RunContextTest, KernelCacheBuildsEachEntryOnce) {
  KernelCache cache;
  std::atomic<int> built{0};
  std::vector<std::thread> workers;
  std::vector<void *> seen(8);
  for (int t = 0; t < 8; ++t)
    workers.emplace_back([&, t] {
      std::shared_ptr<void> entry = cache.getOrCreate("matmul:64x64", [&] {
        built.fetch_add(1);
        return std::shared_ptr<void>(new int(42),
                                     [](void *p) { delete (int *)p; });
      });
      seen[t] = entry.get();
    });
  for (std::thread &w : workers)
    w.join();
  EXPECT_EQ(built.load(), 1);
  EXPECT_EQ(cache.size(), 1u);
  for (void *p : seen)
    EXPECT_EQ(p, seen[0]);
  // A failed build (null) is not cached.
  EXPECT_EQ(cache.getOrCreate("bad", [] { return std::shared_ptr<void>(); }),
            nullptr);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(RunContextTest, RunsFromSeveralThreadsKeepTheirOwnContext) {
  KernelCache a, b;
  std::atomic<int> wrong{0};
  auto worker = [&](KernelCache *cache, int threads) {
    RunScope scope(cache, RunOptions{threads});
    for (int i = 0; i < 200; ++i) {
      Coverage c(64);
      blade_rt_parallel_for(64, 1 << 20, countHits, &c);
      if (currentKernelCache() != cache || currentThreads() != threads)
        wrong.fetch_add(1);
      for (auto &h : c.hits)
        if (h.load() != 1)
          wrong.fetch_add(1);
    }
  };
  std::thread t1(worker, &a, 1), t2(worker, &b, 2);
  t1.join();
  t2.join();
  EXPECT_EQ(wrong.load(), 0);
}

} // namespace
