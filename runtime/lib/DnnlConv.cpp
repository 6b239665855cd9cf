//===- DnnlConv.cpp - f32 2-D convolutions on oneDNN ----------------------===//
//
// blade_rt_conv2d_f32: one oneDNN forward convolution per call site and
// operand layout, cached in the model's KernelCache. Constant weights are
// reordered once.
//
// Layouts (measured on mobilenet_v2's convs, oneDNN 2.6, AVX-512, one
// thread, batch 1 / 8, the sum over 18 shapes: 1x1 expand/project, 3x3
// depthwise stride 1 and 2, 16..1280 channels, 112x112..7x7, with a ReLU6
// post-op): the blocked layout oneDNN picks (nChw16c) with reorders of x in
// and y out 4.1 / 63 ms; blocked without the reorders 1.47 / 16.9 ms;
// channels-last (nhwc) src and dst 1.52 / 20.7 ms; plain NCHW ~15x slower
// than nhwc on depthwise. So an activation whose strides are channels-last
// (channel stride 1; the compiler runs chains of convs that way, see
// blade-convs-channels-last) is handed to the primitive as is; an NCHW one
// still goes through a reorder into the layout the primitive picks (which
// measured about 1.5x faster than running on NCHW directly), except for
// pointwise convolutions, which are a matrix product per image.
//
// Epilogues (residual add, ReLU/ReLU6/clip, LeakyRelu) are oneDNN post-ops:
// the addend is copied (or reordered) into dst and added by a `sum`, then an
// eltwise. A binary_add post-op reading the addend in place sent oneDNN 2.6
// from brgconv to its older jit kernels (mobilenet_v2/resnet18 residual
// convs, nhwc, 1 thread: 3x3 at 56..7 px 4.42 ms with binary_add, 3.96 ms
// with copy + sum at batch 1, 37.3 / 35.3 ms at batch 8; 1x1 even), and gave
// wrong sums when the addend's layout was not dst's. Writing into the
// addend's own buffer would save the copy but needs the compiler to prove
// that buffer dead.
//
//===----------------------------------------------------------------------===//

#include "Dnnl.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

using namespace blade::rt;
using namespace blade::rt::dnnl_kernels;

namespace {

using tag = dnnl::memory::format_tag;

struct ConvEntry {
  /// The caller's operands as plain descriptors (a function of the key; kept
  /// so that a call finding its entry builds none).
  dnnl::memory::desc xDesc, yDesc, wDesc, biasDesc, addendDesc;
  /// The layouts the primitive takes its src, weights and dst in.
  dnnl::memory::desc primSrc, primWeights, primDst;
  /// A forward convolution or deconvolution.
  std::optional<BoundPrimitive> conv;
  /// Reorders of activations (and of weights that are not constant) between
  /// the caller's layout and the primitive's, when they differ.
  std::optional<BoundPrimitive> srcReorder, dstReorder, weightsReorder;
  /// Constant weights in the primitive's layout, or empty.
  dnnl::memory packedWeights;
  /// Puts a residual addend into dst (for the `sum` post-op) where a plain
  /// copy does not: its layout differs from dst's or has gaps.
  std::optional<BoundPrimitive> addendReorder;
};

/// Views a 1-D convolution operand [N, C, W] as [N, C, 1, W].
void addUnitHeight(Operand &op) {
  op.sizes.insert(op.sizes.begin() + 2, 1);
  op.strides.insert(op.strides.begin() + 2, 0);
}

/// Whether a 4-D activation is laid out channels-last (NHWC).
bool channelsLast(const Operand &op) {
  return op.sizes[1] > 1 && op.strides[1] == 1;
}

/// The epilogue after the biased sum (BLADE_KERNEL_ADD, _CLIP, _LEAKY_RELU).
struct Epilogue {
  int64_t flags = 0;
  float alpha = 0, beta = 0;
  Operand addend;
  bool add() const { return flags & BLADE_KERNEL_ADD; }
  bool clip() const { return flags & BLADE_KERNEL_CLIP; }
  bool leaky() const { return flags & BLADE_KERNEL_LEAKY_RELU; }
  bool any() const { return add() || clip() || leaky(); }
  /// One output value `v` with addend element `at` (an offset).
  float apply(float v, int64_t at) const {
    if (add())
      v += addend.data[at];
    if (clip())
      v = std::min(std::max(v, alpha), beta);
    if (leaky() && v < 0)
      v *= alpha;
    return v;
  }
};

/// oneDNN post-ops for `epi`: the addend as a `sum` with what dst holds
/// (post-op 0), then an eltwise.
dnnl::post_ops postOps(const Epilogue &epi) {
  dnnl::post_ops ops;
  if (epi.add())
    ops.append_sum(1.0f);
  if (epi.clip() && epi.alpha == 0 && std::isinf(epi.beta) && epi.beta > 0)
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  else if (epi.clip())
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, epi.alpha,
                       epi.beta);
  else if (epi.leaky())
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, epi.alpha, 0.0f);
  return ops;
}

/// A convolution, or with `transposed` a transposed convolution (ONNX
/// ConvTranspose: w [C, M / group, KH, KW]; params[6..7] unused, the end
/// pads follow from y's size, which includes output_padding). `epi` is
/// empty for transposed convolutions.
void conv2d(BladeUnrankedMemRef *x, BladeUnrankedMemRef *w,
            BladeUnrankedMemRef *bias, BladeUnrankedMemRef *y, int64_t site,
            int64_t flags, int64_t group, const int64_t (&params)[8],
            bool transposed, Epilogue epi) {
  Operand X = decode(x), W = decode(w), Y = decode(y);
  bool hasBias = flags & BLADE_KERNEL_HAS_BIAS;
  bool constWeights = flags & BLADE_KERNEL_CONST_WEIGHTS;
  Operand Bias = hasBias ? decode(bias) : Operand();
  if (X.rank() != W.rank() || X.rank() != Y.rank() ||
      (X.rank() != 3 && X.rank() != 4) || (hasBias && Bias.rank() != 1) ||
      group < 1)
    throw std::invalid_argument("operands do not fit a 1-D or 2-D convolution");
  if (epi.clip() && epi.leaky())
    throw std::invalid_argument("both clip and leaky relu epilogues");
  if (epi.add() && epi.addend.sizes != Y.sizes)
    throw std::invalid_argument("the addend's sizes differ from the result's");
  if (X.rank() == 3) {
    addUnitHeight(X);
    addUnitHeight(W);
    addUnitHeight(Y);
    if (epi.add())
      addUnitHeight(epi.addend);
  }
  if (Y.numElements() == 0)
    return;
  int64_t m = transposed ? Y.sizes[1] : W.sizes[0];
  bool fits = transposed
                  ? X.sizes[1] == W.sizes[0] && X.sizes[1] % group == 0 &&
                        m == W.sizes[1] * group
                  : m % group == 0 && X.sizes[1] == W.sizes[1] * group;
  if (!fits || (hasBias && Bias.sizes[0] != m))
    throw std::invalid_argument("channel counts do not fit the group count");

  dnnl::memory::dims strides = {params[0], params[1]};
  dnnl::memory::dims dilations = {params[2] - 1, params[3] - 1};
  dnnl::memory::dims padL = {params[4], params[5]};
  dnnl::memory::dims padR = {params[6], params[7]};
  if (transposed) {
    for (int i = 0; i < 2; ++i) {
      int64_t extent = params[2 + i] * (W.sizes[2 + i] - 1) + 1;
      padR[i] =
          (X.sizes[2 + i] - 1) * strides[i] + extent - padL[i] - Y.sizes[2 + i];
    }
  } else if (flags & (BLADE_KERNEL_SAME_UPPER | BLADE_KERNEL_SAME_LOWER)) {
    for (int i = 0; i < 2; ++i) {
      int64_t in = X.sizes[2 + i], out = Y.sizes[2 + i];
      int64_t extent = params[2 + i] * (W.sizes[2 + i] - 1) + 1;
      int64_t total =
          std::max<int64_t>((out - 1) * strides[i] + extent - in, 0);
      padL[i] = (flags & BLADE_KERNEL_SAME_UPPER) ? total / 2 : (total + 1) / 2;
      padR[i] = total - padL[i];
    }
  }

  // A strided pointwise convolution over NHWC (ResNet's downsampling
  // shortcut) reads every s-th pixel: gather those into a dense NHWC buffer
  // and run a stride-1 pointwise convolution. oneDNN 2.6's strided 1x1
  // kernel is slow on some shapes (batch 8, 1 thread: 512 -> 1024 channels
  // at 28 -> 14 px 21.9 ms direct, 7.6 ms gathered; 1024 -> 2048 at 14 -> 7
  // px 10.8 against 6.8; 256 -> 512 at 56 px equal).
  if (!transposed && group == 1 && W.sizes[2] == 1 && W.sizes[3] == 1 &&
      strides != dnnl::memory::dims{1, 1} && padL == dnnl::memory::dims{0, 0} &&
      padR == dnnl::memory::dims{0, 0} && channelsLast(X)) {
    int64_t n = X.sizes[0], c = X.sizes[1], oh = Y.sizes[2], ow = Y.sizes[3];
    auto *dense = static_cast<float *>(scratch(
        GatherSlot, std::max<int64_t>(n * oh * ow * c, 1) * sizeof(float)));
    // The pixels read, and the dense buffer, both as [N, OH, OW, C].
    Operand read{X.data,
                 {n, oh, ow, c},
                 {X.strides[0], X.strides[2] * strides[0],
                  X.strides[3] * strides[1], 1}};
    copyInto(read, Operand{dense, {n, oh, ow, c}, {oh * ow * c, ow * c, c, 1}});
    X = Operand{dense, {n, c, oh, ow}, {oh * ow * c, 1, ow * c, c}};
    strides = {1, 1};
  }

  // A pointwise convolution over NCHW is a product per image,
  // W [M, C] x X [C, H*W]: no layout reorders (measured 0.52 ms against
  // 0.72 ms through the blocked convolution for 256->64 channels at 56x56).
  bool pointwise = group == 1 && W.sizes[2] == 1 && W.sizes[3] == 1 &&
                   strides == dnnl::memory::dims{1, 1} &&
                   padL == dnnl::memory::dims{0, 0} &&
                   padR == dnnl::memory::dims{0, 0};
  if (pointwise && !transposed && X.strides[3] == 1 &&
      X.strides[2] == X.sizes[3] && Y.strides[3] == 1 &&
      Y.strides[2] == Y.sizes[3]) {
    int64_t hw = X.sizes[2] * X.sizes[3];
    Operand a{W.data, {1, m, W.sizes[1]}, {0, W.strides[0], W.strides[1]}};
    Operand b{
        X.data, {X.sizes[0], X.sizes[1], hw}, {X.strides[0], X.strides[1], 1}};
    Operand c{Y.data, {Y.sizes[0], m, hw}, {Y.strides[0], Y.strides[1], 1}};
    matmul(a, b, Operand(), c, site, 0, 1.0f);
    // A per-row bias sends oneDNN's matmul to its reference code: add it
    // (and the epilogue) here instead.
    if (hasBias || epi.any())
      for (int64_t n = 0; n < Y.sizes[0]; ++n)
        for (int64_t o = 0; o < m; ++o) {
          float *row = Y.data + n * Y.strides[0] + o * Y.strides[1];
          float v = hasBias ? Bias.data[o * Bias.strides[0]] : 0.0f;
          if (!epi.any()) {
            for (int64_t i = 0; i < hw; ++i)
              row[i] += v;
            continue;
          }
          const std::vector<int64_t> &as = epi.addend.strides;
          for (int64_t h = 0, i = 0; h < Y.sizes[2]; ++h)
            for (int64_t x = 0; x < Y.sizes[3]; ++x, ++i) {
              int64_t at =
                  epi.add() ? n * as[0] + o * as[1] + h * as[2] + x * as[3] : 0;
              row[i] = epi.apply(row[i] + v, at);
            }
        }
    return;
  }

  KernelThreads threads(Y.numElements() * W.sizes[1] * W.sizes[2] * W.sizes[3],
                        int64_t(1) << 18,
                        (X.numElements() + W.numElements() + Y.numElements()) *
                            static_cast<int64_t>(sizeof(float)));
  KeyBuilder key(transposed ? "deconv" : "conv");
  key.add(site).add(threads.count()).add(flags).add(group);
  key.add(X.sizes).add(X.strides).add(W.sizes).add(W.strides);
  key.add(Y.sizes).add(Y.strides).add(strides).add(dilations).add(padL).add(
      padR);
  if (hasBias)
    key.add(Bias.strides);
  if (constWeights)
    key.add(reinterpret_cast<intptr_t>(W.data));
  if (epi.any()) {
    int32_t bits[2];
    std::memcpy(bits, &epi.alpha, 4);
    std::memcpy(bits + 1, &epi.beta, 4);
    key.add(bits[0]).add(bits[1]);
    if (epi.add())
      key.add(epi.addend.strides);
  }

  std::shared_ptr<ConvEntry> entry = cached<ConvEntry>(key.str(), [&]() {
    auto e = std::make_shared<ConvEntry>();
    dnnl::memory::desc xDesc = plainDesc(X.sizes, X.strides);
    dnnl::memory::desc yDesc = plainDesc(Y.sizes, Y.strides);
    dnnl::memory::desc wDesc = plainDesc(W.sizes, W.strides);
    if (transposed) {
      // [C, M/G, KH, KW] seen as [G, M/G, C/G, KH, KW] (or [M, C, KH, KW]).
      int64_t cg = X.sizes[1] / group;
      std::vector<int64_t> sizes = {group, m / group, cg, W.sizes[2],
                                    W.sizes[3]};
      std::vector<int64_t> st = {W.strides[0] * cg, W.strides[1], W.strides[0],
                                 W.strides[2], W.strides[3]};
      if (group == 1) {
        sizes.erase(sizes.begin());
        st.erase(st.begin());
      }
      wDesc = plainDesc(sizes, st);
    } else if (group > 1) {
      // [M, C/G, KH, KW] seen as [G, M/G, C/G, KH, KW].
      std::vector<int64_t> sizes = {group, m / group, W.sizes[1], W.sizes[2],
                                    W.sizes[3]};
      std::vector<int64_t> st = {W.strides[0] * (m / group), W.strides[0],
                                 W.strides[1], W.strides[2], W.strides[3]};
      wDesc = plainDesc(sizes, st);
    }
    dnnl::memory::desc biasDesc =
        hasBias ? plainDesc(Bias.sizes, Bias.strides) : dnnl::memory::desc();
    dnnl::memory::desc addendDesc =
        epi.add() ? plainDesc(epi.addend.sizes, epi.addend.strides)
                  : dnnl::memory::desc();
    e->xDesc = xDesc;
    e->yDesc = yDesc;
    e->wDesc = wDesc;
    e->biasDesc = biasDesc;
    e->addendDesc = addendDesc;
    auto any = [](const dnnl::memory::desc &d) {
      return dnnl::memory::desc(d.dims(), dnnl::memory::data_type::f32,
                                tag::any);
    };
    // Channels-last activations are taken as they are (see the header), and
    // so are NCHW ones of a transposed convolution with few channels:
    // oneDNN 2.6's gemm-based NCHW kernel beats its blocked one plus the
    // reorders there (16 -> 8 channels, 3x3/2, 32 -> 64 px, batch 4: 0.36
    // against 0.55 ms before reorders; 64 -> 32: 1.83 against 2.31), not
    // with more (256 -> 128, 4x4/2 at 16 px: 3.09 against 1.62).
    bool plainNCHW = transposed && X.sizes[1] * m <= 4096;
    dnnl::memory::desc srcDesc =
        channelsLast(X) || plainNCHW ? xDesc : any(xDesc);
    dnnl::memory::desc dstDesc =
        channelsLast(Y) || plainNCHW ? yDesc : any(yDesc);
    dnnl::primitive_desc pd;
    if (transposed) {
      dnnl::deconvolution_forward::desc desc(
          dnnl::prop_kind::forward_inference,
          dnnl::algorithm::deconvolution_direct, srcDesc, any(wDesc), biasDesc,
          dstDesc, strides, dilations, padL, padR);
      dnnl::deconvolution_forward::primitive_desc deconvPd(desc, baseAttr(),
                                                           engine());
      e->conv.emplace(dnnl::deconvolution_forward(deconvPd), deconvPd);
      pd = deconvPd;
    } else {
      dnnl::convolution_forward::desc desc(
          dnnl::prop_kind::forward_inference,
          dnnl::algorithm::convolution_direct, srcDesc, any(wDesc), biasDesc,
          dstDesc, strides, dilations, padL, padR);
      dnnl::primitive_attr attr = baseAttr();
      if (epi.any())
        attr.set_post_ops(postOps(epi));
      dnnl::convolution_forward::primitive_desc convPd(desc, attr, engine());
      e->conv.emplace(dnnl::convolution_forward(convPd), convPd);
      pd = convPd;
    }
    e->primSrc = pd.src_desc(0);
    e->primWeights = pd.weights_desc(0);
    e->primDst = pd.dst_desc(0);
    auto reorder = [](std::optional<BoundPrimitive> &slot,
                      const dnnl::memory::desc &from,
                      const dnnl::memory::desc &to) {
      dnnl::reorder::primitive_desc rpd(engine(), from, engine(), to,
                                        baseAttr());
      slot.emplace(dnnl::reorder(rpd), rpd);
    };
    if (e->primSrc != xDesc)
      reorder(e->srcReorder, xDesc, e->primSrc);
    if (e->primDst != yDesc)
      reorder(e->dstReorder, e->primDst, yDesc);
    if (epi.add() && (e->primDst != addendDesc ||
                      addendDesc.get_size() !=
                          static_cast<size_t>(Y.numElements()) * sizeof(float)))
      reorder(e->addendReorder, addendDesc, e->primDst);
    if (e->primWeights != wDesc) {
      if (constWeights)
        e->packedWeights = packWeights(wDesc, W.data, e->primWeights);
      else
        reorder(e->weightsReorder, wDesc, e->primWeights);
    }
    return e;
  });

  ConvEntry &e = *entry;
  const dnnl::memory::desc *srcDesc = &e.xDesc;
  void *src = X.data;
  if (e.srcReorder) {
    srcDesc = &e.primSrc;
    src = scratch(SrcSlot, e.primSrc.get_size());
    e.srcReorder->execute(
        {{DNNL_ARG_FROM, e.xDesc, X.data}, {DNNL_ARG_TO, e.primSrc, src}});
  }
  const dnnl::memory::desc *weightsDesc = &e.wDesc;
  void *weights = W.data;
  if (e.packedWeights) {
    weightsDesc = &e.primWeights;
    weights = e.packedWeights.get_data_handle();
  } else if (e.weightsReorder) {
    weightsDesc = &e.primWeights;
    weights = scratch(WeightsSlot, e.primWeights.get_size());
    e.weightsReorder->execute({{DNNL_ARG_FROM, e.wDesc, W.data},
                               {DNNL_ARG_TO, e.primWeights, weights}});
  }
  const dnnl::memory::desc *dstDesc = &e.yDesc;
  void *dst = Y.data;
  if (e.dstReorder) {
    dstDesc = &e.primDst;
    dst = scratch(DstSlot, e.primDst.get_size());
  }
  if (epi.add()) {
    // The `sum` post-op adds what dst holds: put the addend there.
    if (e.addendReorder)
      e.addendReorder->execute({{DNNL_ARG_FROM, e.addendDesc, epi.addend.data},
                                {DNNL_ARG_TO, *dstDesc, dst}});
    else if (epi.addend.data != dst)
      std::memcpy(dst, epi.addend.data, e.addendDesc.get_size());
  }
  if (hasBias)
    e.conv->execute({{DNNL_ARG_SRC, *srcDesc, src},
                     {DNNL_ARG_WEIGHTS, *weightsDesc, weights},
                     {DNNL_ARG_BIAS, e.biasDesc, Bias.data},
                     {DNNL_ARG_DST, *dstDesc, dst}});
  else
    e.conv->execute({{DNNL_ARG_SRC, *srcDesc, src},
                     {DNNL_ARG_WEIGHTS, *weightsDesc, weights},
                     {DNNL_ARG_DST, *dstDesc, dst}});
  if (e.dstReorder)
    e.dstReorder->execute(
        {{DNNL_ARG_FROM, e.primDst, dst}, {DNNL_ARG_TO, e.yDesc, Y.data}});
}

} // namespace

extern "C" void _mlir_ciface_blade_rt_conv2d_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *w, BladeUnrankedMemRef *bias,
    BladeUnrankedMemRef *y, BladeUnrankedMemRef *addend, int64_t site,
    int64_t flags, int64_t group, int64_t strideH, int64_t strideW,
    int64_t dilationH, int64_t dilationW, int64_t padTop, int64_t padLeft,
    int64_t padBottom, int64_t padRight, float alpha, float beta) {
  const int64_t params[8] = {strideH, strideW, dilationH, dilationW,
                             padTop,  padLeft, padBottom, padRight};
  guarded("conv2d (oneDNN)", [&] {
    Epilogue epi;
    epi.flags = flags & (BLADE_KERNEL_ADD | BLADE_KERNEL_CLIP |
                         BLADE_KERNEL_LEAKY_RELU);
    epi.alpha = alpha;
    epi.beta = beta;
    if (epi.add())
      epi.addend = decode(addend);
    conv2d(x, w, bias, y, site, flags, group, params, false, epi);
  });
}

extern "C" void _mlir_ciface_blade_rt_conv_transpose2d_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *w, BladeUnrankedMemRef *bias,
    BladeUnrankedMemRef *y, int64_t site, int64_t flags, int64_t group,
    int64_t strideH, int64_t strideW, int64_t dilationH, int64_t dilationW,
    int64_t padTop, int64_t padLeft) {
  const int64_t params[8] = {strideH, strideW, dilationH, dilationW,
                             padTop,  padLeft, 0,         0};
  guarded("conv_transpose2d (oneDNN)",
          [&] { conv2d(x, w, bias, y, site, flags, group, params, true, {}); });
}
