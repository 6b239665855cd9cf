//===- Normalization.cpp - ONNX layer/instance/batch norm, MVN, LRN -------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// Inputs [0, n) as ranked float tensors of one element type; input #i
/// for i >= `required` may be absent (a null Value).
FailureOr<SmallVector<Value>> floatInputs(NodeContext &ctx, unsigned n,
                                          unsigned required) {
  SmallVector<Value> values;
  Type element;
  for (unsigned i = 0; i < n; ++i) {
    if (i >= required && !ctx.input(i)) {
      values.push_back(Value());
      continue;
    }
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    Type t = cast<RankedTensorType>(v->getType()).getElementType();
    if (!isa<FloatType>(t))
      return ctx.fail("expects floating-point inputs");
    if (element && t != element)
      return ctx.fail("input element types differ");
    element = t;
    values.push_back(*v);
  }
  return values;
}

/// Fails when the node asks for output #i >= `supported`.
LogicalResult onlyOutputs(NodeContext &ctx, int supported, StringRef why) {
  for (int i = supported; i < ctx.node.output_size(); ++i)
    if (!ctx.node.output(i).empty())
      return ctx.fail("output #" + Twine(i) + " is not supported (" + why +
                      ")");
  return success();
}

/// Runs the op's verifier; on failure erases the op and reports the
/// verifier's message as the node's error.
LogicalResult verifyBuilt(NodeContext &ctx, Operation *op) {
  std::string message;
  LogicalResult ok = success();
  {
    ScopedDiagnosticHandler handler(op->getContext(), [&](Diagnostic &d) {
      if (message.empty())
        message = d.str();
      return success();
    });
    ok = mlir::verify(op);
  }
  if (succeeded(ok))
    return success();
  op->erase();
  return ctx.fail(message);
}

LogicalResult convertLayerNorm(NodeContext &ctx) {
  FailureOr<SmallVector<Value>> in = floatInputs(ctx, 3, 2);
  if (failed(in))
    return failure();
  Value x = (*in)[0];
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = normalizeAxis(ctx, ctx.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  if (ctx.intAttr("stash_type", 1) != 1)
    return ctx.fail("only stash_type 1 (float) is supported");
  for (Value p : {(*in)[1], (*in)[2]})
    if (p && cast<RankedTensorType>(p.getType()).getRank() > rank - *axis)
      return ctx.fail("scale/bias rank exceeds the number of normalized dims");
  Type stash = type.getElementType();
  if (stash.isF16() || stash.isBF16())
    stash = ctx.builder.getF32Type();
  SmallVector<int64_t> statShape(type.getShape());
  for (int64_t i = *axis; i < rank; ++i)
    statShape[i] = 1;
  auto statType = RankedTensorType::get(statShape, stash);
  OpBuilder &b = ctx.builder;
  auto op =
      LayerNormOp::create(b, ctx.loc, TypeRange{type, statType, statType}, x,
                          (*in)[1], (*in)[2], b.getI64IntegerAttr(*axis),
                          b.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f)));
  if (failed(verifyBuilt(ctx, op)))
    return failure();
  return ctx.setOutputs({op.getResult(), op.getMean(), op.getInvStdDev()});
}

LogicalResult convertInstanceNorm(NodeContext &ctx) {
  FailureOr<SmallVector<Value>> in = floatInputs(ctx, 3, 3);
  if (failed(in))
    return failure();
  auto type = cast<RankedTensorType>((*in)[0].getType());
  if (type.getRank() < 3)
    return ctx.fail("expects an input of rank >= 3");
  OpBuilder &b = ctx.builder;
  auto op = InstanceNormOp::create(
      b, ctx.loc, type, (*in)[0], (*in)[1], (*in)[2],
      b.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f)));
  if (failed(verifyBuilt(ctx, op)))
    return failure();
  return ctx.setOutputs({op.getResult()});
}

LogicalResult convertBatchNorm(NodeContext &ctx) {
  if (ctx.intAttr("training_mode", 0) != 0)
    return ctx.fail("training_mode = 1 is not supported (inference only)");
  if (ctx.intAttr("spatial", 1) != 1)
    return ctx.fail("spatial = 0 is not supported");
  if (failed(onlyOutputs(ctx, 1, "running statistics are training-only")))
    return failure();
  FailureOr<SmallVector<Value>> in = floatInputs(ctx, 5, 5);
  if (failed(in))
    return failure();
  auto type = cast<RankedTensorType>((*in)[0].getType());
  if (type.getRank() < 2)
    return ctx.fail("expects an input of rank >= 2");
  OpBuilder &b = ctx.builder;
  auto op = BatchNormOp::create(
      b, ctx.loc, type, (*in)[0], (*in)[1], (*in)[2], (*in)[3], (*in)[4],
      b.getF32FloatAttr(ctx.floatAttr("epsilon", 1e-5f)));
  if (failed(verifyBuilt(ctx, op)))
    return failure();
  return ctx.setOutputs({op.getResult()});
}

LogicalResult convertMeanVarianceNorm(NodeContext &ctx) {
  FailureOr<SmallVector<Value>> in = floatInputs(ctx, 1, 1);
  if (failed(in))
    return failure();
  Value x = (*in)[0];
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> axes =
      ctx.intsAttr("axes").value_or(SmallVector<int64_t>{0, 2, 3});
  for (int64_t &a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, a, rank);
    if (failed(axis))
      return failure();
    a = *axis;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return ctx.fail("axes contain a dimension twice");
  OpBuilder &b = ctx.builder;
  return ctx.setOutputs(
      {MeanVarianceNormOp::create(b, ctx.loc, x, b.getDenseI64ArrayAttr(axes),
                                  b.getF32FloatAttr(1e-9f))
           .getResult()});
}

LogicalResult convertLRN(NodeContext &ctx) {
  FailureOr<SmallVector<Value>> in = floatInputs(ctx, 1, 1);
  if (failed(in))
    return failure();
  std::optional<int64_t> size = ctx.intAttr("size");
  if (!size || *size < 1)
    return ctx.fail("needs a positive 'size' attribute");
  if (cast<RankedTensorType>((*in)[0].getType()).getRank() < 2)
    return ctx.fail("expects an input of rank >= 2");
  OpBuilder &b = ctx.builder;
  return ctx.setOutputs(
      {LRNOp::create(b, ctx.loc, (*in)[0],
                     b.getF32FloatAttr(ctx.floatAttr("alpha", 1e-4f)),
                     b.getF32FloatAttr(ctx.floatAttr("beta", 0.75f)),
                     b.getF32FloatAttr(ctx.floatAttr("bias", 1.0f)),
                     b.getI64IntegerAttr(*size))
           .getResult()});
}

} // namespace

void registerNormalizationConverters(ConverterRegistry &r) {
  r.add("LayerNormalization", 17, convertLayerNorm);
  r.add("InstanceNormalization", 6, convertInstanceNorm);
  r.add("BatchNormalization", 6, convertBatchNorm);
  r.add("MeanVarianceNormalization", 9, convertMeanVarianceNorm);
  r.add("LRN", 1, convertLRN);
}

} // namespace blade::onnx_import
