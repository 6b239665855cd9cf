//===- Activations.cpp - ONNX activations decomposed into blade ops -------===//
//
// LeakyRelu, Elu, Selu, Celu, HardSigmoid, HardSwish, Softplus, Softsign,
// ThresholdedRelu, Shrink and PRelu become compare/select and arithmetic on
// scalar constants; linalg elementwise fusion merges them into one loop.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseBuilders.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// Builds the decomposition of one activation of a float (or, for Shrink and
/// PRelu, numeric) input: a small expression language over FailureOr so
/// that every step can fail through the node context.
class Expr {
public:
  Expr(NodeContext &ctx, Type type) : ctx(ctx), type(type) {}

  Value c(double v) { return scalarConstant(ctx, type, v); }

  template <typename OpTy>
  FailureOr<Value> bin(FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(a) || failed(b))
      return failure();
    return buildBinary<OpTy>(ctx, *a, *b);
  }
  template <typename OpTy> FailureOr<Value> un(FailureOr<Value> a) {
    if (failed(a))
      return failure();
    return buildUnary<OpTy>(ctx, *a);
  }
  FailureOr<Value> cmp(StringRef pred, FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(a) || failed(b))
      return failure();
    return buildCompare(ctx, pred, *a, *b);
  }
  FailureOr<Value> select(FailureOr<Value> cond, FailureOr<Value> a,
                          FailureOr<Value> b) {
    if (failed(cond) || failed(a) || failed(b))
      return failure();
    return buildSelect(ctx, *cond, *a, *b);
  }

private:
  NodeContext &ctx;
  Type type;
};

/// Runs `build` on the (float) input and records its result.
template <typename Fn>
LogicalResult convertActivation(NodeContext &ctx, unsigned kinds, Fn build) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x) || failed(checkElementKind(ctx, 0, kinds)))
    return failure();
  Expr e(ctx, elementTypeOf(*x));
  FailureOr<Value> r = build(e, *x);
  return failed(r) ? failure() : ctx.setOutputs({*r});
}

LogicalResult convertLeakyRelu(NodeContext &ctx) {
  double alpha = ctx.floatAttr("alpha", 0.01f);
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    return e.select(e.cmp("lt", x, e.c(0)), e.bin<MulOp>(x, e.c(alpha)), x);
  });
}

LogicalResult convertElu(NodeContext &ctx) {
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    auto expm1 = e.bin<SubOp>(e.un<ExpOp>(x), e.c(1));
    return e.select(e.cmp("lt", x, e.c(0)), e.bin<MulOp>(expm1, e.c(alpha)), x);
  });
}

LogicalResult convertSelu(NodeContext &ctx) {
  double alpha = ctx.floatAttr("alpha", 1.67326319217681884765625f);
  double gamma = ctx.floatAttr("gamma", 1.05070102214813232421875f);
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    auto neg =
        e.bin<SubOp>(e.bin<MulOp>(e.un<ExpOp>(x), e.c(alpha)), e.c(alpha));
    auto y = e.select(e.cmp("le", x, e.c(0)), neg, x);
    return e.bin<MulOp>(y, e.c(gamma));
  });
}

LogicalResult convertCelu(NodeContext &ctx) {
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    auto scaled = e.un<ExpOp>(e.bin<DivOp>(x, e.c(alpha)));
    auto neg = e.bin<MulOp>(e.bin<SubOp>(scaled, e.c(1)), e.c(alpha));
    return e.bin<AddOp>(e.bin<MaxOp>(x, e.c(0)), e.bin<MinOp>(neg, e.c(0)));
  });
}

/// max(0, min(1, alpha * x + beta))
FailureOr<Value> hardSigmoid(Expr &e, Value x, double alpha, double beta) {
  auto lin = e.bin<AddOp>(e.bin<MulOp>(x, e.c(alpha)), e.c(beta));
  return e.bin<MaxOp>(e.bin<MinOp>(lin, e.c(1)), e.c(0));
}

LogicalResult convertHardSigmoid(NodeContext &ctx) {
  double alpha = ctx.floatAttr("alpha", 0.2f);
  double beta = ctx.floatAttr("beta", 0.5f);
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    return hardSigmoid(e, x, alpha, beta);
  });
}

LogicalResult convertHardSwish(NodeContext &ctx) {
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    return e.bin<MulOp>(x, hardSigmoid(e, x, 1.0 / 6.0, 0.5));
  });
}

/// log(1 + exp(x)) as max(x, 0) + log(1 + exp(-|x|)), which neither
/// overflows nor loses large x.
FailureOr<Value> softplus(Expr &e, Value x) {
  auto tail = e.un<LogOp>(
      e.bin<AddOp>(e.un<ExpOp>(e.un<NegOp>(e.un<AbsOp>(x))), e.c(1)));
  return e.bin<AddOp>(e.bin<MaxOp>(x, e.c(0)), tail);
}

LogicalResult convertSoftplus(NodeContext &ctx) {
  return convertActivation(ctx, kFloat,
                           [&](Expr &e, Value x) { return softplus(e, x); });
}

LogicalResult convertMish(NodeContext &ctx) {
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    return e.bin<MulOp>(x, e.un<TanhOp>(softplus(e, x)));
  });
}

LogicalResult convertSoftsign(NodeContext &ctx) {
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    return e.bin<DivOp>(x, e.bin<AddOp>(e.un<AbsOp>(x), e.c(1)));
  });
}

LogicalResult convertThresholdedRelu(NodeContext &ctx) {
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return convertActivation(ctx, kFloat, [&](Expr &e, Value x) {
    return e.select(e.cmp("gt", x, e.c(alpha)), x, e.c(0));
  });
}

LogicalResult convertShrink(NodeContext &ctx) {
  double bias = ctx.floatAttr("bias", 0.0f);
  double lambd = ctx.floatAttr("lambd", 0.5f);
  return convertActivation(ctx, kNumeric, [&](Expr &e, Value x) {
    FailureOr<Value> y = e.select(e.cmp("gt", x, e.c(lambd)),
                                  e.bin<SubOp>(x, e.c(bias)), e.c(0));
    if (elementTypeOf(x).isUnsignedInteger())
      return y; // Nothing is below -lambd.
    return e.select(e.cmp("lt", x, e.c(-lambd)), e.bin<AddOp>(x, e.c(bias)), y);
  });
}

LogicalResult convertPRelu(NodeContext &ctx) {
  FailureOr<Value> slope = ctx.requiredInput(1);
  FailureOr<Value> input = ctx.requiredInput(0);
  if (failed(slope) || failed(input))
    return failure();
  // Before opset 7 a 1-D slope holds one value per channel (dim 1).
  auto slopeType = cast<RankedTensorType>(slope->getType());
  auto inputType = cast<RankedTensorType>(input->getType());
  if (ctx.opset < 7 && slopeType.getRank() == 1 && inputType.getRank() > 2 &&
      slopeType.getDimSize(0) != 1 &&
      (inputType.isDynamicDim(1) ||
       slopeType.getDimSize(0) == inputType.getDimSize(1))) {
    SmallVector<int64_t> shape(inputType.getRank() - 1, 1);
    shape[0] = slopeType.getDimSize(0);
    slope = buildReshape(ctx, *slope, shape);
    if (failed(slope))
      return failure();
  }
  return convertActivation(
      ctx, ctx.opset < 9 ? kFloat : kNumeric,
      [&](Expr &e, Value x) -> FailureOr<Value> {
        // The slope broadcasts to x, never the other way.
        auto xType = cast<RankedTensorType>(x.getType());
        FailureOr<RankedTensorType> type =
            broadcastType(ctx, {x, *slope}, xType.getElementType());
        if (failed(type))
          return failure();
        // A dynamic input dim may be refined by a static slope dim.
        auto fits = [](int64_t inferred, int64_t d) {
          return inferred == d || ShapedType::isDynamic(d);
        };
        if (type->getRank() != xType.getRank() ||
            !llvm::all_of_zip(type->getShape(), xType.getShape(), fits))
          return ctx.fail(
              "slope shape " +
              shapeToString(
                  cast<RankedTensorType>(slope->getType()).getShape()) +
              " does not broadcast to the input shape " +
              shapeToString(xType.getShape()));
        return e.select(e.cmp("lt", x, e.c(0)), e.bin<MulOp>(x, *slope), x);
      });
}

} // namespace

void registerActivationConverters(ConverterRegistry &r) {
  r.add("LeakyRelu", 6, convertLeakyRelu);
  r.add("Elu", 6, convertElu);
  r.add("Selu", 6, convertSelu);
  r.add("Celu", 12, convertCelu);
  r.add("HardSigmoid", 6, convertHardSigmoid);
  r.add("HardSwish", 14, convertHardSwish);
  r.add("Softplus", 1, convertSoftplus);
  r.add("Softsign", 1, convertSoftsign);
  r.add("ThresholdedRelu", 10, convertThresholdedRelu);
  r.add("Shrink", 9, convertShrink);
  r.add("PRelu", 6, convertPRelu);
  // Mish is opset 18, past the newest opset the importer reads; registered
  // so that it is ready when that moves.
  r.add("Mish", 18, 18, convertMish);
}

} // namespace blade::onnx_import
