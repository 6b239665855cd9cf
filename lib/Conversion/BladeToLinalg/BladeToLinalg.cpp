//===- BladeToLinalg.cpp - The blade-lower-to-linalg pass -----------------===//

#include "blade/Conversion/Passes.h"
#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace blade {
#define GEN_PASS_DEF_BLADELOWERTOLINALGPASS
#include "blade/Conversion/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

struct BladeLowerToLinalgPass
    : blade::impl::BladeLowerToLinalgPassBase<BladeLowerToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    blade::detail::populateElementwisePatterns(patterns);
    blade::detail::populateLinearAlgebraPatterns(patterns);
    blade::detail::populateDataMovementPatterns(patterns);
    blade::detail::populateSoftmaxPatterns(patterns);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<blade::BladeDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
