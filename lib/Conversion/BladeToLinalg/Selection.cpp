//===- Selection.cpp - Lowering of ops with data-dependent result sizes ---===//
//
// blade.nonzero, blade.unique and blade.non_max_suppression become scf.for
// loops over tensors: a first pass counts (or bounds) the result size, a
// tensor.empty of that size is then filled by a loop that carries the tensor
// and a running position.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <array>

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

using BodyFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>;
using BranchFn = function_ref<SmallVector<Value>(OpBuilder &, Location)>;

/// An scf.for from `lb` to `ub` threading `init`; returns its results.
SmallVector<Value> buildFor(OpBuilder &b, Location loc, Value lb, Value ub,
                            ValueRange init, BodyFn body) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, one, init,
      [&](OpBuilder &nb, Location l, Value iv, ValueRange args) {
        scf::YieldOp::create(nb, l, body(nb, l, iv, args));
      });
  return SmallVector<Value>(loop.getResults());
}

/// An scf.if yielding the values each branch returns.
SmallVector<Value> buildIf(OpBuilder &b, Location loc, Value cond,
                           BranchFn thenFn, BranchFn elseFn) {
  auto ifOp = scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &tb, Location l) {
        scf::YieldOp::create(tb, l, thenFn(tb, l));
      },
      [&](OpBuilder &eb, Location l) {
        scf::YieldOp::create(eb, l, elseFn(eb, l));
      });
  return SmallVector<Value>(ifOp.getResults());
}

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value toI64(OpBuilder &b, Location loc, Value index) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
}

/// `v` plus 1 where `cond` holds (index values).
Value addIf(OpBuilder &b, Location loc, Value v, Value cond) {
  Value inc =
      arith::SelectOp::create(b, loc, cond, idx(b, loc, 1), idx(b, loc, 0));
  return arith::AddIOp::create(b, loc, v, inc);
}

Value isNonZero(OpBuilder &b, Location loc, Value v) {
  Value zero = createScalar(b, loc, v.getType(), 0);
  if (isa<FloatType>(v.getType()))
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
}

struct NonZeroLowering : OpConversionPattern<NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NonZeroOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value x = adaptor.getOperand();
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    SmallVector<Value> lbs(rank, idx(b, loc, 0)), steps(rank, idx(b, loc, 1));
    SmallVector<Value> ubs;
    for (int64_t d = 0; d < rank; ++d)
      ubs.push_back(getDimValue(b, loc, x, d));
    // First pass: the number of nonzero elements.
    scf::LoopNest count = scf::buildLoopNest(
        b, loc, lbs, ubs, steps, ValueRange{idx(b, loc, 0)},
        [&](OpBuilder &nb, Location l, ValueRange ivs,
            ValueRange args) -> scf::ValueVector {
          Value v = tensor::ExtractOp::create(nb, l, x, ivs);
          return {addIf(nb, l, args[0], isNonZero(nb, l, v))};
        });
    RankedTensorType type = convertedResultType(*getTypeConverter(), op);
    Value empty = createEmpty(b, loc, type, {count.results[0]});
    // Second pass: column `pos` gets the indices of the pos-th nonzero.
    scf::LoopNest fill = scf::buildLoopNest(
        b, loc, lbs, ubs, steps, ValueRange{empty, idx(b, loc, 0)},
        [&](OpBuilder &nb, Location l, ValueRange ivs,
            ValueRange args) -> scf::ValueVector {
          Value v = tensor::ExtractOp::create(nb, l, x, ivs);
          SmallVector<Value> next = buildIf(
              nb, l, isNonZero(nb, l, v),
              [&](OpBuilder &tb, Location tl) -> SmallVector<Value> {
                Value out = args[0];
                for (int64_t d = 0; d < rank; ++d)
                  out = tensor::InsertOp::create(
                      tb, tl, toI64(tb, tl, ivs[d]), out,
                      ValueRange{idx(tb, tl, d), args[1]});
                return {out,
                        arith::AddIOp::create(tb, tl, args[1], idx(tb, tl, 1))};
              },
              [&](OpBuilder &, Location) -> SmallVector<Value> {
                return {args[0], args[1]};
              });
          return scf::ValueVector(next.begin(), next.end());
        });
    rewriter.replaceOp(op, fill.results[0]);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Unique
//===----------------------------------------------------------------------===//

/// Compares rows `i` and `j` of the 2-D `x` element by element: whether they
/// are equal, and whether row `i` comes first in lexicographic order (bools
/// and unsigned integers compare unsigned: false < true).
std::pair<Value, Value> compareRows(OpBuilder &b, Location loc, Value x,
                                    Type bladeType, Value i, Value j) {
  Value cols = getDimValue(b, loc, x, 1);
  Value t = arith::ConstantIntOp::create(b, loc, 1, 1);
  Value f = arith::ConstantIntOp::create(b, loc, 0, 1);
  SmallVector<Value> state = buildFor(
      b, loc, idx(b, loc, 0), cols, {t, f},
      [&](OpBuilder &nb, Location l, Value k, ValueRange args) {
        Value a = tensor::ExtractOp::create(nb, l, x, ValueRange{i, k});
        Value c = tensor::ExtractOp::create(nb, l, x, ValueRange{j, k});
        Value lt, ne;
        if (isa<FloatType>(a.getType())) {
          lt = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OLT, a, c);
          ne = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNE, a, c);
        } else {
          lt = arith::CmpIOp::create(nb, l,
                                     bladeType.isUnsignedInteger() ||
                                             bladeType.isInteger(1)
                                         ? arith::CmpIPredicate::ult
                                         : arith::CmpIPredicate::slt,
                                     a, c);
          ne = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne, a, c);
        }
        // Until the rows differ, the first differing element decides.
        Value less = arith::SelectOp::create(nb, l, args[0], lt, args[1]);
        Value same = arith::AndIOp::create(nb, l, args[0],
                                           arith::XOrIOp::create(nb, l, ne, t));
        return SmallVector<Value>{same, less};
      });
  return {state[0], state[1]};
}

struct UniqueLowering : OpConversionPattern<UniqueOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UniqueOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value x = adaptor.getOperand();
    Type bladeType = op.getOperand().getType().getElementType();
    bool sorted = op.getSorted();
    Value zero = idx(b, loc, 0), rows = getDimValue(b, loc, x, 0);
    auto indexVector =
        RankedTensorType::get({ShapedType::kDynamic}, b.getIndexType());
    // first[i]: the first row equal to row i.
    Value first =
        buildFor(b, loc, zero, rows, {createEmpty(b, loc, indexVector, {rows})},
                 [&](OpBuilder &nb, Location l, Value i, ValueRange args) {
                   Value f = buildFor(
                       nb, l, idx(nb, l, 0), i, {i},
                       [&](OpBuilder &jb, Location jl, Value j, ValueRange fa) {
                         Value open = arith::CmpIOp::create(
                             jb, jl, arith::CmpIPredicate::eq, fa[0], i);
                         Value eq =
                             compareRows(jb, jl, x, bladeType, j, i).first;
                         Value hit = arith::AndIOp::create(jb, jl, open, eq);
                         return SmallVector<Value>{
                             arith::SelectOp::create(jb, jl, hit, j, fa[0])};
                       })[0];
                   return SmallVector<Value>{
                       tensor::InsertOp::create(nb, l, f, args[0], i)};
                 })[0];
    auto isFirst = [&](OpBuilder &nb, Location l, Value i) -> Value {
      Value f = tensor::ExtractOp::create(nb, l, first, i);
      return arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, f, i);
    };
    // rank[i]: the position of row i among the distinct rows (meaningful
    // for first occurrences), and their number.
    SmallVector<Value> ranked = buildFor(
        b, loc, zero, rows, {createEmpty(b, loc, indexVector, {rows}), zero},
        [&](OpBuilder &nb, Location l, Value i, ValueRange args) {
          Value r = buildFor(
              nb, l, idx(nb, l, 0), rows, {idx(nb, l, 0)},
              [&](OpBuilder &jb, Location jl, Value j, ValueRange ra) {
                Value before =
                    sorted ? compareRows(jb, jl, x, bladeType, j, i).second
                           : Value(arith::CmpIOp::create(
                                 jb, jl, arith::CmpIPredicate::ult, j, i));
                Value counts =
                    arith::AndIOp::create(jb, jl, isFirst(jb, jl, j), before);
                return SmallVector<Value>{addIf(jb, jl, ra[0], counts)};
              })[0];
          return SmallVector<Value>{
              tensor::InsertOp::create(nb, l, r, args[0], i),
              addIf(nb, l, args[1], isFirst(nb, l, i))};
        });
    Value rank = ranked[0], numUnique = ranked[1];

    const TypeConverter &tc = *getTypeConverter();
    Value cols = getDimValue(b, loc, x, 1);
    RankedTensorType yType = convertedResultType(tc, op, 0);
    SmallVector<Value> ySizes = {numUnique};
    if (yType.isDynamicDim(1))
      ySizes.push_back(cols);
    Value y = createEmpty(b, loc, yType, ySizes);
    Value indices =
        createEmpty(b, loc, convertedResultType(tc, op, 1), {numUnique});
    RankedTensorType invType = convertedResultType(tc, op, 2);
    Value inverse =
        createEmpty(b, loc, invType,
                    invType.isDynamicDim(0) ? ValueRange{rows} : ValueRange{});
    Value counts =
        createEmpty(b, loc, convertedResultType(tc, op, 3), {numUnique});
    counts = linalg::FillOp::create(
                 b, loc, createScalar(b, loc, b.getI64Type(), 0), counts)
                 .getResult(0);
    SmallVector<Value> outs = buildFor(
        b, loc, zero, rows, {y, indices, inverse, counts},
        [&](OpBuilder &nb, Location l, Value i, ValueRange args) {
          Value f = tensor::ExtractOp::create(nb, l, first, i);
          Value r = tensor::ExtractOp::create(nb, l, rank, f);
          Value inv =
              tensor::InsertOp::create(nb, l, toI64(nb, l, r), args[2], i);
          Value c = tensor::ExtractOp::create(nb, l, args[3], r);
          c = arith::AddIOp::create(nb, l, c,
                                    createScalar(nb, l, nb.getI64Type(), 1));
          Value cnt = tensor::InsertOp::create(nb, l, c, args[3], r);
          Value isNew =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, f, i);
          SmallVector<Value> firstOuts = buildIf(
              nb, l, isNew,
              [&](OpBuilder &tb, Location tl) -> SmallVector<Value> {
                Value ind = tensor::InsertOp::create(tb, tl, toI64(tb, tl, i),
                                                     args[1], r);
                Value row = buildFor(
                    tb, tl, idx(tb, tl, 0), cols, {args[0]},
                    [&](OpBuilder &kb, Location kl, Value k, ValueRange ya) {
                      Value v = tensor::ExtractOp::create(kb, kl, x,
                                                          ValueRange{i, k});
                      return SmallVector<Value>{tensor::InsertOp::create(
                          kb, kl, v, ya[0], ValueRange{r, k})};
                    })[0];
                return {row, ind};
              },
              [&](OpBuilder &, Location) -> SmallVector<Value> {
                return {args[0], args[1]};
              });
          return SmallVector<Value>{firstOuts[0], firstOuts[1], inv, cnt};
        });
    rewriter.replaceOp(op, outs);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// NonMaxSuppression
//===----------------------------------------------------------------------===//

/// Box corners: {ymin, xmin, ymax, xmax}.
using Corners = std::array<Value, 4>;

struct NonMaxSuppressionLowering : OpConversionPattern<NonMaxSuppressionOp> {
  using OpConversionPattern::OpConversionPattern;

  /// The corners of box `i` of batch `batch`.
  Corners corners(OpBuilder &b, Location loc, Value boxes, Value batch, Value i,
                  bool centerPoint) const {
    Value v[4];
    for (int64_t k = 0; k < 4; ++k)
      v[k] = tensor::ExtractOp::create(b, loc, boxes,
                                       ValueRange{batch, i, idx(b, loc, k)});
    if (centerPoint) {
      // [x_center, y_center, width, height]
      Value half = createScalar(b, loc, v[0].getType(), 0.5);
      Value hw = arith::MulFOp::create(b, loc, v[2], half);
      Value hh = arith::MulFOp::create(b, loc, v[3], half);
      return {arith::SubFOp::create(b, loc, v[1], hh),
              arith::SubFOp::create(b, loc, v[0], hw),
              arith::AddFOp::create(b, loc, v[1], hh),
              arith::AddFOp::create(b, loc, v[0], hw)};
    }
    // [y1, x1, y2, x2], any two opposite corners.
    return {arith::MinimumFOp::create(b, loc, v[0], v[2]),
            arith::MinimumFOp::create(b, loc, v[1], v[3]),
            arith::MaximumFOp::create(b, loc, v[0], v[2]),
            arith::MaximumFOp::create(b, loc, v[1], v[3])};
  }

  /// Whether the intersection over union of `p` and `q` is above `threshold`
  /// (never for empty boxes or no overlap).
  Value overlaps(OpBuilder &b, Location loc, const Corners &p, const Corners &q,
                 Value threshold) const {
    Type t = threshold.getType();
    Value zero = createScalar(b, loc, t, 0);
    auto sub = [&](Value x, Value y) -> Value {
      return arith::SubFOp::create(b, loc, x, y);
    };
    auto mul = [&](Value x, Value y) -> Value {
      return arith::MulFOp::create(b, loc, x, y);
    };
    auto gt = [&](Value x, Value y) -> Value {
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
    };
    auto extent = [&](int64_t lo) -> Value {
      Value hi = arith::MinimumFOp::create(b, loc, p[lo + 2], q[lo + 2]);
      Value low = arith::MaximumFOp::create(b, loc, p[lo], q[lo]);
      return arith::MaximumFOp::create(b, loc, sub(hi, low), zero);
    };
    Value inter = mul(extent(0), extent(1));
    Value areaP = mul(sub(p[2], p[0]), sub(p[3], p[1]));
    Value areaQ = mul(sub(q[2], q[0]), sub(q[3], q[1]));
    Value uni = sub(arith::AddFOp::create(b, loc, areaP, areaQ), inter);
    Value iou = arith::DivFOp::create(b, loc, inter, uni);
    Value ok = gt(inter, zero);
    for (Value c :
         {gt(areaP, zero), gt(areaQ, zero), gt(uni, zero), gt(iou, threshold)})
      ok = arith::AndIOp::create(b, loc, ok, c);
    return ok;
  }

  LogicalResult
  matchAndRewrite(NonMaxSuppressionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value boxes = adaptor.getBoxes(), scores = adaptor.getScores();
    bool centerPoint = op.getCenterPointBox();
    Value zero = idx(b, loc, 0), one = idx(b, loc, 1);
    Value batches = getDimValue(b, loc, scores, 0);
    Value classes = getDimValue(b, loc, scores, 1);
    Value n = getDimValue(b, loc, scores, 2);
    Value maxOut = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        tensor::ExtractOp::create(b, loc, adaptor.getMaxOutputBoxesPerClass(),
                                  ValueRange{}));
    maxOut = arith::MaxSIOp::create(b, loc, maxOut, zero);
    Value iouThreshold = tensor::ExtractOp::create(
        b, loc, adaptor.getIouThreshold(), ValueRange{});
    Value scoreThreshold = tensor::ExtractOp::create(
        b, loc, adaptor.getScoreThreshold(), ValueRange{});
    Type ft = cast<RankedTensorType>(scores.getType()).getElementType();
    if (iouThreshold.getType() != ft || scoreThreshold.getType() != ft)
      return rewriter.notifyMatchFailure(op, "thresholds of another type");
    // At most every box of every (batch, class) is kept.
    Value capacity = arith::MulIOp::create(
        b, loc, arith::MulIOp::create(b, loc, batches, classes), n);
    RankedTensorType type = convertedResultType(*getTypeConverter(), op);
    Value out = createEmpty(b, loc, type, {capacity});
    auto order =
        RankedTensorType::get({ShapedType::kDynamic}, b.getIndexType());
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, {zero, zero}, {batches, classes}, {one, one},
        ValueRange{out, zero},
        [&](OpBuilder &nb, Location l, ValueRange bc,
            ValueRange args) -> scf::ValueVector {
          auto score = [&](OpBuilder &sb, Location sl, Value i) -> Value {
            return tensor::ExtractOp::create(sb, sl, scores,
                                             ValueRange{bc[0], bc[1], i});
          };
          // sortedBoxes[r]: the box of rank r by descending score.
          Value sortedBoxes = buildFor(
              nb, l, idx(nb, l, 0), n, {createEmpty(nb, l, order, {n})},
              [&](OpBuilder &ib, Location il, Value i, ValueRange ia) {
                Value si = score(ib, il, i);
                Value r = buildFor(
                    ib, il, idx(ib, il, 0), n, {idx(ib, il, 0)},
                    [&](OpBuilder &jb, Location jl, Value j, ValueRange ra) {
                      Value sj = score(jb, jl, j);
                      Value higher = arith::CmpFOp::create(
                          jb, jl, arith::CmpFPredicate::OGT, sj, si);
                      Value tie = arith::AndIOp::create(
                          jb, jl,
                          arith::CmpFOp::create(
                              jb, jl, arith::CmpFPredicate::OEQ, sj, si),
                          arith::CmpIOp::create(
                              jb, jl, arith::CmpIPredicate::ult, j, i));
                      Value before = arith::OrIOp::create(jb, jl, higher, tie);
                      return SmallVector<Value>{addIf(jb, jl, ra[0], before)};
                    })[0];
                return SmallVector<Value>{
                    tensor::InsertOp::create(ib, il, i, ia[0], r)};
              })[0];
          Value start = args[1];
          SmallVector<Value> kept = buildFor(
              nb, l, idx(nb, l, 0), n, {args[0], args[1]},
              [&](OpBuilder &rb, Location rl, Value r, ValueRange ka) {
                Value i = tensor::ExtractOp::create(rb, rl, sortedBoxes, r);
                Value pos = ka[1];
                Value room = arith::CmpIOp::create(
                    rb, rl, arith::CmpIPredicate::slt,
                    arith::SubIOp::create(rb, rl, pos, start), maxOut);
                Value above =
                    arith::CmpFOp::create(rb, rl, arith::CmpFPredicate::OGT,
                                          score(rb, rl, i), scoreThreshold);
                Value candidate = arith::AndIOp::create(rb, rl, room, above);
                return buildIf(
                    rb, rl, candidate,
                    [&](OpBuilder &tb, Location tl) -> SmallVector<Value> {
                      Corners box =
                          corners(tb, tl, boxes, bc[0], i, centerPoint);
                      Value suppressed = buildFor(
                          tb, tl, start, pos,
                          {arith::ConstantIntOp::create(tb, tl, 0, 1)},
                          [&](OpBuilder &qb, Location ql, Value q,
                              ValueRange sa) {
                            Value j = tensor::ExtractOp::create(
                                qb, ql, ka[0], ValueRange{q, idx(qb, ql, 2)});
                            j = arith::IndexCastOp::create(
                                qb, ql, qb.getIndexType(), j);
                            Corners other =
                                corners(qb, ql, boxes, bc[0], j, centerPoint);
                            Value hit =
                                overlaps(qb, ql, box, other, iouThreshold);
                            return SmallVector<Value>{
                                arith::OrIOp::create(qb, ql, sa[0], hit)};
                          })[0];
                      return buildIf(
                          tb, tl, suppressed,
                          [&](OpBuilder &, Location) -> SmallVector<Value> {
                            return {ka[0], pos};
                          },
                          [&](OpBuilder &eb,
                              Location el) -> SmallVector<Value> {
                            Value row = ka[0];
                            Value entries[3] = {bc[0], bc[1], i};
                            for (int64_t k = 0; k < 3; ++k)
                              row = tensor::InsertOp::create(
                                  eb, el, toI64(eb, el, entries[k]), row,
                                  ValueRange{pos, idx(eb, el, k)});
                            return {row, arith::AddIOp::create(eb, el, pos,
                                                               idx(eb, el, 1))};
                          });
                    },
                    [&](OpBuilder &, Location) -> SmallVector<Value> {
                      return {ka[0], ka[1]};
                    });
              });
          return scf::ValueVector(kept.begin(), kept.end());
        });
    // The kept rows, copied into a result of their own size.
    Value kept = nest.results[0];
    Value result = buildIndexedGeneric(
        b, loc, type, {nest.results[1]},
        [&](OpBuilder &gb, Location gl, ArrayRef<Value> ivs) -> Value {
          return tensor::ExtractOp::create(gb, gl, kept, ivs);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateSelectionPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<NonZeroLowering, UniqueLowering, NonMaxSuppressionLowering>(
      converter, patterns.getContext());
}
