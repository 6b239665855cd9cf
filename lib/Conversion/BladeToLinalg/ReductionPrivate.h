//===- ReductionPrivate.h - Helpers of the reduction patterns ---*- C++ -*-===//
//
// Private to the reduction pattern files of lib/Conversion/BladeToLinalg
// (Reduction.cpp, IndexedReduction.cpp): scalar arithmetic that picks
// float/signed/unsigned ops from the blade element type, and the dynamic
// sizes of a tensor.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_LIB_CONVERSION_BLADETOLINALG_REDUCTIONPRIVATE_H
#define BLADE_LIB_CONVERSION_BLADETOLINALG_REDUCTIONPRIVATE_H

#include "PatternsPrivate.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace blade::detail {

using namespace mlir;

/// Sizes of the dynamic dims of `v`, skipping the dims marked in `skip`.
inline llvm::SmallVector<mlir::Value>
dynamicSizes(OpBuilder &b, Location loc, Value v, ArrayRef<bool> skip = {}) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i) && (skip.empty() || !skip[i]))
      sizes.push_back(tensor::DimOp::create(b, loc, v, i));
  return sizes;
}

/// Arithmetic on one element type, signed or unsigned as the blade type says.
struct Arith {
  Type type;
  bool isFloat, isUnsigned;
  Arith(Type bladeType, Type convertedType)
      : type(convertedType), isFloat(isa<FloatType>(bladeType)),
        isUnsigned(bladeType.isUnsignedInteger()) {}

  Value add(OpBuilder &b, Location l, Value x, Value y) const {
    return isFloat ? Value(arith::AddFOp::create(b, l, x, y))
                   : Value(arith::AddIOp::create(b, l, x, y));
  }
  Value mul(OpBuilder &b, Location l, Value x, Value y) const {
    return isFloat ? Value(arith::MulFOp::create(b, l, x, y))
                   : Value(arith::MulIOp::create(b, l, x, y));
  }
  Value div(OpBuilder &b, Location l, Value x, Value y) const {
    if (isFloat)
      return arith::DivFOp::create(b, l, x, y);
    if (isUnsigned)
      return arith::DivUIOp::create(b, l, x, y);
    return arith::DivSIOp::create(b, l, x, y);
  }
  Value max(OpBuilder &b, Location l, Value x, Value y) const {
    if (isFloat)
      return arith::MaximumFOp::create(b, l, x, y);
    if (isUnsigned)
      return arith::MaxUIOp::create(b, l, x, y);
    return arith::MaxSIOp::create(b, l, x, y);
  }
  Value min(OpBuilder &b, Location l, Value x, Value y) const {
    if (isFloat)
      return arith::MinimumFOp::create(b, l, x, y);
    if (isUnsigned)
      return arith::MinUIOp::create(b, l, x, y);
    return arith::MinSIOp::create(b, l, x, y);
  }
  Value abs(OpBuilder &b, Location l, Value x) const {
    if (isFloat)
      return math::AbsFOp::create(b, l, x);
    if (isUnsigned)
      return x;
    return math::AbsIOp::create(b, l, x);
  }
  /// `x > y` (or `x >= y` with `orEqual`); `less` flips the comparison.
  Value greater(OpBuilder &b, Location l, Value x, Value y, bool orEqual,
                bool less) const {
    if (isFloat) {
      auto p = less ? (orEqual ? arith::CmpFPredicate::OLE
                               : arith::CmpFPredicate::OLT)
                    : (orEqual ? arith::CmpFPredicate::OGE
                               : arith::CmpFPredicate::OGT);
      return arith::CmpFOp::create(b, l, p, x, y);
    }
    arith::CmpIPredicate p;
    if (isUnsigned)
      p = less ? (orEqual ? arith::CmpIPredicate::ule
                          : arith::CmpIPredicate::ult)
               : (orEqual ? arith::CmpIPredicate::uge
                          : arith::CmpIPredicate::ugt);
    else
      p = less ? (orEqual ? arith::CmpIPredicate::sle
                          : arith::CmpIPredicate::slt)
               : (orEqual ? arith::CmpIPredicate::sge
                          : arith::CmpIPredicate::sgt);
    return arith::CmpIOp::create(b, l, p, x, y);
  }
  Value constant(OpBuilder &b, Location l, double v) const {
    return createScalar(b, l, type, v);
  }
  /// The lowest (`lowest`) or highest value of the type (+-inf for floats).
  Value extreme(OpBuilder &b, Location l, bool lowest) const {
    if (auto ft = dyn_cast<FloatType>(type))
      return arith::ConstantOp::create(
          b, l, type,
          b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(), lowest)));
    unsigned w = type.getIntOrFloatBitWidth();
    APInt v = isUnsigned
                  ? (lowest ? APInt::getMinValue(w) : APInt::getMaxValue(w))
                  : (lowest ? APInt::getSignedMinValue(w)
                            : APInt::getSignedMaxValue(w));
    return arith::ConstantOp::create(b, l, type, b.getIntegerAttr(type, v));
  }
  /// An index value converted to this type.
  Value fromIndex(OpBuilder &b, Location l, Value index) const {
    Value i64 = arith::IndexCastUIOp::create(b, l, b.getI64Type(), index);
    if (isFloat)
      return arith::UIToFPOp::create(b, l, type, i64);
    unsigned w = type.getIntOrFloatBitWidth();
    if (w < 64)
      return arith::TruncIOp::create(b, l, type, i64);
    return i64;
  }
};

/// CumSum, TopK and ReduceSum over run-time axes: reductions whose element
/// positions come from indices (Reduction.cpp adds them).
void populateIndexedReductionPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns);

} // namespace blade::detail

#endif // BLADE_LIB_CONVERSION_BLADETOLINALG_REDUCTIONPRIVATE_H
