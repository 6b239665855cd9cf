//===- Elementwise.cpp - Elementwise blade ops to linalg.generic ----------===//
//
// Every elementwise op becomes one `linalg.generic` over the result's
// iteration space; broadcast operands read index 0 in their statically-1
// dims. The scalar body is picked from the element type.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

using ScalarFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Builds the linalg.generic that applies `fn` to the (broadcast) operands.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarFn fn) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(getBroadcastMap(
        ctx, cast<RankedTensorType>(operand.getType()).getShape(),
        resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  Value init =
      createEmpty(b, loc, resultType,
                  getBroadcastDynamicSizes(b, loc, resultType, operands));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = fn(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

Value scalarAdd(OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? Value(arith::AddFOp::create(b, loc, a[0], a[1]))
                       : Value(arith::AddIOp::create(b, loc, a[0], a[1]));
}
Value scalarSub(OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? Value(arith::SubFOp::create(b, loc, a[0], a[1]))
                       : Value(arith::SubIOp::create(b, loc, a[0], a[1]));
}
Value scalarMul(OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? Value(arith::MulFOp::create(b, loc, a[0], a[1]))
                       : Value(arith::MulIOp::create(b, loc, a[0], a[1]));
}
Value scalarDiv(OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? Value(arith::DivFOp::create(b, loc, a[0], a[1]))
                       : Value(arith::DivSIOp::create(b, loc, a[0], a[1]));
}
Value scalarRelu(OpBuilder &b, Location loc, ValueRange a) {
  Value zero = createScalar(b, loc, a[0].getType(), 0.0);
  return isFloat(a[0]) ? Value(arith::MaximumFOp::create(b, loc, a[0], zero))
                       : Value(arith::MaxSIOp::create(b, loc, a[0], zero));
}
Value scalarSigmoid(OpBuilder &b, Location loc, ValueRange a) {
  // 1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving 0.
  Type t = a[0].getType();
  Value neg = arith::NegFOp::create(b, loc, a[0]);
  Value e = math::ExpOp::create(b, loc, neg);
  Value one = createScalar(b, loc, t, 1.0);
  Value denom = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, one, denom);
}
Value scalarTanh(OpBuilder &b, Location loc, ValueRange a) {
  return math::TanhOp::create(b, loc, a[0]);
}

template <typename OpTy, Value (*Fn)(OpBuilder &, Location, ValueRange)>
struct ElementwiseLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Value result = buildElementwise(rewriter, op.getLoc(), resultType,
                                    op->getOperands(), Fn);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ElementwiseLowering<AddOp, scalarAdd>,
               ElementwiseLowering<SubOp, scalarSub>,
               ElementwiseLowering<MulOp, scalarMul>,
               ElementwiseLowering<DivOp, scalarDiv>,
               ElementwiseLowering<ReluOp, scalarRelu>,
               ElementwiseLowering<SigmoidOp, scalarSigmoid>,
               ElementwiseLowering<TanhOp, scalarTanh>>(ctx);
}
