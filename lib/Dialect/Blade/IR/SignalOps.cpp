//===- SignalOps.cpp - Fourier transform ops: shapes and verifiers --------===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;

/// Frequencies written for `length` samples.
static int64_t frequencies(int64_t length, bool onesided) {
  if (ShapedType::isDynamic(length))
    return ShapedType::kDynamic;
  return onesided ? length / 2 + 1 : length;
}

FailureOr<SmallVector<int64_t>> DftOp::inferShape(ArrayRef<int64_t> inputShape,
                                                  int64_t axis, bool onesided,
                                                  std::optional<int64_t> length,
                                                  std::string &error) {
  int64_t rank = inputShape.size();
  if (rank < 2) {
    error = "the input needs a signal dim and a last (complex) dim";
    return failure();
  }
  int64_t complexDim = inputShape.back();
  if (!ShapedType::isDynamic(complexDim) && complexDim != 1 &&
      complexDim != 2) {
    error = "the last dim must be 1 (real) or 2 (complex), got " +
            std::to_string(complexDim);
    return failure();
  }
  if (axis < 0 || axis >= rank - 1) {
    error = "axis " + std::to_string(axis) + " is not a signal dim of a rank-" +
            std::to_string(rank) + " input";
    return failure();
  }
  if (length && *length < 1) {
    error = "the DFT length must be positive, got " + std::to_string(*length);
    return failure();
  }
  SmallVector<int64_t> shape(inputShape);
  shape[axis] = frequencies(length ? *length : inputShape[axis], onesided);
  shape.back() = 2;
  return shape;
}

LogicalResult DftOp::verify() {
  std::string error;
  FailureOr<SmallVector<int64_t>> shape =
      inferShape(getInput().getType().getShape(), getAxis(), getOnesided(),
                 getLength(), error);
  if (failed(shape))
    return emitOpError() << error;
  return verifyInferredShape(*shape, getType(), getLoc());
}

LogicalResult StftOp::verify() {
  auto signal = cast<RankedTensorType>(getSignal().getType());
  if (signal.getRank() != 3)
    return emitOpError() << "the signal must be [batch, samples, 1 or 2]";
  int64_t complexDim = signal.getDimSize(2);
  if (!ShapedType::isDynamic(complexDim) && complexDim != 1 && complexDim != 2)
    return emitOpError() << "the signal's last dim must be 1 or 2, got "
                         << complexDim;
  if (!getWindow() && !getFrameLength())
    return emitOpError() << "needs a window or a frame length";
  int64_t length = ShapedType::kDynamic;
  if (Value window = getWindow()) {
    auto type = cast<RankedTensorType>(window.getType());
    if (type.getRank() != 1)
      return emitOpError() << "the window must be 1-D";
    if (type.getElementType() != signal.getElementType())
      return emitOpError() << "the window must have the signal's element type";
    length = type.getDimSize(0);
  }
  if (getType().getElementType() != signal.getElementType())
    return emitOpError() << "the result must have the signal's element type";
  SmallVector<int64_t> shape = {signal.getDimSize(0), ShapedType::kDynamic,
                                frequencies(length, getOnesided()), 2};
  return verifyInferredShape(shape, getType(), getLoc());
}

void StftOp::emitShapeChecks(ShapeCheckList &checks) {
  OpBuilder &b = checks.builder();
  Location loc = getLoc();
  auto scalar = [&](Value v) -> Value {
    Value x = tensor::ExtractOp::create(b, loc, v, ValueRange{});
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), x);
  };
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  std::string where = ShapeCheckList::where(*this);
  checks.require(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                       scalar(getFrameStep()), zero),
                 where + ": the frame step must be positive");
  Value length =
      getWindow() ? checks.dim(getWindow(), 0) : scalar(getFrameLength());
  checks.require(
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, length, zero),
      where + ": the frame length must be positive");
  if (getWindow() && getFrameLength())
    checks.requireEqual(loc, length, scalar(getFrameLength()),
                        where + ": the frame length differs from the window "
                                "size");
  checks.require(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                       checks.dim(getSignal(), 1), length),
                 where + ": the signal is shorter than one frame");
}

void MelWeightMatrixOp::emitShapeChecks(ShapeCheckList &checks) {
  OpBuilder &b = checks.builder();
  Location loc = getLoc();
  std::string where = ShapeCheckList::where(*this);
  auto requirePositive = [&](Value v, StringRef what) {
    Value x = tensor::ExtractOp::create(b, loc, v, ValueRange{});
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(x.getType()));
    checks.require(
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero),
        where + ": " + what.str() + " must be positive");
  };
  requirePositive(getNumMelBins(), "num_mel_bins");
  requirePositive(getDftLength(), "dft_length");
  requirePositive(getSampleRate(), "sample_rate");
}
