//===- Recurrent.cpp - f32 LSTM, GRU and RNN layers -----------------------===//
//
// blade_rt_rnn_f32 runs an ONNX recurrent layer in two parts: the input
// products of every step, X W^T plus the biases, as one oneDNN matrix
// product (constant W packed once); then Blade's own time loop
// (RecurrentLoop.cpp). This file decodes and checks the operands, packs the
// weights (once per call site when constant) and runs each direction.
//
// Measured first (lstm 2x256, seq 64, batch 1, one thread; ONNX Runtime
// 1.6 ms): oneDNN 2.6's RNN primitive (brgemm) took 1.2-1.8 ms per layer,
// Blade's linalg loops 4.7 ms for the model; at batch 8 oneDNN was about
// level with ONNX Runtime. The per-step product is a matrix-vector product
// at small batch, bound by reading R, which the panel layout streams once
// per step.
//
//===----------------------------------------------------------------------===//

#include "Recurrent.h"
#include "ThreadPool.h"

#include "blade-rt/Arena.h"

#include <algorithm>
#include <memory>

using namespace blade::rt;
using namespace blade::rt::dnnl_kernels;
using namespace blade::rt::recurrent;

namespace {

void check(bool ok, const char *what) {
  if (!ok)
    throw std::invalid_argument(std::string("operand shapes do not fit: ") +
                                what);
}

int64_t gatesOf(int64_t cell) {
  switch (cell) {
  case BLADE_RNN_LSTM:
    return 4;
  case BLADE_RNN_GRU:
  case BLADE_RNN_GRU_LINEAR_BEFORE_RESET:
    return 3;
  case BLADE_RNN_TANH:
  case BLADE_RNN_RELU:
  case BLADE_RNN_SIGMOID:
    return 1;
  default:
    throw std::invalid_argument("unknown recurrent cell kind " +
                                std::to_string(cell));
  }
}

void checkShapes(const Layer &l) {
  int64_t d = l.directions, g = l.gates, h = l.hidden;
  auto is = [](const Operand &o, std::vector<int64_t> sizes) {
    return o.sizes == sizes;
  };
  check(is(l.w, {d, g * h, l.input}), "W is [directions, gates * H, input]");
  check(is(l.r, {d, g * h, h}), "R is [directions, gates * H, H]");
  check(!l.has(BLADE_KERNEL_HAS_BIAS) || is(l.b, {d, 2 * g * h}),
        "B is [directions, 2 * gates * H]");
  check(!l.has(BLADE_KERNEL_HAS_INITIAL_H) || is(l.h0, {d, l.batch, h}),
        "initial_h is [directions, batch, H]");
  check(!l.has(BLADE_KERNEL_HAS_INITIAL_C) ||
            (l.lstm() && is(l.c0, {d, l.batch, h})),
        "initial_c is [directions, batch, H] (LSTM only)");
  check(!l.has(BLADE_KERNEL_HAS_PEEPHOLES) ||
            (l.lstm() && is(l.p, {d, 3 * h})),
        "P is [directions, 3 * H] (LSTM only)");
  check(is(l.y, {l.seq, d, l.batch, h}), "Y is [seq, directions, batch, H]");
  check(is(l.yh, {d, l.batch, h}), "Y_h is [directions, batch, H]");
  check(!l.lstm() || is(l.yc, {d, l.batch, h}),
        "Y_c is [directions, batch, H]");
}

/// A buffer from the run's arena, released at scope exit.
struct ArenaBuffer {
  float *data;
  explicit ArenaBuffer(int64_t floats)
      : data(static_cast<float *>(
            blade_rt_alloc(std::max<int64_t>(floats, 1) * sizeof(float)))) {
    if (!data)
      throw std::bad_alloc();
  }
  ~ArenaBuffer() { blade_rt_free(data); }
  ArenaBuffer(const ArenaBuffer &) = delete;
  ArenaBuffer &operator=(const ArenaBuffer &) = delete;
};

/// R of one direction packed for the time loop: gates [first, first+count)
/// as [panel][k][gate][16] (units past H are 0).
std::vector<float> packRecurrent(const Layer &l, int64_t d, int64_t first,
                                 int64_t count) {
  int64_t h = l.hidden, panels = (h + kLanes - 1) / kLanes;
  std::vector<float> out(panels * h * count * kLanes, 0.0f);
  const Operand &r = l.r;
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t k = 0; k < h; ++k)
      for (int64_t g = 0; g < count; ++g)
        for (int64_t u = 0; u < kLanes && p * kLanes + u < h; ++u)
          out[((p * h + k) * count + g) * kLanes + u] =
              r.data[d * r.strides[0] +
                     ((first + g) * h + p * kLanes + u) * r.strides[1] +
                     k * r.strides[2]];
  return out;
}

DirectionWeights prepare(const Layer &l, int64_t d) {
  int64_t g = l.gates, h = l.hidden;
  DirectionWeights w;
  // GRU without linear_before_reset multiplies the candidate's R by r * h:
  // a product of its own after z and r.
  bool separate = l.cell == BLADE_RNN_GRU;
  w.packed = packRecurrent(l, d, 0, separate ? 2 : g);
  if (separate)
    w.packedCand = packRecurrent(l, d, 2, 1);
  w.bias.assign(g * h, 0.0f);
  if (l.lbr())
    w.candBias.assign(h, 0.0f);
  if (l.has(BLADE_KERNEL_HAS_BIAS)) {
    const Operand &b = l.b;
    auto at = [&](int64_t i) {
      return b.data[d * b.strides[0] + i * b.strides[1]];
    };
    for (int64_t i = 0; i < g * h; ++i) {
      bool candidate = l.lbr() && i >= 2 * h;
      w.bias[i] = at(i) + (candidate ? 0.0f : at(g * h + i));
      if (candidate)
        w.candBias[i - 2 * h] = at(g * h + i);
    }
  }
  if (l.has(BLADE_KERNEL_HAS_PEEPHOLES)) {
    w.peepholes.resize(3 * h);
    for (int64_t i = 0; i < 3 * h; ++i)
      w.peepholes[i] = l.p.data[d * l.p.strides[0] + i * l.p.strides[1]];
  }
  return w;
}

struct RnnEntry {
  DirectionWeights weights;
};

/// Copies direction d of a [D, batch, H] state into `dst` [batch][hp] (or
/// zeros), or from `src` [batch][hp] into direction d of `out`.
void loadState(const Operand *in, int64_t d, int64_t n, int64_t h, int64_t hp,
               float *dst) {
  for (int64_t row = 0; row < n; ++row)
    for (int64_t j = 0; j < hp; ++j)
      dst[row * hp + j] =
          in && j < h ? in->data[d * in->strides[0] + row * in->strides[1] +
                                 j * in->strides[2]]
                      : 0.0f;
}

void storeState(const float *src, int64_t d, int64_t n, int64_t h, int64_t hp,
                const Operand &out) {
  for (int64_t row = 0; row < n; ++row)
    for (int64_t j = 0; j < h; ++j)
      out.data[d * out.strides[0] + row * out.strides[1] +
               j * out.strides[2]] = src[row * hp + j];
}

void runDirection(const Layer &l, int64_t d, bool reverse, int64_t site) {
  int64_t n = l.batch, h = l.hidden, gh = l.gates * h;
  int64_t panels = (h + kLanes - 1) / kLanes, hp = panels * kLanes;
  bool constant = l.has(BLADE_KERNEL_CONST_WEIGHTS);
  // Constant weights are packed once per call site (keyed by their
  // address), others at every call.
  auto make = [&] {
    auto e = std::make_shared<RnnEntry>();
    e->weights = prepare(l, d);
    return e;
  };
  std::shared_ptr<RnnEntry> entry;
  if (constant) {
    KeyBuilder key("rnn");
    key.add(site).add(d).add(l.flags).add(l.cell).add(l.input).add(h);
    key.add(reinterpret_cast<intptr_t>(l.w.data));
    entry = cached<RnnEntry>(key.str(), make);
  } else {
    entry = make();
  }
  const DirectionWeights &w = entry->weights;

  // Input products of every step: X [seq * batch, input] x W_d^T + bias
  // (one matrix product: X's first two dims merged, copied if they do not
  // merge).
  ArenaBuffer xw(l.seq * n * gh);
  Operand x2 = l.x;
  std::unique_ptr<ArenaBuffer> xCopy;
  if (x2.strides[0] != n * x2.strides[1]) {
    xCopy = std::make_unique<ArenaBuffer>(l.seq * n * l.input);
    for (int64_t t = 0; t < l.seq; ++t)
      for (int64_t row = 0; row < n; ++row)
        for (int64_t i = 0; i < l.input; ++i)
          xCopy->data[(t * n + row) * l.input + i] =
              x2.data[t * x2.strides[0] + row * x2.strides[1] +
                      i * x2.strides[2]];
    x2.data = xCopy->data;
    x2.strides = {n * l.input, l.input, 1};
  }
  x2.sizes = {l.seq * n, l.input};
  x2.strides = {x2.strides[1], x2.strides[2]};
  Operand wt;
  wt.data = l.w.data + d * l.w.strides[0];
  wt.sizes = {l.input, gh};
  wt.strides = {l.w.strides[2], l.w.strides[1]};
  Operand bias;
  bias.data = const_cast<float *>(w.bias.data());
  bias.sizes = {gh};
  bias.strides = {1};
  Operand out;
  out.data = xw.data;
  out.sizes = {l.seq * n, gh};
  out.strides = {gh, 1};
  matmul(x2, wt, bias, out, site,
         BLADE_KERNEL_HAS_BIAS | (constant ? BLADE_KERNEL_CONST_WEIGHTS : 0),
         1.0f);

  ArenaBuffer states(2 * n * hp), cellState(l.lstm() ? n * hp : 0),
      reset(l.cell == BLADE_RNN_GRU ? 2 * n * hp : 0);
  Loop c;
  c.l = &l;
  c.w = &w;
  c.d = d;
  c.reverse = reverse;
  c.n = n;
  c.h = h;
  c.hp = hp;
  c.panels = panels;
  c.gh = gh;
  c.xw = xw.data;
  c.state[0] = states.data;
  c.state[1] = states.data + n * hp;
  c.cell = cellState.data;
  c.resetState = reset.data;
  c.zPre = reset.data + n * hp;
  c.vector = hasAvx512();
  loadState(l.has(BLADE_KERNEL_HAS_INITIAL_H) ? &l.h0 : nullptr, d, n, h, hp,
            c.state[0]);
  std::fill(c.state[1], c.state[1] + n * hp, 0.0f);
  if (l.lstm())
    loadState(l.has(BLADE_KERNEL_HAS_INITIAL_C) ? &l.c0 : nullptr, d, n, h,
              hp, c.cell);
  // A thread per ~32K multiply-adds of a step (a step costs a barrier).
  int64_t stepMacs = n * gh * h;
  c.threads = static_cast<int>(std::clamp<int64_t>(
      stepMacs / (int64_t(1) << 15), 1,
      std::min<int64_t>(currentThreads(), panels)));
  if (omp_in_parallel())
    c.threads = 1;
  runLoop(c);

  const float *last = c.state[l.seq % 2];
  storeState(last, d, n, h, hp, l.yh);
  if (l.lstm())
    storeState(c.cell, d, n, h, hp, l.yc);
}

/// A layer without steps: the last states are the initial ones (or zeros).
void copyInitialStates(const Layer &l) {
  int64_t n = l.batch, h = l.hidden;
  std::vector<float> buf(n * h);
  for (int64_t d = 0; d < l.directions; ++d) {
    loadState(l.has(BLADE_KERNEL_HAS_INITIAL_H) ? &l.h0 : nullptr, d, n, h, h,
              buf.data());
    storeState(buf.data(), d, n, h, h, l.yh);
    if (l.lstm()) {
      loadState(l.has(BLADE_KERNEL_HAS_INITIAL_C) ? &l.c0 : nullptr, d, n, h,
                h, buf.data());
      storeState(buf.data(), d, n, h, h, l.yc);
    }
  }
}

} // namespace

extern "C" void _mlir_ciface_blade_rt_rnn_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *w, BladeUnrankedMemRef *r,
    BladeUnrankedMemRef *b, BladeUnrankedMemRef *h0, BladeUnrankedMemRef *c0,
    BladeUnrankedMemRef *p, BladeUnrankedMemRef *y, BladeUnrankedMemRef *yh,
    BladeUnrankedMemRef *yc, int64_t site, int64_t flags, int64_t cell,
    int64_t direction) {
  guarded("recurrent layer", [&] {
    Layer l;
    l.flags = flags;
    l.cell = cell;
    l.gates = gatesOf(cell);
    if (direction < BLADE_RNN_FORWARD || direction > BLADE_RNN_BIDIRECTIONAL)
      throw std::invalid_argument("unknown direction " +
                                  std::to_string(direction));
    l.directions = direction == BLADE_RNN_BIDIRECTIONAL ? 2 : 1;
    l.x = decode(x);
    l.w = decode(w);
    l.r = decode(r);
    l.y = decode(y);
    l.yh = decode(yh);
    if (l.lstm())
      l.yc = decode(yc);
    if (l.has(BLADE_KERNEL_HAS_BIAS))
      l.b = decode(b);
    if (l.has(BLADE_KERNEL_HAS_INITIAL_H))
      l.h0 = decode(h0);
    if (l.has(BLADE_KERNEL_HAS_INITIAL_C))
      l.c0 = decode(c0);
    if (l.has(BLADE_KERNEL_HAS_PEEPHOLES))
      l.p = decode(p);
    check(l.x.rank() == 3 && l.r.rank() == 3, "X and R have rank 3");
    l.seq = l.x.sizes[0];
    l.batch = l.x.sizes[1];
    l.input = l.x.sizes[2];
    l.hidden = l.r.sizes[2];
    checkShapes(l);
    check(l.y.strides[3] == 1, "Y has unit stride in its last dim");
    if (l.batch == 0 || l.hidden == 0)
      return;
    if (l.seq == 0) {
      copyInitialStates(l);
      return;
    }
    check(l.input > 0, "the input size is 0");
    for (int64_t d = 0; d < l.directions; ++d)
      runDirection(l, d, direction == BLADE_RNN_REVERSE || d == 1, site);
  });
}
