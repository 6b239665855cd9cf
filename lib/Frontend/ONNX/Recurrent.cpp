//===- Recurrent.cpp - ONNX RNN, GRU and LSTM -----------------------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// An activation's default alpha and beta, and whether it reads them from
/// activation_alpha / activation_beta.
struct ActivationParams {
  bool usesAlpha, usesBeta;
  float alpha, beta;
};

ActivationParams getActivationParams(StringRef name) {
  return llvm::StringSwitch<ActivationParams>(name)
      .Case("Affine", {true, true, 1.0f, 0.0f})
      .Case("LeakyRelu", {true, false, 0.01f, 0.0f})
      .Case("ThresholdedRelu", {true, false, 1.0f, 0.0f})
      .Case("ScaledTanh", {true, true, 1.0f, 1.0f})
      .Case("HardSigmoid", {true, true, 0.2f, 0.5f})
      .Case("Elu", {true, false, 1.0f, 0.0f})
      .Default({false, false, 0.0f, 0.0f});
}

/// The ONNX spelling of an activation named in any letter case, or "".
std::string canonicalActivation(StringRef name) {
  for (StringRef known :
       {"Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu", "ThresholdedRelu",
        "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus"})
    if (known.equals_insensitive(name))
      return known.str();
  return "";
}

Value transpose(NodeContext &ctx, Value v, ArrayRef<int64_t> perm) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  return TransposeOp::create(ctx.builder, ctx.loc, t.clone(shape), v, perm);
}

/// Activations with their alphas and betas, one entry each for every
/// direction, defaults filled in.
struct Activations {
  SmallVector<std::string> names;
  SmallVector<float> alphas, betas;
};

FailureOr<Activations> readActivations(NodeContext &ctx, StringRef cell,
                                       int64_t numDirs) {
  static constexpr const char *kDefaults[] = {"Sigmoid", "Tanh", "Tanh"};
  int64_t perDir = RecurrentOp::getNumActivations(cell);
  Activations acts;
  if (const onnx::AttributeProto *attr = ctx.attr("activations")) {
    for (const std::string &name : attr->strings()) {
      std::string known = canonicalActivation(name);
      if (known.empty())
        return ctx.fail("unsupported activation '" + name + "'");
      acts.names.push_back(known);
    }
    int64_t given = acts.names.size();
    if (given == perDir && numDirs == 2)
      acts.names.append(SmallVector<std::string>(acts.names));
    else if (given != perDir * numDirs)
      return ctx.fail("expects " + Twine(perDir * numDirs) +
                      " activations, got " + Twine(given));
  } else {
    for (int64_t d = 0; d < numDirs; ++d)
      for (int64_t k = 0; k < perDir; ++k)
        acts.names.push_back(cell == "rnn" ? "Tanh" : kDefaults[k]);
  }
  SmallVector<float> alphas, betas;
  if (const onnx::AttributeProto *attr = ctx.attr("activation_alpha"))
    alphas.assign(attr->floats().begin(), attr->floats().end());
  if (const onnx::AttributeProto *attr = ctx.attr("activation_beta"))
    betas.assign(attr->floats().begin(), attr->floats().end());
  // Alphas and betas go, in order, to the activations that take them.
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &name : acts.names) {
    ActivationParams p = getActivationParams(name);
    float alpha = p.alpha, beta = p.beta;
    if (p.usesAlpha && nextAlpha < alphas.size())
      alpha = alphas[nextAlpha++];
    if (p.usesBeta && nextBeta < betas.size())
      beta = betas[nextBeta++];
    acts.alphas.push_back(alpha);
    acts.betas.push_back(beta);
  }
  return acts;
}

/// RNN, GRU and LSTM (opset 7 on; `layout` from opset 14).
template <int Cell> LogicalResult convertRecurrent(NodeContext &ctx) {
  static constexpr const char *kCells[] = {"rnn", "gru", "lstm"};
  StringRef cell = kCells[Cell];
  bool lstm = Cell == 2;
  FailureOr<Value> x = ctx.requiredInput(0);
  FailureOr<Value> w = ctx.requiredInput(1);
  FailureOr<Value> r = ctx.requiredInput(2);
  if (failed(x) || failed(w) || failed(r))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  Type element = xType.getElementType();
  for (Value v : {*x, *w, *r}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 3 || t.getElementType() != element ||
        !isa<FloatType>(element))
      return ctx.fail("expects X, W and R of rank 3 and one floating-point "
                      "type");
  }
  int64_t layout = ctx.intAttr("layout", 0);
  if (layout != 0 && layout != 1)
    return ctx.fail("layout must be 0 or 1");
  const onnx::AttributeProto *dirAttr = ctx.attr("direction");
  std::string direction = dirAttr ? dirAttr->s() : "forward";
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return ctx.fail("unknown direction '" + direction + "'");
  int64_t numDirs = direction == "bidirectional" ? 2 : 1;
  auto rType = cast<RankedTensorType>(r->getType());
  int64_t hidden = ctx.intAttr("hidden_size", rType.getDimSize(2));
  if (ShapedType::isDynamic(hidden) || hidden < 1)
    return ctx.fail("needs a positive hidden_size (an attribute or R's "
                    "static last dim)");
  FailureOr<Activations> acts = readActivations(ctx, cell, numDirs);
  if (failed(acts))
    return failure();
  std::optional<float> clip = ctx.floatAttr("clip");
  if (clip && !(*clip > 0))
    return ctx.fail("clip must be positive");
  bool linearBeforeReset = ctx.intAttr("linear_before_reset", 0) != 0;
  bool inputForget = ctx.intAttr("input_forget", 0) != 0;

  Value b = ctx.input(3), lens = ctx.input(4), initialH = ctx.input(5);
  Value initialC = lstm ? ctx.input(6) : Value();
  Value p = lstm ? ctx.input(7) : Value();
  if (lens && !cast<RankedTensorType>(lens.getType())
                   .getElementType()
                   .isSignlessInteger(32))
    return ctx.fail("expects int32 sequence_lens");
  auto hasRank = [](Value v, int64_t rank) {
    return !v || cast<RankedTensorType>(v.getType()).getRank() == rank;
  };
  // Ranks before the layout transposes; shapes after them.
  if (!hasRank(initialH, 3) || !hasRank(initialC, 3))
    return ctx.fail("expects initial_h and initial_c of rank 3");

  Value input = *x;
  if (layout == 1) {
    // Batch-major: [batch, seq, input] and states [batch, D, H].
    input = transpose(ctx, input, {1, 0, 2});
    if (initialH)
      initialH = transpose(ctx, initialH, {1, 0, 2});
    if (initialC)
      initialC = transpose(ctx, initialC, {1, 0, 2});
  }
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t seq = inType.getDimSize(0), batch = inType.getDimSize(1);
  auto yType = RankedTensorType::get({seq, numDirs, batch, hidden}, element);
  auto stateType = RankedTensorType::get({numDirs, batch, hidden}, element);
  OpBuilder &builder = ctx.builder;
  SmallVector<Attribute> names;
  for (const std::string &n : acts->names)
    names.push_back(builder.getStringAttr(n));
  SmallVector<std::pair<StringRef, Type>> named = {{"W", w->getType()},
                                                   {"R", r->getType()}};
  for (auto [name, v] : {std::pair<StringRef, Value>{"B", b},
                         {"sequence_lens", lens},
                         {"initial_h", initialH},
                         {"initial_c", initialC},
                         {"P", p}})
    if (v)
      named.push_back({name, v.getType()});
  std::string error =
      RecurrentOp::checkShapes(cell, numDirs, hidden, inType, named);
  if (!error.empty())
    return ctx.fail(error);
  auto op = RecurrentOp::create(
      builder, ctx.loc, yType, stateType, lstm ? stateType : Type(), input, *w,
      *r, b, lens, initialH, initialC, p, cell, direction, hidden,
      builder.getArrayAttr(names), acts->alphas, acts->betas,
      clip ? builder.getF32FloatAttr(*clip) : FloatAttr(), linearBeforeReset,
      inputForget);
  Value y = op.getY(), yh = op.getYH(), yc = op.getYC();
  if (layout == 1) {
    y = transpose(ctx, y, {2, 0, 1, 3});
    yh = transpose(ctx, yh, {1, 0, 2});
    if (yc)
      yc = transpose(ctx, yc, {1, 0, 2});
  }
  SmallVector<Value> outputs = {y, yh};
  if (lstm)
    outputs.push_back(yc);
  return ctx.setOutputs(outputs);
}

} // namespace

void registerRecurrentConverters(ConverterRegistry &r) {
  r.add("RNN", 7, convertRecurrent<0>);
  r.add("GRU", 7, convertRecurrent<1>);
  r.add("LSTM", 7, convertRecurrent<2>);
}

} // namespace blade::onnx_import
