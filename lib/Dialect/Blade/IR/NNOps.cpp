//===- NNOps.cpp - Compute-intensive blade ops ----------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/Einsum.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "blade/Dialect/Blade/IR/WindowShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <map>

using namespace mlir;
using namespace blade;

LogicalResult MatMulOp::verify() {
  FailureOr<SmallVector<int64_t>> shape =
      inferMatMulShape(getLhs().getType().getShape(),
                       getRhs().getType().getShape(), getLoc());
  if (failed(shape))
    return failure();
  return verifyInferredShape(*shape, getType(), getLoc());
}

void MatMulOp::emitShapeChecks(ShapeCheckList &checks) {
  int64_t lr = getLhs().getType().getRank();
  int64_t rr = getRhs().getType().getRank();
  if (getLhs().getType().isDynamicDim(lr - 1) ||
      getRhs().getType().isDynamicDim(rr - 2))
    checks.requireEqual(
        getLoc(), checks.dim(getLhs(), lr - 1), checks.dim(getRhs(), rr - 2),
        ShapeCheckList::where(*this) + ": the contraction dims of " +
            shapeToString(getLhs().getType().getShape()) + " x " +
            shapeToString(getRhs().getType().getShape()) +
            " differ at run time");
  checks.requireBroadcastable(*this, getLhs(), getRhs(), /*ignoreTrailing=*/2);
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

namespace {

/// The window attributes of a conv or pool op, checked for consistency.
struct Window {
  SmallVector<WindowDim> dims;
  AutoPad autoPad = AutoPad::NotSet;
  bool ceilMode = false;
};

FailureOr<Window> getWindow(Operation *op, ArrayRef<int64_t> kernel,
                            ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                            StringRef autoPad, bool ceilMode) {
  size_t k = kernel.size();
  if (strides.size() != k || dilations.size() != k || pads.size() != 2 * k)
    return op->emitOpError() << "expects " << k << " strides and dilations and "
                             << 2 * k << " pads for " << k << " spatial dims";
  std::optional<AutoPad> mode = parseAutoPad(autoPad);
  if (!mode)
    return op->emitOpError() << "unknown auto_pad '" << autoPad << "'";
  Window w;
  w.autoPad = *mode;
  w.ceilMode = ceilMode;
  for (size_t i = 0; i < k; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 || pads[k + i] < 0 ||
        (!ShapedType::isDynamic(kernel[i]) && kernel[i] < 1))
      return op->emitOpError()
             << "needs positive kernel sizes, strides and dilations and "
                "non-negative pads";
    w.dims.push_back({kernel[i], strides[i], dilations[i], pads[i], pads[k + i]});
  }
  return w;
}

/// Checks `result` against [N, channels, windowed spatial sizes...].
LogicalResult verifyWindowResult(Operation *op, RankedTensorType input,
                                 int64_t channels, const Window &w,
                                 RankedTensorType result) {
  SmallVector<int64_t> shape = {input.getDimSize(0), channels};
  for (auto [i, dim] : llvm::enumerate(w.dims)) {
    int64_t in = input.getDimSize(i + 2);
    int64_t out = ShapedType::isDynamic(dim.kernel)
                      ? ShapedType::kDynamic
                      : windowOutputSize(in, dim, w.autoPad, w.ceilMode);
    if (!ShapedType::isDynamic(out) && out < 1)
      return op->emitOpError() << "spatial dim " << i << " of size " << in
                               << " is smaller than the window";
    shape.push_back(out);
  }
  return verifyInferredShape(shape, result, op->getLoc());
}

/// Run-time rule for dynamic spatial dims: the padded input holds a window.
void requireWindowFits(ShapeCheckList &checks, Operation *op, Value input,
                       const Window &w) {
  auto type = cast<RankedTensorType>(input.getType());
  OpBuilder &b = checks.builder();
  Location loc = op->getLoc();
  for (auto [i, dim] : llvm::enumerate(w.dims)) {
    if (!type.isDynamicDim(i + 2) || ShapedType::isDynamic(dim.kernel))
      continue;
    int64_t pad = w.autoPad == AutoPad::NotSet ? dim.padBegin + dim.padEnd : 0;
    int64_t need = w.autoPad == AutoPad::SameUpper ||
                           w.autoPad == AutoPad::SameLower
                       ? 1
                       : dim.extent() - pad;
    Value size = checks.dim(input, i + 2);
    Value min = arith::ConstantIndexOp::create(b, loc, need);
    Value ok =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, size, min);
    checks.require(ok, ShapeCheckList::where(op) + ": spatial dim " +
                           std::to_string(i) + " of " +
                           shapeToString(type.getShape()) +
                           " is smaller than the window at run time");
  }
}

} // namespace

LogicalResult ConvOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType weight = getWeight().getType();
  int64_t rank = input.getRank();
  if (rank < 3 || weight.getRank() != rank)
    return emitOpError() << "expects an input of rank >= 3 and weights of the "
                            "same rank, got "
                         << shapeToString(input.getShape()) << " and "
                         << shapeToString(weight.getShape());
  if (input.getElementType() != weight.getElementType() ||
      input.getElementType() != getType().getElementType())
    return emitOpError() << "expects one element type for input, weights and "
                            "result";
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError() << "group must be positive";
  int64_t c = input.getDimSize(1), cg = weight.getDimSize(1);
  int64_t m = weight.getDimSize(0);
  if (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(cg) && c != cg * group)
    return emitOpError() << "input channels " << c << " != weight channels "
                         << cg << " x group " << group;
  if (!ShapedType::isDynamic(m) && m % group != 0)
    return emitOpError() << "output channels " << m
                         << " are not divisible by group " << group;
  if (group > 1 && (ShapedType::isDynamic(m) || ShapedType::isDynamic(cg)))
    return emitOpError() << "a grouped convolution needs static channel counts";
  if (Value bias = getBias()) {
    auto b = cast<RankedTensorType>(bias.getType());
    if (b.getRank() != 1 || (!ShapedType::isDynamic(m) && !b.isDynamicDim(0) &&
                             b.getDimSize(0) != m))
      return emitOpError() << "expects a bias of shape [" << m << "]";
  }
  FailureOr<Window> w =
      getWindow(*this, weight.getShape().drop_front(2), getStrides(),
                getDilations(), getPads(), getAutoPad(), false);
  if (failed(w))
    return failure();
  return verifyWindowResult(*this, input, m, *w, getType());
}

void ConvOp::emitShapeChecks(ShapeCheckList &checks) {
  RankedTensorType input = getInput().getType();
  RankedTensorType weight = getWeight().getType();
  if (input.isDynamicDim(1) || weight.isDynamicDim(1)) {
    OpBuilder &b = checks.builder();
    Value cg = checks.dim(getWeight(), 1);
    Value group = arith::ConstantIndexOp::create(b, getLoc(), getGroup());
    checks.requireEqual(getLoc(), checks.dim(getInput(), 1),
                        arith::MulIOp::create(b, getLoc(), cg, group),
                        ShapeCheckList::where(*this) +
                            ": the input channels do not match the weights at "
                            "run time");
  }
  FailureOr<Window> w =
      getWindow(*this, weight.getShape().drop_front(2), getStrides(),
                getDilations(), getPads(), getAutoPad(), false);
  if (succeeded(w))
    requireWindowFits(checks, *this, getInput(), *w);
}

LogicalResult ConvTransposeOp::verify() {
  RankedTensorType input = getInput().getType();
  RankedTensorType weight = getWeight().getType();
  int64_t rank = input.getRank();
  if (rank < 3 || weight.getRank() != rank)
    return emitOpError() << "expects an input of rank >= 3 and weights of the "
                            "same rank";
  int64_t k = rank - 2, group = getGroup();
  int64_t c = input.getDimSize(1), wc = weight.getDimSize(0);
  if (group < 1)
    return emitOpError() << "group must be positive";
  if (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(wc) && c != wc)
    return emitOpError() << "input channels " << c
                         << " != weight channels " << wc;
  if (group > 1 && (ShapedType::isDynamic(wc) || wc % group != 0))
    return emitOpError()
           << "a grouped transposed convolution needs static weight channels "
              "divisible by group";
  if (static_cast<int64_t>(getOutputPadding().size()) != k)
    return emitOpError() << "expects " << k << " output_padding entries";
  FailureOr<Window> w =
      getWindow(*this, weight.getShape().drop_front(2), getStrides(),
                getDilations(), getPads(), getAutoPad(), false);
  if (failed(w))
    return failure();
  int64_t m = ShapedType::isDynamic(weight.getDimSize(1))
                  ? ShapedType::kDynamic
                  : weight.getDimSize(1) * group;
  SmallVector<int64_t> shape = {input.getDimSize(0), m};
  for (auto [i, dim] : llvm::enumerate(w->dims))
    shape.push_back(ShapedType::isDynamic(dim.kernel)
                        ? ShapedType::kDynamic
                        : transposedWindowOutputSize(input.getDimSize(i + 2),
                                                     dim, getOutputPadding()[i],
                                                     w->autoPad));
  return verifyInferredShape(shape, getType(), getLoc());
}

LogicalResult PoolOp::verify() {
  RankedTensorType input = getInput().getType();
  if (input.getRank() < 3)
    return emitOpError() << "expects an input of rank >= 3";
  if (getKind() != "max" && getKind() != "avg" && getKind() != "lp")
    return emitOpError() << "kind must be max, avg or lp, got '" << getKind()
                         << "'";
  if (getKind() != "max" && !isa<FloatType>(input.getElementType()))
    return emitOpError() << getKind() << " pooling needs a float input";
  if (static_cast<int64_t>(getKernelShape().size()) != input.getRank() - 2)
    return emitOpError() << "expects " << input.getRank() - 2
                         << " kernel sizes";
  FailureOr<Window> w =
      getWindow(*this, getKernelShape(), getStrides(), getDilations(),
                getPads(), getAutoPad(), getCeilMode());
  if (failed(w))
    return failure();
  RankedTensorType result = getResult().getType();
  if (result.getElementType() != input.getElementType())
    return emitOpError() << "expects the result to have the input's element "
                            "type";
  if (Value indices = getIndices()) {
    auto type = cast<RankedTensorType>(indices.getType());
    if (getKind() != "max" || !type.getElementType().isSignlessInteger(64) ||
        failed(verifyCompatibleShape(type.getShape(), result.getShape())))
      return emitOpError() << "indices need max pooling and an i64 tensor of "
                              "the result's shape";
  }
  if (getStorageOrder() != 0 && getStorageOrder() != 1)
    return emitOpError() << "storage_order must be 0 or 1";
  return verifyWindowResult(*this, input, input.getDimSize(1), *w, result);
}

void PoolOp::emitShapeChecks(ShapeCheckList &checks) {
  FailureOr<Window> w =
      getWindow(*this, getKernelShape(), getStrides(), getDilations(),
                getPads(), getAutoPad(), getCeilMode());
  if (succeeded(w))
    requireWindowFits(checks, *this, getInput(), *w);
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

LogicalResult EinsumOp::verify() {
  SmallVector<int64_t> ranks;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : getOperands()) {
    auto type = cast<RankedTensorType>(v.getType());
    ranks.push_back(type.getRank());
    shapes.push_back(type.getShape());
    if (type.getElementType() != getType().getElementType())
      return emitOpError() << "expects one element type for all operands and "
                              "the result";
  }
  std::string error;
  FailureOr<EinsumEquation> eq = parseEinsum(getEquation(), ranks, error);
  if (failed(eq))
    return emitOpError() << error;
  if (eq->str() != getEquation())
    return emitOpError() << "equation must be explicit, got '"
                         << getEquation() << "' (expected '" << eq->str()
                         << "')";
  FailureOr<SmallVector<int64_t>> shape = einsumResultShape(*eq, shapes, error);
  if (failed(shape))
    return emitOpError() << error;
  return verifyInferredShape(*shape, getType(), getLoc());
}

namespace {

/// `value`, whose dims carry the letters of `term`, with one dim per group
/// of `target`: the letters `term` has are transposed into target order, a
/// size-1 dim stands for each single letter it lacks (none for lacking
/// leading letters, which a matmul broadcasts by rank), and a group of
/// several letters (all present, static) becomes one dim.
Value arrangeLetters(PatternRewriter &rewriter, Location loc, Value value,
                     StringRef term, ArrayRef<std::string> target) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> perm, dims;
  for (const std::string &group : target)
    for (char c : group)
      if (size_t at = term.find(c); at != StringRef::npos) {
        perm.push_back(at);
        dims.push_back(type.getDimSize(at));
      }
  if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    value = TransposeOp::create(
        rewriter, loc, RankedTensorType::get(dims, type.getElementType()),
        value, perm);
  size_t lead = 0;
  while (lead < target.size() && target[lead].size() == 1 &&
         !term.contains(target[lead][0]))
    ++lead;
  // Per result dim: its size, and where a dynamic one is read (a dim of
  // the transposed value).
  SmallVector<int64_t> shape, source;
  int64_t dim = 0;
  for (const std::string &group : ArrayRef(target).drop_front(lead)) {
    if (group.size() == 1 && !term.contains(group[0])) {
      shape.push_back(1);
      source.push_back(-1);
      continue;
    }
    int64_t size = 1;
    for (size_t i = 0; i < group.size(); ++i)
      size *= dims[dim + i];
    shape.push_back(group.size() == 1 ? dims[dim] : size);
    source.push_back(dim);
    dim += group.size();
  }
  if (shape == ArrayRef<int64_t>(dims))
    return value;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (llvm::count_if(shape, ShapedType::isDynamic) <= 1)
    return ReshapeOp::create(rewriter, loc, resultType, value);
  // Several dynamic dims: the shape as a run-time value.
  auto entry = RankedTensorType::get({1}, rewriter.getI64Type());
  SmallVector<Value> pieces;
  for (auto [size, from] : llvm::zip(shape, source))
    pieces.push_back(
        ShapedType::isDynamic(size)
            ? Value(ShapeOfOp::create(rewriter, loc, entry, value, from,
                                      from + 1))
            : Value(ConstantOp::create(
                  rewriter, loc, DenseIntElementsAttr::get(entry, size))));
  Value shapeValue = ConcatOp::create(
      rewriter, loc,
      RankedTensorType::get({static_cast<int64_t>(shape.size())},
                            rewriter.getI64Type()),
      pieces, 0);
  return DynamicReshapeOp::create(rewriter, loc, resultType, value, shapeValue,
                                  /*allow_zero=*/true);
}

/// A two-operand einsum that is a matrix product: letters summed in both
/// operands (several only with static sizes: they merge into one dim),
/// every other letter in the output once, a letter only the lhs has and one
/// only the rhs has for the matrix rows and columns (the last such in each
/// operand); the other output letters are batch dims. Diagonals, letters
/// summed within one operand, outer and dot products keep the einsum.
struct EinsumAsMatMul : OpRewritePattern<EinsumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EinsumOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumOperands() != 2)
      return rewriter.notifyMatchFailure(op, "not two operands");
    std::string error;
    FailureOr<EinsumEquation> eq =
        parseEinsum(op.getEquation(), op.getOperands(), error);
    if (failed(eq))
      return failure();
    StringRef a = eq->inputs[0], b = eq->inputs[1], out = eq->output;
    auto distinct = [](StringRef s) {
      return llvm::SmallDenseSet<char>(s.begin(), s.end()).size() == s.size();
    };
    if (!distinct(a) || !distinct(b) || !distinct(out))
      return rewriter.notifyMatchFailure(op, "a diagonal");
    std::string summed;
    for (char c : a)
      if (!out.contains(c))
        summed += c;
    for (char c : b)
      if (!out.contains(c) && !a.contains(c))
        return rewriter.notifyMatchFailure(op, "a letter summed in the rhs");
    if (summed.empty())
      return rewriter.notifyMatchFailure(op, "nothing summed");
    auto lhsType = cast<RankedTensorType>(op.getOperand(0).getType());
    auto rhsType = cast<RankedTensorType>(op.getOperand(1).getType());
    for (char c : summed)
      if (!b.contains(c) ||
          (summed.size() > 1 && (lhsType.isDynamicDim(a.find(c)) ||
                                 rhsType.isDynamicDim(b.find(c)))))
        return rewriter.notifyMatchFailure(op, "summed letters not mergeable");
    char m = 0, n = 0;
    for (char c : a)
      if (out.contains(c) && !b.contains(c))
        m = c;
    for (char c : b)
      if (out.contains(c) && !a.contains(c))
        n = c;
    if (!m || !n)
      return rewriter.notifyMatchFailure(op, "no row or column letter");
    std::string batch;
    SmallVector<std::string> lhsGroups, rhsGroups;
    for (char c : out)
      if (c != m && c != n) {
        batch += c;
        lhsGroups.push_back(std::string(1, c));
      }
    rhsGroups = lhsGroups;
    lhsGroups.append({std::string(1, m), summed});
    rhsGroups.append({summed, std::string(1, n)});
    Location loc = op.getLoc();
    Value lhs = arrangeLetters(rewriter, loc, op.getOperand(0), a, lhsGroups);
    Value rhs = arrangeLetters(rewriter, loc, op.getOperand(1), b, rhsGroups);
    std::string order = batch + m + n;
    SmallVector<int64_t> dims, perm;
    for (char c : order)
      dims.push_back(op.getType().getDimSize(out.find(c)));
    for (char c : out)
      perm.push_back(order.find(c));
    Type elementType = op.getType().getElementType();
    Value product = MatMulOp::create(
        rewriter, loc, RankedTensorType::get(dims, elementType), lhs, rhs);
    if (order == out)
      rewriter.replaceOp(op, product);
    else
      rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), product, perm);
    return success();
  }
};

} // namespace

void EinsumOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<EinsumAsMatMul>(context);
}

void EinsumOp::emitShapeChecks(ShapeCheckList &checks) {
  std::string error;
  FailureOr<EinsumEquation> eq =
      parseEinsum(getEquation(), getOperands(), error);
  if (failed(eq))
    return;
  // Every dim labelled with one letter must have the same size.
  std::map<char, std::pair<Value, int64_t>> first;
  for (auto [term, v] : llvm::zip(eq->inputs, getOperands())) {
    auto type = cast<RankedTensorType>(v.getType());
    for (auto [i, c] : llvm::enumerate(term)) {
      auto [it, inserted] = first.try_emplace(c, v, i);
      if (inserted)
        continue;
      auto [v0, i0] = it->second;
      auto t0 = cast<RankedTensorType>(v0.getType());
      if (!type.isDynamicDim(i) && !t0.isDynamicDim(i0))
        continue;
      checks.requireEqual(getLoc(), checks.dim(v0, i0), checks.dim(v, i),
                          ShapeCheckList::where(*this) + ": the dims labelled '" +
                              std::string(1, c) +
                              "' differ at run time");
    }
  }
}
