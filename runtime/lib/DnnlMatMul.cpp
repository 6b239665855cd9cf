//===- DnnlMatMul.cpp - f32 matrix products on oneDNN ---------------------===//
//
// blade_rt_matmul_f32: one oneDNN matmul primitive per call site and operand
// layout, cached in the model's KernelCache. Operands keep their strides
// (transposed views need no copy); constant weights are reordered once into
// the layout the primitive prefers.
//
//===----------------------------------------------------------------------===//

#include "Dnnl.h"

#include <algorithm>
#include <cstring>
#include <optional>

using namespace blade::rt;
using namespace blade::rt::dnnl_kernels;

namespace {

struct MatMulEntry {
  /// The caller's operands as plain descriptors (a function of the key).
  dnnl::memory::desc aDesc, bDesc, cDesc, biasDesc;
  std::optional<BoundPrimitive> prim;
  /// Constant weights in the primitive's layout, or empty.
  dnnl::memory packedWeights;
  dnnl::memory::desc packedDesc;
};

/// Prepends unit dims until `op` has rank `rank`.
void padRank(Operand &op, int64_t rank) {
  while (op.rank() < rank) {
    op.sizes.insert(op.sizes.begin(), 1);
    op.strides.insert(op.strides.begin(), 0);
  }
}

/// Whether a bias of the result's rank is a row of the result's width
/// broadcast down its columns: oneDNN 2.6's fast matmul kernels take no
/// other bias and fall back to its reference kernel (hundreds of times
/// slower) for a full-size residual or a per-row addend.
bool isColumnBias(const Operand &bias, const Operand &result) {
  int64_t rank = bias.rank();
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (bias.sizes[d] != 1)
      return false;
  return bias.sizes[rank - 1] == result.sizes[rank - 1];
}

/// The stride of one row when the batch dims and the row dim of `op` (all
/// but the last) are one run of rows: each of them (size-1 dims aside)
/// steps over whole runs of the next. -1 otherwise.
int64_t rowStrideOfBatchedRows(const Operand &op) {
  int64_t stride = -1, span = 0;
  for (int64_t d = op.rank() - 2; d >= 0; --d) {
    if (op.sizes[d] == 1)
      continue;
    if (stride < 0)
      stride = op.strides[d];
    else if (op.strides[d] != span)
      return -1;
    span = op.strides[d] * op.sizes[d];
  }
  return stride < 0 ? op.strides[op.rank() - 1] * op.sizes.back() : stride;
}

/// `op` copied into a row-major scratch buffer of the same shape.
Operand denseCopy(const Operand &op) {
  Operand dense{nullptr, op.sizes, std::vector<int64_t>(op.rank(), 1)};
  for (int64_t d = op.rank() - 2; d >= 0; --d)
    dense.strides[d] = dense.strides[d + 1] * op.sizes[d + 1];
  dense.data = static_cast<float *>(
      scratch(SrcSlot, std::max<int64_t>(op.numElements(), 1) * sizeof(float)));
  copyInto(op, dense);
  return dense;
}

/// Makes a product whose weights are shared by every batch ([..., M, K] x
/// [K, N], a projection of a [S, B, D] activation) one 2-D product over all
/// rows when the result lays its batches out as runs of rows: a batch of
/// matrix-vector products (M = 1) re-reads the weights per batch. An lhs
/// whose rows are not such a run (a [B, S, D] tensor viewed [S, B, D]) is
/// copied into one first.
void foldBatchesIntoRows(Operand &A, Operand &B, Operand &C, Operand *bias) {
  int64_t rank = C.rank();
  if (rank < 3)
    return;
  for (int64_t d = 0; d + 2 < rank; ++d)
    if (B.sizes[d] != 1)
      return;
  int64_t aRow = rowStrideOfBatchedRows(A), cRow = rowStrideOfBatchedRows(C);
  if (cRow < 0)
    return;
  int64_t rows = C.numElements() / C.sizes.back();
  if (aRow < 0) {
    A = denseCopy(A);
    aRow = rowStrideOfBatchedRows(A);
  }
  auto toMatrix = [](Operand &op, int64_t m, int64_t rowStride) {
    op.sizes = {m, op.sizes.back()};
    op.strides = {rowStride, op.strides.back()};
  };
  toMatrix(A, rows, aRow);
  toMatrix(C, rows, cRow);
  toMatrix(B, B.sizes[rank - 2], B.strides[rank - 2]);
  if (bias)
    toMatrix(*bias, 1, 0);
}

} // namespace

void blade::rt::dnnl_kernels::matmul(Operand A, Operand B, Operand Bias,
                                     Operand C, int64_t site, int64_t flags,
                                     float alpha) {
  bool hasBias = flags & BLADE_KERNEL_HAS_BIAS;
  bool constWeights = flags & BLADE_KERNEL_CONST_WEIGHTS;
  int64_t rank = C.rank();
  if (rank < 2 || A.rank() < 2 || B.rank() < 2 || A.rank() > rank ||
      B.rank() > rank || (hasBias && Bias.rank() > rank))
    throw std::invalid_argument("operand ranks do not fit a matrix product");
  padRank(A, rank);
  padRank(B, rank);
  if (hasBias)
    padRank(Bias, rank);
  if (C.numElements() == 0)
    return;
  // Any other addend is put into the result first and added by a `sum`
  // post-op (before the activation).
  bool sumAddend = hasBias && !isColumnBias(Bias, C);
  if (!sumAddend) {
    foldBatchesIntoRows(A, B, C, hasBias ? &Bias : nullptr);
    rank = C.rank();
  }
  if (A.sizes[rank - 1] == 0) {
    // Empty sums: zeros (the lowering fuses no bias into such products).
    if (C.numElements() != C.sizes[0] * C.strides[0])
      throw std::invalid_argument("empty product into a strided result");
    std::memset(C.data, 0, C.numElements() * sizeof(float));
    return;
  }

  int64_t macs = C.numElements() * A.sizes[rank - 1];
  int64_t bytes = (A.numElements() + B.numElements() + C.numElements()) *
                  static_cast<int64_t>(sizeof(float));
  KernelThreads threads(macs, int64_t(1) << 20, bytes);
  KeyBuilder key("mm");
  key.add(site).add(threads.count()).add(flags).add(A.sizes).add(A.strides);
  key.add(B.sizes).add(B.strides).add(C.sizes).add(C.strides);
  int32_t alphaBits;
  std::memcpy(&alphaBits, &alpha, sizeof(alpha));
  key.add(alphaBits);
  if (hasBias)
    key.add(Bias.sizes).add(Bias.strides);
  if (constWeights)
    key.add(reinterpret_cast<intptr_t>(B.data));

  std::shared_ptr<MatMulEntry> entry = cached<MatMulEntry>(key.str(), [&]() {
    auto e = std::make_shared<MatMulEntry>();
    e->aDesc = plainDesc(A.sizes, A.strides);
    e->bDesc = plainDesc(B.sizes, B.strides);
    e->cDesc = plainDesc(C.sizes, C.strides);
    if (hasBias)
      e->biasDesc = plainDesc(Bias.sizes, Bias.strides);
    dnnl::memory::desc wantB =
        constWeights
            ? dnnl::memory::desc(e->bDesc.dims(), dnnl::memory::data_type::f32,
                                 dnnl::memory::format_tag::any)
            : e->bDesc;
    dnnl::primitive_attr attr = baseAttr();
    if (alpha != 1.0f)
      attr.set_output_scales(0, {alpha});
    dnnl::post_ops activation;
    if (sumAddend) // Scaled like a bias: alpha * (product + addend).
      activation.append_sum(alpha);
    if (flags & BLADE_KERNEL_RELU)
      activation.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f,
                                0.0f);
    else if (flags & BLADE_KERNEL_GELU_ERF)
      activation.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f,
                                0.0f);
    else if (flags & BLADE_KERNEL_GELU_TANH)
      activation.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_tanh,
                                0.0f, 0.0f);
    if (activation.len() > 0)
      attr.set_post_ops(activation);
    dnnl::matmul::desc desc =
        hasBias && !sumAddend
            ? dnnl::matmul::desc(e->aDesc, wantB, e->biasDesc, e->cDesc)
            : dnnl::matmul::desc(e->aDesc, wantB, e->cDesc);
    dnnl::matmul::primitive_desc pd(desc, attr, engine());
    e->prim.emplace(dnnl::matmul(pd), pd);
    if (constWeights && pd.weights_desc() != e->bDesc) {
      e->packedDesc = pd.weights_desc();
      e->packedWeights = packWeights(e->bDesc, B.data, e->packedDesc);
    }
    return e;
  });

  BoundPrimitive::Arg weights =
      entry->packedWeights
          ? BoundPrimitive::Arg{DNNL_ARG_WEIGHTS, entry->packedDesc,
                                entry->packedWeights.get_data_handle()}
          : BoundPrimitive::Arg{DNNL_ARG_WEIGHTS, entry->bDesc, B.data};
  if (sumAddend)
    copyInto(Bias, C);
  if (hasBias && !sumAddend)
    entry->prim->execute({{DNNL_ARG_SRC, entry->aDesc, A.data},
                          weights,
                          {DNNL_ARG_BIAS, entry->biasDesc, Bias.data},
                          {DNNL_ARG_DST, entry->cDesc, C.data}});
  else
    entry->prim->execute({{DNNL_ARG_SRC, entry->aDesc, A.data},
                          weights,
                          {DNNL_ARG_DST, entry->cDesc, C.data}});
}

extern "C" void _mlir_ciface_blade_rt_matmul_f32(
    BladeUnrankedMemRef *a, BladeUnrankedMemRef *b, BladeUnrankedMemRef *bias,
    BladeUnrankedMemRef *c, int64_t site, int64_t flags, float alpha) {
  guarded("matmul (oneDNN)", [&] {
    matmul(decode(a), decode(b),
           (flags & BLADE_KERNEL_HAS_BIAS) ? decode(bias) : Operand(),
           decode(c), site, flags, alpha);
  });
}
