//===- Indexing.cpp - Slices, gathers, scatters, one-hot to linalg/scf ----===//
//
// Slices and gathers become `linalg.generic`s without inputs that read the data
// with `tensor.extract` at indices loaded from the index tensor; scatters
// become an `scf.for` nest over the updates that inserts into a copy of the
// data in order (so later duplicates win). Every index is wrapped (negative
// counts from the end) and clamped into its dim, so reads and writes never
// leave the tensor.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

SmallVector<Value> dynamicSizesOf(OpBuilder &b, Location loc,
                                  RankedTensorType type,
                                  function_ref<Value(int64_t)> dimOf) {
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(dimOf(i));
  return sizes;
}

/// ONNX Slice bounds on a run-time dim: the clamped start and the size.
std::pair<Value, Value> sliceBounds(OpBuilder &b, Location loc, Value dim,
                                    int64_t start, int64_t end, int64_t step) {
  Value lo = indexConst(b, loc, step > 0 ? 0 : -1);
  Value hi =
      step > 0
          ? dim
          : Value(arith::SubIOp::create(b, loc, dim, indexConst(b, loc, 1)));
  auto normalize = [&](int64_t v) -> Value {
    Value x = indexConst(b, loc, v);
    if (v < 0)
      x = v < -(int64_t(1) << 62) ? lo : arith::AddIOp::create(b, loc, x, dim);
    x = arith::MinSIOp::create(b, loc, x, hi);
    return arith::MaxSIOp::create(b, loc, x, lo);
  };
  Value s = normalize(start), e = normalize(end);
  Value span = step > 0 ? arith::SubIOp::create(b, loc, e, s)
                        : arith::SubIOp::create(b, loc, s, e);
  Value n = arith::CeilDivSIOp::create(b, loc, span,
                                       indexConst(b, loc, std::abs(step)));
  n = arith::MaxSIOp::create(b, loc, n, indexConst(b, loc, 0));
  return {s, n};
}

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    auto inType = cast<RankedTensorType>(input.getType());
    ArrayRef<int64_t> steps = op.getSteps();
    SmallVector<OpFoldResult> offsets, sizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      int64_t d = inType.getDimSize(i);
      if (!ShapedType::isDynamic(d)) {
        offsets.push_back(rewriter.getIndexAttr(
            clampSliceBounds(d, op.getStarts()[i], op.getEnds()[i], steps[i])
                .first));
        sizes.push_back(rewriter.getIndexAttr(
            inferSliceDim(d, op.getStarts()[i], op.getEnds()[i], steps[i])));
      } else {
        auto [s, n] =
            sliceBounds(rewriter, loc, getDimValue(rewriter, loc, input, i),
                        op.getStarts()[i], op.getEnds()[i], steps[i]);
        offsets.push_back(s);
        sizes.push_back(n);
      }
    }
    // Every slice reads through computed indices into a fresh tensor: a
    // strided view (tensor.extract_slice) would need a strided memref copy
    // wherever an identity layout is required (reshapes, results).
    type = RankedTensorType::get(
        llvm::map_to_vector(sizes,
                            [&](OpFoldResult s) -> int64_t {
                              std::optional<int64_t> c = getConstantIntValue(s);
                              return c ? *c : ShapedType::kDynamic;
                            }),
        type.getElementType());
    SmallVector<Value> dynSizes;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        dynSizes.push_back(
            getValueOrCreateConstantIndexOp(rewriter, loc, sizes[i]));
    Value result = buildIndexedGeneric(
        rewriter, loc, type, dynSizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> idx;
          for (auto [i, iv] : llvm::enumerate(ivs)) {
            Value off = getValueOrCreateConstantIndexOp(b, l, offsets[i]);
            Value scaled =
                arith::MulIOp::create(b, l, iv, indexConst(b, l, steps[i]));
            idx.push_back(arith::AddIOp::create(b, l, off, scaled));
          }
          return tensor::ExtractOp::create(b, l, input, idx);
        });
    Type want = convertedResultType(*getTypeConverter(), op.getOperation());
    if (result.getType() != want)
      result = tensor::CastOp::create(rewriter, loc, want, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Applies entry `k` of a dynamic slice's (starts, ends, axes, steps) to
/// `state`: the starts, ends and steps of the operand's dims, in that order.
void applySliceEntry(OpBuilder &b, Location loc, Value k, ValueRange bounds,
                     MutableArrayRef<Value> state) {
  int64_t rank = state.size() / 3;
  auto cst = [&](int64_t v) { return indexConst(b, loc, v); };
  auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  };
  auto select = [&](Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  };
  auto entry = [&](Value v) {
    return castToIndex(b, loc,
                       tensor::ExtractOp::create(b, loc, v, ValueRange{k}));
  };
  Value axis = entry(bounds[2]);
  axis = select(cmp(arith::CmpIPredicate::slt, axis, cst(0)),
                arith::AddIOp::create(b, loc, axis, cst(rank)), axis);
  Value s = entry(bounds[0]), e = entry(bounds[1]), st = entry(bounds[3]);
  st = select(cmp(arith::CmpIPredicate::eq, st, cst(0)), cst(1), st);
  for (int64_t d = 0; d < rank; ++d) {
    Value hit = cmp(arith::CmpIPredicate::eq, axis, cst(d));
    state[d] = select(hit, s, state[d]);
    state[rank + d] = select(hit, e, state[rank + d]);
    state[2 * rank + d] = select(hit, st, state[2 * rank + d]);
  }
}

struct DynamicSliceLowering : OpConversionPattern<DynamicSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    int64_t rank = type.getRank();
    int64_t n = op.getStarts().getType().getDimSize(0);
    OpBuilder &b = rewriter;
    auto cst = [&](int64_t v) { return indexConst(b, loc, v); };
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
      return arith::CmpIOp::create(b, loc, p, x, y);
    };
    auto select = [&](Value c, Value x, Value y) {
      return arith::SelectOp::create(b, loc, c, x, y);
    };
    // State: the start, end and step of every dim, updated by each entry.
    SmallVector<Value> state;
    state.append(rank, cst(0));
    state.append(rank, cst(std::numeric_limits<int64_t>::max()));
    state.append(rank, cst(1));
    SmallVector<Value, 4> bounds = {adaptor.getStarts(), adaptor.getEnds(),
                                    adaptor.getAxes(), adaptor.getSteps()};
    if (!ShapedType::isDynamic(n)) {
      for (int64_t k = 0; k < n; ++k)
        applySliceEntry(b, loc, cst(k), bounds, state);
    } else {
      // A run-time number of entries: an scf.for threads the state.
      Value count = tensor::DimOp::create(b, loc, adaptor.getStarts(), 0);
      auto loop = scf::ForOp::create(
          b, loc, cst(0), count, cst(1), state,
          [&](OpBuilder &nb, Location l, Value k, ValueRange args) {
            SmallVector<Value> next(args);
            applySliceEntry(nb, l, k, bounds, next);
            scf::YieldOp::create(nb, l, next);
          });
      state.assign(loop.getResults().begin(), loop.getResults().end());
    }
    SmallVector<Value> starts(ArrayRef(state).take_front(rank));
    SmallVector<Value> ends(ArrayRef(state).slice(rank, rank));
    SmallVector<Value> steps(ArrayRef(state).take_back(rank));
    SmallVector<Value> sizes(rank);
    for (int64_t d = 0; d < rank; ++d) {
      Value dim = getDimValue(b, loc, input, d);
      Value neg = cmp(arith::CmpIPredicate::slt, steps[d], cst(0));
      Value lo = select(neg, cst(-1), cst(0));
      Value hi = select(neg, arith::SubIOp::create(b, loc, dim, cst(1)), dim);
      auto normalize = [&](Value v) -> Value {
        Value wrapped = arith::AddIOp::create(b, loc, v, dim);
        v = select(cmp(arith::CmpIPredicate::slt, v, cst(0)), wrapped, v);
        v = arith::MinSIOp::create(b, loc, v, hi);
        return arith::MaxSIOp::create(b, loc, v, lo);
      };
      starts[d] = normalize(starts[d]);
      Value e = normalize(ends[d]);
      Value span = select(neg, arith::SubIOp::create(b, loc, starts[d], e),
                          arith::SubIOp::create(b, loc, e, starts[d]));
      Value absStep = select(
          neg, arith::SubIOp::create(b, loc, cst(0), steps[d]), steps[d]);
      Value count = arith::CeilDivSIOp::create(b, loc, span, absStep);
      sizes[d] = arith::MaxSIOp::create(b, loc, count, cst(0));
    }
    SmallVector<Value> dynSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynSizes.push_back(sizes[d]);
    Value result = buildIndexedGeneric(
        b, loc, type, dynSizes,
        [&](OpBuilder &nb, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> idx;
          for (int64_t d = 0; d < rank; ++d)
            idx.push_back(arith::AddIOp::create(
                nb, l, starts[d],
                arith::MulIOp::create(nb, l, ivs[d], steps[d])));
          return tensor::ExtractOp::create(nb, l, input, idx);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Reads `indices[idx]` as a wrapped and clamped index into a dim of `size`.
Value loadIndex(OpBuilder &b, Location loc, Value indices, ValueRange idx,
                Value size) {
  Value k =
      castToIndex(b, loc, tensor::ExtractOp::create(b, loc, indices, idx));
  return wrapAndClampIndex(b, loc, k, size);
}

struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    int64_t q = op.getIndices().getType().getRank();
    auto dimOf = [&](int64_t i) {
      if (i < axis)
        return getDimValue(rewriter, loc, data, i);
      if (i < axis + q)
        return getDimValue(rewriter, loc, indices, i - axis);
      return getDimValue(rewriter, loc, data, i - q + 1);
    };
    Value axisSize = getDimValue(rewriter, loc, data, axis);
    Value result = buildIndexedGeneric(
        rewriter, loc, type, dynamicSizesOf(rewriter, loc, type, dimOf),
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value k = loadIndex(b, l, indices, ivs.slice(axis, q), axisSize);
          SmallVector<Value> idx(ivs.take_front(axis));
          idx.push_back(k);
          llvm::append_range(idx, ivs.drop_front(axis + q));
          return tensor::ExtractOp::create(b, l, data, idx);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    Value axisSize = getDimValue(rewriter, loc, data, axis);
    Value result = buildIndexedGeneric(
        rewriter, loc, type,
        dynamicSizesOf(
            rewriter, loc, type,
            [&](int64_t i) { return getDimValue(rewriter, loc, indices, i); }),
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> idx(ivs);
          idx[axis] = loadIndex(b, l, indices, ivs, axisSize);
          // The other dims of indices may exceed data's: clamp them too.
          for (int64_t i = 0; i < type.getRank(); ++i)
            if (i != axis)
              idx[i] =
                  wrapAndClampIndex(b, l, idx[i], getDimValue(b, l, data, i));
          return tensor::ExtractOp::create(b, l, data, idx);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GatherNDLowering : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t b0 = op.getBatchDims();
    int64_t q = op.getIndices().getType().getRank();
    int64_t m = op.getIndices().getType().getShape().back();
    auto dimOf = [&](int64_t i) {
      if (i < q - 1)
        return getDimValue(rewriter, loc, indices, i);
      return getDimValue(rewriter, loc, data, i - (q - 1) + b0 + m);
    };
    SmallVector<Value> dataDims;
    for (int64_t t = 0; t < m; ++t)
      dataDims.push_back(getDimValue(rewriter, loc, data, b0 + t));
    Value result = buildIndexedGeneric(
        rewriter, loc, type, dynamicSizesOf(rewriter, loc, type, dimOf),
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> idx(ivs.take_front(b0));
          SmallVector<Value> at(ivs.take_front(q - 1));
          at.push_back(Value());
          for (int64_t t = 0; t < m; ++t) {
            at.back() = arith::ConstantIndexOp::create(b, l, t);
            idx.push_back(loadIndex(b, l, indices, at, dataDims[t]));
          }
          llvm::append_range(idx, ivs.drop_front(q - 1));
          return tensor::ExtractOp::create(b, l, data, idx);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Combines the old and the new element per ONNX's `reduction`.
Value combine(OpBuilder &b, Location loc, StringRef reduction, Type bladeType,
              Value old, Value update) {
  bool isFloat = isa<FloatType>(bladeType);
  bool isUnsigned = bladeType.isUnsignedInteger();
  if (reduction == "add")
    return isFloat ? Value(arith::AddFOp::create(b, loc, old, update))
                   : Value(arith::AddIOp::create(b, loc, old, update));
  if (reduction == "mul")
    return isFloat ? Value(arith::MulFOp::create(b, loc, old, update))
                   : Value(arith::MulIOp::create(b, loc, old, update));
  if (reduction == "max")
    return isFloat      ? Value(arith::MaximumFOp::create(b, loc, old, update))
           : isUnsigned ? Value(arith::MaxUIOp::create(b, loc, old, update))
                        : Value(arith::MaxSIOp::create(b, loc, old, update));
  if (reduction == "min")
    return isFloat      ? Value(arith::MinimumFOp::create(b, loc, old, update))
           : isUnsigned ? Value(arith::MinUIOp::create(b, loc, old, update))
                        : Value(arith::MinSIOp::create(b, loc, old, update));
  return update;
}

/// An scf.for nest over every index of `updates`, threading `data` through;
/// `target` maps the update's index to the data index it writes.
Value buildScatter(
    OpBuilder &b, Location loc, Value data, Value updates, StringRef reduction,
    Type bladeType,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        target) {
  auto updType = cast<RankedTensorType>(updates.getType());
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t i = 0; i < updType.getRank(); ++i) {
    lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    ubs.push_back(getDimValue(b, loc, updates, i));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{data},
      [&](OpBuilder &nb, Location l, ValueRange ivs,
          ValueRange iterArgs) -> scf::ValueVector {
        Value acc = iterArgs[0];
        SmallVector<Value> idx = target(nb, l, ivs);
        Value u = tensor::ExtractOp::create(nb, l, updates, ivs);
        if (reduction != "none")
          u = combine(nb, l, reduction, bladeType,
                      tensor::ExtractOp::create(nb, l, acc, idx), u);
        return {tensor::InsertOp::create(nb, l, u, acc, idx).getResult()};
      });
  return nest.results.front();
}

struct ScatterElementsLowering : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    int64_t rank = op.getType().getRank();
    SmallVector<Value> dataDims;
    for (int64_t i = 0; i < rank; ++i)
      dataDims.push_back(getDimValue(rewriter, loc, data, i));
    Value result = buildScatter(
        rewriter, loc, data, adaptor.getUpdates(), op.getReduction(),
        op.getType().getElementType(),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          SmallVector<Value> idx;
          for (int64_t i = 0; i < rank; ++i)
            idx.push_back(i == axis
                              ? loadIndex(b, l, indices, ivs, dataDims[i])
                              : wrapAndClampIndex(b, l, ivs[i], dataDims[i]));
          return idx;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ScatterNDLowering : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t q = op.getIndices().getType().getRank();
    int64_t m = op.getIndices().getType().getShape().back();
    int64_t rank = op.getType().getRank();
    SmallVector<Value> dataDims;
    for (int64_t i = 0; i < rank; ++i)
      dataDims.push_back(getDimValue(rewriter, loc, data, i));
    Value result = buildScatter(
        rewriter, loc, data, adaptor.getUpdates(), op.getReduction(),
        op.getType().getElementType(),
        [&](OpBuilder &b, Location l, ValueRange ivs) {
          SmallVector<Value> at(ivs.take_front(q - 1));
          at.push_back(Value());
          SmallVector<Value> idx;
          for (int64_t t = 0; t < m; ++t) {
            at.back() = arith::ConstantIndexOp::create(b, l, t);
            idx.push_back(loadIndex(b, l, indices, at, dataDims[t]));
          }
          for (int64_t i = m; i < rank; ++i)
            idx.push_back(
                wrapAndClampIndex(b, l, ivs[q - 1 + i - m], dataDims[i]));
          return idx;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct OneHotLowering : OpConversionPattern<OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    auto toIndex = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (isa<FloatType>(v.getType()))
        v = arith::FPToSIOp::create(b, l, b.getI64Type(), v);
      return castToIndex(b, l, v);
    };
    Value depth =
        toIndex(rewriter, loc,
                tensor::ExtractOp::create(rewriter, loc, adaptor.getDepth()));
    Value off = tensor::ExtractOp::create(
        rewriter, loc, adaptor.getValues(),
        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 0)});
    Value on = tensor::ExtractOp::create(
        rewriter, loc, adaptor.getValues(),
        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 1)});
    auto dimOf = [&](int64_t i) {
      if (i == axis)
        return depth;
      return getDimValue(rewriter, loc, indices, i < axis ? i : i - 1);
    };
    Value result = buildIndexedGeneric(
        rewriter, loc, type, dynamicSizesOf(rewriter, loc, type, dimOf),
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> at(ivs.take_front(axis));
          llvm::append_range(at, ivs.drop_front(axis + 1));
          Value k = toIndex(b, l, tensor::ExtractOp::create(b, l, indices, at));
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value neg =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, k, zero);
          k = arith::SelectOp::create(b, l, neg,
                                      arith::AddIOp::create(b, l, k, depth), k);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, k,
                                            ivs[axis]);
          return arith::SelectOp::create(b, l, hit, on, off);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateIndexingPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<SliceLowering, DynamicSliceLowering, GatherLowering,
               GatherElementsLowering, GatherNDLowering,
               ScatterElementsLowering, ScatterNDLowering, OneHotLowering>(
      converter, patterns.getContext());
}
