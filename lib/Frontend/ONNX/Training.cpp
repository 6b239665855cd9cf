//===- Training.cpp - ONNX Adagrad, Adam, Momentum (preview.training) -----===//
//
// The optimizer ops of domain ai.onnx.preview.training, opset 1, as
// elementwise blade ops. Inputs: R (learning rate), T (update count), then
// the n tensors X, the n gradients G and n of each optimizer state; outputs:
// the n new X, then the n new values of each state.
//
//===----------------------------------------------------------------------===//

#include "ConverterRegistry.h"
#include "ElementwiseBuilders.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// Builds scalar arithmetic on broadcasting blade ops; the first failure is
/// kept (its diagnostic emitted) and later calls do nothing.
class Arith {
public:
  Arith(NodeContext &ctx, Type floatType) : ctx(ctx), floatType(floatType) {}

  Value c(double v) { return scalarConstant(ctx, floatType, v); }
  Value add(Value a, Value b) { return binary<AddOp>(a, b); }
  Value sub(Value a, Value b) { return binary<SubOp>(a, b); }
  Value mul(Value a, Value b) { return binary<MulOp>(a, b); }
  Value div(Value a, Value b) { return binary<DivOp>(a, b); }
  Value pow(Value a, Value b) { return binary<PowOp>(a, b); }
  Value sqrt(Value a) { return ok ? buildUnary<SqrtOp>(ctx, a) : a; }
  /// `onTrue` where the int64 scalar `t` is positive, else `onFalse`.
  Value ifPositive(Value t, Value onTrue, Value onFalse) {
    if (!ok)
      return onTrue;
    FailureOr<Value> cond =
        buildCompare(ctx, "gt", t, scalarConstant(ctx, elementTypeOf(t), 0));
    FailureOr<Value> r =
        succeeded(cond) ? buildSelect(ctx, *cond, onTrue, onFalse) : cond;
    ok = succeeded(r);
    return ok ? *r : onTrue;
  }
  bool succeededSoFar() const { return ok; }

private:
  template <typename OpTy> Value binary(Value a, Value b) {
    if (!ok)
      return a;
    FailureOr<Value> r = buildBinary<OpTy>(ctx, a, b);
    ok = succeeded(r);
    return ok ? *r : a;
  }

  NodeContext &ctx;
  Type floatType;
  bool ok = true;
};

/// The inputs, checked: R a float scalar, T an int64 scalar, then `groups`
/// groups of n tensors of R's element type.
struct OptimizerInputs {
  Value r, t;
  SmallVector<SmallVector<Value>> groups;
  Type floatType;
};

FailureOr<OptimizerInputs> readInputs(NodeContext &ctx, unsigned groups) {
  OptimizerInputs in;
  SmallVector<Value> all;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    all.push_back(*v);
  }
  if (all.size() < 2 + groups || (all.size() - 2) % groups != 0)
    return ctx.fail("expected R, T and " + Twine(groups) +
                    " groups of equally many tensors");
  in.r = all[0];
  in.t = all[1];
  in.floatType = elementTypeOf(in.r);
  if (!isa<FloatType>(in.floatType) ||
      cast<RankedTensorType>(in.r.getType()).getRank() != 0)
    return ctx.fail("R must be a float scalar");
  if (!elementTypeOf(in.t).isInteger(64) ||
      cast<RankedTensorType>(in.t.getType()).getRank() != 0)
    return ctx.fail("T must be an int64 scalar");
  size_t n = (all.size() - 2) / groups;
  for (unsigned g = 0; g < groups; ++g) {
    in.groups.emplace_back(all.begin() + 2 + g * n,
                           all.begin() + 2 + (g + 1) * n);
    for (Value v : in.groups.back())
      if (elementTypeOf(v) != in.floatType)
        return ctx.fail("every tensor must have R's element type");
  }
  return in;
}

LogicalResult convertAdagrad(NodeContext &ctx) {
  FailureOr<OptimizerInputs> in = readInputs(ctx, 3);
  if (failed(in))
    return failure();
  Arith a(ctx, in->floatType);
  double decay = ctx.floatAttr("decay_factor", 0.0f);
  double eps = ctx.floatAttr("epsilon", 1e-6f);
  double norm = ctx.floatAttr("norm_coefficient", 0.0f);
  Value t = buildConvert(ctx, in->t, in->floatType);
  // r / (1 + t * decay_factor)
  Value rate = a.div(in->r, a.add(a.c(1), a.mul(t, a.c(decay))));
  SmallVector<Value> xs, hs;
  for (auto [x, g, h] :
       llvm::zip(in->groups[0], in->groups[1], in->groups[2])) {
    Value gr = a.add(a.mul(a.c(norm), x), g);
    Value hNew = a.add(h, a.mul(gr, gr));
    Value hSqrt = a.add(a.sqrt(hNew), a.c(eps));
    xs.push_back(a.sub(x, a.div(a.mul(rate, gr), hSqrt)));
    hs.push_back(hNew);
  }
  if (!a.succeededSoFar())
    return failure();
  llvm::append_range(xs, hs);
  return ctx.setOutputs(xs);
}

LogicalResult convertAdam(NodeContext &ctx) {
  FailureOr<OptimizerInputs> in = readInputs(ctx, 4);
  if (failed(in))
    return failure();
  Arith a(ctx, in->floatType);
  double alpha = ctx.floatAttr("alpha", 0.9f);
  double beta = ctx.floatAttr("beta", 0.999f);
  double eps = ctx.floatAttr("epsilon", 1e-6f);
  double norm = ctx.floatAttr("norm_coefficient", 0.0f);
  double post = ctx.floatAttr("norm_coefficient_post", 0.0f);
  Value t = buildConvert(ctx, in->t, in->floatType);
  // With bias correction from the first update on:
  // r * sqrt(1 - beta^t) / (1 - alpha^t).
  Value corrected =
      a.div(a.mul(in->r, a.sqrt(a.sub(a.c(1), a.pow(a.c(beta), t)))),
            a.sub(a.c(1), a.pow(a.c(alpha), t)));
  Value rate = a.ifPositive(in->t, corrected, in->r);
  SmallVector<Value> xs, vs, hs;
  for (auto [x, g, v, h] :
       llvm::zip(in->groups[0], in->groups[1], in->groups[2], in->groups[3])) {
    Value gr = a.add(a.mul(a.c(norm), x), g);
    Value vNew = a.add(a.mul(a.c(alpha), v), a.mul(a.c(1 - alpha), gr));
    Value hNew =
        a.add(a.mul(a.c(beta), h), a.mul(a.c(1 - beta), a.mul(gr, gr)));
    Value hSqrt = a.add(a.sqrt(hNew), a.c(eps));
    Value xNew = a.sub(x, a.mul(rate, a.div(vNew, hSqrt)));
    xs.push_back(a.mul(a.c(1 - post), xNew));
    vs.push_back(vNew);
    hs.push_back(hNew);
  }
  if (!a.succeededSoFar())
    return failure();
  llvm::append_range(xs, vs);
  llvm::append_range(xs, hs);
  return ctx.setOutputs(xs);
}

LogicalResult convertMomentum(NodeContext &ctx) {
  FailureOr<OptimizerInputs> in = readInputs(ctx, 3);
  if (failed(in))
    return failure();
  std::optional<float> alpha = ctx.floatAttr("alpha");
  std::optional<float> beta = ctx.floatAttr("beta");
  std::optional<float> norm = ctx.floatAttr("norm_coefficient");
  const onnx::AttributeProto *mode = ctx.attr("mode");
  if (!alpha || !beta || !norm || !mode)
    return ctx.fail("alpha, beta, mode and norm_coefficient are required");
  bool nesterov = mode->s() == "nesterov";
  if (!nesterov && mode->s() != "standard")
    return ctx.fail("mode must be 'standard' or 'nesterov'");
  Arith a(ctx, in->floatType);
  // The gradient's coefficient is 1 at the first update.
  Value betaAdjusted = a.ifPositive(in->t, a.c(*beta), a.c(1));
  SmallVector<Value> xs, vs;
  for (auto [x, g, v] :
       llvm::zip(in->groups[0], in->groups[1], in->groups[2])) {
    Value gr = a.add(a.mul(a.c(*norm), x), g);
    Value vNew = a.add(a.mul(a.c(*alpha), v), a.mul(betaAdjusted, gr));
    Value step = nesterov ? a.add(gr, a.mul(a.c(*alpha), vNew)) : vNew;
    xs.push_back(a.sub(x, a.mul(in->r, step)));
    vs.push_back(vNew);
  }
  if (!a.succeededSoFar())
    return failure();
  llvm::append_range(xs, vs);
  return ctx.setOutputs(xs);
}

} // namespace

void registerTrainingConverters(ConverterRegistry &registry) {
  registry.add(kTrainingDomainPrefix + std::string("Adagrad"), 1, 1,
               convertAdagrad);
  registry.add(kTrainingDomainPrefix + std::string("Adam"), 1, 1, convertAdam);
  registry.add(kTrainingDomainPrefix + std::string("Momentum"), 1, 1,
               convertMomentum);
}

} // namespace blade::onnx_import
