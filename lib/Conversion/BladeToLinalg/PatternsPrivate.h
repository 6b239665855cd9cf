//===- PatternsPrivate.h - blade-to-linalg pattern sets -----------*- C++ -*-===//
//
// Private to lib/Conversion/BladeToLinalg: each category file exports its
// patterns through one populate function, and Utils.cpp holds the helpers they
// share.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_LIB_CONVERSION_BLADETOLINALG_PATTERNSPRIVATE_H
#define BLADE_LIB_CONVERSION_BLADETOLINALG_PATTERNSPRIVATE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace blade {
class SymbolicDims;
} // namespace blade

namespace blade::detail {

/// Tensor types as linalg/arith see them: unsigned integer element types
/// (ONNX uint8...uint64) become signless of the same width; the patterns keep
/// the signedness from the blade op's own types.
class BladeTypeConverter : public mlir::TypeConverter {
public:
  BladeTypeConverter();
};

void populateControlFlowPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
/// `dims` (may be null) proves broadcast dims equal (see SymbolicDims.h).
void populateElementwisePatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns,
                                 const SymbolicDims *dims);
void populateLinearAlgebraPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateMatrixPatterns(const mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);
void populateNNPatterns(const mlir::TypeConverter &converter,
                        mlir::RewritePatternSet &patterns);
void populateQuantPatterns(const mlir::TypeConverter &converter,
                           mlir::RewritePatternSet &patterns);
void populateRecurrentPatterns(const mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateReductionPatterns(const mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
void populateIndexingPatterns(const mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
void populateSignalPatterns(const mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);
void populateTextPatterns(const mlir::TypeConverter &converter,
                          mlir::RewritePatternSet &patterns);
void populateResizePatterns(const mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);
void populateImageSamplingPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
void populateSelectionPatterns(const mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);

/// f32 matmul and 1-D/2-D conv as calls of the runtime's kernels (preferred
/// over the linalg patterns). `sites` numbers the call sites; with
/// `postOps`, elementwise ops after them the kernels can apply go into the
/// calls (blade/Dialect/Blade/Analysis/Epilogues.h).
void populateLibraryCallPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns,
                                 int64_t *sites, bool postOps);
/// Declares the kernels those calls use in `module` / removes the unused
/// declarations again.
void declareLibraryCalls(mlir::ModuleOp module);
void removeUnusedLibraryCalls(mlir::ModuleOp module);

/// Body of a reduction: the new accumulator from an element (the inputs'
/// block arguments, in order) and the accumulator.
using ReductionBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange, mlir::Value)>;

/// Reduces the dims of `inputs[0]` marked in `reduced` with a linalg.generic
/// starting from `init`. Further inputs have the full rank (identity map) or
/// the reduced rank (the reduced map). The result drops the reduced dims.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::ValueRange inputs,
                           llvm::ArrayRef<bool> reduced, mlir::Value init,
                           ReductionBodyFn body);

/// With `keepdims`, expands `reduced` (the dims in `mask` dropped) back to
/// the full rank with 1s for the masked dims; then casts to `resultType`.
mlir::Value restoreReducedDims(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value reduced, llvm::ArrayRef<bool> mask,
                               bool keepdims,
                               mlir::RankedTensorType resultType);

/// The map from a full-rank iteration space to the dims not in `reduced`.
mlir::AffineMap getReducedMap(mlir::MLIRContext *ctx,
                              llvm::ArrayRef<bool> reduced);

/// A linalg.generic over the full shape of `inputs[0]` producing one
/// `elementType` tensor of that shape; each input is read through the
/// identity or, when its rank is lower, the reduced map of `reduced`.
mlir::Value
buildFullMap(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
             llvm::ArrayRef<bool> reduced, mlir::Type elementType,
             llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                            mlir::ValueRange)>
                 body);

/// The converted (signless) result type of `op`'s result `i`.
mlir::RankedTensorType convertedResultType(const mlir::TypeConverter &converter,
                                           mlir::Operation *op, unsigned i = 0);

/// Sizes of the dynamic dims of `resultType`, for a result whose dims are
/// numpy-broadcast from `operands` (aligned at the trailing dim). With
/// `ignoreTrailing` = k, the last k dims of the result and of every operand
/// take no part (matmul's matrix dims) and no sizes are returned for them.
llvm::SmallVector<mlir::Value>
getBroadcastDynamicSizes(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType resultType,
                         mlir::ValueRange operands, int64_t ignoreTrailing = 0);

/// `tensor.empty` of `type` with `dynamicSizes` for its `?` dims.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange dynamicSizes);

/// Indexing map of `operandType` into a broadcast iteration space of rank
/// `resultShape.size()`: statically-1 dims that broadcast read index 0.
mlir::AffineMap getBroadcastMap(mlir::MLIRContext *ctx,
                                llvm::ArrayRef<int64_t> operandShape,
                                llvm::ArrayRef<int64_t> resultShape);

/// A scalar constant of `type` (float or integer) holding `value`.
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, double value);

//===----------------------------------------------------------------------===//
// Index helpers of the data movement and indexing patterns (DataMovement.cpp)
//===----------------------------------------------------------------------===//

/// An index constant.
mlir::Value indexConst(mlir::OpBuilder &b, mlir::Location loc, int64_t v);
/// Dim `i` of the ranked tensor `v` as an index (a constant when static).
mlir::Value getDimValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        int64_t i);
/// Element `i` of the 1-D integer tensor `v`, as a (signed) index.
mlir::Value extractIndexAt(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value v, int64_t i);
/// An integer or index scalar as an index (sign-extending integers).
mlir::Value castToIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
/// A negative `index` gains `size`; the result is clamped to [0, size - 1]
/// so that reads never leave the tensor.
mlir::Value wrapAndClampIndex(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value index, mlir::Value size);
/// A `linalg.generic` without inputs that writes a tensor of `type`: `body`
/// gets the iteration indices and returns the element (typically from
/// `tensor.extract` of computed indices).
mlir::Value buildIndexedGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
    mlir::ValueRange dynamicSizes,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   llvm::ArrayRef<mlir::Value>)>
        body);

} // namespace blade::detail

#endif // BLADE_LIB_CONVERSION_BLADETOLINALG_PATTERNSPRIVATE_H
