//===- RunContext.h - What compiled code sees of the run it is in -*- C++
//-*-===//
//
// Compiled models call back into the runtime (parallel loops, library kernels).
// Those calls carry no context argument: a RunScope placed around the call of
// a model's entry tells them, for the calling thread, how many threads the run
// may use and which per-model KernelCache to keep their state in.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_RUNCONTEXT_H
#define BLADE_RT_RUNCONTEXT_H

#include "blade-rt/Arena.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace blade::rt {

/// Options of one run.
struct RunOptions {
  /// Threads the run may use; 0 means one per core of this machine.
  int threads = 0;
};

/// Number of cores this machine offers the process.
int hardwareThreads();

/// State kernels keep between runs of one model (primitives built for a
/// shape, weights packed once). Owned by the model: freed with it. Safe to
/// use from several runs at once.
class KernelCache {
public:
  KernelCache();
  ~KernelCache();
  KernelCache(const KernelCache &) = delete;
  KernelCache &operator=(const KernelCache &) = delete;

  /// The entry for `key`, built by `make` on first use (once, even when
  /// several threads ask at once). Entries live as long as the cache.
  std::shared_ptr<void>
  getOrCreate(const std::string &key,
              const std::function<std::shared_ptr<void>()> &make);

  /// Number of entries (for tests).
  size_t size() const;

  /// The arenas the model's runs allocate their buffers from (Arena.h).
  ArenaPool &arenas() { return arenaPool; }

private:
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<void>> entries;
  ArenaPool arenaPool;
};

/// Makes `cache` and the run's thread count current for the calling thread
/// until destroyed, and an arena of the cache's pool the thread's current
/// arena (none with a null cache). Scopes nest (the previous context comes
/// back).
class RunScope {
public:
  RunScope(KernelCache *cache, const RunOptions &options);
  ~RunScope();
  RunScope(const RunScope &) = delete;
  RunScope &operator=(const RunScope &) = delete;

  /// The first error a kernel reported during this scope (empty if none).
  const std::string &kernelError() const { return error; }

private:
  KernelCache *savedCache;
  int savedThreads;
  ArenaScope arenaScope;
  std::string *savedError;
  std::string error;
};

/// Records a library kernel's failure in the calling thread's run; the first
/// one is kept. Kernels return nothing to compiled code, so the run goes on
/// and reports the error when it returns (RunScope::kernelError).
void reportKernelError(const std::string &message);

/// The context of the calling thread's run: its cache (null outside a run)
/// and its thread count (at least 1).
KernelCache *currentKernelCache();
int currentThreads();

/// The functions compiled code calls, by symbol name, for JITs that resolve
/// them explicitly.
struct KernelSymbol {
  const char *name;
  void *address;
};
const KernelSymbol *kernelSymbols(size_t &count);

} // namespace blade::rt

extern "C" {
/// Runs `body(begin, end, ctx)` over [0, n) split into chunks on the run's
/// threads. `costPerIter` estimates the scalar operations of one iteration;
/// small loops run on the calling thread alone.
void blade_rt_parallel_for(int64_t n, int64_t costPerIter,
                           void (*body)(int64_t, int64_t, void *), void *ctx);
}

#endif // BLADE_RT_RUNCONTEXT_H
