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

/// Renders a shape as `[?, 4, 8]` for messages.
std::string shapeToString(llvm::ArrayRef<int64_t> shape);

} // namespace blade

#endif // BLADE_DIALECT_BLADE_IR_TYPEINFERENCE_H
