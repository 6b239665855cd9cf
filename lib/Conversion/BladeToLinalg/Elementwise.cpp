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

#include "blade/Dialect/Blade/Analysis/SymbolicDims.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// Builds the scalar result from the scalar operands. `type` is the blade
/// element type of the first operand: it tells float from signed from
/// unsigned, which the signless scalars no longer do.
using ScalarFn = Value (*)(OpBuilder &, Location, ValueRange, Type type);
using ScalarBuilder =
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// The generic that applies `fn` with broadcasting decided by the static
/// shapes: a statically-1 dim reads index 0, every other dim its loop index.
Value buildStaticBroadcast(OpBuilder &b, Location loc,
                           RankedTensorType resultType, ValueRange operands,
                           ValueRange dynamicSizes, ScalarBuilder fn) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(getBroadcastMap(
        ctx, cast<RankedTensorType>(operand.getType()).getShape(),
        resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  Value init = createEmpty(b, loc, resultType, dynamicSizes);
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = fn(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

/// `operand` broadcast to the full result shape, reading index 0 in every
/// dim that is 1 (statically, or at run time for a dynamic dim); the same
/// indexing as blade.expand's lowering. Only on the rare path.
Value materializeBroadcast(OpBuilder &b, Location loc, Value operand,
                           RankedTensorType resultType,
                           ValueRange dynamicSizes) {
  auto type = cast<RankedTensorType>(operand.getType());
  int64_t offset = resultType.getRank() - type.getRank();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> isOne;
  for (int64_t j = 0; j < type.getRank(); ++j)
    isOne.push_back(type.isDynamicDim(j)
                        ? arith::CmpIOp::create(
                              b, loc, arith::CmpIPredicate::eq,
                              tensor::DimOp::create(b, loc, operand, j), one)
                              .getResult()
                        : Value());
  return buildIndexedGeneric(
      b, loc, resultType.clone(type.getElementType()), dynamicSizes,
      [&](OpBuilder &nb, Location l, ArrayRef<Value> ivs) -> Value {
        SmallVector<Value> at;
        for (int64_t j = 0; j < type.getRank(); ++j) {
          Value iv = ivs[j + offset];
          if (type.getDimSize(j) == 1)
            at.push_back(zero);
          else if (!type.isDynamicDim(j))
            at.push_back(iv);
          else
            at.push_back(arith::SelectOp::create(nb, l, isOne[j], zero, iv));
        }
        return tensor::ExtractOp::create(nb, l, operand, at);
      });
}

/// Per operand of `op`, per dim: whether the shape system proves the dim
/// equal to the result dim it aligns with (empty without `dims`).
SmallVector<SmallVector<bool>> provenEqualDims(Operation *op,
                                               const SymbolicDims *dims) {
  SmallVector<SmallVector<bool>> out;
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!dims || !resultType)
    return out;
  int64_t rank = resultType.getRank();
  for (Value operand : op->getOperands()) {
    auto type = cast<RankedTensorType>(operand.getType());
    SmallVector<bool> equal;
    for (int64_t j = 0; j < type.getRank(); ++j)
      equal.push_back(dims->equal(operand, j, op->getResult(0),
                                  j + rank - type.getRank()));
    out.push_back(equal);
  }
  return out;
}

/// Builds the linalg.generic that applies `fn` to the (broadcast) operands.
/// A dynamic operand dim that may be 1 at run time while the result dim is
/// not makes two versions (speculation on shapes): the common one, where
/// every such dim equals the result dim, with plain indexing; and a general
/// one that broadcasts those operands explicitly first. Dims in `proven`
/// (per operand, per dim; see provenEqualDims) equal the result's: they
/// need neither.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarBuilder fn,
                       ArrayRef<SmallVector<bool>> proven = {}) {
  auto isProven = [&](size_t o, int64_t j) {
    return o < proven.size() && j < static_cast<int64_t>(proven[o].size()) &&
           proven[o][j];
  };
  int64_t rank = resultType.getRank();
  // Run-time result sizes: a dynamic operand dim of 1 defers to the others.
  SmallVector<Value> sizes(rank);
  for (int64_t i = 0; i < rank; ++i) {
    if (!resultType.isDynamicDim(i)) {
      sizes[i] = arith::ConstantIndexOp::create(b, loc, resultType.getDimSize(i));
      continue;
    }
    // An operand dim proven equal to the result's is its size.
    for (auto [o, operand] : llvm::enumerate(operands)) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t j = i - (rank - type.getRank());
      if (j >= 0 && isProven(o, j)) {
        sizes[i] = tensor::DimOp::create(b, loc, operand, j);
        break;
      }
    }
    if (sizes[i])
      continue;
    Value size;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t j = i - (rank - type.getRank());
      if (j < 0 || type.getDimSize(j) == 1)
        continue;
      if (!type.isDynamicDim(j)) {
        size = arith::ConstantIndexOp::create(b, loc, type.getDimSize(j));
        break;
      }
      Value d = tensor::DimOp::create(b, loc, operand, j);
      if (!size) {
        size = d;
        continue;
      }
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      Value isOne =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size, one);
      size = arith::SelectOp::create(b, loc, isOne, d, size);
    }
    sizes[i] = size ? size : arith::ConstantIndexOp::create(b, loc, 1);
  }
  SmallVector<Value> dynamicSizes;
  for (int64_t i = 0; i < rank; ++i)
    if (resultType.isDynamicDim(i))
      dynamicSizes.push_back(sizes[i]);

  // Dims that decide between the versions: dynamic in an operand, aligned
  // with a result dim that is not statically 1 and that another operand
  // (not statically 1 there) also spans.
  Value fast;
  SmallVector<bool> needsBroadcast(operands.size(), false);
  for (auto [o, operand] : llvm::enumerate(operands)) {
    auto type = cast<RankedTensorType>(operand.getType());
    for (int64_t j = 0; j < type.getRank(); ++j) {
      int64_t i = j + rank - type.getRank();
      if (!type.isDynamicDim(j) || resultType.getDimSize(i) == 1 ||
          isProven(o, j))
        continue;
      bool shared = llvm::any_of(llvm::enumerate(operands), [&](auto other) {
        if (other.index() == o)
          return false;
        auto t = cast<RankedTensorType>(other.value().getType());
        int64_t k = i - (rank - t.getRank());
        return k >= 0 && t.getDimSize(k) != 1;
      });
      if (!shared && !resultType.isDynamicDim(i))
        shared = true; // A static result dim the operand must match or be 1.
      if (!shared)
        continue;
      needsBroadcast[o] = true;
      Value d = tensor::DimOp::create(b, loc, operand, j);
      Value eq =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, sizes[i]);
      fast = fast ? Value(arith::AndIOp::create(b, loc, fast, eq)) : eq;
    }
  }
  if (!fast)
    return buildStaticBroadcast(b, loc, resultType, operands, dynamicSizes, fn);

  auto ifOp = scf::IfOp::create(
      b, loc, fast,
      [&](OpBuilder &tb, Location l) {
        scf::YieldOp::create(tb, l,
                             buildStaticBroadcast(tb, l, resultType, operands,
                                                  dynamicSizes, fn));
      },
      [&](OpBuilder &eb, Location l) {
        SmallVector<Value> full;
        for (auto [o, operand] : llvm::enumerate(operands))
          full.push_back(needsBroadcast[o]
                             ? materializeBroadcast(eb, l, operand, resultType,
                                                    dynamicSizes)
                             : operand);
        scf::YieldOp::create(eb, l,
                             buildStaticBroadcast(eb, l, resultType, full,
                                                  dynamicSizes, fn));
      });
  return ifOp.getResult(0);
}

bool isUnsigned(Type t) { return t.isUnsignedInteger(); }

/// Picks the float, unsigned or signed integer arith op for `t`.
template <typename FOp, typename SOp, typename UOp = SOp>
Value pick(OpBuilder &b, Location loc, ValueRange a, Type t) {
  if (isa<FloatType>(t))
    return FOp::create(b, loc, a[0], a[1]);
  if (isUnsigned(t))
    return UOp::create(b, loc, a[0], a[1]);
  return SOp::create(b, loc, a[0], a[1]);
}

Value scalarAdd(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return pick<arith::AddFOp, arith::AddIOp>(b, loc, a, t);
}
Value scalarSub(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return pick<arith::SubFOp, arith::SubIOp>(b, loc, a, t);
}
Value scalarMul(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return pick<arith::MulFOp, arith::MulIOp>(b, loc, a, t);
}
Value scalarDiv(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return pick<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(b, loc, a, t);
}
Value scalarMin(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return pick<arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(b, loc, a, t);
}
Value scalarMax(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return pick<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(b, loc, a, t);
}
Value scalarRem(OpBuilder &b, Location loc, ValueRange a, Type t) {
  return pick<arith::RemFOp, arith::RemSIOp, arith::RemUIOp>(b, loc, a, t);
}
Value scalarMod(OpBuilder &b, Location loc, ValueRange a, Type t) {
  if (isUnsigned(t))
    return arith::RemUIOp::create(b, loc, a[0], a[1]);
  // r = a rem b; add b when r is nonzero and its sign differs from b's.
  Value r = arith::RemSIOp::create(b, loc, a[0], a[1]);
  Value zero = createScalar(b, loc, r.getType(), 0);
  Value rNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
  Value bNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[1], zero);
  Value rNonZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
  Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, bNeg);
  Value fix = arith::AndIOp::create(b, loc, rNonZero, signsDiffer);
  Value adjusted = arith::AddIOp::create(b, loc, r, a[1]);
  return arith::SelectOp::create(b, loc, fix, adjusted, r);
}
Value scalarPow(OpBuilder &b, Location loc, ValueRange a, Type t) {
  if (isa<FloatType>(t))
    return math::PowFOp::create(b, loc, a[0], a[1]);
  // Integers: through f64, truncated back (exact below 2^53).
  Type f64 = b.getF64Type();
  Type intType = a[0].getType();
  auto toFloat = [&](Value v) -> Value {
    if (isUnsigned(t))
      return arith::UIToFPOp::create(b, loc, f64, v);
    return arith::SIToFPOp::create(b, loc, f64, v);
  };
  Value p = math::PowFOp::create(b, loc, toFloat(a[0]), toFloat(a[1]));
  if (isUnsigned(t))
    return arith::FPToUIOp::create(b, loc, intType, p);
  return arith::FPToSIOp::create(b, loc, intType, p);
}
/// Shifts by `amount` >= the bit width give `saturated` instead of poison.
Value guardShift(OpBuilder &b, Location loc, Value amount, Value shifted,
                 Value saturated, Type t) {
  Value width =
      createScalar(b, loc, amount.getType(), t.getIntOrFloatBitWidth());
  Value tooFar = arith::CmpIOp::create(
      b, loc,
      isUnsigned(t) ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge,
      amount, width);
  return arith::SelectOp::create(b, loc, tooFar, saturated, shifted);
}
Value scalarShiftLeft(OpBuilder &b, Location loc, ValueRange a, Type t) {
  Value shifted = arith::ShLIOp::create(b, loc, a[0], a[1]);
  return guardShift(b, loc, a[1], shifted,
                    createScalar(b, loc, a[0].getType(), 0), t);
}
Value scalarShiftRight(OpBuilder &b, Location loc, ValueRange a, Type t) {
  if (isUnsigned(t)) {
    Value shifted = arith::ShRUIOp::create(b, loc, a[0], a[1]);
    return guardShift(b, loc, a[1], shifted,
                      createScalar(b, loc, a[0].getType(), 0), t);
  }
  Value shifted = arith::ShRSIOp::create(b, loc, a[0], a[1]);
  Value last =
      createScalar(b, loc, a[0].getType(), t.getIntOrFloatBitWidth() - 1);
  Value sign = arith::ShRSIOp::create(b, loc, a[0], last);
  return guardShift(b, loc, a[1], shifted, sign, t);
}
Value scalarAnd(OpBuilder &b, Location loc, ValueRange a, Type) {
  return arith::AndIOp::create(b, loc, a[0], a[1]);
}
Value scalarOr(OpBuilder &b, Location loc, ValueRange a, Type) {
  return arith::OrIOp::create(b, loc, a[0], a[1]);
}
Value scalarXor(OpBuilder &b, Location loc, ValueRange a, Type) {
  return arith::XOrIOp::create(b, loc, a[0], a[1]);
}
Value scalarNot(OpBuilder &b, Location loc, ValueRange a, Type) {
  Value one = arith::ConstantIntOp::create(b, loc, a[0].getType(), 1);
  return arith::XOrIOp::create(b, loc, a[0], one);
}
Value scalarSelect(OpBuilder &b, Location loc, ValueRange a, Type) {
  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
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
Value scalarAbs(OpBuilder &b, Location loc, ValueRange a, Type t) {
  if (isa<FloatType>(t))
    return math::AbsFOp::create(b, loc, a[0]);
  if (isUnsigned(t))
    return a[0];
  return math::AbsIOp::create(b, loc, a[0]);
}
Value scalarNeg(OpBuilder &b, Location loc, ValueRange a, Type t) {
  if (isa<FloatType>(t))
    return arith::NegFOp::create(b, loc, a[0]);
  Value zero = createScalar(b, loc, a[0].getType(), 0);
  return arith::SubIOp::create(b, loc, zero, a[0]);
}
Value scalarSign(OpBuilder &b, Location loc, ValueRange a, Type t) {
  // 1 above zero, -1 below, the operand itself otherwise (0, -0, NaN).
  Type type = a[0].getType();
  Value zero = createScalar(b, loc, type, 0);
  Value one = createScalar(b, loc, type, 1);
  Value minusOne = createScalar(b, loc, type, -1);
  Value pos, neg;
  if (isa<FloatType>(t)) {
    pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, a[0], zero);
    neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a[0], zero);
  } else if (isUnsigned(t)) {
    pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, a[0], zero);
    neg = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
  } else {
    pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, a[0], zero);
    neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[0], zero);
  }
  Value rest = arith::SelectOp::create(b, loc, neg, minusOne, a[0]);
  return arith::SelectOp::create(b, loc, pos, one, rest);
}

/// A scalar builder for a one-operand math op.
template <typename MathOp>
Value scalarMath(OpBuilder &b, Location loc, ValueRange a, Type) {
  return MathOp::create(b, loc, a[0]);
}

template <typename OpTy, ScalarFn Fn>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  ElementwiseLowering(const TypeConverter &converter, MLIRContext *ctx,
                      const SymbolicDims *dims = nullptr)
      : OpConversionPattern<OpTy>(converter, ctx), dims(dims) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        convertedResultType(*this->getTypeConverter(), op.getOperation());
    // The select's first operand is its condition; its values decide.
    unsigned typeOperand = std::is_same_v<OpTy, SelectOp> ? 1 : 0;
    Type bladeType =
        cast<RankedTensorType>(op->getOperand(typeOperand).getType())
            .getElementType();
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return Fn(b, loc, args, bladeType);
        },
        provenEqualDims(op, dims));
    rewriter.replaceOp(op, result);
    return success();
  }

  const SymbolicDims *dims;
};

/// 0.5 * x * (1 + erf(x / sqrt(2))), or the tanh approximation.
struct GeluLowering : OpConversionPattern<GeluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GeluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    bool useTanh = op.getApproximate() == "tanh";
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value x = args[0];
          Type t = x.getType();
          auto c = [&](double v) { return createScalar(b, loc, t, v); };
          Value inner;
          if (useTanh) {
            Value x3 = arith::MulFOp::create(
                b, loc, arith::MulFOp::create(b, loc, x, x), x);
            Value poly = arith::AddFOp::create(
                b, loc, x, arith::MulFOp::create(b, loc, c(0.044715), x3));
            inner = math::TanhOp::create(
                b, loc,
                arith::MulFOp::create(b, loc, c(0.7978845608028654), poly));
          } else {
            inner = math::ErfOp::create(
                b, loc,
                arith::MulFOp::create(b, loc, x, c(0.7071067811865476)));
          }
          Value half = arith::MulFOp::create(b, loc, c(0.5), x);
          return arith::MulFOp::create(
              b, loc, half, arith::AddFOp::create(b, loc, c(1.0), inner));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CompareLowering : OpConversionPattern<CompareOp> {
  CompareLowering(const TypeConverter &converter, MLIRContext *ctx,
                  const SymbolicDims *dims)
      : OpConversionPattern(converter, ctx), dims(dims) {}
  LogicalResult
  matchAndRewrite(CompareOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type t = op.getLhs().getType().getElementType();
    StringRef pred = op.getPredicate();
    std::optional<arith::CmpFPredicate> fp =
        llvm::StringSwitch<std::optional<arith::CmpFPredicate>>(pred)
            .Case("eq", arith::CmpFPredicate::OEQ)
            .Case("ne", arith::CmpFPredicate::UNE)
            .Case("lt", arith::CmpFPredicate::OLT)
            .Case("le", arith::CmpFPredicate::OLE)
            .Case("gt", arith::CmpFPredicate::OGT)
            .Case("ge", arith::CmpFPredicate::OGE)
            .Default(std::nullopt);
    bool u = isUnsigned(t);
    using IP = arith::CmpIPredicate;
    std::optional<IP> ip = llvm::StringSwitch<std::optional<IP>>(pred)
                               .Case("eq", IP::eq)
                               .Case("ne", IP::ne)
                               .Case("lt", u ? IP::ult : IP::slt)
                               .Case("le", u ? IP::ule : IP::sle)
                               .Case("gt", u ? IP::ugt : IP::sgt)
                               .Case("ge", u ? IP::uge : IP::sge)
                               .Default(std::nullopt);
    if (!fp || !ip)
      return rewriter.notifyMatchFailure(op, "unknown predicate");
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          if (isa<FloatType>(t))
            return arith::CmpFOp::create(b, loc, *fp, a[0], a[1]);
          return arith::CmpIOp::create(b, loc, *ip, a[0], a[1]);
        },
        provenEqualDims(op, dims));
    rewriter.replaceOp(op, result);
    return success();
  }

  const SymbolicDims *dims;
};

/// Converts one scalar from blade element type `from` to `to`; `target` is
/// the signless type of `to`.
Value convertScalar(OpBuilder &b, Location loc, Value v, Type from, Type to,
                    Type target) {
  if (from == to)
    return v;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    Value zero = createScalar(b, loc, v.getType(), 0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  bool fromUnsigned = isUnsigned(from) || from.isInteger(1);
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, target, v);
    return arith::TruncFOp::create(b, loc, target, v);
  }
  if (toFloat) {
    if (fromUnsigned)
      return arith::UIToFPOp::create(b, loc, target, v);
    return arith::SIToFPOp::create(b, loc, target, v);
  }
  if (fromFloat) {
    if (isUnsigned(to))
      return arith::FPToUIOp::create(b, loc, target, v);
    return arith::FPToSIOp::create(b, loc, target, v);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth == toWidth)
    return v; // Signedness only.
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, target, v);
  if (fromUnsigned)
    return arith::ExtUIOp::create(b, loc, target, v);
  return arith::ExtSIOp::create(b, loc, target, v);
}

struct ConvertLowering : OpConversionPattern<ConvertOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type from = op.getOperand().getType().getElementType();
    Type to = op.getType().getElementType();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return convertScalar(b, loc, a[0], from, to,
                               resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateElementwisePatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns,
                                                const SymbolicDims *dims) {
  MLIRContext *ctx = patterns.getContext();
  // Broadcasting ops consult the shape system.
  patterns.add<ElementwiseLowering<AddOp, scalarAdd>,
               ElementwiseLowering<SubOp, scalarSub>,
               ElementwiseLowering<MulOp, scalarMul>,
               ElementwiseLowering<DivOp, scalarDiv>,
               ElementwiseLowering<MinOp, scalarMin>,
               ElementwiseLowering<MaxOp, scalarMax>,
               ElementwiseLowering<PowOp, scalarPow>,
               ElementwiseLowering<RemOp, scalarRem>,
               ElementwiseLowering<ModOp, scalarMod>,
               ElementwiseLowering<ShiftLeftOp, scalarShiftLeft>,
               ElementwiseLowering<ShiftRightOp, scalarShiftRight>,
               ElementwiseLowering<AndOp, scalarAnd>,
               ElementwiseLowering<OrOp, scalarOr>,
               ElementwiseLowering<XorOp, scalarXor>,
               ElementwiseLowering<SelectOp, scalarSelect>, CompareLowering>(
      converter, ctx, dims);
  patterns.add<ElementwiseLowering<NotOp, scalarNot>, ConvertLowering,
               GeluLowering>(converter, ctx);
  patterns.add<ElementwiseLowering<ReluOp, scalarRelu>,
               ElementwiseLowering<SigmoidOp, scalarSigmoid>,
               ElementwiseLowering<TanhOp, scalarMath<math::TanhOp>>,
               ElementwiseLowering<AbsOp, scalarAbs>,
               ElementwiseLowering<NegOp, scalarNeg>,
               ElementwiseLowering<SignOp, scalarSign>,
               ElementwiseLowering<ExpOp, scalarMath<math::ExpOp>>,
               ElementwiseLowering<LogOp, scalarMath<math::LogOp>>,
               ElementwiseLowering<SqrtOp, scalarMath<math::SqrtOp>>,
               ElementwiseLowering<FloorOp, scalarMath<math::FloorOp>>,
               ElementwiseLowering<CeilOp, scalarMath<math::CeilOp>>,
               ElementwiseLowering<RoundOp, scalarMath<math::RoundEvenOp>>,
               ElementwiseLowering<SinOp, scalarMath<math::SinOp>>,
               ElementwiseLowering<CosOp, scalarMath<math::CosOp>>,
               ElementwiseLowering<TanOp, scalarMath<math::TanOp>>,
               ElementwiseLowering<AsinOp, scalarMath<math::AsinOp>>,
               ElementwiseLowering<AcosOp, scalarMath<math::AcosOp>>,
               ElementwiseLowering<AtanOp, scalarMath<math::AtanOp>>,
               ElementwiseLowering<SinhOp, scalarMath<math::SinhOp>>,
               ElementwiseLowering<CoshOp, scalarMath<math::CoshOp>>,
               ElementwiseLowering<AsinhOp, scalarMath<math::AsinhOp>>,
               ElementwiseLowering<AcoshOp, scalarMath<math::AcoshOp>>,
               ElementwiseLowering<AtanhOp, scalarMath<math::AtanhOp>>,
               ElementwiseLowering<ErfOp, scalarMath<math::ErfOp>>>(converter,
                                                                    ctx);
}
