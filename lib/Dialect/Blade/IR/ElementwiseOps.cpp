//===- ElementwiseOps.cpp - Elementwise blade ops: verifiers, folders -----===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace blade;

//===----------------------------------------------------------------------===//
// Verifiers and shape checks
//===----------------------------------------------------------------------===//

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
    checks.requireBroadcastable(*this, getLhs(), getRhs());                    \
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
  checks.requireBroadcastable(*this, getCondition(), getOnTrue());
  checks.requireBroadcastable(*this, getCondition(), getOnFalse());
  checks.requireBroadcastable(*this, getOnTrue(), getOnFalse());
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

/// Folds a broadcasting binary op whose operands are both constant.
static OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands,
                               IntFoldFn intFn, FloatFoldFn floatFn) {
  auto lhs = dyn_cast_if_present<DenseElementsAttr>(operands[0]);
  auto rhs = dyn_cast_if_present<DenseElementsAttr>(operands[1]);
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!lhs || !rhs || !type || !type.hasStaticShape() ||
      type.getNumElements() > kMaxFoldElements)
    return {};
  Type element = lhs.getElementType();
  bool isFloat = isa<FloatType>(element);
  if ((isFloat && !floatFn) || (!isFloat && !intFn))
    return {};
  bool isUnsigned = element.isUnsignedInteger();

  // Offsets of the result's elements in each (broadcast) operand.
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  auto strides = [&](ShapedType t) {
    // Stride 0 along broadcast dims, row-major strides elsewhere.
    SmallVector<int64_t> s(rank, 0);
    int64_t stride = 1;
    for (int64_t i = t.getRank() - 1; i >= 0; --i) {
      int64_t d = t.getDimSize(i);
      s[i + rank - t.getRank()] = d == 1 ? 0 : stride;
      stride *= d;
    }
    return s;
  };
  SmallVector<int64_t> ls = strides(lhs.getType()), rs = strides(rhs.getType());
  SmallVector<int64_t> index(rank, 0);
  int64_t count = type.getNumElements();
  auto forEach = [&](auto fn) -> bool {
    for (int64_t n = 0; n < count; ++n) {
      int64_t l = 0, r = 0;
      for (int64_t d = 0; d < rank; ++d) {
        l += index[d] * ls[d];
        r += index[d] * rs[d];
      }
      if (!fn(l, r))
        return false;
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < shape[d])
          break;
        index[d] = 0;
      }
    }
    return true;
  };

  if (isFloat) {
    SmallVector<APFloat> a(lhs.getValues<APFloat>());
    SmallVector<APFloat> b(rhs.getValues<APFloat>());
    SmallVector<APFloat> result;
    bool ok = forEach([&](int64_t l, int64_t r) {
      std::optional<APFloat> v =
          floatFn(a[lhs.isSplat() ? 0 : l], b[rhs.isSplat() ? 0 : r]);
      if (v)
        result.push_back(*v);
      return v.has_value();
    });
    return ok ? DenseElementsAttr::get(type, result) : Attribute();
  }
  SmallVector<APInt> a(lhs.getValues<APInt>());
  SmallVector<APInt> b(rhs.getValues<APInt>());
  SmallVector<APInt> result;
  bool ok = forEach([&](int64_t l, int64_t r) {
    std::optional<APInt> v =
        intFn(a[lhs.isSplat() ? 0 : l], b[rhs.isSplat() ? 0 : r], isUnsigned);
    if (v)
      result.push_back(*v);
    return v.has_value();
  });
  return ok ? DenseElementsAttr::get(type, result) : Attribute();
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

OpFoldResult ConvertOp::fold(FoldAdaptor adaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand());
  if (!input || !getType().hasStaticShape() ||
      getType().getNumElements() > kMaxFoldElements)
    return {};
  Type from = input.getElementType();
  Type to = getType().getElementType();
  if (!isa<IntegerType>(from) || !isa<IntegerType>(to))
    return {}; // Only integer and bool conversions (shape arithmetic).
  unsigned width = to.getIntOrFloatBitWidth();
  SmallVector<APInt> result;
  for (const APInt &v : input.getValues<APInt>()) {
    if (width == 1)
      result.push_back(APInt(1, v.isZero() ? 0 : 1));
    else if (from.isInteger(1) || from.isUnsignedInteger())
      result.push_back(v.zextOrTrunc(width));
    else
      result.push_back(v.sextOrTrunc(width));
  }
  return DenseElementsAttr::get(getType(), result);
}
