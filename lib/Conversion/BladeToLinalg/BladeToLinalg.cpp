//===- BladeToLinalg.cpp - The blade-lower-to-linalg pass -----------------===//

#include "blade/Conversion/Passes.h"
#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/Analysis/SymbolicDims.h"
#include "blade/Dialect/Blade/IR/BladeDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"

namespace blade {
#define GEN_PASS_DEF_BLADELOWERTOLINALGPASS
#include "blade/Conversion/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

/// Rebuilds a non-blade op without regions (e.g. tensor.dim in a shape-check
/// function) with converted operand and result types.
struct ConvertAnyOpTypes : ConversionPattern {
  ConvertAnyOpTypes(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (op->getNumRegions() != 0 || isa<func::ReturnOp>(op))
      return failure();
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         resultTypes, op->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

struct BladeLowerToLinalgPass
    : blade::impl::BladeLowerToLinalgPassBase<BladeLowerToLinalgPass> {
  using BladeLowerToLinalgPassBase::BladeLowerToLinalgPassBase;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    blade::detail::BladeTypeConverter converter;
    RewritePatternSet patterns(ctx);
    int64_t nextSite = 0;
    if (libraryCalls) {
      blade::detail::declareLibraryCalls(getOperation());
      blade::detail::populateLibraryCallPatterns(converter, patterns,
                                                 &nextSite, epilogueFusion);
    }
    blade::detail::populateControlFlowPatterns(converter, patterns);
    std::optional<blade::SymbolicDims> dims;
    if (symbolicDims)
      dims.emplace(getOperation());
    blade::detail::populateElementwisePatterns(converter, patterns,
                                               dims ? &*dims : nullptr);
    blade::detail::populateLinearAlgebraPatterns(converter, patterns);
    blade::detail::populateDataMovementPatterns(converter, patterns);
    blade::detail::populateMatrixPatterns(converter, patterns);
    blade::detail::populateNNPatterns(converter, patterns);
    blade::detail::populateQuantPatterns(converter, patterns);
    blade::detail::populateRecurrentPatterns(converter, patterns);
    blade::detail::populateReductionPatterns(converter, patterns);
    blade::detail::populateIndexingPatterns(converter, patterns);
    blade::detail::populateNormalizationPatterns(converter, patterns);
    blade::detail::populateSignalPatterns(converter, patterns);
    blade::detail::populateTextPatterns(converter, patterns);
    blade::detail::populateResizePatterns(converter, patterns);
    blade::detail::populateImageSamplingPatterns(converter, patterns);
    blade::detail::populateSelectionPatterns(converter, patterns);
    // Function signatures and returns lose unsigned element types too.
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    patterns.add<ConvertAnyOpTypes>(converter, ctx);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<blade::BladeDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return converter.isSignatureLegal(func.getFunctionType()) &&
             converter.isLegal(&func.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp ret) { return converter.isLegal(ret); });
    // Everything else (arith, linalg, math, tensor, ...) is legal once its
    // types are.
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    if (libraryCalls)
      blade::detail::removeUnusedLibraryCalls(getOperation());
  }
};

} // namespace
