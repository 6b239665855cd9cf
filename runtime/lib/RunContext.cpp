//===- RunContext.cpp - Run scopes, kernel caches, parallel loops ---------===//
//
// The thread pool is libgomp's (see ThreadPool.h): oneDNN, which runs the
// compute-bound kernels, is built on it, so parallel loops of compiled code and
// oneDNN primitives share one set of worker threads instead of two pools
// competing for the same cores.
//
//===----------------------------------------------------------------------===//

#include "blade-rt/RunContext.h"
#include "ThreadPool.h"

#include <algorithm>
#include <thread>

namespace blade::rt {

namespace {
thread_local KernelCache *tlsCache = nullptr;
thread_local int tlsThreads = 1;
thread_local std::string *tlsError = nullptr;
} // namespace

int hardwareThreads() {
  int n = omp_get_num_procs();
  return n > 0 ? n : std::max(1u, std::thread::hardware_concurrency());
}

KernelCache::KernelCache() = default;
KernelCache::~KernelCache() = default;

std::shared_ptr<void>
KernelCache::getOrCreate(const std::string &key,
                         const std::function<std::shared_ptr<void>()> &make) {
  // Building an entry (a oneDNN primitive, packed weights) takes long enough
  // that holding the lock is simpler than building twice; it happens once per
  // key.
  std::lock_guard<std::mutex> lock(mutex);
  auto it = entries.find(key);
  if (it != entries.end())
    return it->second;
  std::shared_ptr<void> entry = make();
  if (entry)
    entries.emplace(key, entry);
  return entry;
}

size_t KernelCache::size() const {
  std::lock_guard<std::mutex> lock(mutex);
  return entries.size();
}

RunScope::RunScope(KernelCache *cache, const RunOptions &options)
    : savedCache(tlsCache), savedThreads(tlsThreads),
      arenaScope(cache ? &cache->arenas() : nullptr), savedError(tlsError) {
  tlsCache = cache;
  tlsError = &error;
  tlsThreads = options.threads > 0 ? options.threads : hardwareThreads();
  // OpenMP's thread count is a per-thread setting: oneDNN reads it.
  omp_set_num_threads(tlsThreads);
}

RunScope::~RunScope() {
  tlsCache = savedCache;
  tlsThreads = savedThreads;
  tlsError = savedError;
  omp_set_num_threads(tlsThreads);
}

void reportKernelError(const std::string &message) {
  if (tlsError && tlsError->empty())
    *tlsError = message.empty() ? "a library kernel failed" : message;
}

KernelCache *currentKernelCache() { return tlsCache; }
int currentThreads() { return tlsThreads; }

} // namespace blade::rt

using namespace blade::rt;

extern "C" void blade_rt_parallel_for(int64_t n, int64_t costPerIter,
                                      void (*body)(int64_t, int64_t, void *),
                                      void *ctx) {
  if (n <= 0)
    return;
  // Below ~32k scalar operations a fork/join costs more than it saves.
  constexpr int64_t kMinWorkPerThread = 1 << 15;
  int64_t work = n * std::max<int64_t>(costPerIter, 1);
  int64_t threads =
      std::min<int64_t>({static_cast<int64_t>(tlsThreads), n,
                         std::max<int64_t>(1, work / kMinWorkPerThread)});
  if (threads <= 1 || omp_in_parallel()) {
    body(0, n, ctx);
    return;
  }
  struct Job {
    int64_t n;
    void (*body)(int64_t, int64_t, void *);
    void *ctx;
    Arena *arena; ///< Buffers the body allocates come from the run's arena.
  } job{n, body, ctx, currentArena()};
  GOMP_parallel(
      [](void *data) {
        auto *job = static_cast<Job *>(data);
        int64_t t = omp_get_thread_num(), count = omp_get_num_threads();
        int64_t begin = job->n * t / count, end = job->n * (t + 1) / count;
        Arena *saved = exchangeCurrentArena(job->arena);
        if (begin < end)
          job->body(begin, end, job->ctx);
        exchangeCurrentArena(saved);
      },
      &job, static_cast<unsigned>(threads), 0);
}
