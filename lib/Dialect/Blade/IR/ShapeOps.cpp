//===- ShapeOps.cpp - Constants, shapes as values and data movement -------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;
using namespace blade;

LogicalResult TransposeOp::verify() {
  FailureOr<SmallVector<int64_t>> shape = inferTransposeShape(
      getOperand().getType().getShape(), getPermutation(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

LogicalResult ReshapeOp::verify() {
  return verifyReshapeShapes(getOperand().getType().getShape(),
                             getType().getShape(), getLoc());
}

void ReshapeOp::emitShapeChecks(ShapeCheckList &checks) {
  RankedTensorType from = getOperand().getType();
  RankedTensorType to = getType();
  if (from.hasStaticShape())
    return; // The verifier has checked it.
  OpBuilder &b = checks.builder();
  Location loc = getLoc();
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t i = 0; i < from.getRank(); ++i)
    count = arith::MulIOp::create(b, loc, count, checks.dim(getOperand(), i));
  int64_t known = 1;
  for (int64_t d : to.getShape())
    if (!ShapedType::isDynamic(d))
      known *= d;
  std::string message = ShapeCheckList::where(*this) + ": cannot reshape " +
                        shapeToString(from.getShape()) + " to " +
                        shapeToString(to.getShape()) +
                        ": the element count does not fit at run time";
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value knownValue = arith::ConstantIndexOp::create(b, loc, known);
  if (to.hasStaticShape()) {
    checks.requireEqual(loc, count, knownValue, message);
  } else if (known == 0) {
    checks.requireEqual(loc, count, zero, message);
  } else {
    Value rem = arith::RemUIOp::create(b, loc, count, knownValue);
    checks.requireEqual(loc, rem, zero, message);
  }
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  if (llvm::equal(getPermutation(),
                  llvm::seq<int64_t>(0, getPermutation().size())) &&
      getOperand().getType() == getType())
    return getOperand();
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand());
  if (!input || !getType().hasStaticShape())
    return {};
  if (input.isSplat())
    return input.resizeSplat(getType());
  // Gather the elements in result order as raw attributes; constants fed to
  // transposes are weights, visited once at compile time.
  ArrayRef<int64_t> inShape = input.getType().getShape();
  ArrayRef<int64_t> outShape = getType().getShape();
  ArrayRef<int64_t> perm = getPermutation();
  int64_t rank = outShape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * inShape[i + 1];
  SmallVector<Attribute> values(input.getValues<Attribute>());
  SmallVector<Attribute> result;
  result.reserve(values.size());
  SmallVector<int64_t> index(rank, 0);
  for (size_t n = 0; n < values.size(); ++n) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d)
      offset += index[d] * inStrides[perm[d]];
    result.push_back(values[offset]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(getType(), result);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // A result has at most one dynamic dim, so equal types mean equal shapes.
  if (getOperand().getType() == getType())
    return getOperand();
  // reshape(reshape(x)) reshapes x directly.
  if (auto inner = getOperand().getDefiningOp<ReshapeOp>()) {
    if (inner.getOperand().getType() == getType())
      return inner.getOperand();
    getOperandMutable().assign(inner.getOperand());
    return getResult();
  }
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand());
  if (input && getType().hasStaticShape())
    return input.reshape(getType());
  return {};
}

//===----------------------------------------------------------------------===//
// Shapes as values
//===----------------------------------------------------------------------===//

LogicalResult ShapeOfOp::verify() {
  int64_t rank = getOperand().getType().getRank();
  int64_t start = getStart(), end = getEnd();
  if (start < 0 || start > end || end > rank)
    return emitOpError("needs 0 <= start <= end <= rank (") << rank << ")";
  if (getType().getDimSize(0) != end - start)
    return emitOpError("result must have ") << end - start << " elements";
  return success();
}

OpFoldResult ShapeOfOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> dims = getOperand().getType().getShape().slice(
      getStart(), getEnd() - getStart());
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return {};
  return DenseIntElementsAttr::get(getType(), dims);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  RankedTensorType type = getOperand().getType();
  if (!type.hasStaticShape())
    return {};
  return DenseIntElementsAttr::get(getType(), {type.getNumElements()});
}

LogicalResult ConstantOfShapeOp::verify() {
  if (getValue().getNumElements() != 1)
    return emitOpError("value must hold exactly one element");
  if (getValue().getElementType() != getType().getElementType())
    return emitOpError("value and result element types differ");
  if (getShape().getType().getDimSize(0) != getType().getRank())
    return emitOpError("shape length must equal the result rank");
  return success();
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  auto value = dyn_cast<DenseElementsAttr>(getValue());
  if (!value || !getType().hasStaticShape())
    return {};
  return DenseElementsAttr::get(getType(), value.getValues<Attribute>()[0]);
}

LogicalResult RangeOp::verify() {
  Type t = getType().getElementType();
  for (Value v : {getStart(), getLimit(), getDelta()})
    if (cast<RankedTensorType>(v.getType()).getElementType() != t)
      return emitOpError("operands must have the result's element type");
  return success();
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  auto start = dyn_cast_if_present<DenseElementsAttr>(adaptor.getStart());
  auto limit = dyn_cast_if_present<DenseElementsAttr>(adaptor.getLimit());
  auto delta = dyn_cast_if_present<DenseElementsAttr>(adaptor.getDelta());
  if (!start || !limit || !delta || !getType().hasStaticShape())
    return {};
  int64_t n = getType().getDimSize(0);
  Type t = getType().getElementType();
  if (auto ft = dyn_cast<FloatType>(t)) {
    // ONNX computes start + i * delta in the element type.
    APFloat s = start.getSplatValue<APFloat>();
    APFloat d = delta.getSplatValue<APFloat>();
    SmallVector<APFloat> values;
    APFloat v = s;
    for (int64_t i = 0; i < n; ++i) {
      values.push_back(v);
      v.add(d, APFloat::rmNearestTiesToEven);
    }
    return DenseElementsAttr::get(getType(), values);
  }
  APInt s = start.getSplatValue<APInt>();
  APInt d = delta.getSplatValue<APInt>();
  SmallVector<APInt> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(s + d * APInt(s.getBitWidth(), i));
  return DenseElementsAttr::get(getType(), values);
}

//===----------------------------------------------------------------------===//
// Reshaping and joining
//===----------------------------------------------------------------------===//

LogicalResult DynamicReshapeOp::verify() {
  int64_t n = getShape().getType().getDimSize(0);
  if (n != getType().getRank())
    return emitOpError("shape has ")
           << (ShapedType::isDynamic(n) ? std::string("?") : std::to_string(n))
           << " entries for a rank-" << getType().getRank() << " result";
  return success();
}

LogicalResult CheckedCastOp::verify() {
  RankedTensorType from = getOperand().getType(), to = getType();
  if (from.getRank() != to.getRank() ||
      failed(verifyCompatibleShape(from.getShape(), to.getShape())))
    return emitOpError("cannot cast ")
           << shapeToString(from.getShape()) << " to "
           << shapeToString(to.getShape());
  return success();
}

OpFoldResult CheckedCastOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  return {};
}

void CheckedCastOp::emitShapeChecks(ShapeCheckList &checks) {
  RankedTensorType from = getOperand().getType(), to = getType();
  for (int64_t i = 0; i < to.getRank(); ++i) {
    if (to.isDynamicDim(i) || !from.isDynamicDim(i))
      continue;
    Value size = arith::ConstantIndexOp::create(checks.builder(), getLoc(),
                                                to.getDimSize(i));
    checks.requireEqual(getLoc(), checks.dim(getOperand(), i), size,
                        ShapeCheckList::where(*this) + ": dim " +
                            std::to_string(i) + " must be " +
                            std::to_string(to.getDimSize(i)) +
                            " at run time (the size the model's ranks "
                            "imply)");
  }
}

void AssertOp::emitShapeChecks(ShapeCheckList &checks) {
  Value ok = tensor::ExtractOp::create(checks.builder(), getLoc(),
                                       getCondition(), ValueRange{});
  checks.require(ok, ShapeCheckList::where(*this) + ": " + getMessage().str());
}

LogicalResult ConcatOp::verify() {
  SmallVector<SmallVector<int64_t>> shapes;
  for (Value v : getInputs())
    shapes.emplace_back(cast<RankedTensorType>(v.getType()).getShape());
  FailureOr<SmallVector<int64_t>> shape =
      inferConcatShape(shapes, getAxis(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

void ConcatOp::emitShapeChecks(ShapeCheckList &checks) {
  Value first = getInputs().front();
  auto firstType = cast<RankedTensorType>(first.getType());
  for (Value v : getInputs().drop_front()) {
    auto type = cast<RankedTensorType>(v.getType());
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (i == static_cast<int64_t>(getAxis()) ||
          (!type.isDynamicDim(i) && !firstType.isDynamicDim(i)))
        continue;
      checks.requireEqual(getLoc(), checks.dim(first, i), checks.dim(v, i),
                          ShapeCheckList::where(*this) + ": concat inputs " +
                              shapeToString(firstType.getShape()) + " and " +
                              shapeToString(type.getShape()) +
                              " differ in dim " + std::to_string(i) +
                              " at run time");
    }
  }
}

/// Folders that enumerate elements stop at this many (compile time).
static constexpr int64_t kMaxFold = 1 << 16;

/// Row-major strides of a static shape.
static SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Calls `fn(index)` for every index of a static shape, in row-major order.
static void forEachIndex(ArrayRef<int64_t> shape,
                         function_ref<void(ArrayRef<int64_t>)> fn) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    fn(index);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  // Shape arithmetic is small; large constants are left to run time.
  if (!getType().hasStaticShape() || getType().getNumElements() > kMaxFold)
    return {};
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute a : adaptor.getInputs()) {
    auto dense = dyn_cast_if_present<DenseElementsAttr>(a);
    if (!dense)
      return {};
    inputs.push_back(dense);
  }
  ArrayRef<int64_t> shape = getType().getShape();
  int64_t axis = getAxis();
  // Row-major: the result is, for each outer index, each input's block.
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  SmallVector<SmallVector<Attribute>> values;
  SmallVector<int64_t> blocks;
  for (DenseElementsAttr in : inputs) {
    values.emplace_back(in.getValues<Attribute>());
    blocks.push_back(outer == 0 ? 0 : in.getNumElements() / outer);
  }
  SmallVector<Attribute> result;
  for (int64_t o = 0; o < outer; ++o)
    for (auto [vals, block] : llvm::zip(values, blocks))
      llvm::append_range(result, ArrayRef(vals).slice(o * block, block));
  return DenseElementsAttr::get(getType(), result);
}

LogicalResult SliceOp::verify() {
  int64_t rank = getOperand().getType().getRank();
  if (static_cast<int64_t>(getStarts().size()) != rank ||
      static_cast<int64_t>(getEnds().size()) != rank ||
      static_cast<int64_t>(getSteps().size()) != rank)
    return emitOpError("needs one start, end and step per dim (")
           << rank << ")";
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (getSteps()[i] == 0)
      return emitOpError("step of dim ") << i << " is zero";
    shape.push_back(inferSliceDim(getOperand().getType().getDimSize(i),
                                  getStarts()[i], getEnds()[i], getSteps()[i]));
  }
  return verifyInferredShape(shape, getType(), getLoc());
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  RankedTensorType inType = getOperand().getType();
  if (inType == getType() && inType.hasStaticShape() &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getOperand();
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getOperand());
  if (!input || !getType().hasStaticShape() || !inType.hasStaticShape())
    return {};
  if (input.isSplat())
    return input.resizeSplat(getType());
  if (inType.getNumElements() > kMaxFold)
    return {};
  SmallVector<int64_t> strides = getStrides(inType.getShape());
  SmallVector<int64_t> starts;
  for (int64_t i = 0; i < inType.getRank(); ++i)
    starts.push_back(clampSliceBounds(inType.getDimSize(i), getStarts()[i],
                                      getEnds()[i], getSteps()[i])
                         .first);
  SmallVector<Attribute> values(input.getValues<Attribute>());
  SmallVector<Attribute> result;
  forEachIndex(getType().getShape(), [&](ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (auto [i, x] : llvm::enumerate(index))
      offset += (starts[i] + x * getSteps()[i]) * strides[i];
    result.push_back(values[offset]);
  });
  return DenseElementsAttr::get(getType(), result);
}

LogicalResult DynamicSliceOp::verify() {
  int64_t n = getStarts().getType().getDimSize(0);
  for (Value v : {getEnds(), getAxes(), getSteps()}) {
    int64_t m = cast<RankedTensorType>(v.getType()).getDimSize(0);
    if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(m) && m != n)
      return emitOpError("starts, ends, axes and steps differ in length");
  }
  if (getType().getRank() != getOperand().getType().getRank())
    return emitOpError("result rank differs from the operand's");
  return success();
}

namespace {
/// dynamic_slice with constant bounds -> slice.
struct ConstantBoundsDynamicSlice : OpRewritePattern<DynamicSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicSliceOp op,
                                PatternRewriter &rewriter) const override {
    DenseIntElementsAttr starts, ends, axes, steps;
    if (!matchPattern(op.getStarts(), m_Constant(&starts)) ||
        !matchPattern(op.getEnds(), m_Constant(&ends)) ||
        !matchPattern(op.getAxes(), m_Constant(&axes)) ||
        !matchPattern(op.getSteps(), m_Constant(&steps)))
      return rewriter.notifyMatchFailure(op, "bounds not constant");
    int64_t rank = op.getType().getRank();
    int64_t n = starts.getNumElements();
    if (ends.getNumElements() != n || axes.getNumElements() != n ||
        steps.getNumElements() != n)
      return rewriter.notifyMatchFailure(op, "bounds differ in length");
    SmallVector<int64_t> allStarts(rank, 0),
        allEnds(rank, std::numeric_limits<int64_t>::max()), allSteps(rank, 1);
    SmallVector<bool> seen(rank, false);
    auto at = [](DenseIntElementsAttr a, int64_t k) {
      return a.getValues<APInt>()[k].getSExtValue();
    };
    for (int64_t k = 0; k < n; ++k) {
      int64_t axis = at(axes, k);
      if (axis < 0)
        axis += rank;
      if (axis < 0 || axis >= rank || seen[axis])
        return rewriter.notifyMatchFailure(op, "bad or repeated axis");
      seen[axis] = true;
      allStarts[axis] = at(starts, k);
      allEnds[axis] = at(ends, k);
      int64_t step = at(steps, k);
      allSteps[axis] = step == 0 ? 1 : step;
    }
    rewriter.replaceOpWithNewOp<SliceOp>(op, op.getType(), op.getOperand(),
                                         allStarts, allEnds, allSteps);
    return success();
  }
};
} // namespace

void DynamicSliceOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                 MLIRContext *context) {
  results.add<ConstantBoundsDynamicSlice>(context);
}

LogicalResult ExpandOp::verify() {
  int64_t n = getShape().getType().getDimSize(0);
  int64_t rank = getType().getRank();
  if (n != rank || rank < getOperand().getType().getRank())
    return emitOpError("shape must have one entry per result dim, and the "
                       "result at least the operand's rank");
  ArrayRef<int64_t> in = getOperand().getType().getShape();
  ArrayRef<int64_t> out = getType().getShape();
  for (int64_t j = 0, off = rank - in.size(); j < (int64_t)in.size(); ++j)
    if (!ShapedType::isDynamic(in[j]) && in[j] != 1 &&
        !ShapedType::isDynamic(out[j + off]) && out[j + off] != in[j])
      return emitOpError("operand dim ")
             << j << " (" << in[j] << ") cannot expand to " << out[j + off];
  return success();
}

void ExpandOp::emitShapeChecks(ShapeCheckList &checks) {
  OpBuilder &b = checks.builder();
  Location loc = getLoc();
  ArrayRef<int64_t> in = getOperand().getType().getShape();
  int64_t off = getType().getRank() - in.size();
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t j = 0; j < static_cast<int64_t>(in.size()); ++j) {
    if (in[j] == 1 ||
        (!ShapedType::isDynamic(in[j]) && !getType().isDynamicDim(j + off)))
      continue;
    Value pos = arith::ConstantIndexOp::create(b, loc, j + off);
    Value entry = tensor::ExtractOp::create(b, loc, getShape(), pos);
    entry = arith::IndexCastOp::create(b, loc, b.getIndexType(), entry);
    Value dim = checks.dim(getOperand(), j);
    auto eq = [&](Value x, Value y) {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
    };
    Value ok = arith::OrIOp::create(
        b, loc, arith::OrIOp::create(b, loc, eq(entry, one), eq(dim, one)),
        eq(entry, dim));
    checks.require(ok, ShapeCheckList::where(*this) + ": cannot expand dim " +
                           std::to_string(j) + " of " + shapeToString(in) +
                           " to the requested size at run time");
  }
}

LogicalResult TileOp::verify() {
  int64_t n = getRepeats().getType().getDimSize(0);
  if ((!ShapedType::isDynamic(n) && n != getType().getRank()) ||
      getType().getRank() != getOperand().getType().getRank())
    return emitOpError("needs one repeat per dim");
  return success();
}

LogicalResult PadOp::verify() {
  int64_t rank = getType().getRank();
  int64_t n = getPads().getType().getDimSize(0);
  if (getOperand().getType().getRank() != rank ||
      (!ShapedType::isDynamic(n) && n != 2 * rank))
    return emitOpError("needs 2 * rank pad amounts for operand and result "
                       "of one rank");
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOpError("unknown mode '") << mode << "'";
  return success();
}

LogicalResult TriluOp::verify() {
  if (getType().getRank() < 2)
    return emitOpError("needs an operand of rank 2 or more");
  return success();
}

LogicalResult EyeLikeOp::verify() {
  if (getType().getRank() != 2 || getOperand().getType().getRank() != 2)
    return emitOpError("operand and result must be 2-D");
  return verifyInferredShape(getOperand().getType().getShape(), getType(),
                             getLoc());
}

SmallVector<Value> DynamicReshapeOp::buildResultDims(OpBuilder &b, Location loc,
                                                     Value operand, Value shape,
                                                     bool allowZero,
                                                     int64_t rank) {
  auto inType = cast<RankedTensorType>(operand.getType());
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto inDim = [&](int64_t i) -> Value {
    if (!inType.isDynamicDim(i))
      return index(inType.getDimSize(i));
    return tensor::DimOp::create(b, loc, operand, i);
  };
  auto eq = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  };
  Value count = index(1);
  for (int64_t i = 0; i < inType.getRank(); ++i)
    count = arith::MulIOp::create(b, loc, count, inDim(i));
  Value zero = index(0), one = index(1), minusOne = index(-1);
  SmallVector<Value> dims;
  Value known = one;
  for (int64_t i = 0; i < rank; ++i) {
    Value e = tensor::ExtractOp::create(b, loc, shape, ValueRange{index(i)});
    e = arith::IndexCastOp::create(b, loc, b.getIndexType(), e);
    if (!allowZero && i < inType.getRank())
      e = arith::SelectOp::create(b, loc, eq(e, zero), inDim(i), e);
    dims.push_back(e);
    known = arith::MulIOp::create(
        b, loc, known,
        arith::SelectOp::create(b, loc, eq(e, minusOne), one, e));
  }
  // A zero product leaves the -1 entry as 0 rather than dividing by zero.
  Value divisor = arith::MaxSIOp::create(b, loc, known, one);
  Value inferred = arith::DivSIOp::create(b, loc, count, divisor);
  for (Value &d : dims)
    d = arith::SelectOp::create(b, loc, eq(d, minusOne), inferred, d);
  return dims;
}

void DynamicReshapeOp::emitShapeChecks(ShapeCheckList &checks) {
  OpBuilder &b = checks.builder();
  Location loc = getLoc();
  RankedTensorType type = getType();
  SmallVector<Value> dims = buildResultDims(b, loc, getOperand(), getShape(),
                                            getAllowZero(), type.getRank());
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t i = 0; i < getOperand().getType().getRank(); ++i)
    count = arith::MulIOp::create(b, loc, count, checks.dim(getOperand(), i));
  Value product = arith::ConstantIndexOp::create(b, loc, 1);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value ok = arith::ConstantIntOp::create(b, loc, 1, 1);
  for (auto [i, d] : llvm::enumerate(dims)) {
    product = arith::MulIOp::create(b, loc, product, d);
    ok = arith::AndIOp::create(
        b, loc, ok,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, d, zero));
    if (!type.isDynamicDim(i))
      ok = arith::AndIOp::create(
          b, loc, ok,
          arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::eq, d,
              arith::ConstantIndexOp::create(b, loc, type.getDimSize(i))));
  }
  ok = arith::AndIOp::create(
      b, loc, ok,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, product, count));
  checks.require(ok, ShapeCheckList::where(*this) + ": cannot reshape " +
                         shapeToString(getOperand().getType().getShape()) +
                         " to the shape computed at run time (" +
                         shapeToString(type.getShape()) + ")");
}
