//===- DataMovement.cpp - Shapes, reshapes, concat, pads to tensor/linalg -===//
//
// Reshapes become `tensor.reshape` with a run-time shape; the other data
// movement ops become `linalg.generic`s without inputs whose bodies compute
// the source index and read it with `tensor.extract`, so run-time sizes of
// 1 and reflections need no special cases. Slices live in Indexing.cpp.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

//===----------------------------------------------------------------------===//
// Index helpers
//===----------------------------------------------------------------------===//

Value blade::detail::getDimValue(OpBuilder &b, Location loc, Value v,
                                 int64_t i) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(i))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(i));
  return tensor::DimOp::create(b, loc, v, i);
}

Value blade::detail::indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value blade::detail::castToIndex(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isIndex())
    return v;
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

Value blade::detail::extractIndexAt(OpBuilder &b, Location loc, Value v,
                                    int64_t i) {
  Value pos = arith::ConstantIndexOp::create(b, loc, i);
  return castToIndex(b, loc, tensor::ExtractOp::create(b, loc, v, pos));
}

Value blade::detail::wrapAndClampIndex(OpBuilder &b, Location loc, Value index,
                                       Value size) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::AddIOp::create(b, loc, index, size);
  index = arith::SelectOp::create(b, loc, negative, wrapped, index);
  Value last = arith::SubIOp::create(b, loc, size, one);
  index = arith::MinSIOp::create(b, loc, index, last);
  return arith::MaxSIOp::create(b, loc, index, zero);
}

Value blade::detail::buildIndexedGeneric(
    OpBuilder &b, Location loc, RankedTensorType type, ValueRange dynamicSizes,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> body) {
  Value init = createEmpty(b, loc, type, dynamicSizes);
  int64_t rank = type.getRank();
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)}, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> ivs;
        for (int64_t i = 0; i < rank; ++i)
          ivs.push_back(linalg::IndexOp::create(nb, nloc, i));
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, ivs));
      });
  return generic.getResult(0);
}

namespace {

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "expects dense elements");
    if (value.getType() != type) // Unsigned elements keep their bits.
      value = value.bitcast(type.getElementType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    ArrayRef<int64_t> perm = op.getPermutation();
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < resultType.getRank(); ++i)
      if (resultType.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, input, perm[i]));
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    auto transpose =
        linalg::TransposeOp::create(rewriter, loc, input, init, perm);
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

/// Reshape through `tensor.reshape` with a shape computed at run time: the one
/// dynamic result dim is the element count over the static result dims.
struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    auto operandType = cast<RankedTensorType>(input.getType());
    Value numElements = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t i = 0; i < operandType.getRank(); ++i) {
      Value d = operandType.isDynamicDim(i)
                    ? Value(tensor::DimOp::create(rewriter, loc, input, i))
                    : Value(arith::ConstantIndexOp::create(
                          rewriter, loc, operandType.getDimSize(i)));
      numElements = arith::MulIOp::create(rewriter, loc, numElements, d);
    }
    int64_t staticProduct = 1;
    for (int64_t d : resultType.getShape())
      if (!ShapedType::isDynamic(d))
        staticProduct *= d;
    SmallVector<Value> dims;
    for (int64_t d : resultType.getShape()) {
      if (!ShapedType::isDynamic(d)) {
        dims.push_back(arith::ConstantIndexOp::create(rewriter, loc, d));
        continue;
      }
      // A zero static product means an empty tensor: the dynamic dim is 0.
      Value divisor = arith::ConstantIndexOp::create(
          rewriter, loc, staticProduct == 0 ? 1 : staticProduct);
      Value size = arith::DivUIOp::create(rewriter, loc, numElements, divisor);
      if (staticProduct == 0)
        size = arith::ConstantIndexOp::create(rewriter, loc, 0);
      dims.push_back(size);
    }
    // The type is explicit: a 0-d result has no elements to infer it from.
    Value shape = tensor::FromElementsOp::create(
        rewriter, loc,
        RankedTensorType::get({resultType.getRank()}, rewriter.getIndexType()),
        dims);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType, input,
                                                   shape);
    return success();
  }
};

struct ShapeOfLowering : OpConversionPattern<ShapeOfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOfOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    if (op.getStart() == op.getEnd()) {
      rewriter.replaceOp(op, createEmpty(rewriter, loc, type, {}));
      return success();
    }
    SmallVector<Value> dims;
    for (int64_t i = op.getStart(); i < static_cast<int64_t>(op.getEnd()); ++i)
      dims.push_back(arith::IndexCastOp::create(
          rewriter, loc, rewriter.getI64Type(),
          getDimValue(rewriter, loc, adaptor.getOperand(), i)));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, dims);
    return success();
  }
};

struct SizeLowering : OpConversionPattern<SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getOperand();
    Value n = indexConst(rewriter, loc, 1);
    for (int64_t i = 0; i < op.getOperand().getType().getRank(); ++i)
      n = arith::MulIOp::create(rewriter, loc, n,
                                getDimValue(rewriter, loc, input, i));
    n = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), n);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(
        op, convertedResultType(*getTypeConverter(), op.getOperation()), n);
    return success();
  }
};

struct ConstantOfShapeLowering : OpConversionPattern<ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "expects a dense value");
    if (value.getElementType() != type.getElementType())
      value = value.bitcast(type.getElementType());
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(extractIndexAt(rewriter, loc, adaptor.getShape(), i));
    Value init = createEmpty(rewriter, loc, type, sizes);
    Value scalar = arith::ConstantOp::create(
        rewriter, loc, cast<TypedAttr>(value.getValues<Attribute>()[0]));
    rewriter.replaceOp(op,
                       linalg::FillOp::create(rewriter, loc, ValueRange{scalar},
                                              ValueRange{init})
                           .getResult(0));
    return success();
  }
};

/// A tensor.cast when the dims it makes static have their sizes, else a
/// zero-filled tensor of the result type: the run-time checks reject that
/// case before the model runs, but the shape-check function evaluates every
/// check and must not read past the operand.
struct CheckedCastLowering : OpConversionPattern<CheckedCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CheckedCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value x = adaptor.getOperand();
    auto from = cast<RankedTensorType>(x.getType());
    Value ok;
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (type.isDynamicDim(i)) {
        sizes.push_back(getDimValue(rewriter, loc, x, i));
        continue;
      }
      if (!from.isDynamicDim(i))
        continue;
      Value eq =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                tensor::DimOp::create(rewriter, loc, x, i),
                                indexConst(rewriter, loc, type.getDimSize(i)));
      ok = ok ? Value(arith::AndIOp::create(rewriter, loc, ok, eq)) : eq;
    }
    if (!ok) {
      rewriter.replaceOpWithNewOp<tensor::CastOp>(op, type, x);
      return success();
    }
    auto ifOp = scf::IfOp::create(
        rewriter, loc, ok,
        [&](OpBuilder &b, Location l) {
          scf::YieldOp::create(
              b, l, tensor::CastOp::create(b, l, type, x).getResult());
        },
        [&](OpBuilder &b, Location l) {
          Value zero = arith::ConstantOp::create(
              b, l, b.getZeroAttr(type.getElementType()));
          Value init = createEmpty(b, l, type, sizes);
          scf::YieldOp::create(
              b, l,
              linalg::FillOp::create(b, l, ValueRange{zero}, ValueRange{init})
                  .getResult(0));
        });
    rewriter.replaceOp(op, ifOp.getResult(0));
    return success();
  }
};

/// The shape-check function has checked the rule before the run.
struct AssertLowering : OpConversionPattern<AssertOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.eraseOp(op);
    return success();
  }
};

struct RangeLowering : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Type t = type.getElementType();
    bool isFloat = isa<FloatType>(t);
    Value start = tensor::ExtractOp::create(rewriter, loc, adaptor.getStart());
    Value limit = tensor::ExtractOp::create(rewriter, loc, adaptor.getLimit());
    Value delta = tensor::ExtractOp::create(rewriter, loc, adaptor.getDelta());
    SmallVector<Value> sizes;
    if (type.isDynamicDim(0)) {
      Value n;
      if (isFloat) {
        Value q = arith::DivFOp::create(
            rewriter, loc, arith::SubFOp::create(rewriter, loc, limit, start),
            delta);
        n = arith::FPToSIOp::create(rewriter, loc, rewriter.getI64Type(),
                                    math::CeilOp::create(rewriter, loc, q));
      } else {
        // A zero delta (invalid) gives an empty range rather than a trap.
        Value zero = createScalar(rewriter, loc, t, 0.0);
        Value isZero = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq, delta, zero);
        Value safe = arith::SelectOp::create(
            rewriter, loc, isZero, createScalar(rewriter, loc, t, 1.0), delta);
        n = arith::CeilDivSIOp::create(
            rewriter, loc, arith::SubIOp::create(rewriter, loc, limit, start),
            safe);
        n = arith::SelectOp::create(rewriter, loc, isZero, zero, n);
      }
      n = arith::MaxSIOp::create(rewriter, loc, castToIndex(rewriter, loc, n),
                                 indexConst(rewriter, loc, 0));
      sizes.push_back(n);
    }
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), ivs[0]);
          if (isFloat) {
            i = arith::SIToFPOp::create(b, l, t, i);
            return arith::AddFOp::create(b, l, start,
                                         arith::MulFOp::create(b, l, i, delta));
          }
          if (t.getIntOrFloatBitWidth() != 64)
            i = arith::TruncIOp::create(b, l, t, i);
          return arith::AddIOp::create(b, l, start,
                                       arith::MulIOp::create(b, l, i, delta));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DynamicReshapeLowering : OpConversionPattern<DynamicReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    SmallVector<Value> dims = DynamicReshapeOp::buildResultDims(
        rewriter, loc, adaptor.getOperand(), adaptor.getShape(),
        op.getAllowZero(), type.getRank());
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (!type.isDynamicDim(i))
        dims[i] = indexConst(rewriter, loc, type.getDimSize(i));
    // The type is explicit: a 0-d result has no elements to infer it from.
    Value shape = tensor::FromElementsOp::create(
        rewriter, loc,
        RankedTensorType::get({type.getRank()}, rewriter.getIndexType()),
        dims);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, type,
                                                   adaptor.getOperand(), shape);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    int64_t axis = op.getAxis();
    ValueRange inputs = adaptor.getInputs();
    // A small static 1-D result (a shape being assembled from pieces) is
    // its elements: the reshapes reading it then fold to index math instead
    // of copies through memory.
    if (type.getRank() == 1 && type.hasStaticShape() &&
        type.getDimSize(0) <= 16 &&
        llvm::all_of(inputs, [](Value in) {
          return cast<RankedTensorType>(in.getType()).hasStaticShape();
        })) {
      SmallVector<Value> elements;
      for (Value in : inputs)
        for (int64_t i = 0,
                     e = cast<RankedTensorType>(in.getType()).getDimSize(0);
             i < e; ++i)
          elements.push_back(tensor::ExtractOp::create(
              rewriter, loc, in, ValueRange{indexConst(rewriter, loc, i)}));
      rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, type, elements);
      return success();
    }
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (!type.isDynamicDim(i))
        continue;
      if (i != axis) {
        sizes.push_back(getDimValue(rewriter, loc, inputs.front(), i));
        continue;
      }
      Value sum = indexConst(rewriter, loc, 0);
      for (Value in : inputs)
        sum = arith::AddIOp::create(rewriter, loc, sum,
                                    getDimValue(rewriter, loc, in, axis));
      sizes.push_back(sum);
    }
    Value result = createEmpty(rewriter, loc, type, sizes);
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (Value in : inputs) {
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[axis] = offset;
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, in);
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      // Copy into a slice of the destination and insert it back: after
      // bufferization the copy writes the result buffer in place.
      Value slot = tensor::ExtractSliceOp::create(rewriter, loc, result,
                                                  offsets, sizes, strides);
      Value copied =
          linalg::CopyOp::create(rewriter, loc, in, slot).getResult(0);
      result = tensor::InsertSliceOp::create(rewriter, loc, copied, result,
                                             offsets, sizes, strides);
      offset = rewriter.createOrFold<arith::AddIOp>(
          loc, getValueOrCreateConstantIndexOp(rewriter, loc, offset),
          getValueOrCreateConstantIndexOp(rewriter, loc, sizes[axis]));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t off = type.getRank() - inType.getRank();
    Value one = indexConst(rewriter, loc, 1);
    // Per operand dim: is it 1 at run time (null when statically known)?
    SmallVector<Value> inDims, isOne;
    for (int64_t j = 0; j < inType.getRank(); ++j) {
      inDims.push_back(getDimValue(rewriter, loc, input, j));
      isOne.push_back(
          inType.isDynamicDim(j)
              ? Value(arith::CmpIOp::create(
                    rewriter, loc, arith::CmpIPredicate::eq, inDims[j], one))
              : Value());
    }
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (!type.isDynamicDim(i))
        continue;
      Value entry = extractIndexAt(rewriter, loc, adaptor.getShape(), i);
      int64_t j = i - off;
      if (j < 0 || inType.getDimSize(j) == 1)
        sizes.push_back(entry);
      else if (!inType.isDynamicDim(j))
        sizes.push_back(inDims[j]);
      else
        sizes.push_back(
            arith::SelectOp::create(rewriter, loc, isOne[j], entry, inDims[j]));
    }
    Value zero = indexConst(rewriter, loc, 0);
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> idx;
          for (int64_t j = 0; j < inType.getRank(); ++j) {
            Value iv = ivs[j + off];
            if (inType.getDimSize(j) == 1)
              idx.push_back(zero);
            else if (!inType.isDynamicDim(j))
              idx.push_back(iv);
            else
              idx.push_back(arith::SelectOp::create(b, l, isOne[j], zero, iv));
          }
          return tensor::ExtractOp::create(b, l, input, idx);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TileLowering : OpConversionPattern<TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    SmallVector<Value> inDims, sizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      inDims.push_back(getDimValue(rewriter, loc, input, i));
      if (type.isDynamicDim(i))
        sizes.push_back(arith::MulIOp::create(
            rewriter, loc, inDims[i],
            extractIndexAt(rewriter, loc, adaptor.getRepeats(), i)));
    }
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> idx;
          for (auto [iv, d] : llvm::zip(ivs, inDims))
            idx.push_back(arith::RemUIOp::create(b, l, iv, d));
          return tensor::ExtractOp::create(b, l, input, idx);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    StringRef mode = op.getMode();
    int64_t rank = type.getRank();
    SmallVector<Value> inDims, sizes, low;
    for (int64_t i = 0; i < rank; ++i) {
      inDims.push_back(getDimValue(rewriter, loc, input, i));
      low.push_back(extractIndexAt(rewriter, loc, adaptor.getPads(), i));
      if (type.isDynamicDim(i))
        sizes.push_back(arith::AddIOp::create(
            rewriter, loc,
            arith::AddIOp::create(rewriter, loc, inDims[i], low[i]),
            extractIndexAt(rewriter, loc, adaptor.getPads(), rank + i)));
    }
    Value padValue =
        tensor::ExtractOp::create(rewriter, loc, adaptor.getValue());
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value zero = indexConst(b, l, 0), one = indexConst(b, l, 1);
          Value inside = arith::ConstantIntOp::create(b, l, 1, 1);
          SmallVector<Value> idx;
          for (int64_t i = 0; i < type.getRank(); ++i) {
            Value j = arith::SubIOp::create(b, l, ivs[i], low[i]);
            Value last = arith::SubIOp::create(b, l, inDims[i], one);
            if (mode == "constant") {
              Value ok = arith::AndIOp::create(
                  b, l,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, j,
                                        zero),
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, j,
                                        inDims[i]));
              inside = arith::AndIOp::create(b, l, inside, ok);
            } else if (mode == "reflect") {
              // -j before the start, 2 * last - j past the end.
              Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                                j, zero);
              j = arith::SelectOp::create(
                  b, l, neg, arith::SubIOp::create(b, l, zero, j), j);
              Value past = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::sgt, j, last);
              Value mirrored = arith::SubIOp::create(
                  b, l, arith::AddIOp::create(b, l, last, last), j);
              j = arith::SelectOp::create(b, l, past, mirrored, j);
            }
            j = arith::MinSIOp::create(b, l, j, last);
            idx.push_back(arith::MaxSIOp::create(b, l, j, zero));
          }
          Value v = tensor::ExtractOp::create(b, l, input, idx);
          if (mode != "constant")
            return v;
          return arith::SelectOp::create(b, l, inside, v, padValue);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TriluLowering : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    Value input = adaptor.getOperand();
    int64_t rank = type.getRank();
    Value k =
        castToIndex(rewriter, loc,
                    tensor::ExtractOp::create(rewriter, loc, adaptor.getK()));
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(getDimValue(rewriter, loc, input, i));
    bool upper = op.getUpper();
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value diff =
              arith::SubIOp::create(b, l, ivs[rank - 1], ivs[rank - 2]);
          Value keep = arith::CmpIOp::create(b, l,
                                             upper ? arith::CmpIPredicate::sge
                                                   : arith::CmpIPredicate::sle,
                                             diff, k);
          Value v = tensor::ExtractOp::create(b, l, input, ivs);
          Value zero = createScalar(b, l, type.getElementType(), 0.0);
          return arith::SelectOp::create(b, l, keep, v, zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct EyeLikeLowering : OpConversionPattern<EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EyeLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type =
        convertedResultType(*getTypeConverter(), op.getOperation());
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < 2; ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(getDimValue(rewriter, loc, adaptor.getOperand(), i));
    int64_t k = op.getK();
    Value result = buildIndexedGeneric(
        rewriter, loc, type, sizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value diff = arith::SubIOp::create(b, l, ivs[1], ivs[0]);
          Value on = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, diff,
                                           indexConst(b, l, k));
          Type t = type.getElementType();
          return arith::SelectOp::create(b, l, on, createScalar(b, l, t, 1.0),
                                         createScalar(b, l, t, 0.0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateDataMovementPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, TransposeLowering, ReshapeLowering,
               ShapeOfLowering, SizeLowering, ConstantOfShapeLowering,
               RangeLowering, DynamicReshapeLowering, ConcatLowering,
               ExpandLowering, TileLowering, PadLowering, TriluLowering,
               EyeLikeLowering, CheckedCastLowering, AssertLowering>(
      converter, patterns.getContext());
}
