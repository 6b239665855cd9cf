//===- Epilogues.h - Post-ops of matmul and conv kernels --------*- C++ -*-===//
//
// Which elementwise ops after a matmul or convolution its library kernel
// applies itself (oneDNN post-ops). One matcher serves the fusion planner,
// which groups these ops with their producer, and the library-call
// lowering, which absorbs them into the call.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_ANALYSIS_EPILOGUES_H
#define BLADE_DIALECT_BLADE_ANALYSIS_EPILOGUES_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <cmath>
#include <optional>

namespace blade {

/// Transposes between NCHW and NHWC.
inline constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
inline constexpr int64_t kToNCHW[] = {0, 3, 1, 2};

/// Whether `op` is a blade.transpose by `perm`.
bool isTransposeBy(mlir::Operation *op, llvm::ArrayRef<int64_t> perm);

/// If `v` is a blade.transpose from NHWC to NCHW (by kToNCHW), its input.
mlir::Value peelToNCHW(mlir::Value v);
/// Whether `v` is available where `op` stands (for a call replacing `op`).
bool definedBefore(mlir::Value v, mlir::Operation *op);
/// The value of a one-element (splat) f32 constant.
std::optional<float> splatF32(mlir::Value v);

/// The ops a matmul or conv kernel absorbs after its op, each the only user
/// of the one before and in the op's block.
struct Epilogue {
  llvm::SmallVector<mlir::Operation *> ops;
  /// Conv: the first op transposes the result to NHWC.
  bool nhwc = false;
  /// Matmul: the added bias; conv: the residual addend (in the result's
  /// layout, NHWC with `nhwc`). Null without an add.
  mlir::Value addend;
  /// Conv: Relu or Clip's max/min by constants as [lo, hi].
  bool clip = false;
  /// Matmul: an activation after the bias.
  enum class Activation { None, Relu, GeluErf, GeluTanh };
  Activation activation = Activation::None;
  float lo = -INFINITY, hi = INFINITY;
};

/// A matmul's epilogue, if `postOps` and the contracted dim is static and
/// not 0: the `blade.add` of a bias (rank 1 to the result's, f32, available
/// at the matmul) that is its only user, then a Relu or GELU.
Epilogue matchMatMulEpilogue(mlir::Operation *matmul, bool postOps = true);

/// A 1-D/2-D conv's epilogue, in this order: a transpose to NHWC (rank 4;
/// always taken: the result is then written channels-last), and with
/// `postOps` an add of a same-typed tensor available at the conv
/// (residual), then Relu, or Clip's max and/or min by constants.
Epilogue matchConvEpilogue(mlir::Operation *conv, bool postOps = true);

} // namespace blade

#endif // BLADE_DIALECT_BLADE_ANALYSIS_EPILOGUES_H
