//===- Dnnl.h - Shared pieces of the oneDNN kernels -------------*- C++ -*-===//
//
// Private to runtime/lib: the process's oneDNN engine, the calling thread's
// stream and scratch buffers, decoding of memref descriptors into oneDNN
// memory descriptors, cache keys, and the guard that turns exceptions into
// reported kernel errors.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_LIB_DNNL_H
#define BLADE_RT_LIB_DNNL_H

#include "blade-rt/Kernels.h"
#include "blade-rt/RunContext.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace blade::rt::dnnl_kernels {

/// A memref operand: its data pointer (offset applied), sizes and strides.
struct Operand {
  float *data = nullptr;
  std::vector<int64_t> sizes, strides;
  int64_t rank() const { return static_cast<int64_t>(sizes.size()); }
  int64_t numElements() const;
};

/// Decodes an unranked f32 memref of the C interface.
Operand decode(const BladeUnrankedMemRef *m);

/// Writes `from` (same rank), broadcast along its size-1 dims, into every
/// element of `to`; rows (the last dim) unit-strided on both sides are
/// copied whole.
void copyInto(const Operand &from, const Operand &to);

/// The matrix product of blade_rt_matmul_f32 on decoded operands (`bias`
/// is read only with BLADE_KERNEL_HAS_BIAS); throws on failure.
void matmul(Operand a, Operand b, Operand bias, Operand c, int64_t site,
            int64_t flags, float alpha);

/// A plain oneDNN f32 descriptor for `sizes` with `strides` (in elements).
/// Unit dims get the stride of a dense layout: oneDNN checks them.
dnnl::memory::desc plainDesc(const std::vector<int64_t> &sizes,
                             const std::vector<int64_t> &strides);

/// The process's CPU engine and the calling thread's stream on it.
dnnl::engine &engine();
dnnl::stream &stream();

/// Grow-only, 64-byte aligned scratch memory of the calling thread; `slot`
/// picks one of a few independent buffers.
void *scratch(unsigned slot, size_t bytes);
enum ScratchSlot : unsigned {
  SrcSlot,
  DstSlot,
  WeightsSlot,
  PadSlot,
  GatherSlot
};

/// Builds cache keys from integers (binary, not printable).
class KeyBuilder {
public:
  explicit KeyBuilder(const char *kind) : key(kind) { key.reserve(512); }
  KeyBuilder &add(int64_t v) {
    key.append(reinterpret_cast<const char *>(&v), sizeof(v));
    return *this;
  }
  KeyBuilder &add(const std::vector<int64_t> &vs) {
    add(static_cast<int64_t>(vs.size()));
    for (int64_t v : vs)
      add(v);
    return *this;
  }
  const std::string &str() const { return key; }

private:
  std::string key;
};

/// The entry of `key` in the run's kernel cache, built by `make` on first
/// use; without a run context (tests calling kernels directly) it is built
/// every time.
template <typename T, typename Make>
std::shared_ptr<T> cached(const std::string &key, Make make) {
  KernelCache *cache = currentKernelCache();
  if (!cache)
    return make();
  return std::static_pointer_cast<T>(cache->getOrCreate(
      key, [&]() -> std::shared_ptr<void> { return make(); }));
}

/// Runs `body`, reporting any exception as an error of kernel `name`.
template <typename Body> void guarded(const char *name, Body body) {
  try {
    body();
  } catch (const dnnl::error &e) {
    reportKernelError(std::string(name) + ": oneDNN error " +
                      std::to_string(static_cast<int>(e.status)) + ": " +
                      e.what());
  } catch (const std::exception &e) {
    reportKernelError(std::string(name) + ": " + e.what());
  } catch (...) {
    reportKernelError(std::string(name) + ": unknown failure");
  }
}

/// The threads a kernel of `macs` multiply-adds that streams `bytes` of
/// operands uses: the run's thread count, but at most one thread per
/// `minMacsPerThread` (~1M for matmuls, 256K for convolutions) or per 256 KiB
/// streamed, whichever allows more (a fork/join costs more than it saves on
/// smaller kernels, and far more on a busy machine; a matrix-vector product
/// is bound by the bandwidth each core draws, not by its arithmetic: the
/// batch-1 MLP of bench/ went from 0.118 to 0.073 ms at 2 threads).
/// While alive, makes that OpenMP's thread count (oneDNN reads it); keys
/// primitives by it.
class KernelThreads {
public:
  KernelThreads(int64_t macs, int64_t minMacsPerThread, int64_t bytes);
  ~KernelThreads();
  KernelThreads(const KernelThreads &) = delete;
  KernelThreads &operator=(const KernelThreads &) = delete;
  int count() const { return threads; }

private:
  int threads;
};

/// Primitive attributes every kernel uses: user-managed scratchpad (so one
/// primitive may run in several threads at once).
dnnl::primitive_attr baseAttr();

/// Executes `p` with `args` plus a scratchpad of `pd`'s size (for one-off
/// work such as packing constant weights; calls per run use BoundPrimitive).
void execute(const dnnl::primitive &p, const dnnl::primitive_desc_base &pd,
             std::unordered_map<int, dnnl::memory> args);

/// Constant weights at `data`, laid out as `from`, reordered once into a new
/// buffer laid out as `to` (the layout a primitive prefers).
dnnl::memory packWeights(const dnnl::memory::desc &from, void *data,
                         const dnnl::memory::desc &to);

/// A cached primitive with the memory objects of its arguments: made on its
/// first execution and re-pointed at the call's buffers on later ones.
/// Creating and destroying oneDNN memory objects on every call (an aligned
/// allocation each) was a quarter of DeepFM's batch-1 latency. A call that
/// finds them in use (another thread running the same primitive) makes its
/// own.
class BoundPrimitive {
public:
  /// `pd` is the primitive's descriptor (for its scratchpad size).
  BoundPrimitive(dnnl::primitive prim, const dnnl::primitive_desc_base &pd);
  BoundPrimitive(const BoundPrimitive &) = delete;
  BoundPrimitive &operator=(const BoundPrimitive &) = delete;

  /// One argument: its oneDNN id, layout and data. An argument's layout must
  /// be the same on every call.
  struct Arg {
    int id;
    const dnnl::memory::desc &desc;
    void *data;
  };
  /// Runs the primitive on `args` (plus its scratchpad) and waits for it.
  void execute(std::initializer_list<Arg> args);

private:
  dnnl::primitive prim;
  dnnl::memory::desc scratchpad;
  std::atomic<bool> busy{false};
  std::unordered_map<int, dnnl::memory> bound;
};

} // namespace blade::rt::dnnl_kernels

#endif // BLADE_RT_LIB_DNNL_H
