//===- ElementwiseBuilders.h - Building elementwise blade ops -----*- C++
//-*-===//
//
// Private to lib/Frontend/ONNX: helpers the elementwise and activation
// converters share to build broadcasting blade ops, scalar constants and
// element type checks, failing through the node context.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_LIB_FRONTEND_ONNX_ELEMENTWISEBUILDERS_H
#define BLADE_LIB_FRONTEND_ONNX_ELEMENTWISEBUILDERS_H

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

namespace blade::onnx_import {

/// Element type of a ranked tensor value.
inline mlir::Type elementTypeOf(mlir::Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType()).getElementType();
}

/// Kinds of element types a converter accepts, as a bit mask.
enum ElementKind : unsigned {
  kFloat = 1,
  kSigned = 2,   // signless i8..i64
  kUnsigned = 4, // ui8..ui64
  kBool = 8,     // i1
  kInteger = kSigned | kUnsigned,
  kNumeric = kFloat | kInteger,
};

/// The kind of `type`.
ElementKind elementKind(mlir::Type type);

/// Fails with "input #i: element type T is not supported" unless input `i`'s
/// element type is of one of `kinds`.
mlir::LogicalResult checkElementKind(NodeContext &ctx, unsigned i,
                                     unsigned kinds);

/// A rank-0 blade.constant of `elementType` holding `value` (truncated for
/// integers).
mlir::Value scalarConstant(NodeContext &ctx, mlir::Type elementType,
                           double value);

/// Result type of broadcasting `operands` together with `elementType`, or a
/// failure naming the shapes.
mlir::FailureOr<mlir::RankedTensorType> broadcastType(NodeContext &ctx,
                                                      mlir::ValueRange operands,
                                                      mlir::Type elementType);

/// A broadcasting binary op of `lhs` and `rhs` (same element type).
template <typename OpTy>
mlir::FailureOr<mlir::Value> buildBinary(NodeContext &ctx, mlir::Value lhs,
                                         mlir::Value rhs) {
  if (elementTypeOf(lhs) != elementTypeOf(rhs))
    return ctx.fail("operand element types differ");
  mlir::FailureOr<mlir::RankedTensorType> type =
      broadcastType(ctx, {lhs, rhs}, elementTypeOf(lhs));
  if (mlir::failed(type))
    return mlir::failure();
  // Folded on constants, so ONNX shape arithmetic (Sub of a rank, ...) stays
  // known at import.
  return ctx.builder.createOrFold<OpTy>(ctx.loc, *type, lhs, rhs);
}

/// blade.compare `predicate` of `lhs` and `rhs`: a bool tensor.
mlir::FailureOr<mlir::Value> buildCompare(NodeContext &ctx,
                                          llvm::StringRef predicate,
                                          mlir::Value lhs, mlir::Value rhs);

/// blade.select with three-way broadcasting.
mlir::FailureOr<mlir::Value> buildSelect(NodeContext &ctx, mlir::Value cond,
                                         mlir::Value onTrue,
                                         mlir::Value onFalse);

/// blade.convert of `v` to `elementType` (`v` itself if it has it).
mlir::Value buildConvert(NodeContext &ctx, mlir::Value v,
                         mlir::Type elementType);

/// A unary elementwise op keeping `v`'s type.
template <typename OpTy>
mlir::Value buildUnary(NodeContext &ctx, mlir::Value v) {
  return ctx.builder.createOrFold<OpTy>(ctx.loc, v);
}

} // namespace blade::onnx_import

#endif // BLADE_LIB_FRONTEND_ONNX_ELEMENTWISEBUILDERS_H
