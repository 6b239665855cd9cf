//===- FormCompositeOps.cpp - The blade-form-composite-ops pass -----------===//
//
// Matches the arithmetic ONNX exporters emit for GELU and replaces it with
// blade.gelu. A product is read as a constant scale times a multiset of
// non-constant factors, so the order and grouping of the multiplications
// (and divisions by constants) do not matter.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace blade {
#define GEN_PASS_DEF_BLADEFORMCOMPOSITEOPSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

/// The value of a single-element float constant.
std::optional<double> scalarConstant(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto attr = dyn_cast<DenseFPElementsAttr>(constant.getValue());
  if (!attr || attr.getNumElements() != 1)
    return std::nullopt;
  return (*attr.getValues<APFloat>().begin()).convertToDouble();
}

bool near(double value, double expected) {
  return std::abs(value - expected) <= 1e-4 * std::abs(expected);
}

/// `v` as scale * product(factors). Multiplications and divisions by
/// constants are looked through; pow(x, 3) counts as x three times.
struct Product {
  double scale = 1.0;
  SmallVector<Value> factors;
};

void collect(Value v, Product &p) {
  if (std::optional<double> c = scalarConstant(v)) {
    p.scale *= *c;
    return;
  }
  if (auto mul = v.getDefiningOp<MulOp>()) {
    collect(mul.getLhs(), p);
    collect(mul.getRhs(), p);
    return;
  }
  if (auto div = v.getDefiningOp<DivOp>()) {
    if (std::optional<double> c = scalarConstant(div.getRhs()); c && *c != 0) {
      collect(div.getLhs(), p);
      p.scale /= *c;
      return;
    }
  }
  if (auto pow = v.getDefiningOp<PowOp>()) {
    if (std::optional<double> c = scalarConstant(pow.getRhs()); c && *c == 3) {
      p.factors.append(3, pow.getLhs());
      return;
    }
  }
  p.factors.push_back(v);
}

Product productOf(Value v) {
  Product p;
  collect(v, p);
  return p;
}

/// If `v` is 1 + f(...) (either operand order), the f operand.
template <typename OpTy> std::optional<Value> onePlus(Value v) {
  auto add = v.getDefiningOp<AddOp>();
  if (!add)
    return std::nullopt;
  for (auto [one, other] : {std::pair(add.getLhs(), add.getRhs()),
                            std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<double> c = scalarConstant(one);
    if (c && *c == 1.0)
      if (auto op = other.template getDefiningOp<OpTy>())
        return op.getOperand();
  }
  return std::nullopt;
}

/// erf(x * 1/sqrt(2)) with `x` the single factor.
bool isScaledErfArgument(Value arg, Value x) {
  Product p = productOf(arg);
  return p.factors.size() == 1 && p.factors[0] == x &&
         near(p.scale, 1.0 / std::sqrt(2.0));
}

/// sqrt(2/pi) * (x + 0.044715 * x^3).
bool isTanhArgument(Value arg, Value x) {
  Product outer = productOf(arg);
  if (outer.factors.size() != 1 || !near(outer.scale, std::sqrt(2.0 / M_PI)))
    return false;
  auto add = outer.factors[0].getDefiningOp<AddOp>();
  if (!add)
    return false;
  for (auto [lin, cubic] : {std::pair(add.getLhs(), add.getRhs()),
                            std::pair(add.getRhs(), add.getLhs())}) {
    if (lin != x)
      continue;
    Product p = productOf(cubic);
    if (p.factors.size() == 3 && llvm::all_equal(p.factors) &&
        p.factors[0] == x && near(p.scale, 0.044715))
      return true;
  }
  return false;
}

/// Rooted at the last multiplication (or division by a constant).
template <typename OpTy> struct FormGelu : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Product p = productOf(op.getResult());
    if (p.factors.size() != 2 || !near(p.scale, 0.5))
      return rewriter.notifyMatchFailure(op, "not 0.5 * a * b");
    for (auto [x, gate] : {std::pair(p.factors[0], p.factors[1]),
                           std::pair(p.factors[1], p.factors[0])}) {
      if (x.getType() != op.getType())
        continue;
      StringRef approximate;
      if (std::optional<Value> arg = onePlus<ErfOp>(gate);
          arg && isScaledErfArgument(*arg, x))
        approximate = "none";
      else if (std::optional<Value> arg = onePlus<TanhOp>(gate);
               arg && isTanhArgument(*arg, x))
        approximate = "tanh";
      else
        continue;
      rewriter.replaceOpWithNewOp<GeluOp>(op, op.getType(), x,
                                          rewriter.getStringAttr(approximate));
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no GELU formula");
  }
};

struct BladeFormCompositeOpsPass
    : blade::impl::BladeFormCompositeOpsPassBase<BladeFormCompositeOpsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FormGelu<MulOp>, FormGelu<DivOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
