//===- NNOps.cpp - Compute-intensive blade ops ----------------------------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/Einsum.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "blade/Dialect/Blade/IR/WindowShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

void EinsumOp::emitShapeChecks(ShapeCheckList &checks) {
  std::string error;
  SmallVector<int64_t> ranks;
  for (Value v : getOperands())
    ranks.push_back(cast<RankedTensorType>(v.getType()).getRank());
  FailureOr<EinsumEquation> eq = parseEinsum(getEquation(), ranks, error);
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
