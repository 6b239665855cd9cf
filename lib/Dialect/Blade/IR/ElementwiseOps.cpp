//===- ElementwiseOps.cpp - Elementwise blade ops: verifiers, folders -----===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APSInt.h"

using namespace mlir;
using namespace blade;

//===----------------------------------------------------------------------===//
// Verifiers and shape checks
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

/// Broadcasts the shapes of all operands of `op` together and checks the
/// result type against the outcome.
static LogicalResult verifyBroadcastOperands(Operation *op,
                                             ValueRange operands) {
  SmallVector<int64_t> shape;
  for (Value operand : operands) {
    FailureOr<SmallVector<int64_t>> next = inferBroadcastShape(
        shape, cast<ShapedType>(operand.getType()).getShape(), op->getLoc());
    if (failed(next))
      return failure();
    shape = std::move(*next);
  }
  return verifyInferredShape(shape, cast<ShapedType>(op->getResultTypes()[0]),
                             op->getLoc());
}

#define BLADE_BROADCAST_BINARY_OP(Op)                                          \
  LogicalResult Op::verify() {                                                 \
    return verifyBroadcastOperands(*this, {getLhs(), getRhs()});               \
  }                                                                            \
  void Op::emitShapeChecks(ShapeCheckList &checks) {                           \
    checks.requireBroadcastable(*this, getLhs(), getRhs(), 0, true);           \
  }
BLADE_BROADCAST_BINARY_OP(AddOp)
BLADE_BROADCAST_BINARY_OP(SubOp)
BLADE_BROADCAST_BINARY_OP(MulOp)
BLADE_BROADCAST_BINARY_OP(DivOp)
BLADE_BROADCAST_BINARY_OP(MinOp)
BLADE_BROADCAST_BINARY_OP(MaxOp)
BLADE_BROADCAST_BINARY_OP(PowOp)
BLADE_BROADCAST_BINARY_OP(RemOp)
BLADE_BROADCAST_BINARY_OP(ModOp)
BLADE_BROADCAST_BINARY_OP(ShiftLeftOp)
BLADE_BROADCAST_BINARY_OP(ShiftRightOp)
BLADE_BROADCAST_BINARY_OP(AndOp)
BLADE_BROADCAST_BINARY_OP(OrOp)
BLADE_BROADCAST_BINARY_OP(XorOp)
BLADE_BROADCAST_BINARY_OP(CompareOp)
#undef BLADE_BROADCAST_BINARY_OP

LogicalResult SelectOp::verify() {
  return verifyBroadcastOperands(*this,
                                 {getCondition(), getOnTrue(), getOnFalse()});
}

void SelectOp::emitShapeChecks(ShapeCheckList &checks) {
  checks.requireBroadcastable(*this, getCondition(), getOnTrue(), 0, true);
  checks.requireBroadcastable(*this, getCondition(), getOnFalse(), 0, true);
  checks.requireBroadcastable(*this, getOnTrue(), getOnFalse(), 0, true);
}

LogicalResult ConvertOp::verify() {
  return verifyInferredShape(getOperand().getType().getShape(), getType(),
                             getLoc());
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

namespace {
/// Scalar folds; std::nullopt leaves the op alone (division by zero,
/// overflow, an op without a fold for the element kind).
using IntFoldFn = std::optional<APInt> (*)(const APInt &, const APInt &,
                                           bool isUnsigned);
using FloatFoldFn = std::optional<APFloat> (*)(const APFloat &,
                                               const APFloat &);
} // namespace

/// Folds big constants no further: weights are not worth copying.
static constexpr int64_t kMaxFoldElements = 1 << 16;

/// Calls `fn` with the offsets into each operand of every element of the
/// static `result` shape, in row-major order, under numpy broadcasting;
/// stops and returns false when `fn` does.
static bool
forEachBroadcastElement(ArrayRef<int64_t> result, ArrayRef<ShapedType> operands,
                        function_ref<bool(ArrayRef<int64_t> offsets)> fn) {
  int64_t rank = result.size();
  // Stride 0 along broadcast dims, row-major strides elsewhere.
  SmallVector<SmallVector<int64_t>> strides;
  for (ShapedType t : operands) {
    SmallVector<int64_t> &s = strides.emplace_back(rank, 0);
    int64_t stride = 1;
    for (int64_t i = t.getRank() - 1; i >= 0; --i) {
      int64_t d = t.getDimSize(i);
      s[i + rank - t.getRank()] = d == 1 ? 0 : stride;
      stride *= d;
    }
  }
  SmallVector<int64_t> index(rank, 0);
  SmallVector<int64_t> offsets(operands.size());
  int64_t count = ShapedType::getNumElements(result);
  for (int64_t n = 0; n < count; ++n) {
    for (auto [k, s] : llvm::enumerate(strides)) {
      offsets[k] = 0;
      for (int64_t d = 0; d < rank; ++d)
        offsets[k] += index[d] * s[d];
    }
    if (!fn(offsets))
      return false;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < result[d])
        break;
      index[d] = 0;
    }
  }
  return true;
}

/// The constant operands of `op` as dense attributes with the static result
/// type of `op`, if all operands are constant and the result is small.
static std::optional<
    std::pair<SmallVector<DenseElementsAttr>, RankedTensorType>>
getFoldableOperands(Operation *op, ArrayRef<Attribute> operands) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape() ||
      type.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  SmallVector<DenseElementsAttr> attrs;
  for (Attribute a : operands) {
    auto dense = dyn_cast_if_present<DenseElementsAttr>(a);
    if (!dense)
      return std::nullopt;
    attrs.push_back(dense);
  }
  return std::make_pair(attrs, type);
}

/// Applies `fn` to the broadcast elements of two constants of element type
/// T (APInt or APFloat), collecting results of type R; null if `fn` refuses
/// one.
template <typename T, typename R, typename Fn>
static Attribute foldElements(RankedTensorType type, DenseElementsAttr lhs,
                              DenseElementsAttr rhs, Fn fn) {
  SmallVector<T> a(lhs.getValues<T>());
  SmallVector<T> b(rhs.getValues<T>());
  SmallVector<R> result;
  result.reserve(type.getNumElements());
  bool ok =
      forEachBroadcastElement(type.getShape(), {lhs.getType(), rhs.getType()},
                              [&](ArrayRef<int64_t> off) {
                                std::optional<R> v = fn(a[off[0]], b[off[1]]);
                                if (v)
                                  result.push_back(*v);
                                return v.has_value();
                              });
  if (!ok)
    return {};
  return DenseElementsAttr::get(type, result);
}

/// Folds a broadcasting binary op whose operands are both constant.
static OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands,
                               IntFoldFn intFn, FloatFoldFn floatFn) {
  auto foldable = getFoldableOperands(op, operands);
  if (!foldable)
    return {};
  auto &[attrs, type] = *foldable;
  Type element = attrs[0].getElementType();
  if (isa<FloatType>(element)) {
    if (!floatFn)
      return {};
    return foldElements<APFloat, APFloat>(type, attrs[0], attrs[1], floatFn);
  }
  if (!intFn)
    return {};
  bool isUnsigned = element.isUnsignedInteger();
  return foldElements<APInt, APInt>(
      type, attrs[0], attrs[1],
      [&](const APInt &a, const APInt &b) { return intFn(a, b, isUnsigned); });
}

#define BLADE_FOLD_BINARY(Op, IntFn, FloatFn)                                  \
  OpFoldResult Op::fold(FoldAdaptor adaptor) {                                 \
    return foldBinary(*this, adaptor.getOperands(), IntFn, FloatFn);           \
  }

BLADE_FOLD_BINARY(
    AddOp,
    [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
      return a + b;
    },
    [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
      return a + b;
    })
BLADE_FOLD_BINARY(
    SubOp,
    [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
      return a - b;
    },
    [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
      return a - b;
    })
BLADE_FOLD_BINARY(
    MulOp,
    [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
      return a * b;
    },
    [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
      return a * b;
    })
BLADE_FOLD_BINARY(
    DivOp,
    [](const APInt &a, const APInt &b,
       bool isUnsigned) -> std::optional<APInt> {
      if (b.isZero())
        return std::nullopt;
      if (isUnsigned)
        return a.udiv(b);
      bool overflow = false;
      APInt q = a.sdiv_ov(b, overflow);
      return overflow ? std::nullopt : std::optional<APInt>(q);
    },
    [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
      return a / b;
    })
BLADE_FOLD_BINARY(
    MinOp,
    [](const APInt &a, const APInt &b,
       bool isUnsigned) -> std::optional<APInt> {
      return (isUnsigned ? a.ult(b) : a.slt(b)) ? a : b;
    },
    [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
      return llvm::minimum(a, b);
    })
BLADE_FOLD_BINARY(
    MaxOp,
    [](const APInt &a, const APInt &b,
       bool isUnsigned) -> std::optional<APInt> {
      return (isUnsigned ? a.ugt(b) : a.sgt(b)) ? a : b;
    },
    [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
      return llvm::maximum(a, b);
    })
BLADE_FOLD_BINARY(
    RemOp,
    [](const APInt &a, const APInt &b,
       bool isUnsigned) -> std::optional<APInt> {
      if (b.isZero())
        return std::nullopt;
      return isUnsigned ? a.urem(b) : a.srem(b);
    },
    nullptr)
BLADE_FOLD_BINARY(
    ModOp,
    [](const APInt &a, const APInt &b,
       bool isUnsigned) -> std::optional<APInt> {
      if (b.isZero())
        return std::nullopt;
      if (isUnsigned)
        return a.urem(b);
      APInt r = a.srem(b);
      if (!r.isZero() && r.isNegative() != b.isNegative())
        r += b;
      return r;
    },
    nullptr)
BLADE_FOLD_BINARY(
    ShiftLeftOp,
    [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
      if (b.uge(a.getBitWidth()))
        return APInt::getZero(a.getBitWidth());
      return a.shl(b);
    },
    nullptr)
BLADE_FOLD_BINARY(ShiftRightOp, nullptr, nullptr)
BLADE_FOLD_BINARY(PowOp, nullptr, nullptr)
BLADE_FOLD_BINARY(
    AndOp,
    [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
      return a & b;
    },
    nullptr)
BLADE_FOLD_BINARY(
    OrOp,
    [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
      return a | b;
    },
    nullptr)
BLADE_FOLD_BINARY(
    XorOp,
    [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
      return a ^ b;
    },
    nullptr)
#undef BLADE_FOLD_BINARY

OpFoldResult CompareOp::fold(FoldAdaptor adaptor) {
  auto foldable = getFoldableOperands(*this, adaptor.getOperands());
  if (!foldable)
    return {};
  auto &[attrs, type] = *foldable;
  StringRef pred = getPredicate();
  if (isa<FloatType>(attrs[0].getElementType())) {
    return foldElements<APFloat, bool>(
        type, attrs[0], attrs[1],
        [&](const APFloat &a, const APFloat &b) -> std::optional<bool> {
          APFloat::cmpResult c = a.compare(b);
          if (c == APFloat::cmpUnordered)
            return pred == "ne";
          return llvm::StringSwitch<bool>(pred)
              .Case("eq", c == APFloat::cmpEqual)
              .Case("ne", c != APFloat::cmpEqual)
              .Case("lt", c == APFloat::cmpLessThan)
              .Case("le", c != APFloat::cmpGreaterThan)
              .Case("gt", c == APFloat::cmpGreaterThan)
              .Default(c != APFloat::cmpLessThan);
        });
  }
  bool isUnsigned = attrs[0].getElementType().isUnsignedInteger();
  return foldElements<APInt, bool>(
      type, attrs[0], attrs[1],
      [&](const APInt &a, const APInt &b) -> std::optional<bool> {
        int c = isUnsigned ? (a.ult(b) ? -1
                              : a == b ? 0
                                       : 1)
                           : (a.slt(b) ? -1
                              : a == b ? 0
                                       : 1);
        return llvm::StringSwitch<bool>(pred)
            .Case("eq", c == 0)
            .Case("ne", c != 0)
            .Case("lt", c < 0)
            .Case("le", c <= 0)
            .Case("gt", c > 0)
            .Default(c >= 0);
      });
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  // A uniform condition picks one operand when it already has the result
  // type.
  auto cond = dyn_cast_if_present<DenseElementsAttr>(adaptor.getCondition());
  if (cond && cond.isSplat()) {
    Value picked = cond.getSplatValue<bool>() ? getOnTrue() : getOnFalse();
    if (picked.getType() == getType())
      return picked;
  }
  auto foldable = getFoldableOperands(*this, adaptor.getOperands());
  if (!foldable)
    return {};
  auto &[attrs, type] = *foldable;
  SmallVector<bool> c(attrs[0].getValues<bool>());
  SmallVector<Attribute> t(attrs[1].getValues<Attribute>());
  SmallVector<Attribute> f(attrs[2].getValues<Attribute>());
  SmallVector<Attribute> result;
  forEachBroadcastElement(
      type.getShape(),
      {attrs[0].getType(), attrs[1].getType(), attrs[2].getType()},
      [&](ArrayRef<int64_t> off) {
        result.push_back(c[off[0]] ? t[off[1]] : f[off[2]]);
        return true;
      });
  return DenseElementsAttr::get(type, result);
}

/// Converts one constant element between blade element types (the
/// semantics of the lowering); std::nullopt when the value does not fit.
static std::optional<Attribute> convertElement(Attribute value, Type to) {
  Type from = cast<TypedAttr>(value).getType();
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  if (auto f = dyn_cast<FloatAttr>(value)) {
    APFloat v = f.getValue();
    if (to.isInteger(1))
      return BoolAttr::get(to.getContext(), !v.isZero());
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      bool losesInfo = false;
      v.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      return FloatAttr::get(to, v);
    }
    APSInt i(to.getIntOrFloatBitWidth(), to.isUnsignedInteger());
    bool isExact = false;
    if (v.convertToInteger(i, APFloat::rmTowardZero, &isExact) ==
        APFloat::opInvalidOp)
      return std::nullopt; // NaN or out of range: poison at run time.
    return IntegerAttr::get(to, i);
  }
  APInt v = cast<IntegerAttr>(value).getValue();
  if (to.isInteger(1))
    return BoolAttr::get(to.getContext(), !v.isZero());
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    APFloat f(toFloat.getFloatSemantics());
    f.convertFromAPInt(v, !fromUnsigned, APFloat::rmNearestTiesToEven);
    return FloatAttr::get(to, f);
  }
  unsigned width = to.getIntOrFloatBitWidth();
  return IntegerAttr::get(to, fromUnsigned ? v.zextOrTrunc(width)
                                           : v.sextOrTrunc(width));
}

OpFoldResult ConvertOp::fold(FoldAdaptor adaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand());
  if (!input || !getType().hasStaticShape() ||
      getType().getNumElements() > kMaxFoldElements)
    return {};
  Type to = getType().getElementType();
  SmallVector<Attribute> result;
  for (Attribute v : input.getValues<Attribute>()) {
    std::optional<Attribute> converted = convertElement(v, to);
    if (!converted)
      return {};
    result.push_back(*converted);
  }
  return DenseElementsAttr::get(getType(), result);
}

/// Folds a unary op on a constant; `floatFn` or `intFn` may be null.
template <typename IntFn, typename FloatFn>
static OpFoldResult foldUnary(Operation *op, Attribute operand, IntFn intFn,
                              FloatFn floatFn) {
  auto input = dyn_cast_if_present<DenseElementsAttr>(operand);
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!input || !type.hasStaticShape() ||
      type.getNumElements() > kMaxFoldElements)
    return {};
  if (isa<FloatType>(type.getElementType()))
    return input.mapValues(type.getElementType(), [&](const APFloat &v) {
      return floatFn(v).bitcastToAPInt();
    });
  bool isUnsigned = type.getElementType().isUnsignedInteger();
  return input.mapValues(type.getElementType(),
                         [&](const APInt &v) { return intFn(v, isUnsigned); });
}

static APFloat roundFloat(APFloat v, APFloat::roundingMode mode) {
  v.roundToIntegral(mode);
  return v;
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperand(), [](const APInt &v, bool) { return -v; },
      [](const APFloat &v) { return -v; });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperand(),
      [](const APInt &v, bool isUnsigned) { return isUnsigned ? v : v.abs(); },
      [](const APFloat &v) { return abs(v); });
}

OpFoldResult FloorOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperand(), [](const APInt &v, bool) { return v; },
      [](const APFloat &v) {
        return roundFloat(v, APFloat::rmTowardNegative);
      });
}

OpFoldResult CeilOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperand(), [](const APInt &v, bool) { return v; },
      [](const APFloat &v) {
        return roundFloat(v, APFloat::rmTowardPositive);
      });
}

OpFoldResult RoundOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperand(), [](const APInt &v, bool) { return v; },
      [](const APFloat &v) {
        return roundFloat(v, APFloat::rmNearestTiesToEven);
      });
}
