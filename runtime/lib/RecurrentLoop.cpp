//===- RecurrentLoop.cpp - The time loop of the recurrent kernel ----------===//
//
// Per step, the previous state times R^T added to the step's input
// products, then the gates, all in registers. R is packed into panels of 16
// hidden units x every gate ([panel][k][gate][16]), so a panel's
// accumulators hold all gates of its units and the cell update follows
// without another pass. With several threads each takes a range of panels
// for the whole loop, and the steps are separated by one barrier (two for
// GRU without linear_before_reset, whose candidate product needs the
// complete r * h). Vector code needs AVX-512F (checked at run time); other
// CPUs take a scalar version of the same loops.
//
//===----------------------------------------------------------------------===//

#include "Recurrent.h"
#include "ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define BLADE_RNN_AVX512 1
#endif

namespace blade::rt::recurrent {

using dnnl_kernels::Operand;

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

namespace {

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

} // namespace

/// The time loop of direction d on `threads` threads.
void runLoop(Loop &c) {
  if (c.threads <= 1) {
    c.barrier = nullptr;
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

} // namespace blade::rt::recurrent
