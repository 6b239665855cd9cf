//===- DnnlPool.cpp - f32 2-D max pooling on oneDNN -----------------------===//
//
// blade_rt_maxpool2d_f32: one oneDNN pooling primitive per call site and
// operand layout, cached in the model's KernelCache. It runs on NCHW directly:
// oneDNN's NCHW max pooling matched ONNX Runtime (0.16 ms for 3x3/2 over
// 64x112x112) where Blade's loops took 0.83 ms and reorders into the blocked
// layout would cost more than they save.
//
//===----------------------------------------------------------------------===//

#include "Dnnl.h"

#include <algorithm>
#include <optional>

using namespace blade::rt;
using namespace blade::rt::dnnl_kernels;

namespace {

struct PoolEntry {
  dnnl::memory::desc xDesc, yDesc;
  std::optional<BoundPrimitive> prim;
};

void maxPool(BladeUnrankedMemRef *x, BladeUnrankedMemRef *y, int64_t site,
             int64_t flags, const int64_t (&params)[10]) {
  Operand X = decode(x), Y = decode(y);
  // 1-D pools stay in the compiled code: oneDNN 2.6 runs an [N, C, 1, W]
  // view of them on its slow generic kernel.
  if (X.rank() != 4 || Y.rank() != 4)
    throw std::invalid_argument("operands do not fit a 2-D pooling");
  if (Y.numElements() == 0)
    return;
  dnnl::memory::dims kernel = {params[0], params[1]};
  dnnl::memory::dims strides = {params[2], params[3]};
  dnnl::memory::dims dilations = {params[4] - 1, params[5] - 1};
  dnnl::memory::dims padL = {params[6], params[7]};
  dnnl::memory::dims padR(2);
  for (int i = 0; i < 2; ++i) {
    int64_t in = X.sizes[2 + i], out = Y.sizes[2 + i];
    int64_t extent = params[4 + i] * (kernel[i] - 1) + 1;
    int64_t total = (out - 1) * strides[i] + extent - in;
    if (flags & (BLADE_KERNEL_SAME_UPPER | BLADE_KERNEL_SAME_LOWER)) {
      total = std::max<int64_t>(total, 0);
      padL[i] = (flags & BLADE_KERNEL_SAME_UPPER) ? total / 2 : (total + 1) / 2;
    }
    // The end pad that yields the given output size (ceil_mode's last
    // window included); windows never read the padding as values.
    padR[i] = std::max<int64_t>(total - padL[i], 0);
  }
  KernelThreads threads(Y.numElements() * kernel[0] * kernel[1] / 4,
                        int64_t(1) << 20,
                        (X.numElements() + Y.numElements()) *
                            static_cast<int64_t>(sizeof(float)));
  KeyBuilder key("maxpool");
  key.add(site).add(threads.count()).add(X.sizes).add(X.strides);
  key.add(Y.sizes).add(Y.strides).add(kernel).add(strides).add(dilations);
  key.add(padL).add(padR);
  std::shared_ptr<PoolEntry> entry = cached<PoolEntry>(key.str(), [&]() {
    auto e = std::make_shared<PoolEntry>();
    e->xDesc = plainDesc(X.sizes, X.strides);
    e->yDesc = plainDesc(Y.sizes, Y.strides);
    dnnl::pooling_v2_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::pooling_max,
        e->xDesc, e->yDesc, strides, kernel, dilations, padL, padR);
    dnnl::pooling_v2_forward::primitive_desc pd(desc, baseAttr(), engine());
    e->prim.emplace(dnnl::pooling_v2_forward(pd), pd);
    return e;
  });
  entry->prim->execute({{DNNL_ARG_SRC, entry->xDesc, X.data},
                        {DNNL_ARG_DST, entry->yDesc, Y.data}});
}

} // namespace

extern "C" void _mlir_ciface_blade_rt_maxpool2d_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *y, int64_t site, int64_t flags,
    int64_t kernelH, int64_t kernelW, int64_t strideH, int64_t strideW,
    int64_t dilationH, int64_t dilationW, int64_t padTop, int64_t padLeft) {
  const int64_t params[10] = {kernelH,   kernelW, strideH, strideW, dilationH,
                              dilationW, padTop,  padLeft, 0,       0};
  guarded("maxpool2d (oneDNN)", [&] { maxPool(x, y, site, flags, params); });
}
