//===- ReductionOps.cpp - Verifiers and shape checks of reductions --------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace blade;

static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError()
           << "axis " << axis << " is out of range for a rank-" << rank
           << " operand";
  return success();
}

/// The channel-parameter rule of instance/batch normalisation: the operand
/// is at least 2-D and each parameter is 1-D of the channel count.
static LogicalResult verifyChannelParams(Operation *op, RankedTensorType x,
                                         ValueRange params) {
  if (x.getRank() < 2)
    return op->emitOpError()
           << "expects an operand of rank >= 2, got " << x.getRank();
  for (Value p : params) {
    auto type = cast<RankedTensorType>(p.getType());
    if (type.getElementType() != x.getElementType())
      return op->emitOpError() << "parameter element type " << type
                               << " differs from the operand's";
    if (type.getRank() != 1 ||
        failed(verifyCompatibleShape({type.getDimSize(0)}, {x.getDimSize(1)})))
      return op->emitOpError() << "parameters must be 1-D of the channel count "
                               << shapeToString({x.getDimSize(1)}) << ", got "
                               << shapeToString(type.getShape());
  }
  return success();
}

/// Run-time rule: each channel parameter has the operand's channel count.
static void requireChannelParams(Operation *op, ShapeCheckList &checks, Value x,
                                 ValueRange params) {
  auto xType = cast<RankedTensorType>(x.getType());
  for (Value p : params) {
    auto type = cast<RankedTensorType>(p.getType());
    if (!xType.isDynamicDim(1) && !type.isDynamicDim(0))
      continue;
    checks.requireEqual(op->getLoc(), checks.dim(x, 1), checks.dim(p, 0),
                        ShapeCheckList::where(op) +
                            ": parameter size differs from the channel "
                            "count at run time");
  }
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  StringRef kind = getKind();
  static constexpr StringLiteral kinds[] = {
      "sum", "mean",       "prod", "max",     "min",
      "l1",  "sum_square", "l2",   "log_sum", "log_sum_exp"};
  if (!llvm::is_contained(kinds, kind))
    return emitOpError() << "unknown reduction kind '" << kind << "'";
  bool floatOnly = kind == "l2" || kind == "log_sum" || kind == "log_sum_exp";
  if (floatOnly && !isa<FloatType>(getType().getElementType()))
    return emitOpError() << "reduction kind '" << kind
                         << "' needs a floating-point operand";
  FailureOr<SmallVector<int64_t>> shape = inferReduceShape(
      getOperand().getType().getShape(), getAxes(), getKeepdims(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

OpFoldResult ReduceOp::fold(FoldAdaptor) {
  // Reducing only unit dims with an identity-like kind changes nothing.
  StringRef kind = getKind();
  if (kind != "sum" && kind != "mean" && kind != "prod" && kind != "max" &&
      kind != "min")
    return {};
  if (getType() != getOperand().getType())
    return {};
  RankedTensorType type = getOperand().getType();
  for (int64_t a : getAxes())
    if (type.getDimSize(a) != 1)
      return {};
  return getOperand();
}

LogicalResult ReduceSumRuntimeAxesOp::verify() {
  RankedTensorType axes = getAxes().getType();
  if (axes.getRank() != 1)
    return emitOpError() << "axes must be 1-D";
  RankedTensorType type = getOperand().getType();
  RankedTensorType result = getType();
  if (result.getElementType() != type.getElementType())
    return emitOpError() << "result must have the operand's element type";
  if (getKeepdims()) {
    if (result.getRank() != type.getRank())
      return emitOpError() << "result must have the operand's rank";
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (!result.isDynamicDim(i) && result.getDimSize(i) != 1 &&
          result.getDimSize(i) != type.getDimSize(i))
        return emitOpError()
               << "result dim " << i << " must be 1, the operand's or dynamic";
    return success();
  }
  if (axes.isDynamicDim(0) ||
      result.getRank() != type.getRank() - axes.getDimSize(0))
    return emitOpError() << "without keepdims the axes count must be static "
                            "and the result rank the operand's less it";
  return success();
}

LogicalResult ArgReduceOp::verify() {
  if (getKind() != "max" && getKind() != "min")
    return emitOpError() << "kind must be 'max' or 'min', got '" << getKind()
                         << "'";
  RankedTensorType type = getOperand().getType();
  if (failed(verifyAxis(*this, getAxis(), type.getRank())))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      inferReduceShape(type.getShape(), {static_cast<int64_t>(getAxis())},
                       getKeepdims(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

LogicalResult CumSumOp::verify() {
  std::optional<int64_t> axis = getAxis();
  if (axis.has_value() == static_cast<bool>(getAxisValue()))
    return emitOpError() << "needs exactly one of the axis attribute and the "
                            "axis operand";
  if (Value v = getAxisValue()) {
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getRank() > 1 ||
        (type.hasStaticShape() && type.getNumElements() != 1))
      return emitOpError() << "the axis operand must have one element";
    return success();
  }
  return verifyAxis(*this, *axis, getType().getRank());
}

/// The value of TopK's `k` operand when it is a constant.
static std::optional<int64_t> constantK(Value k) {
  DenseIntElementsAttr attr;
  if (!matchPattern(k, m_Constant(&attr)) || attr.getNumElements() != 1)
    return std::nullopt;
  return (*attr.getValues<APInt>().begin()).getSExtValue();
}

LogicalResult TopKOp::verify() {
  RankedTensorType type = getOperand().getType();
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, axis, type.getRank())))
    return failure();
  RankedTensorType kType = getK().getType();
  if (kType.getRank() > 1 ||
      (kType.hasStaticShape() && kType.getNumElements() != 1))
    return emitOpError() << "k must have one element";
  if (getValues().getType().getElementType() != type.getElementType())
    return emitOpError() << "values must have the operand's element type";
  SmallVector<int64_t> shape(type.getShape());
  std::optional<int64_t> k = constantK(getK());
  if (k) {
    if (*k < 0 || (!type.isDynamicDim(axis) && *k > type.getDimSize(axis)))
      return emitOpError() << "k = " << *k << " is out of range for dim "
                           << axis << " of " << shapeToString(type.getShape());
    shape[axis] = *k;
  } else {
    shape[axis] = ShapedType::kDynamic;
  }
  for (Value result : {getValues(), getIndices()})
    if (failed(verifyInferredShape(shape, cast<ShapedType>(result.getType()),
                                   getLoc())))
      return failure();
  return success();
}

void TopKOp::emitShapeChecks(ShapeCheckList &checks) {
  std::optional<int64_t> k = constantK(getK());
  int64_t axis = getAxis();
  if (!k || !getOperand().getType().isDynamicDim(axis))
    return;
  OpBuilder &b = checks.builder();
  Value kValue = arith::ConstantIndexOp::create(b, getLoc(), *k);
  Value ok = arith::CmpIOp::create(b, getLoc(), arith::CmpIPredicate::ule,
                                   kValue, checks.dim(getOperand(), axis));
  checks.require(ok, ShapeCheckList::where(*this) +
                         ": k = " + std::to_string(*k) + " exceeds dim " +
                         std::to_string(axis) + " at run time");
}

//===----------------------------------------------------------------------===//
// Normalisations
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}
LogicalResult LogSoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}
LogicalResult HardmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}

LogicalResult LayerNormOp::verify() {
  RankedTensorType x = getOperand().getType();
  int64_t rank = x.getRank();
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, axis, rank)))
    return failure();
  ArrayRef<int64_t> normalized = x.getShape().drop_front(axis);
  for (Value p : {getScale(), getBias()}) {
    if (!p)
      continue;
    auto type = cast<RankedTensorType>(p.getType());
    if (type.getElementType() != x.getElementType())
      return emitOpError() << "scale/bias element type " << type
                           << " differs from the operand's";
    FailureOr<SmallVector<int64_t>> shape =
        inferBroadcastShape(normalized, type.getShape());
    if (type.getRank() > static_cast<int64_t>(normalized.size()) ||
        failed(shape) || failed(verifyCompatibleShape(*shape, normalized)))
      return emitOpError() << "scale/bias shape "
                           << shapeToString(type.getShape())
                           << " does not broadcast to the normalized dims "
                           << shapeToString(normalized);
  }
  if (getResult().getType() != x)
    return emitOpError() << "result type must equal the operand type";
  Type stash = x.getElementType();
  if (stash.isF16() || stash.isBF16())
    stash = Float32Type::get(getContext());
  SmallVector<int64_t> statShape(x.getShape());
  for (int64_t i = axis; i < rank; ++i)
    statShape[i] = 1;
  auto statType = RankedTensorType::get(statShape, stash);
  for (Value stat : {getMean(), getInvStdDev()}) {
    auto type = cast<RankedTensorType>(stat.getType());
    if (type.getElementType() != stash ||
        failed(verifyInferredShape(statShape, type, std::nullopt)))
      return emitOpError() << "mean/inv_std_dev must be " << statType
                           << ", got " << type;
  }
  return success();
}

void LayerNormOp::emitShapeChecks(ShapeCheckList &checks) {
  RankedTensorType x = getOperand().getType();
  for (Value p : {getScale(), getBias()}) {
    if (!p)
      continue;
    auto type = cast<RankedTensorType>(p.getType());
    for (int64_t k = 1; k <= type.getRank(); ++k) {
      int64_t i = x.getRank() - k, j = type.getRank() - k;
      if (type.getDimSize(j) == 1 ||
          (!x.isDynamicDim(i) && !type.isDynamicDim(j)))
        continue;
      checks.requireEqual(getLoc(), checks.dim(getOperand(), i),
                          checks.dim(p, j),
                          ShapeCheckList::where(*this) + ": scale/bias dim " +
                              std::to_string(j) + " differs from input dim " +
                              std::to_string(i) + " at run time");
    }
  }
}

LogicalResult MeanVarianceNormOp::verify() {
  return inferReduceShape(getType().getShape(), getAxes(), true, getLoc());
}

LogicalResult InstanceNormOp::verify() {
  if (getResult().getType() != getOperand().getType())
    return emitOpError() << "result type must equal the operand type";
  return verifyChannelParams(*this, getOperand().getType(),
                             {getScale(), getBias()});
}

void InstanceNormOp::emitShapeChecks(ShapeCheckList &checks) {
  requireChannelParams(*this, checks, getOperand(), {getScale(), getBias()});
}

LogicalResult BatchNormOp::verify() {
  if (getResult().getType() != getOperand().getType())
    return emitOpError() << "result type must equal the operand type";
  return verifyChannelParams(*this, getOperand().getType(),
                             {getScale(), getBias(), getMean(), getVariance()});
}

void BatchNormOp::emitShapeChecks(ShapeCheckList &checks) {
  requireChannelParams(*this, checks, getOperand(),
                       {getScale(), getBias(), getMean(), getVariance()});
}

LogicalResult LRNOp::verify() {
  if (getType().getRank() < 2)
    return emitOpError() << "expects an operand of rank >= 2, got "
                         << getType().getRank();
  if (getSize() < 1)
    return emitOpError() << "size must be positive, got " << getSize();
  return success();
}
