//===- Recurrent.cpp - f32 LSTM, GRU and RNN layers -----------------------===//
//
// blade_rt_rnn_f32 runs an ONNX recurrent layer in two parts:
//
// - the input products of every step, X W^T plus the biases, as one oneDNN
//   matrix product (constant W packed once);
// - the time loop: per step, the previous state times R^T added to the
//   step's input products, then the gates, all in registers. R is packed
//   once into panels of 16 hidden units x every gate ([panel][k][gate][16]),
//   so a panel's accumulators hold all gates of its units and the cell
//   update follows without another pass. With several threads each takes a
//   range of panels for the whole loop, and the steps are separated by one
//   barrier (two for GRU without linear_before_reset, whose candidate product
//   needs the complete r * h).
//
// Measured first (lstm 2x256, seq 64, batch 1, one thread; ONNX Runtime
// 1.6 ms): oneDNN 2.6's RNN primitive (brgemm) took 1.2-1.8 ms per layer,
// Blade's linalg loops 4.7 ms for the model; at batch 8 oneDNN was about
// level with ONNX Runtime. The per-step product is a matrix-vector product
// at small batch, bound by reading R, which the panel layout streams once
// per step.
//
// Vector code needs AVX-512F (checked at run time); other CPUs take a scalar
// version of the same loops.
//
//===----------------------------------------------------------------------===//

#include "Dnnl.h"
#include "ThreadPool.h"

#include "blade-rt/Arena.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <atomic>
#include <memory>
#include <thread>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define BLADE_RNN_AVX512 1
#endif


using namespace blade::rt;
using namespace blade::rt::dnnl_kernels;

namespace {

constexpr int64_t kLanes = 16;

/// Operands of one layer, decoded and checked.
struct Layer {
  Operand x, w, r, b, h0, c0, p, y, yh, yc;
  int64_t flags, cell, directions;
  int64_t seq, batch, input, hidden, gates;

  bool has(int64_t flag) const { return flags & flag; }
  bool lstm() const { return cell == BLADE_RNN_LSTM; }
  bool gru() const {
    return cell == BLADE_RNN_GRU || cell == BLADE_RNN_GRU_LINEAR_BEFORE_RESET;
  }
  bool lbr() const { return cell == BLADE_RNN_GRU_LINEAR_BEFORE_RESET; }
};

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

/// Per direction: packed R, the bias added to the input products, the
/// recurrent bias of GRU's candidate with linear_before_reset, peepholes.
struct DirectionWeights {
  std::vector<float> packed;     ///< Gates of the first product per step.
  std::vector<float> packedCand; ///< GRU: the candidate's R, if separate.
  std::vector<float> bias;       ///< [G * H] for the input products.
  std::vector<float> candBias;   ///< lbr GRU: Rb of the candidate [H].
  std::vector<float> peepholes;  ///< LSTM: i, o, f [3][H] (ONNX order).
};

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

//===----------------------------------------------------------------------===//
// The time loop
//===----------------------------------------------------------------------===//

/// A barrier for the time loop's threads: spins briefly, then yields the
/// core. libgomp's barrier spins far longer; with more runnable threads
/// than cores (a busy machine) each of a layer's hundred barriers could then
/// cost a scheduler time slice.
class StepBarrier {
public:
  /// Every thread of the team calls this with the team's size first.
  void join(int teamSize) { threads.store(teamSize, std::memory_order_relaxed); }
  void wait() {
    unsigned gen = generation.load(std::memory_order_acquire);
    if (arrived.fetch_add(1, std::memory_order_acq_rel) + 1 ==
        threads.load(std::memory_order_relaxed)) {
      arrived.store(0, std::memory_order_relaxed);
      generation.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int spin = 0; generation.load(std::memory_order_acquire) == gen;
         ++spin) {
      if (spin < 4096)
        pause();
      else
        std::this_thread::yield();
    }
  }

private:
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  std::atomic<int> threads{1};
  std::atomic<int> arrived{0};
  std::atomic<unsigned> generation{0};
};

/// What every thread of the time loop shares.
struct Loop {
  const Layer *l;
  const DirectionWeights *w;
  int64_t d;
  bool reverse;
  int64_t n, h, hp, panels, gh;
  const float *xw;      ///< Input products [seq][batch][G * H].
  float *state[2];      ///< h, alternating between steps [batch][hp].
  float *cell;          ///< LSTM c [batch][hp].
  float *resetState;    ///< GRU: r * h [batch][hp].
  float *zPre;          ///< GRU: z's pre-activations [batch][hp].
  int threads;
  StepBarrier *barrier; ///< With several threads.
  bool vector;
};

float sigmoidScalar(float x) { return 1.0f / (1.0f + std::exp(-x)); }

float activate(int64_t cell, float x) {
  if (cell == BLADE_RNN_RELU)
    return std::max(x, 0.0f);
  if (cell == BLADE_RNN_SIGMOID)
    return sigmoidScalar(x);
  return std::tanh(x);
}

/// Scalar version of productV: adds `in` [rows][hp] times panel `p` of
/// `packed` (`gates` gates) to pre [gate][16] of one row.
void productScalar(const Loop &c, const float *packed, int64_t gates,
                   const float *in, int64_t p, float *pre) {
  for (int64_t k = 0; k < c.h; ++k) {
    const float *wk = packed + (p * c.h + k) * gates * kLanes;
    float v = in[k];
    for (int64_t i = 0; i < gates * kLanes; ++i)
      pre[i] += v * wk[i];
  }
}

/// The cell update of units [u0, u0 + count) of batch row `row` from the
/// pre-activations `pre` [gate][16] (input products and biases included).
/// LSTM: i, o, f, c. GRU: z, r and the candidate's; with
/// linear_before_reset the candidate's is h R_h^T + Rb_h, and its input
/// part `xCand` is added after the reset gate. RNN: one gate.
void updateScalar(const Loop &c, int64_t row, int64_t u0, int64_t count,
                  const float *pre, const float *xCand, const float *hPrev,
                  float *hNext) {
  const Layer &l = *c.l;
  const float *peep = c.w->peepholes.empty() ? nullptr : c.w->peepholes.data();
  for (int64_t u = 0; u < count; ++u) {
    int64_t j = u0 + u;
    float hn;
    if (l.lstm()) {
      float &cs = c.cell[row * c.hp + j];
      float gi = pre[u], go = pre[kLanes + u], gf = pre[2 * kLanes + u],
            gc = pre[3 * kLanes + u];
      if (peep) {
        gi += peep[j] * cs;
        gf += peep[2 * c.h + j] * cs;
      }
      float cn = sigmoidScalar(gf) * cs + sigmoidScalar(gi) * std::tanh(gc);
      if (peep)
        go += peep[c.h + j] * cn;
      cs = cn;
      hn = sigmoidScalar(go) * std::tanh(cn);
    } else if (l.gru()) {
      float z = sigmoidScalar(pre[u]);
      float a = pre[2 * kLanes + u];
      if (xCand)
        a = xCand[u] + sigmoidScalar(pre[kLanes + u]) * a;
      float cand = std::tanh(a);
      hn = (1.0f - z) * cand + z * hPrev[j];
    } else {
      hn = activate(l.cell, pre[u]);
    }
    hNext[j] = hn;
  }
}

#ifdef BLADE_RNN_AVX512
#define BLADE_AVX512 __attribute__((target("avx512f,fma")))

BLADE_AVX512 inline __m512 expV(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)),
                    _mm512_set1_ps(88.0f));
  __m512 n = _mm512_roundscale_ps(
      _mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  // x - n ln2, ln2 split in two for precision.
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  // e^r on [-ln2/2, ln2/2]: Taylor to degree 7.
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

BLADE_AVX512 inline __m512 sigmoidV(__m512 x) {
  __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(
      one, _mm512_add_ps(one, expV(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

/// tanh: (1 - e^-2|x|) / (1 + e^-2|x|) with x's sign; an odd polynomial
/// below |x| = 0.25, where that difference would lose digits.
BLADE_AVX512 inline __m512 tanhV(__m512 x) {
  __m512 one = _mm512_set1_ps(1.0f);
  __m512 ax = _mm512_abs_ps(x);
  __m512 e = expV(_mm512_mul_ps(ax, _mm512_set1_ps(-2.0f)));
  __m512 big = _mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e));
  __m512 x2 = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(62.0f / 2835);
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-17.0f / 315));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.0f / 15));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-1.0f / 3));
  p = _mm512_fmadd_ps(p, x2, one);
  __m512 small = _mm512_mul_ps(p, ax);
  __mmask16 isSmall =
      _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.25f), _CMP_LT_OQ);
  __m512 mag = _mm512_mask_blend_ps(isSmall, big, small);
  __m512i sign = _mm512_and_si512(_mm512_castps_si512(x),
                                  _mm512_set1_epi32(int(0x80000000u)));
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(mag), sign));
}

/// Adds `in` [MR rows, hp apart] times panels [p, p + NP) of `packed` (G
/// gates) to pre[row][panel][gate][16], accumulating in registers.
template <int G, int MR, int NP>
BLADE_AVX512 void productV(const Loop &c, const float *packed,
                           const float *in, int64_t p, float *pre) {
  __m512 acc[MR][NP][G];
  for (int r = 0; r < MR; ++r)
    for (int q = 0; q < NP; ++q)
      for (int g = 0; g < G; ++g)
        acc[r][q][g] = _mm512_load_ps(pre + ((r * NP + q) * G + g) * kLanes);
  int64_t h = c.h;
  const float *base[NP];
  for (int q = 0; q < NP; ++q)
    base[q] = packed + (p + q) * h * G * kLanes;
  for (int64_t k = 0; k < h; ++k) {
    __m512 wv[NP][G];
    for (int q = 0; q < NP; ++q)
      for (int g = 0; g < G; ++g)
        wv[q][g] = _mm512_loadu_ps(base[q] + (k * G + g) * kLanes);
    for (int r = 0; r < MR; ++r) {
      __m512 v = _mm512_set1_ps(in[r * c.hp + k]);
      for (int q = 0; q < NP; ++q)
        for (int g = 0; g < G; ++g)
          acc[r][q][g] = _mm512_fmadd_ps(v, wv[q][g], acc[r][q][g]);
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int q = 0; q < NP; ++q)
      for (int g = 0; g < G; ++g)
        _mm512_store_ps(pre + ((r * NP + q) * G + g) * kLanes, acc[r][q][g]);
}

/// updateScalar on 16 lanes.
BLADE_AVX512 void updateV(const Loop &c, int64_t row, int64_t u0,
                          int64_t count, const float *pre, const float *xCand,
                          const float *hPrev, float *hNext) {
  const Layer &l = *c.l;
  __mmask16 m =
      count >= kLanes ? __mmask16(0xffff) : __mmask16((1u << count) - 1);
#define ld(ptr) _mm512_maskz_loadu_ps(m, ptr)
#define gate(g) _mm512_load_ps(pre + (g) * kLanes)
  __m512 hn;
  if (l.lstm()) {
    float *cs = c.cell + row * c.hp + u0;
    __m512 cv = ld(cs);
    __m512 gi = gate(0), go = gate(1), gf = gate(2), gc = gate(3);
    const float *peep =
        c.w->peepholes.empty() ? nullptr : c.w->peepholes.data();
    if (peep) {
      gi = _mm512_fmadd_ps(ld(peep + u0), cv, gi);
      gf = _mm512_fmadd_ps(ld(peep + 2 * c.h + u0), cv, gf);
    }
    __m512 cn = _mm512_fmadd_ps(sigmoidV(gf), cv,
                                _mm512_mul_ps(sigmoidV(gi), tanhV(gc)));
    if (peep)
      go = _mm512_fmadd_ps(ld(peep + c.h + u0), cn, go);
    _mm512_mask_storeu_ps(cs, m, cn);
    hn = _mm512_mul_ps(sigmoidV(go), tanhV(cn));
  } else if (l.gru()) {
    __m512 z = sigmoidV(gate(0));
    __m512 a = gate(2);
    if (xCand)
      a = _mm512_fmadd_ps(sigmoidV(gate(1)), a, ld(xCand));
    __m512 cand = tanhV(a);
    // (1 - z) * cand + z * h = cand + z * (h - cand)
    hn = _mm512_fmadd_ps(z, _mm512_sub_ps(ld(hPrev + u0), cand), cand);
  } else {
    __m512 x = gate(0);
    hn = l.cell == BLADE_RNN_RELU      ? _mm512_max_ps(x, _mm512_setzero_ps())
         : l.cell == BLADE_RNN_SIGMOID ? sigmoidV(x)
                                       : tanhV(x);
  }
  _mm512_mask_storeu_ps(hNext + u0, m, hn);
#undef ld
#undef gate
}

/// out = sigmoid(rPre) * h on `count` lanes.
BLADE_AVX512 void resetV(int64_t count, const float *rPre, const float *h,
                         float *out) {
  __mmask16 m =
      count >= kLanes ? __mmask16(0xffff) : __mmask16((1u << count) - 1);
  _mm512_mask_storeu_ps(out, m,
                        _mm512_mul_ps(sigmoidV(_mm512_load_ps(rPre)),
                                      _mm512_maskz_loadu_ps(m, h)));
}
#endif

/// pre[row][panel][gate][16] for rows [row0, row0 + rows), panels [p, p +
/// np) and gates [first, first + gates) of step t: the input products (lbr
/// GRU's candidate: its recurrent bias; the input part is added after the
/// reset gate).
void initPre(const Loop &c, int64_t t, int64_t row0, int64_t rows, int64_t p,
             int64_t np, int64_t first, int64_t gates, float *pre) {
  const Layer &l = *c.l;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t q = 0; q < np; ++q)
      for (int64_t g = 0; g < gates; ++g) {
        float *dst = pre + ((r * np + q) * gates + g) * kLanes;
        int64_t u0 = (p + q) * kLanes,
                count = std::min<int64_t>(kLanes, c.h - u0);
        int64_t gate = first + g;
        const float *src =
            l.lbr() && gate == 2
                ? c.w->candBias.data() + u0
                : c.xw + (t * c.n + row0 + r) * c.gh + gate * c.h + u0;
        std::memcpy(dst, src, count * sizeof(float));
        std::fill(dst + count, dst + kLanes, 0.0f);
      }
}

/// Adds the product of rows [0, rows) of `in` with panels [p, p + np) of
/// `packed` to `pre`.
void product(const Loop &c, const float *packed, int64_t gates,
             const float *in, int64_t rows, int64_t p, int64_t np,
             float *pre) {
#ifdef BLADE_RNN_AVX512
  if (c.vector) {
#define BLADE_RNN_CASE(G, MR, NP)                                              \
  if (gates == G && rows == MR && np == NP)                                    \
    return productV<G, MR, NP>(c, packed, in, p, pre);
#define BLADE_RNN_GATES(G)                                                     \
  BLADE_RNN_CASE(G, 1, 1)                                                      \
  BLADE_RNN_CASE(G, 1, 2)                                                      \
  BLADE_RNN_CASE(G, 1, 4)                                                      \
  BLADE_RNN_CASE(G, 2, 1)                                                      \
  BLADE_RNN_CASE(G, 2, 2)                                                      \
  BLADE_RNN_CASE(G, 2, 4)                                                      \
  BLADE_RNN_CASE(G, 4, 1)                                                      \
  BLADE_RNN_CASE(G, 4, 2)                                                      \
  BLADE_RNN_CASE(G, 4, 4)
    BLADE_RNN_GATES(1)
    BLADE_RNN_GATES(2)
    BLADE_RNN_GATES(3)
    BLADE_RNN_GATES(4)
#undef BLADE_RNN_GATES
#undef BLADE_RNN_CASE
  }
#endif
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t q = 0; q < np; ++q)
      productScalar(c, packed, gates, in + r * c.hp, p + q,
                    pre + (r * np + q) * gates * kLanes);
}

/// Rows (4, 2 or 1) and panels (4, 2 or 1) of a block: as many as leave
/// at most 16 accumulator registers.
void blockShape(int64_t gates, int64_t rowsLeft, int64_t panelsLeft,
                int64_t &rows, int64_t &np) {
  rows = rowsLeft >= 4 ? 4 : rowsLeft >= 2 ? 2 : 1;
  for (np = 4; np > 1; np /= 2)
    if (np <= panelsLeft && rows * np * gates <= 16)
      break;
}

constexpr int64_t kMaxBlock = 16 * kLanes; // accumulators of a block

/// For each block of rows and panels [pBegin, pEnd): initPre, product of
/// `packed` with `in`, then `each(row, u0, count, pre)` per row and panel.
template <typename Each>
void forBlocks(const Loop &c, int64_t t, int64_t pBegin, int64_t pEnd,
               int64_t first, int64_t gates, const float *packed,
               const float *in, Each each) {
  alignas(64) float pre[kMaxBlock];
  for (int64_t row0 = 0; row0 < c.n;) {
    int64_t rows = 1, np = 1;
    for (int64_t p = pBegin; p < pEnd; p += np) {
      blockShape(gates, c.n - row0, pEnd - p, rows, np);
      initPre(c, t, row0, rows, p, np, first, gates, pre);
      product(c, packed, gates, in + row0 * c.hp, rows, p, np, pre);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t q = 0; q < np; ++q) {
          int64_t u0 = (p + q) * kLanes;
          each(row0 + r, u0, std::min<int64_t>(kLanes, c.h - u0),
               pre + (r * np + q) * gates * kLanes);
        }
    }
    row0 += rows;
  }
}

/// Panels [pBegin, pEnd) of every step, on one thread of the loop.
void runPanels(const Loop &c, int64_t pBegin, int64_t pEnd) {
  const Layer &l = *c.l;
  const DirectionWeights &w = *c.w;
  bool separate = l.cell == BLADE_RNN_GRU;
  const Operand &y = l.y;
  auto update = [&](int64_t row, int64_t u0, int64_t count, const float *pre,
                    const float *xCand, const float *hPrev, float *hNext) {
#ifdef BLADE_RNN_AVX512
    if (c.vector)
      return updateV(c, row, u0, count, pre, xCand, hPrev + row * c.hp,
                     hNext + row * c.hp);
#endif
    updateScalar(c, row, u0, count, pre, xCand, hPrev + row * c.hp,
                 hNext + row * c.hp);
  };
  for (int64_t s = 0; s < l.seq; ++s) {
    int64_t t = c.reverse ? l.seq - 1 - s : s;
    const float *hPrev = c.state[s % 2];
    float *hNext = c.state[(s + 1) % 2];
    if (!separate) {
      forBlocks(c, t, pBegin, pEnd, 0, l.gates, w.packed.data(), hPrev,
                [&](int64_t row, int64_t u0, int64_t count, const float *pre) {
                  const float *xCand =
                      l.lbr() ? c.xw + (t * c.n + row) * c.gh + 2 * c.h + u0
                              : nullptr;
                  update(row, u0, count, pre, xCand, hPrev, hNext);
                });
    } else {
      // GRU: z and r first; z's pre-activations wait in zPre while every
      // thread's r * h is completed for the candidate's product.
      forBlocks(c, t, pBegin, pEnd, 0, 2, w.packed.data(), hPrev,
                [&](int64_t row, int64_t u0, int64_t count, const float *pre) {
                  float *rh = c.resetState + row * c.hp + u0;
                  std::memcpy(c.zPre + row * c.hp + u0, pre,
                              kLanes * sizeof(float));
#ifdef BLADE_RNN_AVX512
                  if (c.vector)
                    return resetV(count, pre + kLanes,
                                  hPrev + row * c.hp + u0, rh);
#endif
                  for (int64_t u = 0; u < count; ++u)
                    rh[u] = sigmoidScalar(pre[kLanes + u]) *
                            hPrev[row * c.hp + u0 + u];
                });
      if (c.barrier)
        c.barrier->wait();
      forBlocks(c, t, pBegin, pEnd, 2, 1, w.packedCand.data(), c.resetState,
                [&](int64_t row, int64_t u0, int64_t count, const float *pre) {
                  alignas(64) float gates[3 * kLanes];
                  std::memcpy(gates, c.zPre + row * c.hp + u0,
                              kLanes * sizeof(float));
                  std::memcpy(gates + 2 * kLanes, pre, kLanes * sizeof(float));
                  update(row, u0, count, gates, nullptr, hPrev, hNext);
                });
    }
    // Y[t] of this thread's units.
    int64_t u0 = pBegin * kLanes, u1 = std::min(pEnd * kLanes, c.h);
    if (u1 > u0)
      for (int64_t row = 0; row < c.n; ++row)
        std::memcpy(y.data + t * y.strides[0] + c.d * y.strides[1] +
                        row * y.strides[2] + u0,
                    hNext + row * c.hp + u0, (u1 - u0) * sizeof(float));
    if (c.barrier)
      c.barrier->wait();
  }
}

/// The time loop of direction d on `threads` threads.
void runLoop(Loop &c) {
  if (c.threads <= 1) {
    runPanels(c, 0, c.panels);
    return;
  }
  StepBarrier barrier;
  c.barrier = &barrier;
  GOMP_parallel(
      [](void *data) {
        const Loop &c = *static_cast<const Loop *>(data);
        int t = omp_get_thread_num(), n = omp_get_num_threads();
        c.barrier->join(n);
        int64_t per = c.panels / n, extra = c.panels % n;
        int64_t begin = t * per + std::min<int64_t>(t, extra);
        int64_t end = begin + per + (t < extra ? 1 : 0);
        runPanels(c, begin, end);
      },
      &c, c.threads, 0);
}

bool hasAvx512() {
#ifdef BLADE_RNN_AVX512
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
#else
  return false;
#endif
}

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
  KeyBuilder key("rnn");
  key.add(site).add(d).add(l.flags).add(l.cell).add(l.input).add(h);
  if (constant)
    key.add(reinterpret_cast<intptr_t>(l.w.data));
  std::shared_ptr<RnnEntry> entry;
  RnnEntry local;
  if (constant) {
    entry = cached<RnnEntry>(key.str(), [&] {
      auto e = std::make_shared<RnnEntry>();
      e->weights = prepare(l, d);
      return e;
    });
  } else {
    local.weights = prepare(l, d);
  }
  const DirectionWeights &w = constant ? entry->weights : local.weights;

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
  c.barrier = nullptr;
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
