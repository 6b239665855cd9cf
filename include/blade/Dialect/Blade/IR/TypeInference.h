//===- TypeInference.h - Shape rules shared by verifiers and importer -*- C++ -*-===//
//
// One place for the shape rules of blade ops. Op verifiers call the verify*
// functions; the ONNX importer calls the infer* functions to build result
// types. A `std::optional<Location>` of std::nullopt suppresses diagnostics.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_TYPEINFERENCE_H
#define BLADE_DIALECT_BLADE_IR_TYPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include <optional>
#include <utility>

namespace blade {

/// Numpy broadcasting of two shapes. Fails on two different static sizes
/// neither of which is 1.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferBroadcastShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs,
                    std::optional<mlir::Location> loc = std::nullopt);

/// Matrix product shape: [batch..., M, K] x [batch..., K, N] -> [batch..., M,
/// N] with broadcast batch dims. Both operands must be at least 2-D.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferMatMulShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs,
                 std::optional<mlir::Location> loc = std::nullopt);

/// Result shape of a transpose; fails if `perm` is not a permutation.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferTransposeShape(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> perm,
                    std::optional<mlir::Location> loc = std::nullopt);

/// Checks that a reshape from `from` to `to` is well formed: at most one
/// dynamic result dim, equal element counts when both are static, and a
/// static result element count that divides a static operand count.
mlir::LogicalResult verifyReshapeShapes(llvm::ArrayRef<int64_t> from,
                                        llvm::ArrayRef<int64_t> to,
                                        std::optional<mlir::Location> loc);

/// Result shape of a reduction over `axes` (sorted, unique, in range):
/// reduced dims become 1 with `keepdims`, else they are dropped.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferReduceShape(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> axes,
                 bool keepdims,
                 std::optional<mlir::Location> loc = std::nullopt);

/// Checks that `declared` refines (is compatible with) `inferred`.
mlir::LogicalResult verifyInferredShape(llvm::ArrayRef<int64_t> inferred,
                                        mlir::ShapedType declared,
                                        std::optional<mlir::Location> loc);

//===----------------------------------------------------------------------===//
// Shape, indexing and data movement (implemented in ShapeInference.cpp)
//===----------------------------------------------------------------------===//

/// Start and end of ONNX Slice on a dim of static size `dim`: negative values
/// count from `dim`, then both are clamped to [0, dim] (step > 0) or
/// [-1, dim - 1] (step < 0).
std::pair<int64_t, int64_t> clampSliceBounds(int64_t dim, int64_t start,
                                             int64_t end, int64_t step);
/// Size of a sliced dim: `max(ceil((end - start) / step), 0)` after clamping,
/// or dynamic when `dim` is.
int64_t inferSliceDim(int64_t dim, int64_t start, int64_t end, int64_t step);

/// Concatenation along `axis` (non-negative): the other dims must agree
/// where static.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferConcatShape(llvm::ArrayRef<llvm::SmallVector<int64_t>> shapes,
                 int64_t axis, std::optional<mlir::Location> loc = std::nullopt);

/// Gather: data[:axis] + indices + data[axis + 1:].
llvm::SmallVector<int64_t> inferGatherShape(llvm::ArrayRef<int64_t> data,
                                            llvm::ArrayRef<int64_t> indices,
                                            int64_t axis);

/// GatherND: indices[:-1] + data[batchDims + indices[-1]:]; the last indices
/// dim must be static.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferGatherNDShape(llvm::ArrayRef<int64_t> data,
                   llvm::ArrayRef<int64_t> indices, int64_t batchDims,
                   std::optional<mlir::Location> loc = std::nullopt);

/// Renders a shape as `[?, 4, 8]` for messages.
std::string shapeToString(llvm::ArrayRef<int64_t> shape);

} // namespace blade

#endif // BLADE_DIALECT_BLADE_IR_TYPEINFERENCE_H
