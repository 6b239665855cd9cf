//===- ShapeHelpers.h - Shape values for the ONNX converters ----*- C++ -*-===//
//
// Private to lib/Frontend/ONNX (Shape, Indexing, Reduction, NN): building
// shape tensors from dims, reshapes whose dims are only known at run time,
// what is known at compile time about the entries of a shape tensor, and
// run-time checked lengths of shape-like inputs.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_LIB_FRONTEND_ONNX_SHAPEHELPERS_H
#define BLADE_LIB_FRONTEND_ONNX_SHAPEHELPERS_H

#include "ConverterRegistry.h"

namespace blade::onnx_import {

/// A 1-D int64 constant.
mlir::Value buildI64Constant(NodeContext &ctx, llvm::ArrayRef<int64_t> values);

/// Dim `i` of `v` as a tensor<1xi64> (a constant when static).
mlir::Value buildDimEntry(NodeContext &ctx, mlir::Value v, int64_t i);

/// `lhs * rhs` or `lhs / rhs` of two tensor<1xi64> entries (folded when both
/// are constants).
mlir::Value buildEntryArith(NodeContext &ctx, mlir::Value lhs, mlir::Value rhs,
                            bool divide);

/// Reshape of `v` to `shape`. With at most one dynamic dim this is a
/// blade.reshape; otherwise the dynamic dims take their run-time sizes from
/// `entries` (one tensor<1xi64> per result dim; null for static dims).
mlir::FailureOr<mlir::Value>
buildReshapeFromEntries(NodeContext &ctx, mlir::Value v,
                        llvm::ArrayRef<int64_t> shape,
                        llvm::ArrayRef<mlir::Value> entries);

/// The compile-time knowledge of each entry of a 1-D integer shape tensor
/// with a static length (looking through constants, blade.concat, reshapes
/// and blade.shape_of); std::nullopt for entries only known at run time.
/// Empty when the length itself is dynamic.
llvm::SmallVector<std::optional<int64_t>> traceShapeEntries(mlir::Value shape);

/// For each entry of a 1-D shape tensor with a static length: the tensor and
/// dim it was read from (through blade.shape_of, concat and reshapes), or a
/// null value when it was not read from a dim.
llvm::SmallVector<std::pair<mlir::Value, int64_t>>
traceDimSources(mlir::Value shape);

/// `v` with its dynamic dim `i` made `size` by a blade.checked_cast (checked
/// at run time); `v` itself when that dim is already static.
mlir::Value buildCheckedDim(NodeContext &ctx, mlir::Value v, int64_t i,
                            int64_t size);

/// A 1-D shape tensor of dynamic length, padded in front with ones to
/// `length` entries (Expand's alignment); a run-time check rejects a longer
/// one.
mlir::Value buildPaddedShape(NodeContext &ctx, mlir::Value shape,
                             int64_t length);

/// Unsqueeze (`insert`) or Squeeze of `x` along `axes`, a 1-D int64 tensor
/// of static length only known at run time: the result has `resultRank`
/// dynamic dims, its shape is computed from the axes and `x`'s dims, and a
/// blade.assert checks that the axes name distinct dims in range (for
/// Squeeze, of size 1).
mlir::FailureOr<mlir::Value> buildRuntimeAxesReshape(NodeContext &ctx,
                                                     mlir::Value x,
                                                     mlir::Value axes,
                                                     bool insert);

/// Int list from attribute `name` before opset `inputSince`, else from the
/// constant input `inputIndex`. Absent: std::nullopt; non-constant: failure.
mlir::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
getIntsAttrOrInput(NodeContext &ctx, llvm::StringRef name, int64_t inputSince,
                   unsigned inputIndex);

} // namespace blade::onnx_import

#endif // BLADE_LIB_FRONTEND_ONNX_SHAPEHELPERS_H
