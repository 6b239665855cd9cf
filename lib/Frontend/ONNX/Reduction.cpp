//===- Reduction.cpp - ONNX reductions, arg-reductions, CumSum, softmax ---===//

#include "ConverterRegistry.h"
#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// Input #0 as a ranked tensor; with `floatOnly`, also of a float type.
FailureOr<Value> dataInput(NodeContext &ctx, bool floatOnly) {
  FailureOr<Value> x = ctx.requiredInput(0);
  if (failed(x))
    return failure();
  Type element = cast<RankedTensorType>(x->getType()).getElementType();
  if (floatOnly ? !isa<FloatType>(element)
                : !element.isIntOrFloat() || element.isInteger(1))
    return ctx.fail(floatOnly ? "expects a floating-point input"
                              : "expects a numeric input");
  return x;
}

/// Builds blade.reduce of `x` over `axes` (normalized, sorted, unique).
Value buildReduce(NodeContext &ctx, Value x, StringRef kind,
                  ArrayRef<int64_t> axes, bool keepdims) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape =
      *inferReduceShape(type.getShape(), axes, keepdims);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  OpBuilder &b = ctx.builder;
  return ReduceOp::create(b, ctx.loc, resultType, x, b.getStringAttr(kind),
                          b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keepdims))
      .getResult();
}

/// ReduceSum with axes computed at run time. Without keepdims the result
/// rank needs a static number of axes.
LogicalResult convertReduceSumRuntimeAxes(NodeContext &ctx, Value x,
                                          Value axes) {
  auto axesType = cast<RankedTensorType>(axes.getType());
  if (!axesType.getElementType().isInteger(64) || axesType.getRank() != 1)
    return ctx.fail("the axes input must be a 1-D int64 tensor");
  bool keepdims = ctx.intAttr("keepdims", 1) != 0;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  if (keepdims) {
    for (int64_t d : type.getShape())
      shape.push_back(d == 1 ? 1 : ShapedType::kDynamic);
  } else {
    std::optional<int64_t> outRank = ctx.declaredRank(0);
    if (axesType.isDynamicDim(0) && outRank && *outRank <= type.getRank()) {
      // The declared output rank gives the number of axes.
      axes = buildCheckedDim(ctx, axes, 0, type.getRank() - *outRank);
      axesType = cast<RankedTensorType>(axes.getType());
    }
    if (axesType.isDynamicDim(0) || axesType.getDimSize(0) > type.getRank())
      return ctx.fail("keepdims = 0 with run-time axes needs a static number "
                      "of axes or a declared output rank (the result rank "
                      "depends on it)");
    shape.assign(type.getRank() - axesType.getDimSize(0), ShapedType::kDynamic);
  }
  OpBuilder &b = ctx.builder;
  return ctx.setOutputs(
      {ReduceSumRuntimeAxesOp::create(
           b, ctx.loc, RankedTensorType::get(shape, type.getElementType()), x,
           axes, b.getBoolAttr(keepdims),
           b.getBoolAttr(ctx.intAttr("noop_with_empty_axes", 0) != 0))
           .getResult()});
}

/// ONNX Reduce*: axes from the attribute, or from input #1 when
/// `axesFromInput` (ReduceSum from opset 13). Empty axes reduce everything
/// unless noop_with_empty_axes makes the node an identity.
template <const char *Kind, bool AxesFromInput>
LogicalResult convertReduce(NodeContext &ctx) {
  StringRef kind = Kind;
  bool floatOnly = kind == "l2" || kind == "log_sum" || kind == "log_sum_exp";
  FailureOr<Value> x = dataInput(ctx, floatOnly);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  SmallVector<int64_t> axes;
  if (AxesFromInput) {
    if (Value axesInput = ctx.input(1)) {
      auto axesType = cast<RankedTensorType>(axesInput.getType());
      std::optional<SmallVector<int64_t>> values = getConstantInts(axesInput);
      if (values) {
        axes = *values;
      } else if (!axesType.hasStaticShape() || axesType.getNumElements() != 0) {
        // Axes known at run time (an empty static shape needs none).
        return convertReduceSumRuntimeAxes(ctx, *x, axesInput);
      }
    }
  } else if (auto values = ctx.intsAttr("axes")) {
    axes = *values;
  }
  if (axes.empty()) {
    if (AxesFromInput && ctx.intAttr("noop_with_empty_axes", 0) != 0)
      return ctx.setOutputs({*x});
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  for (int64_t &a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, a, rank);
    if (failed(axis))
      return failure();
    a = *axis;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return ctx.fail("axes contain a dimension twice");
  return ctx.setOutputs(
      {buildReduce(ctx, *x, kind, axes, ctx.intAttr("keepdims", 1) != 0)});
}

/// GlobalAveragePool, GlobalMaxPool, GlobalLpPool: a reduction over the
/// spatial dims, kept as 1s.
template <const char *Kind> LogicalResult convertGlobalPool(NodeContext &ctx) {
  FailureOr<Value> x = dataInput(ctx, /*floatOnly=*/true);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (rank < 2)
    return ctx.fail("expects an input of rank >= 2");
  StringRef kind = Kind;
  if (kind == "lp") {
    int64_t p = ctx.intAttr("p", 2);
    if (p != 1 && p != 2)
      return ctx.fail("only p = 1 and p = 2 are supported, got p = " +
                      Twine(p));
    kind = p == 1 ? "l1" : "l2";
  }
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  return ctx.setOutputs({buildReduce(ctx, *x, kind, axes, true)});
}

template <const char *Kind> LogicalResult convertArgReduce(NodeContext &ctx) {
  FailureOr<Value> x = dataInput(ctx, /*floatOnly=*/false);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  bool keepdims = ctx.intAttr("keepdims", 1) != 0;
  SmallVector<int64_t> shape =
      *inferReduceShape(type.getShape(), {*axis}, keepdims);
  OpBuilder &b = ctx.builder;
  auto resultType = RankedTensorType::get(shape, b.getI64Type());
  return ctx.setOutputs(
      {ArgReduceOp::create(
           b, ctx.loc, resultType, *x, b.getStringAttr(Kind),
           b.getI64IntegerAttr(*axis), b.getBoolAttr(keepdims),
           b.getBoolAttr(ctx.intAttr("select_last_index", 0) != 0))
           .getResult()});
}

LogicalResult convertCumSum(NodeContext &ctx) {
  FailureOr<Value> x = dataInput(ctx, /*floatOnly=*/false);
  if (failed(x))
    return failure();
  Value axisInput = ctx.input(1);
  if (!axisInput)
    return ctx.fail("missing required input #1 (axis)");
  auto axisType = cast<RankedTensorType>(axisInput.getType());
  if (!isa<IntegerType>(axisType.getElementType()) || axisType.getRank() > 1 ||
      (axisType.hasStaticShape() && axisType.getNumElements() != 1))
    return ctx.fail("the axis input must be an integer tensor with one "
                    "element");
  auto type = cast<RankedTensorType>(x->getType());
  OpBuilder &b = ctx.builder;
  BoolAttr exclusive = b.getBoolAttr(ctx.intAttr("exclusive", 0) != 0);
  BoolAttr reverse = b.getBoolAttr(ctx.intAttr("reverse", 0) != 0);
  std::optional<SmallVector<int64_t>> axisValues = getConstantInts(axisInput);
  if (!axisValues)
    return ctx.setOutputs({CumSumOp::create(b, ctx.loc, type, *x, axisInput,
                                            IntegerAttr(), exclusive, reverse)
                               .getResult()});
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, axisValues->front(), type.getRank());
  if (failed(axis))
    return failure();
  return ctx.setOutputs(
      {CumSumOp::create(b, ctx.loc, type, *x, Value(),
                        b.getI64IntegerAttr(*axis), exclusive, reverse)
           .getResult()});
}

/// TopK: `k` from the attribute before opset 10, else from input #1 (a
/// run-time value gives a dynamic result dim); `largest` and `sorted` from
/// opset 11 (the result is always sorted, which `sorted = 0` allows).
LogicalResult convertTopK(NodeContext &ctx) {
  FailureOr<Value> x = dataInput(ctx, /*floatOnly=*/false);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", -1), type.getRank());
  if (failed(axis))
    return failure();
  OpBuilder &b = ctx.builder;
  Value k;
  std::optional<int64_t> kValue;
  if (ctx.opset < 10) {
    kValue = ctx.intAttr("k");
    if (!kValue)
      return ctx.fail("missing attribute 'k'");
    auto kType = RankedTensorType::get({1}, b.getI64Type());
    k = ConstantOp::create(b, ctx.loc, DenseElementsAttr::get(kType, *kValue));
  } else {
    k = ctx.input(1);
    if (!k)
      return ctx.fail("missing required input #1 (K)");
    auto kType = cast<RankedTensorType>(k.getType());
    if (!kType.getElementType().isInteger(64) || kType.getRank() > 1 ||
        (kType.hasStaticShape() && kType.getNumElements() != 1))
      return ctx.fail("K must be a one-element int64 tensor");
    if (std::optional<SmallVector<int64_t>> ks = getConstantInts(k))
      kValue = ks->front();
  }
  SmallVector<int64_t> shape(type.getShape());
  shape[*axis] = ShapedType::kDynamic;
  if (kValue) {
    if (*kValue < 0 ||
        (!type.isDynamicDim(*axis) && *kValue > type.getDimSize(*axis)))
      return ctx.fail("k = " + Twine(*kValue) + " is out of range for dim " +
                      Twine(*axis) + " of " + shapeToString(type.getShape()));
    shape[*axis] = *kValue;
  }
  auto op = TopKOp::create(b, ctx.loc,
                           RankedTensorType::get(shape, type.getElementType()),
                           RankedTensorType::get(shape, b.getI64Type()), *x, k,
                           b.getI64IntegerAttr(*axis),
                           b.getBoolAttr(ctx.intAttr("largest", 1) != 0));
  return ctx.setOutputs({op.getValues(), op.getIndices()});
}

/// Softmax, LogSoftmax, Hardmax. From opset 13 they normalize one axis
/// (default -1); before, the input is coerced to 2-D at `axis` (default 1)
/// and the trailing dims are normalized together.
template <typename OpTy, bool Legacy>
LogicalResult convertSoftmaxLike(NodeContext &ctx) {
  FailureOr<Value> x = dataInput(ctx, /*floatOnly=*/true);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.intAttr("axis", Legacy ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  auto op = OpTy::create(ctx.builder, ctx.loc, *x, *axis);
  if (Legacy && *axis != rank - 1)
    op.setFlatten(true);
  return ctx.setOutputs({op.getResult()});
}

constexpr char kSum[] = "sum", kMean[] = "mean", kProd[] = "prod",
               kMax[] = "max", kMin[] = "min", kL1[] = "l1", kL2[] = "l2",
               kLogSum[] = "log_sum", kLogSumExp[] = "log_sum_exp",
               kSumSquare[] = "sum_square", kLp[] = "lp";

} // namespace

void registerReductionConverters(ConverterRegistry &r) {
  r.add("ReduceSum", 1, 12, convertReduce<kSum, false>);
  r.add("ReduceSum", 13, convertReduce<kSum, true>);
  r.add("ReduceMean", 1, convertReduce<kMean, false>);
  r.add("ReduceProd", 1, convertReduce<kProd, false>);
  r.add("ReduceMax", 1, convertReduce<kMax, false>);
  r.add("ReduceMin", 1, convertReduce<kMin, false>);
  r.add("ReduceL1", 1, convertReduce<kL1, false>);
  r.add("ReduceL2", 1, convertReduce<kL2, false>);
  r.add("ReduceLogSum", 1, convertReduce<kLogSum, false>);
  r.add("ReduceLogSumExp", 1, convertReduce<kLogSumExp, false>);
  r.add("ReduceSumSquare", 1, convertReduce<kSumSquare, false>);
  r.add("GlobalAveragePool", 1, convertGlobalPool<kMean>);
  r.add("GlobalMaxPool", 1, convertGlobalPool<kMax>);
  r.add("GlobalLpPool", 2, convertGlobalPool<kLp>);
  r.add("ArgMax", 1, convertArgReduce<kMax>);
  r.add("ArgMin", 1, convertArgReduce<kMin>);
  r.add("CumSum", 11, convertCumSum);
  r.add("TopK", 1, convertTopK);
  r.add("Softmax", 1, 12, convertSoftmaxLike<SoftmaxOp, true>);
  r.add("Softmax", 13, convertSoftmaxLike<SoftmaxOp, false>);
  r.add("LogSoftmax", 1, 12, convertSoftmaxLike<LogSoftmaxOp, true>);
  r.add("LogSoftmax", 13, convertSoftmaxLike<LogSoftmaxOp, false>);
  r.add("Hardmax", 1, 12, convertSoftmaxLike<HardmaxOp, true>);
  r.add("Hardmax", 13, convertSoftmaxLike<HardmaxOp, false>);
}

} // namespace blade::onnx_import
