//===- Dnnl.cpp - Shared pieces of the oneDNN kernels ---------------------===//

#include "Dnnl.h"

#include "ThreadPool.h"
#include <cstring>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace blade::rt::dnnl_kernels {

int64_t Operand::numElements() const {
  int64_t n = 1;
  for (int64_t s : sizes)
    n *= s;
  return n;
}

Operand decode(const BladeUnrankedMemRef *m) {
  if (!m || !m->descriptor || m->rank < 0 || m->rank > 12)
    throw std::invalid_argument("malformed memref operand");
  const int64_t *words = static_cast<const int64_t *>(m->descriptor);
  Operand op;
  float *aligned = reinterpret_cast<float *>(words[1]);
  op.data = aligned + words[2];
  op.sizes.assign(words + 3, words + 3 + m->rank);
  op.strides.assign(words + 3 + m->rank, words + 3 + 2 * m->rank);
  return op;
}

void copyInto(const Operand &from, const Operand &to) {
  int64_t rank = to.rank();
  std::vector<int64_t> fromStrides(rank);
  for (int64_t d = 0; d < rank; ++d)
    fromStrides[d] = from.sizes[d] == 1 ? 0 : from.strides[d];
  int64_t inner = to.sizes[rank - 1];
  int64_t fs = fromStrides[rank - 1], ts = to.strides[rank - 1];
  std::vector<int64_t> index(rank - 1, 0);
  for (int64_t row = 0, rows = to.numElements() / inner; row < rows; ++row) {
    const float *src = from.data;
    float *dst = to.data;
    for (int64_t d = 0; d + 1 < rank; ++d) {
      src += index[d] * fromStrides[d];
      dst += index[d] * to.strides[d];
    }
    if (fs == 1 && ts == 1)
      std::memcpy(dst, src, inner * sizeof(float));
    else
      for (int64_t i = 0; i < inner; ++i)
        dst[i * ts] = src[i * fs];
    for (int64_t d = rank - 2; d >= 0 && ++index[d] == to.sizes[d]; --d)
      index[d] = 0;
  }
}

dnnl::memory::desc plainDesc(const std::vector<int64_t> &sizes,
                             const std::vector<int64_t> &strides) {
  dnnl::memory::dims dims(sizes.begin(), sizes.end());
  dnnl::memory::dims st(strides.begin(), strides.end());
  // A unit dim's stride is arbitrary in MLIR; give it the dense one.
  int64_t dense = 1;
  for (int64_t i = static_cast<int64_t>(dims.size()) - 1; i >= 0; --i) {
    if (dims[i] == 1)
      st[i] = dense;
    dense = std::max<int64_t>(dense, st[i] * dims[i]);
  }
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, st);
}

dnnl::engine &engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream &stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

namespace {
struct ScratchBuffers {
  struct Buffer {
    void *data = nullptr;
    size_t size = 0;
  } buffers[GatherSlot + 1];
  ~ScratchBuffers() {
    for (Buffer &b : buffers)
      std::free(b.data);
  }
};
} // namespace

void *scratch(unsigned slot, size_t bytes) {
  thread_local ScratchBuffers state;
  auto &b = state.buffers[slot];
  if (bytes > b.size) {
    std::free(b.data);
    size_t size = (bytes + 63) / 64 * 64;
    b.data = std::aligned_alloc(64, size);
    if (!b.data) {
      b.size = 0;
      throw std::bad_alloc();
    }
    b.size = size;
  }
  return b.data;
}

KernelThreads::KernelThreads(int64_t macs, int64_t minMacsPerThread,
                             int64_t bytes) {
  constexpr int64_t kMinBytesPerThread = int64_t(1) << 18;
  int64_t wanted =
      std::max(macs / minMacsPerThread, bytes / kMinBytesPerThread);
  threads = static_cast<int>(std::clamp<int64_t>(wanted, 1, currentThreads()));
  if (threads != currentThreads())
    omp_set_num_threads(threads);
}

KernelThreads::~KernelThreads() {
  if (threads != currentThreads())
    omp_set_num_threads(currentThreads());
}

dnnl::primitive_attr baseAttr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

void execute(const dnnl::primitive &p, const dnnl::primitive_desc_base &pd,
             std::unordered_map<int, dnnl::memory> args) {
  dnnl::memory::desc pad = pd.scratchpad_desc();
  if (pad.get_size() > 0)
    args.emplace(DNNL_ARG_SCRATCHPAD,
                 dnnl::memory(pad, engine(), scratch(PadSlot, pad.get_size())));
  p.execute(stream(), args);
  stream().wait();
}

dnnl::memory packWeights(const dnnl::memory::desc &from, void *data,
                         const dnnl::memory::desc &to) {
  dnnl::memory packed(to, engine());
  dnnl::reorder::primitive_desc pd(engine(), from, engine(), to, baseAttr());
  execute(dnnl::reorder(pd), pd,
          {{DNNL_ARG_FROM, dnnl::memory(from, engine(), data)},
           {DNNL_ARG_TO, packed}});
  return packed;
}

BoundPrimitive::BoundPrimitive(dnnl::primitive prim,
                               const dnnl::primitive_desc_base &pd)
    : prim(std::move(prim)), scratchpad(pd.scratchpad_desc()) {}

void BoundPrimitive::execute(std::initializer_list<Arg> args) {
  void *pad = scratchpad.get_size() > 0
                  ? scratch(PadSlot, scratchpad.get_size())
                  : nullptr;
  if (busy.exchange(true, std::memory_order_acquire)) {
    std::unordered_map<int, dnnl::memory> own;
    for (const Arg &a : args)
      own.emplace(a.id, dnnl::memory(a.desc, engine(), a.data));
    if (pad)
      own.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(scratchpad, engine(), pad));
    prim.execute(stream(), own);
    stream().wait();
    return;
  }
  struct Release {
    std::atomic<bool> &busy;
    ~Release() { busy.store(false, std::memory_order_release); }
  } release{busy};
  auto bind = [&](int id, const dnnl::memory::desc &desc, void *data) {
    auto it = bound.find(id);
    if (it == bound.end())
      bound.emplace(id, dnnl::memory(desc, engine(), data));
    else if (it->second.get_data_handle() != data)
      it->second.set_data_handle(data);
  };
  for (const Arg &a : args)
    bind(a.id, a.desc, a.data);
  if (pad)
    bind(DNNL_ARG_SCRATCHPAD, scratchpad, pad);
  prim.execute(stream(), bound);
  stream().wait();
}

} // namespace blade::rt::dnnl_kernels
