//===- ImageUtils.h - Scalar f64 helpers of the image patterns --*- C++ -*-===//
//
// Private to lib/Conversion/BladeToLinalg: the coordinate and weight
// arithmetic that Resize.cpp and ImageSampling.cpp (and Signal.cpp's mel
// filter bank) build inside their linalg.generic bodies.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_LIB_CONVERSION_BLADETOLINALG_IMAGEUTILS_H
#define BLADE_LIB_CONVERSION_BLADETOLINALG_IMAGEUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"

#include <array>

namespace blade::detail {

/// Builds f64, index and i1 scalar arithmetic at one location.
struct ScalarBuilder {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value f(double v) const {
    return mlir::arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  }
  mlir::Value idx(int64_t v) const {
    return mlir::arith::ConstantIndexOp::create(b, loc, v);
  }
  mlir::Value add(mlir::Value x, mlir::Value y) const {
    return mlir::arith::AddFOp::create(b, loc, x, y);
  }
  mlir::Value sub(mlir::Value x, mlir::Value y) const {
    return mlir::arith::SubFOp::create(b, loc, x, y);
  }
  mlir::Value mul(mlir::Value x, mlir::Value y) const {
    return mlir::arith::MulFOp::create(b, loc, x, y);
  }
  mlir::Value div(mlir::Value x, mlir::Value y) const {
    return mlir::arith::DivFOp::create(b, loc, x, y);
  }
  mlir::Value floor(mlir::Value x) const {
    return mlir::math::FloorOp::create(b, loc, x);
  }
  mlir::Value ceil(mlir::Value x) const {
    return mlir::math::CeilOp::create(b, loc, x);
  }
  mlir::Value maxf(mlir::Value x, mlir::Value y) const {
    return mlir::arith::MaximumFOp::create(b, loc, x, y);
  }
  mlir::Value minf(mlir::Value x, mlir::Value y) const {
    return mlir::arith::MinimumFOp::create(b, loc, x, y);
  }
  mlir::Value cmp(mlir::arith::CmpFPredicate p, mlir::Value x,
                  mlir::Value y) const {
    return mlir::arith::CmpFOp::create(b, loc, p, x, y);
  }
  mlir::Value icmp(mlir::arith::CmpIPredicate p, mlir::Value x,
                   mlir::Value y) const {
    return mlir::arith::CmpIOp::create(b, loc, p, x, y);
  }
  mlir::Value select(mlir::Value c, mlir::Value x, mlir::Value y) const {
    return mlir::arith::SelectOp::create(b, loc, c, x, y);
  }
  mlir::Value andi(mlir::Value x, mlir::Value y) const {
    return mlir::arith::AndIOp::create(b, loc, x, y);
  }
  mlir::Value ori(mlir::Value x, mlir::Value y) const {
    return mlir::arith::OrIOp::create(b, loc, x, y);
  }
  mlir::Value addi(mlir::Value x, mlir::Value y) const {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  /// An index or integer as f64.
  mlir::Value toF64(mlir::Value v) const {
    if (v.getType().isIndex())
      v = mlir::arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
    return mlir::arith::SIToFPOp::create(b, loc, b.getF64Type(), v);
  }
  /// An integral f64 as an index.
  mlir::Value toIndex(mlir::Value v) const {
    v = mlir::arith::FPToSIOp::create(b, loc, b.getI64Type(), v);
    return mlir::arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  }
  /// A float of any width as f64, and back.
  mlir::Value extend(mlir::Value v) const {
    if (v.getType().isF64())
      return v;
    return mlir::arith::ExtFOp::create(b, loc, b.getF64Type(), v);
  }
  mlir::Value narrow(mlir::Value v, mlir::Type t) const {
    if (t.isF64())
      return v;
    return mlir::arith::TruncFOp::create(b, loc, t, v);
  }
  /// `lo <= i < hi` for index values.
  mlir::Value inRange(mlir::Value i, mlir::Value lo, mlir::Value hi) const {
    return andi(icmp(mlir::arith::CmpIPredicate::sge, i, lo),
                icmp(mlir::arith::CmpIPredicate::slt, i, hi));
  }
  /// `i` clamped into [0, size - 1].
  mlir::Value clampIndex(mlir::Value i, mlir::Value size) const {
    mlir::Value last = mlir::arith::SubIOp::create(b, loc, size, idx(1));
    i = mlir::arith::MinSIOp::create(b, loc, i, last);
    return mlir::arith::MaxSIOp::create(b, loc, i, idx(0));
  }

  /// Keys' cubic convolution weights of the taps at -1, 0, 1, 2 from a point
  /// `t` in [0, 1] past tap 0, with parameter `a`.
  std::array<mlir::Value, 4> cubicWeights(mlir::Value t, double a) const {
    // |x| <= 1: (a + 2)|x|^3 - (a + 3)|x|^2 + 1;
    // 1 < |x| < 2: a|x|^3 - 5a|x|^2 + 8a|x| - 4a.
    auto near = [&](mlir::Value x) {
      return add(mul(mul(sub(mul(f(a + 2), x), f(a + 3)), x), x), f(1));
    };
    auto far = [&](mlir::Value x) {
      return sub(mul(add(mul(sub(mul(f(a), x), f(5 * a)), x), f(8 * a)), x),
                 f(4 * a));
    };
    mlir::Value s = sub(f(1), t);
    return {far(add(t, f(1))), near(t), near(s), far(add(s, f(1)))};
  }
};

} // namespace blade::detail

#endif // BLADE_LIB_CONVERSION_BLADETOLINALG_IMAGEUTILS_H
