//===- LibraryCallsPrivate.h - Shared by the library-call patterns -*- C++ -*-===//
//
// Private to lib/Conversion/BladeToLinalg: the runtime kernels' names and
// flags, and the operand helpers of LibraryCalls.cpp (matmul, conv, pooling)
// and RecurrentCall.cpp (recurrent layers).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_CONVERSION_BLADETOLINALG_LIBRARYCALLSPRIVATE_H
#define BLADE_CONVERSION_BLADETOLINALG_LIBRARYCALLSPRIVATE_H

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace blade::detail::calls {

// Keep in sync with BladeKernelFlags in runtime/include/blade-rt/Kernels.h.
inline constexpr int64_t kHasBias = 1, kConstWeights = 2, kSameUpper = 4,
                  kSameLower = 8, kAdd = 16, kClip = 32, kHasInitialH = 128,
                  kHasInitialC = 256, kHasPeepholes = 512, kRelu = 1024,
                  kGeluErf = 2048, kGeluTanh = 4096;
// Keep in sync with BladeRnnCell and BladeRnnDirection there.
inline constexpr int64_t kRnnLstm = 0, kRnnGru = 1, kRnnGruLinearBeforeReset = 2,
                  kRnnTanh = 3, kRnnRelu = 4, kRnnSigmoid = 5;

inline constexpr llvm::StringLiteral kMatMulFn = "blade_rt_matmul_f32";
inline constexpr llvm::StringLiteral kConvFn = "blade_rt_conv2d_f32";
inline constexpr llvm::StringLiteral kMaxPoolFn = "blade_rt_maxpool2d_f32";
inline constexpr llvm::StringLiteral kConvTransposeFn = "blade_rt_conv_transpose2d_f32";
inline constexpr llvm::StringLiteral kRnnFn = "blade_rt_rnn_f32";

/// Whether `t` is a ranked f32 tensor.
bool isF32Tensor(mlir::Type t);

/// Library calls are made in model functions, not in shape-check functions
/// (whose computations must fold away).
bool inModelFunction(mlir::Operation *op);

/// `tensor` as a read-only, fully dynamic strided memref; with `perm`, viewed
/// transposed by it (dim i of the view is dim perm[i] of `tensor`).
mlir::Value toStridedBuffer(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value tensor,
                            llvm::ArrayRef<int64_t> perm = {});

/// `memref` viewed transposed by `perm` (dim i of the view is dim perm[i]).
mlir::Value transposedView(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value memref, llvm::ArrayRef<int64_t> perm);

/// `memref` cast to an unranked memref (the kernels' C interface).
mlir::Value toUnranked(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value memref);

/// An i64 constant.
mlir::Value i64(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

/// The pattern turning `blade.recurrent` into a `blade_rt_rnn_f32` call.
void populateRecurrentCallPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns,
                                   int64_t *sites);

} // namespace blade::detail::calls

#endif // BLADE_CONVERSION_BLADETOLINALG_LIBRARYCALLSPRIVATE_H
