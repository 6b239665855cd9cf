//===- DnnlKernelsTest.cpp - The library kernels called directly ----------===//
//
// Calls the C-interface kernels with hand-built memref descriptors, as
// compiled code does, and compares with naive loops: shapes changing at one
// call site (one cached primitive each), strided (transposed) operands,
// broadcast batches, bias and alpha, grouped/strided/dilated/padded
// convolutions, LSTM layers (1 and 2 threads, strided initial state, no
// steps), concurrent runs sharing one cache, and errors reported through the
// run scope instead of thrown.
//
//===----------------------------------------------------------------------===//

#include "blade-rt/Kernels.h"
#include "blade-rt/RunContext.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace blade::rt;

namespace {

/// A memref operand over `data` with the given sizes and strides.
struct Desc {
  std::vector<int64_t> words;
  BladeUnrankedMemRef ref;
  Desc(float *data, std::vector<int64_t> sizes,
       std::vector<int64_t> strides = {}) {
    int64_t rank = sizes.size();
    if (strides.empty()) {
      strides.assign(rank, 1);
      for (int64_t i = rank - 2; i >= 0; --i)
        strides[i] = strides[i + 1] * sizes[i + 1];
    }
    words = {reinterpret_cast<int64_t>(data), reinterpret_cast<int64_t>(data),
             0};
    words.insert(words.end(), sizes.begin(), sizes.end());
    words.insert(words.end(), strides.begin(), strides.end());
    ref = {rank, words.data()};
  }
  BladeUnrankedMemRef *operator&() { return &ref; }
};

std::vector<float> filled(size_t n, float seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = std::sin(seed + 0.37f * i);
  return v;
}

void expectNear(const std::vector<float> &got, const std::vector<float> &want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-4f * (1 + std::fabs(want[i])))
        << "at " << i;
}

/// c[m][n] = sum_k a[m][k] * b[k][n] for row-major a, b.
std::vector<float> naiveMatMul(const std::vector<float> &a,
                               const std::vector<float> &b, int64_t m,
                               int64_t k, int64_t n) {
  std::vector<float> c(m * n, 0.0f);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t l = 0; l < k; ++l)
        c[i * n + j] += a[i * k + l] * b[l * n + j];
  return c;
}

std::vector<float> runMatMul(int64_t m, int64_t k, int64_t n, int64_t site,
                             int64_t flags) {
  std::vector<float> a = filled(m * k, 1), b = filled(k * n, 2), c(m * n);
  Desc da(a.data(), {m, k}), db(b.data(), {k, n}), dc(c.data(), {m, n});
  _mlir_ciface_blade_rt_matmul_f32(&da, &db, &dc, &dc, site, flags, 1.0f);
  expectNear(c, naiveMatMul(a, b, m, k, n));
  return c;
}

TEST(DnnlKernels, OneSiteManyShapesOnePrimitiveEach) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  runMatMul(3, 4, 5, /*site=*/7, 0);
  runMatMul(9, 4, 5, 7, 0);
  runMatMul(3, 4, 5, 7, 0); // Same shape again: no new entry.
  EXPECT_EQ(cache.size(), 2u);
  runMatMul(33, 17, 65, 8, BLADE_KERNEL_CONST_WEIGHTS);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, TransposedBroadcastBatchBiasAlpha) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{2});
  // a [2, 3, 4] times b^T where b is stored [5, 4] (viewed [4, 5] with
  // strides {1, 4}), plus bias [5], the sum times alpha 2.
  std::vector<float> a = filled(2 * 3 * 4, 3), b = filled(5 * 4, 4),
                     bias = filled(5, 5), c(2 * 3 * 5);
  Desc da(a.data(), {2, 3, 4}), db(b.data(), {4, 5}, {1, 4}),
      dbias(bias.data(), {5}), dc(c.data(), {2, 3, 5});
  _mlir_ciface_blade_rt_matmul_f32(&da, &db, &dbias, &dc, 0,
                                   BLADE_KERNEL_HAS_BIAS, 2.0f);
  std::vector<float> bt(4 * 5);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j)
      bt[i * 5 + j] = b[j * 4 + i];
  std::vector<float> want = naiveMatMul(a, bt, 6, 4, 5);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 5; ++j)
      want[i * 5 + j] = 2 * (want[i * 5 + j] + bias[j]);
  expectNear(c, want);
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, MatMulActivationsAfterTheBias) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  const int64_t m = 4, k = 6, n = 7;
  std::vector<float> a = filled(m * k, 1), b = filled(k * n, 2),
                     bias = filled(n, 3);
  std::vector<float> sum = naiveMatMul(a, b, m, k, n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      sum[i * n + j] += bias[j];
  auto apply = [&](int64_t flag, auto fn) {
    std::vector<float> c(m * n), want(sum);
    Desc da(a.data(), {m, k}), db(b.data(), {k, n}), dbias(bias.data(), {n}),
        dc(c.data(), {m, n});
    _mlir_ciface_blade_rt_matmul_f32(&da, &db, &dbias, &dc, 0,
                                     BLADE_KERNEL_HAS_BIAS | flag, 1.0f);
    for (float &v : want)
      v = fn(v);
    expectNear(c, want);
  };
  apply(BLADE_KERNEL_RELU, [](float v) { return std::max(v, 0.0f); });
  apply(BLADE_KERNEL_GELU_ERF, [](float v) {
    return 0.5f * v * (1 + std::erf(v / std::sqrt(2.0f)));
  });
  apply(BLADE_KERNEL_GELU_TANH, [](float v) {
    float u = std::sqrt(2 / 3.14159265f) * (v + 0.044715f * v * v * v);
    return 0.5f * v * (1 + std::tanh(u));
  });
  // Same site, other flags: separate primitives.
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, AddendsOtherThanAColumnBiasAreSummedIn) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  // [2, 3, 4] x [4, 5] plus an addend broadcast from each of these shapes
  // (a full residual, one value per row, per batch, a scalar), times alpha
  // 2, then ReLU.
  const int64_t m = 6, k = 4, n = 5;
  std::vector<float> a = filled(m * k, 6), b = filled(k * n, 7);
  std::vector<float> product = naiveMatMul(a, b, m, k, n);
  const std::vector<std::vector<int64_t>> shapes = {
      {2, 3, 5}, {2, 3, 1}, {2, 1, 5}, {1}};
  for (const std::vector<int64_t> &shape : shapes) {
    std::vector<int64_t> padded(3 - shape.size(), 1);
    padded.insert(padded.end(), shape.begin(), shape.end());
    std::vector<float> addend = filled(padded[0] * padded[1] * padded[2], 8);
    std::vector<float> c(m * n, -100.0f), want(m * n);
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t r = 0; r < 3; ++r)
        for (int64_t j = 0; j < n; ++j) {
          int64_t at = (padded[0] > 1 ? i : 0) * padded[1] * padded[2] +
                       (padded[1] > 1 ? r : 0) * padded[2] +
                       (padded[2] > 1 ? j : 0);
          float v = 2 * (product[(i * 3 + r) * n + j] + addend[at]);
          want[(i * 3 + r) * n + j] = std::max(v, 0.0f);
        }
    Desc da(a.data(), {2, 3, k}), db(b.data(), {k, n}),
        daddend(addend.data(), shape), dc(c.data(), {2, 3, n});
    _mlir_ciface_blade_rt_matmul_f32(&da, &db, &daddend, &dc, 0,
                                     BLADE_KERNEL_HAS_BIAS | BLADE_KERNEL_RELU,
                                     2.0f);
    expectNear(c, want);
  }
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, BatchesSharingTheWeights) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  // [S, B, K] x [K, N] (weights shared by every batch): stored [S, B, K]
  // (one run of rows, folded into one product), and the same values viewed
  // through a [B, S, K] buffer (not a run: its rows are gathered first).
  // B = 1 gives the size-1 dim an arbitrary stride.
  const int64_t k = 8, n = 5;
  for (int64_t batch : {1, 3}) {
    const int64_t s = 4, m = s * batch;
    std::vector<float> a = filled(m * k, 9), b = filled(k * n, 10);
    std::vector<float> want = naiveMatMul(a, b, m, k, n);
    std::vector<float> c(m * n, -1.0f);
    Desc da(a.data(), {s, batch, k}, {batch * k, batch == 1 ? 12345 : k, 1}),
        db(b.data(), {k, n}), dc(c.data(), {s, batch, n});
    _mlir_ciface_blade_rt_matmul_f32(&da, &db, &da, &dc, 0, 0, 1.0f);
    expectNear(c, want);
    // a transposed to [B, S, K] storage, read as [S, B, K].
    std::vector<float> at(m * k), ct(m * n, -1.0f);
    for (int64_t i = 0; i < s; ++i)
      for (int64_t j = 0; j < batch; ++j)
        for (int64_t x = 0; x < k; ++x)
          at[(j * s + i) * k + x] = a[(i * batch + j) * k + x];
    Desc dat(at.data(), {s, batch, k}, {k, s * k, 1}),
        dct(ct.data(), {s, batch, n});
    _mlir_ciface_blade_rt_matmul_f32(&dat, &db, &dat, &dct, 1, 0, 1.0f);
    expectNear(ct, want);
  }
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, BroadcastLhsBatch) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  // a [1, 2, 3] broadcast against b [4, 3, 2].
  std::vector<float> a = filled(6, 1), b = filled(4 * 6, 2), c(4 * 4);
  Desc da(a.data(), {1, 2, 3}), db(b.data(), {4, 3, 2}),
      dc(c.data(), {4, 2, 2});
  _mlir_ciface_blade_rt_matmul_f32(&da, &db, &dc, &dc, 0, 0, 1.0f);
  ASSERT_EQ(scope.kernelError(), "");
  for (int batch = 0; batch < 4; ++batch) {
    std::vector<float> bb(b.begin() + batch * 6, b.begin() + batch * 6 + 6);
    std::vector<float> want = naiveMatMul(a, bb, 2, 3, 2);
    expectNear(
        std::vector<float>(c.begin() + batch * 4, c.begin() + batch * 4 + 4),
        want);
  }
}

/// Naive grouped 2-D convolution, ONNX semantics.
std::vector<float> naiveConv(const std::vector<float> &x,
                             const std::vector<float> &w,
                             const std::vector<float> &bias, int64_t n,
                             int64_t c, int64_t h, int64_t wd, int64_t m,
                             int64_t kh, int64_t kw, int64_t group,
                             const int64_t (&p)[8], int64_t oh, int64_t ow) {
  int64_t cg = c / group, mg = m / group;
  std::vector<float> y(n * m * oh * ow);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < m; ++o)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          float acc = bias.empty() ? 0 : bias[o];
          int64_t g = o / mg;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t u = 0; u < kh; ++u)
              for (int64_t v = 0; v < kw; ++v) {
                int64_t yy = i * p[0] + u * p[2] - p[4];
                int64_t xx = j * p[1] + v * p[3] - p[5];
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd)
                  continue;
                acc += x[((b * c + g * cg + ci) * h + yy) * wd + xx] *
                       w[((o * cg + ci) * kh + u) * kw + v];
              }
          y[((b * m + o) * oh + i) * ow + j] = acc;
        }
  return y;
}

void runConv(int64_t group, int64_t flags) {
  int64_t n = 2, c = 4, h = 9, wd = 8, m = 6, kh = 3, kw = 2;
  // strides, dilations, pads top/left/bottom/right (asymmetric).
  const int64_t p[8] = {2, 1, 1, 2, 1, 0, 2, 1};
  int64_t oh = (h + p[4] + p[6] - (p[2] * (kh - 1) + 1)) / p[0] + 1;
  int64_t ow = (wd + p[5] + p[7] - (p[3] * (kw - 1) + 1)) / p[1] + 1;
  std::vector<float> x = filled(n * c * h * wd, 1),
                     w = filled(m * (c / group) * kh * kw, 2),
                     bias = filled(m, 3), y(n * m * oh * ow);
  Desc dx(x.data(), {n, c, h, wd}), dw(w.data(), {m, c / group, kh, kw}),
      db(bias.data(), {m}), dy(y.data(), {n, m, oh, ow});
  _mlir_ciface_blade_rt_conv2d_f32(&dx, &dw, &db, &dy, &dy, group, flags, group,
                                   p[0], p[1], p[2], p[3], p[4], p[5], p[6],
                                   p[7], 0.0f, 0.0f);
  expectNear(y,
             naiveConv(x, w, bias, n, c, h, wd, m, kh, kw, group, p, oh, ow));
}

TEST(DnnlKernels, GroupedStridedDilatedPaddedConv) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{2});
  runConv(1, BLADE_KERNEL_HAS_BIAS | BLADE_KERNEL_CONST_WEIGHTS);
  // Same site and shapes again: the primitive is reused. (Constant weights
  // are also keyed by their address, which differs from call to call here.)
  runConv(2, BLADE_KERNEL_HAS_BIAS);
  runConv(2, BLADE_KERNEL_HAS_BIAS);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, ConcurrentRunsShareOneCache) {
  KernelCache cache;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      RunScope scope(&cache, RunOptions{1 + t % 2});
      for (int i = 0; i < 10; ++i) {
        runMatMul(16 + t % 2, 32, 8, 1, BLADE_KERNEL_CONST_WEIGHTS);
        runConv(2, BLADE_KERNEL_HAS_BIAS);
      }
      errors[t] = scope.kernelError();
    });
  for (std::thread &t : threads)
    t.join();
  for (const std::string &e : errors)
    EXPECT_EQ(e, "");
}

/// Strides of an NCHW-sized operand laid out channels-last (NHWC).
std::vector<int64_t> nhwcStrides(int64_t c, int64_t h, int64_t w) {
  return {h * w * c, 1, w * c, c};
}

/// The conv of runConv's shapes on channels-last x, y and addend (or NCHW
/// ones; with `nchwAddend` the addend is NCHW either way), with an
/// epilogue: y = act(conv + bias + addend).
void runConvEpilogue(int64_t group, int64_t kh, int64_t kw, bool nhwc,
                     int64_t flags, float alpha, float beta,
                     bool nchwAddend = false) {
  int64_t n = 2, c = 4, h = 9, wd = 8, m = 6;
  const int64_t p[8] = {1, 1, 1, 1, kh / 2, kw / 2, kh / 2, kw / 2};
  int64_t oh = h + 2 * (kh / 2) - kh + 1, ow = wd + 2 * (kw / 2) - kw + 1;
  std::vector<float> x = filled(n * c * h * wd, 1),
                     w = filled(m * (c / group) * kh * kw, 2),
                     bias = filled(m, 3), addend = filled(n * m * oh * ow, 4),
                     y(n * m * oh * ow);
  // Buffers hold NHWC data when `nhwc`; the reference works on NCHW.
  std::vector<float> xMem = x, addMem = addend;
  auto sx = nhwc ? nhwcStrides(c, h, wd) : std::vector<int64_t>{};
  auto sy = nhwc ? nhwcStrides(m, oh, ow) : std::vector<int64_t>{};
  auto toMem = [&](const std::vector<float> &src, std::vector<float> &dst,
                   int64_t ch, int64_t hh, int64_t ww) {
    for (int64_t b = 0; b < n; ++b)
      for (int64_t k = 0; k < ch; ++k)
        for (int64_t i = 0; i < hh * ww; ++i)
          dst[(b * hh * ww + i) * ch + k] = src[(b * ch + k) * hh * ww + i];
  };
  if (nhwc) {
    toMem(x, xMem, c, h, wd);
    if (!nchwAddend)
      toMem(addend, addMem, m, oh, ow);
  }
  Desc dx(xMem.data(), {n, c, h, wd}, sx), dw(w.data(), {m, c / group, kh, kw}),
      db(bias.data(), {m}), dy(y.data(), {n, m, oh, ow}, sy),
      da(addMem.data(), {n, m, oh, ow},
         nchwAddend ? std::vector<int64_t>{} : sy);
  _mlir_ciface_blade_rt_conv2d_f32(
      &dx, &dw, &db, &dy, &da, 0, flags | BLADE_KERNEL_HAS_BIAS, group, p[0],
      p[1], p[2], p[3], p[4], p[5], p[6], p[7], alpha, beta);
  std::vector<float> want =
      naiveConv(x, w, bias, n, c, h, wd, m, kh, kw, group, p, oh, ow);
  for (size_t i = 0; i < want.size(); ++i) {
    float v = want[i];
    if (flags & BLADE_KERNEL_ADD)
      v += addend[i];
    if (flags & BLADE_KERNEL_CLIP)
      v = std::min(std::max(v, alpha), beta);
    if ((flags & BLADE_KERNEL_LEAKY_RELU) && v < 0)
      v *= alpha;
    want[i] = v;
  }
  if (nhwc) {
    std::vector<float> got(y.size());
    for (int64_t b = 0; b < n; ++b)
      for (int64_t k = 0; k < m; ++k)
        for (int64_t i = 0; i < oh * ow; ++i)
          got[(b * m + k) * oh * ow + i] = y[(b * oh * ow + i) * m + k];
    y = got;
  }
  SCOPED_TRACE(testing::Message()
               << "group " << group << " k " << kh << "x" << kw << " nhwc "
               << nhwc << " flags " << flags << " nchwAddend " << nchwAddend);
  expectNear(y, want);
}

TEST(DnnlKernels, StridedPointwiseConvChannelsLast) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  // A 1x1 conv with strides 2 and 3 on NHWC x and y (its pixels are gathered
  // first), with a residual addend and ReLU.
  int64_t n = 2, c = 5, h = 9, wd = 8, m = 7;
  const int64_t p[8] = {2, 3, 1, 1, 0, 0, 0, 0};
  int64_t oh = (h - 1) / 2 + 1, ow = (wd - 1) / 3 + 1;
  std::vector<float> x = filled(n * c * h * wd, 11), w = filled(m * c, 12),
                     bias = filled(m, 13), addend = filled(n * m * oh * ow, 14);
  std::vector<float> want =
      naiveConv(x, w, bias, n, c, h, wd, m, 1, 1, 1, p, oh, ow);
  // NHWC copies of x and the addend; y is written NHWC.
  std::vector<float> xMem(x.size()), addMem(addend.size()), y(want.size());
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t k = 0; k < c; ++k)
      for (int64_t i = 0; i < h * wd; ++i)
        xMem[(b * h * wd + i) * c + k] = x[(b * c + k) * h * wd + i];
    for (int64_t k = 0; k < m; ++k)
      for (int64_t i = 0; i < oh * ow; ++i)
        addMem[(b * oh * ow + i) * m + k] = addend[(b * m + k) * oh * ow + i];
  }
  Desc dx(xMem.data(), {n, c, h, wd}, nhwcStrides(c, h, wd)),
      dw(w.data(), {m, c, 1, 1}), db(bias.data(), {m}),
      dy(y.data(), {n, m, oh, ow}, nhwcStrides(m, oh, ow)),
      da(addMem.data(), {n, m, oh, ow}, nhwcStrides(m, oh, ow));
  _mlir_ciface_blade_rt_conv2d_f32(
      &dx, &dw, &db, &dy, &da, 0,
      BLADE_KERNEL_HAS_BIAS | BLADE_KERNEL_ADD | BLADE_KERNEL_CLIP, 1, p[0],
      p[1], p[2], p[3], p[4], p[5], p[6], p[7], 0.0f,
      std::numeric_limits<float>::infinity());
  std::vector<float> got(y.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < m; ++k)
      for (int64_t i = 0; i < oh * ow; ++i) {
        int64_t at = (b * m + k) * oh * ow + i;
        got[at] = y[(b * oh * ow + i) * m + k];
        want[at] = std::max(want[at] + addend[at], 0.0f);
      }
  expectNear(got, want);
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, ConvEpiloguesChannelsLastAndNCHW) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{2});
  float inf = INFINITY;
  for (bool nhwc : {true, false}) {
    // 3x3 grouped and 1x1 (NCHW: the matrix-product path) convolutions.
    for (auto [group, k] : {std::pair<int64_t, int64_t>{2, 3}, {1, 1}}) {
      runConvEpilogue(group, k, k, nhwc, BLADE_KERNEL_ADD, 0, 0);
      runConvEpilogue(group, k, k, nhwc, BLADE_KERNEL_CLIP, 0, inf);
      runConvEpilogue(group, k, k, nhwc, BLADE_KERNEL_CLIP, -0.5f, 0.25f);
      runConvEpilogue(group, k, k, nhwc,
                      BLADE_KERNEL_ADD | BLADE_KERNEL_LEAKY_RELU, 0.1f, 0);
      runConvEpilogue(group, k, k, nhwc, 0, 0, 0);
      // An addend laid out unlike y: binary_add instead of sum.
      runConvEpilogue(group, k, k, nhwc, BLADE_KERNEL_ADD, 0, 0, true);
    }
  }
  EXPECT_EQ(scope.kernelError(), "");
}

TEST(DnnlKernels, ErrorsAreReportedNotThrown) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  std::vector<float> a(6), c(4);
  // Rank-1 operands do not make a matrix product.
  Desc da(a.data(), {6}), dc(c.data(), {4});
  _mlir_ciface_blade_rt_matmul_f32(&da, &da, &dc, &dc, 0, 0, 1.0f);
  EXPECT_NE(scope.kernelError().find("matmul"), std::string::npos)
      << scope.kernelError();
  // Channel counts that do not fit the group count.
  std::vector<float> x(2 * 3 * 4 * 4), w(4 * 2 * 1 * 1), y(2 * 4 * 4 * 4);
  Desc dx(x.data(), {2, 3, 4, 4}), dw(w.data(), {4, 2, 1, 1}),
      dy(y.data(), {2, 4, 4, 4});
  RunScope inner(&cache, RunOptions{1});
  _mlir_ciface_blade_rt_conv2d_f32(&dx, &dw, &dy, &dy, &dy, 0, 0, 2, 1, 1, 1, 1,
                                   0, 0, 0, 0, 0.0f, 0.0f);
  EXPECT_NE(inner.kernelError().find("conv2d"), std::string::npos)
      << inner.kernelError();
  // An addend whose sizes differ from the result's.
  std::vector<float> w1(4 * 3), small(2 * 4 * 4 * 3);
  Desc dw1(w1.data(), {4, 3, 1, 1}), dsmall(small.data(), {2, 4, 4, 3});
  RunScope third(&cache, RunOptions{1});
  _mlir_ciface_blade_rt_conv2d_f32(&dx, &dw1, &dy, &dy, &dsmall, 0,
                                   BLADE_KERNEL_ADD, 1, 1, 1, 1, 1, 0, 0, 0, 0,
                                   0.0f, 0.0f);
  EXPECT_NE(third.kernelError().find("addend"), std::string::npos)
      << third.kernelError();
}

/// A forward ONNX LSTM layer, naive: x [seq, n, in], w [4h, in], r [4h, h],
/// b [8h], h0 [n, h]; returns Y [seq, n, h] followed by Y_c [n, h].
std::vector<float> naiveLstm(const std::vector<float> &x,
                             const std::vector<float> &w,
                             const std::vector<float> &r,
                             const std::vector<float> &b,
                             const std::vector<float> &h0, int64_t seq,
                             int64_t n, int64_t in, int64_t h) {
  auto sig = [](float v) { return 1.0f / (1.0f + std::exp(-v)); };
  std::vector<float> hs = h0, cs(n * h, 0.0f), y;
  for (int64_t t = 0; t < seq; ++t) {
    std::vector<float> next(n * h);
    for (int64_t row = 0; row < n; ++row)
      for (int64_t j = 0; j < h; ++j) {
        float g[4];
        for (int k = 0; k < 4; ++k) {
          int64_t unit = k * h + j;
          float acc = b[unit] + b[4 * h + unit];
          for (int64_t i = 0; i < in; ++i)
            acc += x[(t * n + row) * in + i] * w[unit * in + i];
          for (int64_t i = 0; i < h; ++i)
            acc += hs[row * h + i] * r[unit * h + i];
          g[k] = acc;
        }
        float &c = cs[row * h + j];
        c = sig(g[2]) * c + sig(g[0]) * std::tanh(g[3]);
        next[row * h + j] = sig(g[1]) * std::tanh(c);
      }
    hs = next;
    y.insert(y.end(), hs.begin(), hs.end());
  }
  y.insert(y.end(), cs.begin(), cs.end());
  return y;
}

/// Runs a forward LSTM through the kernel (initial h stored transposed,
/// [h, n], to pass a strided view) and compares Y, Y_h and Y_c.
void runLstm(int64_t seq, int64_t n, int64_t in, int64_t h, int64_t site) {
  std::vector<float> x = filled(seq * n * in, 1), w = filled(4 * h * in, 2),
                     r = filled(4 * h * h, 3), b = filled(8 * h, 4),
                     h0t = filled(h * n, 5);
  for (float &v : r)
    v *= 0.2f;
  std::vector<float> h0(n * h);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t j = 0; j < h; ++j)
      h0[row * h + j] = h0t[j * n + row];
  std::vector<float> y(seq * n * h, -1), yh(n * h, -1), yc(n * h, -1);
  Desc dx(x.data(), {seq, n, in}), dw(w.data(), {1, 4 * h, in}),
      dr(r.data(), {1, 4 * h, h}), db(b.data(), {1, 8 * h}),
      dh0(h0t.data(), {1, n, h}, {n * h, 1, n}), dy(y.data(), {seq, 1, n, h}),
      dyh(yh.data(), {1, n, h}), dyc(yc.data(), {1, n, h});
  _mlir_ciface_blade_rt_rnn_f32(
      &dx, &dw, &dr, &db, &dh0, &dy, &dy, &dy, &dyh, &dyc, site,
      BLADE_KERNEL_HAS_BIAS | BLADE_KERNEL_CONST_WEIGHTS |
          BLADE_KERNEL_HAS_INITIAL_H,
      BLADE_RNN_LSTM, BLADE_RNN_FORWARD);
  std::vector<float> want = naiveLstm(x, w, r, b, h0, seq, n, in, h);
  expectNear(y, std::vector<float>(want.begin(), want.begin() + seq * n * h));
  expectNear(yh, std::vector<float>(want.begin() + (seq - 1) * n * h,
                                    want.begin() + seq * n * h));
  expectNear(yc, std::vector<float>(want.end() - n * h, want.end()));
}

TEST(RecurrentKernel, LstmOneAndTwoThreads) {
  KernelCache cache;
  {
    RunScope scope(&cache, RunOptions{1});
    runLstm(4, 3, 5, 20, 0);
    EXPECT_EQ(scope.kernelError(), "");
  }
  {
    // Big enough steps (8 x 256 x 64) for two threads on 4 panels.
    RunScope scope(&cache, RunOptions{2});
    runLstm(3, 8, 7, 64, 1);
    EXPECT_EQ(scope.kernelError(), "");
  }
}

TEST(RecurrentKernel, ConcurrentRuns) {
  KernelCache cache;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(3);
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      RunScope scope(&cache, RunOptions{1 + t % 2});
      for (int i = 0; i < 5; ++i)
        runLstm(3, 8, 7, 64, 2);
      errors[t] = scope.kernelError();
    });
  for (std::thread &t : threads)
    t.join();
  for (const std::string &e : errors)
    EXPECT_EQ(e, "");
}

TEST(RecurrentKernel, NoStepsKeepsTheInitialState) {
  KernelCache cache;
  RunScope scope(&cache, RunOptions{1});
  std::vector<float> x, w(4 * 2 * 3), r(4 * 2 * 2), h0 = {1, 2, 3, 4},
                                                   yh(4, -1), yc(4, -1), y;
  Desc dx(x.data(), {0, 2, 3}), dw(w.data(), {1, 8, 3}), dr(r.data(), {1, 8, 2}),
      dh0(h0.data(), {1, 2, 2}), dy(y.data(), {0, 1, 2, 2}),
      dyh(yh.data(), {1, 2, 2}), dyc(yc.data(), {1, 2, 2});
  _mlir_ciface_blade_rt_rnn_f32(&dx, &dw, &dr, &dy, &dh0, &dy, &dy, &dy, &dyh,
                                &dyc, 0, BLADE_KERNEL_HAS_INITIAL_H,
                                BLADE_RNN_LSTM, BLADE_RNN_FORWARD);
  EXPECT_EQ(scope.kernelError(), "");
  EXPECT_EQ(yh, h0);
  EXPECT_EQ(yc, std::vector<float>(4, 0.0f));
}

TEST(RecurrentKernel, ErrorsAreReportedNotThrown) {
  KernelCache cache;
  std::vector<float> x(2 * 1 * 3), w(3 * 4 * 3), r(3 * 4 * 4), y(2 * 4),
      yh(4);
  Desc dx(x.data(), {2, 1, 3}), dw(w.data(), {1, 12, 3}),
      dr(r.data(), {1, 12, 4}), dy(y.data(), {2, 1, 1, 4}),
      dyh(yh.data(), {1, 1, 4});
  {
    // GRU weights given for an LSTM.
    RunScope scope(&cache, RunOptions{1});
    _mlir_ciface_blade_rt_rnn_f32(&dx, &dw, &dr, &dy, &dy, &dy, &dy, &dy, &dyh,
                                  &dyh, 0, 0, BLADE_RNN_LSTM,
                                  BLADE_RNN_FORWARD);
    EXPECT_NE(scope.kernelError().find("W is"), std::string::npos)
        << scope.kernelError();
  }
  {
    RunScope scope(&cache, RunOptions{1});
    _mlir_ciface_blade_rt_rnn_f32(&dx, &dw, &dr, &dy, &dy, &dy, &dy, &dy, &dyh,
                                  &dyh, 0, 0, /*cell=*/9, BLADE_RNN_FORWARD);
    EXPECT_NE(scope.kernelError().find("cell kind 9"), std::string::npos)
        << scope.kernelError();
  }
  {
    RunScope scope(&cache, RunOptions{1});
    _mlir_ciface_blade_rt_rnn_f32(&dx, &dw, &dr, &dy, &dy, &dy, &dy, &dy, &dyh,
                                  &dyh, 0, 0, BLADE_RNN_GRU, /*direction=*/5);
    EXPECT_NE(scope.kernelError().find("direction 5"), std::string::npos)
        << scope.kernelError();
  }
}

} // namespace
