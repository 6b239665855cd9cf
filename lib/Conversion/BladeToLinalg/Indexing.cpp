//===- Indexing.cpp - Gather, scatter and one-hot to linalg/scf -----------===//
//
// Gathers become `linalg.generic`s without inputs that read the data with
// `tensor.extract` at indices loaded from the index tensor; scatters become
// an `scf.for` nest over the updates that inserts into a copy of the data
// in order (so later duplicates win). Every index is wrapped (negative
// counts from the end) and clamped into its dim, so reads and writes never
// leave the tensor.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

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
  patterns.add<GatherLowering, GatherElementsLowering, GatherNDLowering,
               ScatterElementsLowering, ScatterNDLowering, OneHotLowering>(
      converter, patterns.getContext());
}
