//===- IndexedReduction.cpp - CumSum, TopK, run-time-axes ReduceSum -------===//
//
// Reductions whose element positions come from indices: CumSum (a scan
// along a static axis; a run-time axis: an extra reduction loop, quadratic
// in its length), TopK (ranks, then a gather by rank) and ReduceSum over axes
// known only at run time (a mask of reduced dims and tensor.extract reads).
//
//===----------------------------------------------------------------------===//

#include "ReductionPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// Sum over run-time axes with kept dims: a mask of reduced dims from the
/// axes tensor, then one generic over (result dims, window dims) where a
/// window dim walks its input dim when masked (else once), reading the
/// operand with tensor.extract.
struct ReduceSumRuntimeAxesLowering
    : OpConversionPattern<ReduceSumRuntimeAxesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceSumRuntimeAxesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    OpBuilder &b = rewriter;
    Value x = adaptor.getOperand();
    Value axes = adaptor.getAxes();
    auto type = cast<RankedTensorType>(x.getType());
    Arith a(op.getOperand().getType().getElementType(), type.getElementType());
    int64_t rank = type.getRank();

    // mask[d] = some axis (normalized) equals d.
    auto maskType = RankedTensorType::get({rank}, b.getI1Type());
    Value falseValue = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
    Value maskInit =
        linalg::FillOp::create(b, loc, ValueRange{falseValue},
                               ValueRange{createEmpty(b, loc, maskType, {})})
            .getResult(0);
    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
    Value maskTensor =
        linalg::GenericOp::create(
            b, loc, TypeRange{maskType}, ValueRange{axes}, ValueRange{maskInit},
            ArrayRef<AffineMap>{AffineMap::get(2, 0, {d1}, ctx),
                                AffineMap::get(2, 0, {d0}, ctx)},
            ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                          utils::IteratorType::reduction},
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value axis = args[0];
              Value rank64 =
                  arith::ConstantOp::create(nb, l, nb.getI64IntegerAttr(rank));
              Value zero64 =
                  arith::ConstantOp::create(nb, l, nb.getI64IntegerAttr(0));
              Value negative = arith::CmpIOp::create(
                  nb, l, arith::CmpIPredicate::slt, axis, zero64);
              axis = arith::SelectOp::create(
                  nb, l, negative, arith::AddIOp::create(nb, l, axis, rank64),
                  axis);
              Value d = arith::IndexCastOp::create(
                  nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, 0));
              Value hit = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                                axis, d);
              linalg::YieldOp::create(
                  nb, l, arith::OrIOp::create(nb, l, hit, args[1]).getResult());
            })
            .getResult(0);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value empty =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                              tensor::DimOp::create(b, loc, axes, 0), zero);
    Value reduceAll = empty;
    if (op.getNoopWithEmptyAxes())
      reduceAll = falseValue;
    SmallVector<Value> mask, outSizes, windowSizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value m = tensor::ExtractOp::create(
          b, loc, maskTensor,
          ValueRange{arith::ConstantIndexOp::create(b, loc, d)});
      m = arith::OrIOp::create(b, loc, m, reduceAll);
      mask.push_back(m);
      Value size = tensor::DimOp::create(b, loc, x, d);
      outSizes.push_back(arith::SelectOp::create(b, loc, m, one, size));
      windowSizes.push_back(arith::SelectOp::create(b, loc, m, size, one));
    }
    SmallVector<int64_t> dynamicShape(rank, ShapedType::kDynamic);
    auto resultType = RankedTensorType::get(dynamicShape, a.type);
    Value init = linalg::FillOp::create(
                     b, loc, ValueRange{a.constant(b, loc, 0)},
                     ValueRange{createEmpty(b, loc, resultType, outSizes)})
                     .getResult(0);
    Value window =
        createEmpty(b, loc, RankedTensorType::get(dynamicShape, b.getI1Type()),
                    windowSizes);
    SmallVector<AffineExpr> outExprs, windowExprs;
    for (int64_t d = 0; d < rank; ++d) {
      outExprs.push_back(getAffineDimExpr(d, ctx));
      windowExprs.push_back(getAffineDimExpr(rank + d, ctx));
    }
    SmallVector<utils::IteratorType> iterators(2 * rank,
                                               utils::IteratorType::parallel);
    for (int64_t d = 0; d < rank; ++d)
      iterators[rank + d] = utils::IteratorType::reduction;
    Value sum =
        linalg::GenericOp::create(
            b, loc, TypeRange{resultType}, ValueRange{window}, ValueRange{init},
            ArrayRef<AffineMap>{AffineMap::get(2 * rank, 0, windowExprs, ctx),
                                AffineMap::get(2 * rank, 0, outExprs, ctx)},
            iterators,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              SmallVector<Value> indices;
              for (int64_t d = 0; d < rank; ++d)
                indices.push_back(arith::SelectOp::create(
                    nb, l, mask[d], linalg::IndexOp::create(nb, l, rank + d),
                    linalg::IndexOp::create(nb, l, d)));
              Value v = tensor::ExtractOp::create(nb, l, x, indices);
              linalg::YieldOp::create(nb, l, a.add(nb, l, v, args[1]));
            })
            .getResult(0);
    RankedTensorType declared = convertedResultType(*getTypeConverter(), op);
    if (!op.getKeepdims()) {
      // Drop the 1s of reduced dims: result dim t is the t-th kept dim.
      int64_t outRank = declared.getRank();
      SmallVector<Value> sizes(outRank, one);
      Value kept = zero;
      for (int64_t d = 0; d < rank; ++d) {
        Value size = tensor::DimOp::create(b, loc, x, d);
        for (int64_t t = 0; t < outRank; ++t) {
          Value here = arith::AndIOp::create(
              b, loc,
              arith::XOrIOp::create(
                  b, loc, mask[d],
                  arith::ConstantOp::create(b, loc, b.getBoolAttr(true))),
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, kept,
                                    arith::ConstantIndexOp::create(b, loc, t)));
          sizes[t] = arith::SelectOp::create(b, loc, here, size, sizes[t]);
        }
        kept = arith::SelectOp::create(
            b, loc, mask[d], kept, arith::AddIOp::create(b, loc, kept, one));
      }
      Value shape = tensor::FromElementsOp::create(b, loc, sizes);
      sum = tensor::ReshapeOp::create(
          b, loc,
          RankedTensorType::get(
              SmallVector<int64_t>(outRank, ShapedType::kDynamic), a.type),
          sum, shape);
    }
    if (sum.getType() != declared)
      sum = tensor::CastOp::create(b, loc, declared, sum);
    rewriter.replaceOp(op, sum);
    return success();
  }
};

/// One position along `axis` of `x`: the shape of the other dims (and
/// their dynamic sizes), and the sizes of an extract/insert_slice of it.
struct AxisSlice {
  SmallVector<int64_t> restShape;
  SmallVector<Value> restSizes;
  SmallVector<OpFoldResult> sliceSizes;

  AxisSlice(OpBuilder &b, Location loc, Value x, int64_t axis) {
    auto type = cast<RankedTensorType>(x.getType());
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (d == axis) {
        sliceSizes.push_back(b.getIndexAttr(1));
        continue;
      }
      restShape.push_back(type.getDimSize(d));
      OpFoldResult size = tensor::getMixedSize(b, loc, x, d);
      sliceSizes.push_back(size);
      if (type.isDynamicDim(d))
        restSizes.push_back(cast<Value>(size));
    }
  }

  /// A tensor of the other dims filled with `v`.
  Value filled(OpBuilder &b, Location loc, Type elementType, Value v) const {
    auto type = RankedTensorType::get(restShape, elementType);
    return linalg::FillOp::create(
               b, loc, ValueRange{v},
               ValueRange{createEmpty(b, loc, type, restSizes)})
        .getResult(0);
  }
};

/// A static axis: a scan, an scf.for over the positions along the axis
/// carrying the running sums of one slice (the other dims); each step adds
/// the slice at its position and writes the sums (before the add when
/// exclusive) into the result there. Linear in the axis length.
Value cumSumScan(OpBuilder &b, Location loc, Value x, int64_t axis,
                 bool exclusive, bool reverse, const Arith &a) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  AxisSlice cut(b, loc, x, axis);
  auto restType = RankedTensorType::get(cut.restShape, type.getElementType());
  Value sums =
      cut.filled(b, loc, type.getElementType(), a.constant(b, loc, 0));
  Value out = createEmpty(b, loc, type, dynamicSizes(b, loc, x));
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value n = getValueOrCreateConstantIndexOp(
      b, loc, tensor::getMixedSize(b, loc, x, axis));
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  auto identity = b.getMultiDimIdentityMap(cut.restShape.size());
  SmallVector<utils::IteratorType> parallel(cut.restShape.size(),
                                            utils::IteratorType::parallel);
  auto loop = scf::ForOp::create(
      b, loc, c0, n, c1, ValueRange{sums, out},
      [&](OpBuilder &nb, Location l, Value i, ValueRange carried) {
        Value at = reverse ? arith::SubIOp::create(
                                 nb, l, arith::SubIOp::create(nb, l, n, c1), i)
                           : i;
        SmallVector<OpFoldResult> offsets(rank, nb.getIndexAttr(0));
        offsets[axis] = at;
        Value slice = tensor::ExtractSliceOp::create(
            nb, l, restType, x, offsets, cut.sliceSizes, strides);
        Value next =
            linalg::GenericOp::create(
                nb, l, TypeRange{restType}, ValueRange{slice, carried[0]},
                ValueRange{carried[0]},
                ArrayRef<AffineMap>{identity, identity, identity}, parallel,
                [&](OpBuilder &gb, Location gl, ValueRange args) {
                  linalg::YieldOp::create(gb, gl,
                                          a.add(gb, gl, args[0], args[1]));
                })
                .getResult(0);
        Value written = exclusive ? carried[0] : next;
        Value updated = tensor::InsertSliceOp::create(
            nb, l, written, carried[1], offsets, cut.sliceSizes, strides);
        scf::YieldOp::create(nb, l, ValueRange{next, updated});
      });
  return loop.getResult(1);
}

/// out[i] = sum of x[j] over the j that `i` includes along the axis. A
/// static axis is a scan (cumSumScan); a run-time axis is one generic with
/// an extra reduction loop (quadratic in the axis length) reading the
/// operand with tensor.extract.
struct CumSumLowering : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    Arith a(op.getType().getElementType(), type.getElementType());
    int64_t rank = type.getRank();
    std::optional<int64_t> axis = op.getAxis();
    if (axis) {
      rewriter.replaceOp(op, cumSumScan(rewriter, loc, x, *axis,
                                        op.getExclusive(), op.getReverse(), a));
      return success();
    }
    Value init = linalg::FillOp::create(
                     rewriter, loc, ValueRange{a.constant(rewriter, loc, 0)},
                     ValueRange{createEmpty(rewriter, loc, type,
                                            dynamicSizes(rewriter, loc, x))})
                     .getResult(0);
    SmallVector<AffineExpr> out;
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(getAffineDimExpr(i, ctx));
    AffineMap outMap = AffineMap::get(rank + 1, 0, out, ctx);
    SmallVector<utils::IteratorType> iterators(rank + 1,
                                               utils::IteratorType::parallel);
    iterators[rank] = utils::IteratorType::reduction;
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    arith::CmpIPredicate p = reverse ? (exclusive ? arith::CmpIPredicate::ugt
                                                  : arith::CmpIPredicate::uge)
                                     : (exclusive ? arith::CmpIPredicate::ult
                                                  : arith::CmpIPredicate::ule);
    auto accumulate = [&](OpBuilder &b, Location l, Value i, Value j, Value v,
                          Value acc) {
      Value include = arith::CmpIOp::create(b, l, p, j, i);
      v = arith::SelectOp::create(b, l, include, v, a.constant(b, l, 0));
      linalg::YieldOp::create(b, l, a.add(b, l, v, acc));
    };

    // A run-time axis: normalize it, walk a window as long as that dim and
    // read the operand with tensor.extract (an axis out of range matches no
    // dim: an empty window, zeros).
    OpBuilder &b = rewriter;
    Value axisTensor = adaptor.getAxisValue();
    auto axisType = cast<RankedTensorType>(axisTensor.getType());
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value raw = tensor::ExtractOp::create(
        b, loc, axisTensor, SmallVector<Value>(axisType.getRank(), zero));
    Value dyn = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
    Value rankValue = arith::ConstantIndexOp::create(b, loc, rank);
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, dyn, zero);
    dyn = arith::SelectOp::create(
        b, loc, negative, arith::AddIOp::create(b, loc, dyn, rankValue), dyn);
    SmallVector<Value> isAxis;
    Value length = zero;
    for (int64_t d = 0; d < rank; ++d) {
      isAxis.push_back(
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dyn,
                                arith::ConstantIndexOp::create(b, loc, d)));
      length = arith::SelectOp::create(
          b, loc, isAxis.back(), tensor::DimOp::create(b, loc, x, d), length);
    }
    Value window = tensor::EmptyOp::create(b, loc, {ShapedType::kDynamic},
                                           b.getI1Type(), ValueRange{length});
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{type}, ValueRange{window}, ValueRange{init},
        ArrayRef<AffineMap>{
            AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank, ctx)}, ctx),
            outMap},
        iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value j = linalg::IndexOp::create(nb, l, rank);
          Value i = arith::ConstantIndexOp::create(nb, l, 0);
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value id = linalg::IndexOp::create(nb, l, d);
            i = arith::SelectOp::create(nb, l, isAxis[d], id, i);
            indices.push_back(arith::SelectOp::create(nb, l, isAxis[d], j, id));
          }
          Value v = tensor::ExtractOp::create(nb, l, x, indices);
          accumulate(nb, l, i, j, v, args[1]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// TopK by selection, linear in the axis length: an scf.for over the k
/// result positions; each step reduces the axis to the best element that
/// comes after the previous step's pick in the result order (values, then
/// lower indices first) and writes it at its position.
std::pair<Value, Value> topKBySelection(OpBuilder &b, Location loc, Value x,
                                        int64_t axis, bool largest, Value k,
                                        Value values, Value indices,
                                        const Arith &a) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  AxisSlice cut(b, loc, x, axis);
  SmallVector<AffineExpr> rest;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == axis ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (d != axis)
      rest.push_back(getAffineDimExpr(d, ctx));
  }
  auto valueRow = RankedTensorType::get(cut.restShape, type.getElementType());
  auto indexRow = RankedTensorType::get(cut.restShape, b.getI64Type());
  auto filled = [&](RankedTensorType t, Value v) {
    return cut.filled(b, loc, t.getElementType(), v);
  };
  Value none = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(-1));
  Value worst = a.extreme(b, loc, /*lowest=*/largest);
  AffineMap all = b.getMultiDimIdentityMap(rank);
  AffineMap row = AffineMap::get(rank, 0, rest, ctx);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, c0, k, c1,
      ValueRange{filled(valueRow, worst), filled(indexRow, none), values,
                 indices},
      [&](OpBuilder &nb, Location l, Value j, ValueRange carried) {
        // x beats y in the result order (strictly, by value).
        auto beats = [&](OpBuilder &gb, Location gl, Value x, Value y) {
          return a.greater(gb, gl, x, y, /*orEqual=*/false, !largest);
        };
        auto pick = linalg::GenericOp::create(
            nb, l, TypeRange{valueRow, indexRow},
            ValueRange{x, carried[0], carried[1]},
            ValueRange{filled(valueRow, worst), filled(indexRow, none)},
            ArrayRef<AffineMap>{all, row, row, row, row}, iterators,
            [&](OpBuilder &gb, Location gl, ValueRange args) {
              Value v = args[0], pv = args[1], pi = args[2], bv = args[3],
                    bi = args[4];
              Value i = arith::IndexCastOp::create(
                  gb, gl, gb.getI64Type(),
                  linalg::IndexOp::create(gb, gl, axis));
              auto eq = [&](Value p, Value q) {
                return a.isFloat ? Value(arith::CmpFOp::create(
                                       gb, gl, arith::CmpFPredicate::OEQ, p, q))
                                 : Value(arith::CmpIOp::create(
                                       gb, gl, arith::CmpIPredicate::eq, p, q));
              };
              auto cmp = [&](arith::CmpIPredicate p, Value q, Value r) {
                return arith::CmpIOp::create(gb, gl, p, q, r).getResult();
              };
              auto any = [&](Value p, Value q) {
                return arith::OrIOp::create(gb, gl, p, q).getResult();
              };
              auto both = [&](Value p, Value q) {
                return arith::AndIOp::create(gb, gl, p, q).getResult();
              };
              // After the previous pick (none in the first step).
              Value after = any(
                  cmp(arith::CmpIPredicate::eq, pi, none),
                  any(beats(gb, gl, pv, v),
                      both(eq(v, pv), cmp(arith::CmpIPredicate::sgt, i, pi))));
              // Better than the best so far.
              Value better = any(
                  cmp(arith::CmpIPredicate::eq, bi, none),
                  any(beats(gb, gl, v, bv),
                      both(eq(v, bv), cmp(arith::CmpIPredicate::slt, i, bi))));
              Value take = both(after, better);
              linalg::YieldOp::create(
                  gb, gl,
                  ValueRange{arith::SelectOp::create(gb, gl, take, v, bv),
                             arith::SelectOp::create(gb, gl, take, i, bi)});
            });
        SmallVector<OpFoldResult> offsets(rank, nb.getIndexAttr(0));
        offsets[axis] = j;
        SmallVector<OpFoldResult> sizes(cut.sliceSizes);
        Value newValues = tensor::InsertSliceOp::create(
            nb, l, pick.getResult(0), carried[2], offsets, sizes, strides);
        Value newIndices = tensor::InsertSliceOp::create(
            nb, l, pick.getResult(1), carried[3], offsets, sizes, strides);
        scf::YieldOp::create(nb, l,
                             ValueRange{pick.getResult(0), pick.getResult(1),
                                        newValues, newIndices});
      });
  return {loop.getResult(2), loop.getResult(3)};
}

/// TopK with a constant k much smaller than the axis (k * 16 <= its length,
/// or a dynamic length) selects (topKBySelection). Otherwise by ranks:
/// rank[i] counts the elements along the axis that come before element i in
/// the result order (strictly better, or equal with a lower index); then
/// result position r gathers the element of rank r: quadratic in the axis
/// length, but vector-wide.
struct TopKLowering : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getOperand();
    auto type = cast<RankedTensorType>(x.getType());
    Arith a(op.getOperand().getType().getElementType(), type.getElementType());
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    bool largest = op.getLargest();
    OpBuilder &b = rewriter;

    // Result shapes: the axis dim is k.
    Value k = tensor::ExtractOp::create(
        b, loc, adaptor.getK(),
        SmallVector<Value>(
            cast<RankedTensorType>(adaptor.getK().getType()).getRank(),
            arith::ConstantIndexOp::create(b, loc, 0)));
    Value kIndex = arith::IndexCastOp::create(b, loc, b.getIndexType(), k);
    RankedTensorType valuesType = convertedResultType(*getTypeConverter(), op);
    RankedTensorType indicesType =
        convertedResultType(*getTypeConverter(), op, 1);
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i)
      if (valuesType.isDynamicDim(i))
        sizes.push_back(i == axis ? kIndex
                                  : Value(tensor::DimOp::create(b, loc, x, i)));
    Value valuesEmpty = createEmpty(b, loc, valuesType, sizes);
    Value indicesEmpty = createEmpty(b, loc, indicesType, sizes);
    DenseIntElementsAttr kAttr;
    int64_t length = type.getDimSize(axis);
    if (matchPattern(op.getK(), m_Constant(&kAttr)) &&
        kAttr.getNumElements() == 1 &&
        (ShapedType::isDynamic(length) ||
         (*kAttr.value_begin<APInt>()).getSExtValue() * 16 <= length)) {
      // Every result position is written by one step.
      auto [values, indices] = topKBySelection(b, loc, x, axis, largest, kIndex,
                                               valuesEmpty, indicesEmpty, a);
      rewriter.replaceOp(op, {values, indices});
      return success();
    }
    // The gather below keeps what its outputs held where no rank matches.
    Value valuesInit =
        linalg::FillOp::create(b, loc, ValueRange{a.constant(b, loc, 0)},
                               ValueRange{valuesEmpty})
            .getResult(0);
    Value zero64 = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
    Value indicesInit = linalg::FillOp::create(b, loc, ValueRange{zero64},
                                               ValueRange{indicesEmpty})
                            .getResult(0);

    // Maps of a (rank + 1)-D space whose last dim walks the axis.
    SmallVector<AffineExpr> own, other;
    for (int64_t i = 0; i < rank; ++i) {
      own.push_back(getAffineDimExpr(i, ctx));
      other.push_back(getAffineDimExpr(i == axis ? rank : i, ctx));
    }
    AffineMap ownMap = AffineMap::get(rank + 1, 0, own, ctx);
    AffineMap otherMap = AffineMap::get(rank + 1, 0, other, ctx);
    SmallVector<utils::IteratorType> iterators(rank + 1,
                                               utils::IteratorType::parallel);
    iterators[rank] = utils::IteratorType::reduction;

    auto rankType = RankedTensorType::get(type.getShape(), b.getI64Type());
    Value rankInit =
        linalg::FillOp::create(
            b, loc, ValueRange{zero64},
            ValueRange{createEmpty(b, loc, rankType, dynamicSizes(b, loc, x))})
            .getResult(0);
    Value ranks =
        linalg::GenericOp::create(
            b, loc, TypeRange{rankType}, ValueRange{x, x}, ValueRange{rankInit},
            ArrayRef<AffineMap>{ownMap, otherMap, ownMap}, iterators,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value i = linalg::IndexOp::create(nb, l, axis);
              Value j = linalg::IndexOp::create(nb, l, rank);
              Value better = a.greater(nb, l, args[1], args[0],
                                       /*orEqual=*/false, !largest);
              Value equal =
                  a.isFloat
                      ? Value(arith::CmpFOp::create(
                            nb, l, arith::CmpFPredicate::OEQ, args[1], args[0]))
                      : Value(arith::CmpIOp::create(
                            nb, l, arith::CmpIPredicate::eq, args[1], args[0]));
              Value lower =
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, j, i);
              Value before = arith::OrIOp::create(
                  nb, l, better, arith::AndIOp::create(nb, l, equal, lower));
              Value inc =
                  arith::ExtUIOp::create(nb, l, nb.getI64Type(), before);
              linalg::YieldOp::create(
                  nb, l,
                  arith::AddIOp::create(nb, l, args[2], inc).getResult());
            })
            .getResult(0);

    auto gather = linalg::GenericOp::create(
        b, loc, TypeRange{valuesType, indicesType}, ValueRange{x, ranks},
        ValueRange{valuesInit, indicesInit},
        ArrayRef<AffineMap>{otherMap, otherMap, ownMap, ownMap}, iterators,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value r = arith::IndexCastOp::create(
              nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, axis));
          Value j = arith::IndexCastOp::create(
              nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, rank));
          Value hit = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                            args[1], r);
          linalg::YieldOp::create(
              nb, l,
              ValueRange{arith::SelectOp::create(nb, l, hit, args[0], args[2]),
                         arith::SelectOp::create(nb, l, hit, j, args[3])});
        });
    rewriter.replaceOp(op, gather.getResults());
    return success();
  }
};

} // namespace

void blade::detail::populateIndexedReductionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ReduceSumRuntimeAxesLowering, CumSumLowering, TopKLowering>(
      converter, patterns.getContext());
}
