//===- Loss.cpp - ONNX NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss ===//
//
// Both decompose into existing blade ops. The picked value of each sample,
// input[n, target[n, d...], d...], is a sum over the class axis of the input
// masked by `class == target` (a one-hot compare against a constant class
// ramp), so no index leaves the tensor; the per-sample weight is picked the
// same way. Ignored targets get weight 0.
//
//===----------------------------------------------------------------------===//

#include "ConverterRegistry.h"
#include "ElementwiseBuilders.h"
#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// Sum over the class axis (1) of select(hit, values, 0).
FailureOr<Value> pickClass(NodeContext &ctx, Value hit, Value values) {
  Type elementType = elementTypeOf(values);
  Value zero = scalarConstant(ctx, elementType, 0.0);
  FailureOr<Value> masked = buildSelect(ctx, hit, values, zero);
  if (failed(masked))
    return failure();
  auto type = cast<RankedTensorType>(masked->getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + 1);
  return ReduceOp::create(ctx.builder, ctx.loc,
                          RankedTensorType::get(shape, elementType), *masked,
                          "sum", ArrayRef<int64_t>{1}, false)
      .getResult();
}

Value reduceAll(NodeContext &ctx, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    axes.push_back(i);
  return ReduceOp::create(ctx.builder, ctx.loc,
                          RankedTensorType::get({}, type.getElementType()), v,
                          "sum", axes, false)
      .getResult();
}

/// The loss of log-probabilities `input` [N, C, d...] against integer
/// `target` [N, d...] with optional `weight` [C].
FailureOr<Value> buildNll(NodeContext &ctx, Value input, Value target,
                          Value weight) {
  auto inType = cast<RankedTensorType>(input.getType());
  auto tType = cast<RankedTensorType>(target.getType());
  Type floatType = inType.getElementType();
  int64_t rank = inType.getRank();
  if (rank < 2 || tType.getRank() != rank - 1)
    return ctx.fail("expects input [N, C, d...] and target [N, d...], got " +
                    shapeToString(inType.getShape()) + " and " +
                    shapeToString(tType.getShape()));
  if (!isa<IntegerType>(tType.getElementType()))
    return ctx.fail("the target must be an integer tensor");
  int64_t c = inType.getDimSize(1);
  OpBuilder &b = ctx.builder;
  Type indexType = tType.getElementType();
  // target [N, d...] -> [N, 1, d...].
  SmallVector<int64_t> tShape(tType.getShape());
  tShape.insert(tShape.begin() + 1, 1);
  SmallVector<Value> entries;
  for (int64_t i = 0; i < rank; ++i)
    entries.push_back(i == 1 || !ShapedType::isDynamic(tShape[i])
                          ? Value()
                          : buildDimEntry(ctx, target, i == 0 ? 0 : i - 1));
  FailureOr<Value> t1 = buildReshapeFromEntries(ctx, target, tShape, entries);
  if (failed(t1))
    return failure();
  // The class ramp 0..C-1 of the target's type, viewed as [1, C, 1, ...].
  SmallVector<int64_t> classShape(rank, 1);
  classShape[1] = c;
  Value ramp;
  if (!ShapedType::isDynamic(c)) {
    SmallVector<APInt> values;
    unsigned width = indexType.getIntOrFloatBitWidth();
    for (int64_t i = 0; i < c; ++i)
      values.push_back(APInt(width, i));
    ramp = ConstantOp::create(
        b, ctx.loc,
        DenseElementsAttr::get(RankedTensorType::get({c}, indexType), values));
  } else {
    FailureOr<Value> count = buildReshape(ctx, buildDimEntry(ctx, input, 1), {});
    if (failed(count))
      return failure();
    ramp = RangeOp::create(b, ctx.loc,
                           RankedTensorType::get({ShapedType::kDynamic},
                                                 indexType),
                           scalarConstant(ctx, indexType, 0.0),
                           buildConvert(ctx, *count, indexType),
                           scalarConstant(ctx, indexType, 1.0));
  }
  FailureOr<Value> classes = buildReshape(ctx, ramp, classShape);
  if (failed(classes))
    return failure();
  FailureOr<Value> hit = buildCompare(ctx, "eq", *classes, *t1);
  if (failed(hit))
    return failure();
  FailureOr<Value> picked = pickClass(ctx, *hit, input);
  if (failed(picked))
    return failure();
  // The weight of each sample's class; 1 without weights.
  FailureOr<Value> pickedW;
  if (weight) {
    auto wType = cast<RankedTensorType>(weight.getType());
    if (wType.getRank() != 1 || wType.getElementType() != floatType)
      return ctx.fail("the weight must be a 1-D tensor of the input's type");
    FailureOr<Value> view = buildReshape(ctx, weight, classShape);
    if (failed(view))
      return failure();
    pickedW = pickClass(ctx, *hit, *view);
  } else {
    Value ones = buildConvert(ctx, *hit, floatType);
    auto type = cast<RankedTensorType>(ones.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.erase(shape.begin() + 1);
    pickedW = ReduceOp::create(b, ctx.loc,
                               RankedTensorType::get(shape, floatType), ones,
                               "sum", ArrayRef<int64_t>{1}, false)
                  .getResult();
  }
  if (failed(pickedW))
    return failure();
  Value weights = *pickedW;
  if (std::optional<int64_t> ignore = ctx.intAttr("ignore_index")) {
    Value ignored = scalarConstant(ctx, tType.getElementType(), double(*ignore));
    FailureOr<Value> valid = buildCompare(ctx, "ne", target, ignored);
    if (failed(valid))
      return failure();
    FailureOr<Value> kept = buildSelect(ctx, *valid, weights,
                                        scalarConstant(ctx, floatType, 0.0));
    if (failed(kept))
      return failure();
    weights = *kept;
  }
  Value neg = buildUnary<NegOp>(ctx, *picked);
  FailureOr<Value> loss = buildBinary<MulOp>(ctx, neg, weights);
  if (failed(loss))
    return failure();

  const onnx::AttributeProto *reduction = ctx.attr("reduction");
  std::string mode = reduction ? reduction->s() : "mean";
  if (mode == "none")
    return *loss;
  Value sum = reduceAll(ctx, *loss);
  if (mode == "sum")
    return sum;
  if (mode != "mean")
    return ctx.fail("unknown reduction '" + mode + "'");
  return buildBinary<DivOp>(ctx, sum, reduceAll(ctx, weights));
}

LogicalResult convertNll(NodeContext &ctx) {
  FailureOr<Value> input = ctx.requiredInput(0);
  FailureOr<Value> target = ctx.requiredInput(1);
  if (failed(input) || failed(target))
    return failure();
  FailureOr<Value> loss = buildNll(ctx, *input, *target, ctx.input(2));
  if (failed(loss))
    return failure();
  return ctx.setOutputs({*loss});
}

LogicalResult convertSoftmaxCrossEntropy(NodeContext &ctx) {
  FailureOr<Value> scores = ctx.requiredInput(0);
  FailureOr<Value> labels = ctx.requiredInput(1);
  if (failed(scores) || failed(labels))
    return failure();
  auto type = cast<RankedTensorType>(scores->getType());
  if (!isa<FloatType>(type.getElementType()) || type.getRank() < 2)
    return ctx.fail("expects floating-point scores of rank >= 2");
  Value logProb = LogSoftmaxOp::create(ctx.builder, ctx.loc, type, *scores,
                                       ctx.builder.getI64IntegerAttr(1));
  FailureOr<Value> loss = buildNll(ctx, logProb, *labels, ctx.input(2));
  if (failed(loss))
    return failure();
  return ctx.setOutputs({*loss, logProb});
}

} // namespace

void registerLossConverters(ConverterRegistry &r) {
  r.add("NegativeLogLikelihoodLoss", 12, convertNll);
  r.add("SoftmaxCrossEntropyLoss", 12, convertSoftmaxCrossEntropy);
}

} // namespace blade::onnx_import
