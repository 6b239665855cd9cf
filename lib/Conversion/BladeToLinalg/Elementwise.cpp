//===- Elementwise.cpp - Elementwise blade ops to linalg.generic ----------===//
//
// Every elementwise op becomes one `linalg.generic` over the result's
// iteration space; broadcast operands read index 0 in their statically-1
// dims. The scalar body is picked from the blade element type (float,
// signed or unsigned integer); adding an op means adding one scalar builder
// and one line to the table at the bottom.
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

/// Builds the scalar result from the scalar operands. `type` is the blade
/// element type of the first operand: it tells float from signed from
/// unsigned, which the signless scalars no longer do.
using ScalarFn = Value (*)(OpBuilder &, Location, ValueRange, Type type);

/// Builds the linalg.generic that applies `fn` to the (broadcast) operands.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, Type bladeType, ScalarFn fn) {
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
        Value v = fn(nb, nloc, args.drop_back(), bladeType);
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

bool isUnsigned(Type t) { return t.isUnsignedInteger(); }

Value scalarAdd(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return isa<FloatType>(t) ? Value(arith::AddFOp::create(b, loc, a[0], a[1]))
                           : Value(arith::AddIOp::create(b, loc, a[0], a[1]));
}
Value scalarSub(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return isa<FloatType>(t) ? Value(arith::SubFOp::create(b, loc, a[0], a[1]))
                           : Value(arith::SubIOp::create(b, loc, a[0], a[1]));
}
Value scalarMul(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return isa<FloatType>(t) ? Value(arith::MulFOp::create(b, loc, a[0], a[1]))
                           : Value(arith::MulIOp::create(b, loc, a[0], a[1]));
}
Value scalarDiv(OpBuilder &b, Location loc, ValueRange a, Type t) {
  if (isa<FloatType>(t))
    return arith::DivFOp::create(b, loc, a[0], a[1]);
  if (isUnsigned(t))
    return arith::DivUIOp::create(b, loc, a[0], a[1]);
  return arith::DivSIOp::create(b, loc, a[0], a[1]);
}
Value scalarRelu(OpBuilder &b, Location loc, ValueRange a, Type t) {
  Value zero = createScalar(b, loc, a[0].getType(), 0.0);
  if (isa<FloatType>(t))
    return arith::MaximumFOp::create(b, loc, a[0], zero);
  if (isUnsigned(t))
    return a[0];
  return arith::MaxSIOp::create(b, loc, a[0], zero);
}
Value scalarSigmoid(OpBuilder &b, Location loc, ValueRange a, Type) {
  // 1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving 0.
  Type type = a[0].getType();
  Value neg = arith::NegFOp::create(b, loc, a[0]);
  Value e = math::ExpOp::create(b, loc, neg);
  Value one = createScalar(b, loc, type, 1.0);
  Value denom = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, one, denom);
}
Value scalarTanh(OpBuilder &b, Location loc, ValueRange a, Type) {
  return math::TanhOp::create(b, loc, a[0]);
}

template <typename OpTy, ScalarFn Fn>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        convertedResultType(*this->getTypeConverter(), op.getOperation());
    Type bladeType =
        cast<RankedTensorType>(op->getOperand(0).getType()).getElementType();
    Value result = buildElementwise(rewriter, op.getLoc(), resultType,
                                    adaptor.getOperands(), bladeType, Fn);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateElementwisePatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering<AddOp, scalarAdd>,
               ElementwiseLowering<SubOp, scalarSub>,
               ElementwiseLowering<MulOp, scalarMul>,
               ElementwiseLowering<DivOp, scalarDiv>,
               ElementwiseLowering<ReluOp, scalarRelu>,
               ElementwiseLowering<SigmoidOp, scalarSigmoid>,
               ElementwiseLowering<TanhOp, scalarTanh>>(converter,
                                                        patterns.getContext());
}
