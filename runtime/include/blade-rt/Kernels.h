//===- Kernels.h - Library kernels called by compiled models ----*- C++ -*-===//
//
// Entry points compiled code calls for compute-bound ops. They follow MLIR's
// C interface (llvm.emit_c_interface): each memref operand is an unranked
// memref passed by pointer, scalars by value. They read the calling thread's
// RunContext for their thread count and kernel cache, never throw and never
// abort: failures go to rt::reportKernelError.
//
// `site` identifies the call site within the model (the compiler numbers
// them); primitives are cached per site and operand shapes/strides, and
// weights flagged constant are reordered into the kernel's layout once.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_KERNELS_H
#define BLADE_RT_KERNELS_H

#include <cstdint>

extern "C" {

/// An unranked memref of the C interface: its rank and a pointer to the
/// ranked descriptor ([allocated, aligned, offset, sizes..., strides...]).
struct BladeUnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

/// Flags of the kernels below.
enum BladeKernelFlags : int64_t {
  BLADE_KERNEL_HAS_BIAS = 1,      ///< The bias operand is used.
  BLADE_KERNEL_CONST_WEIGHTS = 2, ///< Weights are compile-time constants.
  BLADE_KERNEL_SAME_UPPER = 4,    ///< Conv pads follow ONNX SAME_UPPER.
  BLADE_KERNEL_SAME_LOWER = 8,    ///< Conv pads follow ONNX SAME_LOWER.
  BLADE_KERNEL_ADD = 16,          ///< Conv: the addend operand is added.
  BLADE_KERNEL_CLIP = 32,         ///< Conv: min(max(y, alpha), beta) last.
  BLADE_KERNEL_LEAKY_RELU = 64,   ///< Conv: y < 0 ? alpha * y : y last.
  BLADE_KERNEL_HAS_INITIAL_H = 128, ///< Recurrent: initial_h is used.
  BLADE_KERNEL_HAS_INITIAL_C = 256, ///< Recurrent: initial_c is used (LSTM).
  BLADE_KERNEL_HAS_PEEPHOLES = 512, ///< Recurrent: P is used (LSTM).
  BLADE_KERNEL_RELU = 1024,      ///< Matmul: max(y, 0) last.
  BLADE_KERNEL_GELU_ERF = 2048,  ///< Matmul: y * Phi(y) (erf form) last.
  BLADE_KERNEL_GELU_TANH = 4096, ///< Matmul: GELU's tanh approximation last.
};

/// Cells of blade_rt_rnn_f32 (ONNX's default activations only).
enum BladeRnnCell : int64_t {
  BLADE_RNN_LSTM = 0,                    ///< Sigmoid, Tanh, Tanh.
  BLADE_RNN_GRU = 1,                     ///< Sigmoid, Tanh.
  BLADE_RNN_GRU_LINEAR_BEFORE_RESET = 2, ///< GRU, linear_before_reset = 1.
  BLADE_RNN_TANH = 3,                    ///< RNN cells by activation.
  BLADE_RNN_RELU = 4,
  BLADE_RNN_SIGMOID = 5,
};

/// Directions of blade_rt_rnn_f32.
enum BladeRnnDirection : int64_t {
  BLADE_RNN_FORWARD = 0,
  BLADE_RNN_REVERSE = 1,
  BLADE_RNN_BIDIRECTIONAL = 2,
};

/// f32 `c = alpha * (a x b + bias)` (oneDNN's order: the scale applies to
/// the biased sum): a [..., M, K], b [..., K, N],
/// c [..., M, N] (any strides: transposes are views); batch dims broadcast
/// numpy-style (ranks may differ). The bias broadcasts to c. Without
/// BLADE_KERNEL_HAS_BIAS the bias operand is ignored. With
/// BLADE_KERNEL_RELU, _GELU_ERF or _GELU_TANH that activation is applied to
/// c last.
void _mlir_ciface_blade_rt_matmul_f32(BladeUnrankedMemRef *a,
                                      BladeUnrankedMemRef *b,
                                      BladeUnrankedMemRef *bias,
                                      BladeUnrankedMemRef *c, int64_t site,
                                      int64_t flags, float alpha);

/// f32 grouped 2-D (or 1-D) convolution, ONNX Conv semantics: x [N, C, H, W],
/// w [M, C / group, KH, KW], bias [M], y [N, M, OH, OW] (sizes given by y).
/// 1-D convolutions pass rank-3 operands and unit H parameters. Explicit pads
/// are top, left, bottom, right; with a SAME flag they are computed here from
/// the input and output sizes. x and y may be channels-last in memory (their
/// strides say so: channel stride 1); the kernel then runs on that layout
/// without reorders. An epilogue follows the biased sum, in this order:
/// with BLADE_KERNEL_ADD, `addend` (y's sizes, any strides) is added; then
/// with BLADE_KERNEL_CLIP, y = min(max(y, alpha), beta) (ReLU: 0, +inf;
/// ReLU6: 0, 6), or with BLADE_KERNEL_LEAKY_RELU, y = y < 0 ? alpha * y : y.
/// Operands not flagged are ignored (pass any memref).
void _mlir_ciface_blade_rt_conv2d_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *w, BladeUnrankedMemRef *bias,
    BladeUnrankedMemRef *y, BladeUnrankedMemRef *addend, int64_t site,
    int64_t flags, int64_t group, int64_t strideH, int64_t strideW,
    int64_t dilationH, int64_t dilationW, int64_t padTop, int64_t padLeft,
    int64_t padBottom, int64_t padRight, float alpha, float beta);

/// f32 grouped 2-D (or 1-D) transposed convolution, ONNX ConvTranspose:
/// x [N, C, H, W], w [C, M / group, KH, KW], bias [M], y [N, M, OH, OW].
/// Begin pads are explicit (the compiler resolves SAME); the end pads follow
/// from y's size, which includes output_padding.
void _mlir_ciface_blade_rt_conv_transpose2d_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *w, BladeUnrankedMemRef *bias,
    BladeUnrankedMemRef *y, int64_t site, int64_t flags, int64_t group,
    int64_t strideH, int64_t strideW, int64_t dilationH, int64_t dilationW,
    int64_t padTop, int64_t padLeft);

/// f32 2-D max pooling, ONNX MaxPool
/// semantics without indices: x [N, C, H, W], y [N, C, OH, OW] (sizes given
/// by y, so ceil_mode needs no flag: the end pads follow from them). Begin
/// pads are explicit unless a SAME flag is set.
void _mlir_ciface_blade_rt_maxpool2d_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *y, int64_t site, int64_t flags,
    int64_t kernelH, int64_t kernelW, int64_t strideH, int64_t strideW,
    int64_t dilationH, int64_t dilationW, int64_t padTop, int64_t padLeft);

/// An f32 ONNX LSTM/GRU/RNN layer without sequence_lens, clip or
/// input_forget, with the cell's default activations: x [seq, batch, input],
/// w [D, G * H, input], r [D, G * H, H], b [D, 2 * G * H], h0 and c0
/// [D, batch, H], p [D, 3 * H] (ONNX gate orders and layouts); results y
/// [seq, D, batch, H], yh and yc [D, batch, H]. D is 2 for
/// BLADE_RNN_BIDIRECTIONAL, else 1. Operands without their flag (b, h0, c0,
/// p) and yc of a GRU/RNN are ignored. BLADE_KERNEL_CONST_WEIGHTS means w,
/// r, b and p are all constants.
void _mlir_ciface_blade_rt_rnn_f32(
    BladeUnrankedMemRef *x, BladeUnrankedMemRef *w, BladeUnrankedMemRef *r,
    BladeUnrankedMemRef *b, BladeUnrankedMemRef *h0, BladeUnrankedMemRef *c0,
    BladeUnrankedMemRef *p, BladeUnrankedMemRef *y, BladeUnrankedMemRef *yh,
    BladeUnrankedMemRef *yc, int64_t site, int64_t flags, int64_t cell,
    int64_t direction);
}

#endif // BLADE_RT_KERNELS_H
