//===- Signal.cpp - ONNX DFT, STFT and MelWeightMatrix --------------------===//
//
// The window generators (HannWindow, HammingWindow, BlackmanWindow) are ONNX
// functions and come through function-body expansion.
//
//===----------------------------------------------------------------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"

using namespace mlir;

namespace blade::onnx_import {

namespace {

LogicalResult convertDft(NodeContext &ctx) {
  FailureOr<Value> input = ctx.requiredInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (!isa<FloatType>(type.getElementType()))
    return ctx.fail("the input must be a float tensor");
  int64_t rank = type.getRank();
  int64_t axis = ctx.intAttr("axis", 1);
  if (axis < 0)
    axis += rank;
  std::optional<int64_t> length;
  if (Value lengthInput = ctx.input(1)) {
    std::optional<SmallVector<int64_t>> values = getConstantInts(lengthInput);
    if (!values || values->size() != 1)
      return ctx.fail("dft_length must be a constant scalar (a computed one is "
                      "not supported)");
    length = values->front();
  }
  bool onesided = ctx.intAttr("onesided", 0) != 0;
  bool inverse = ctx.intAttr("inverse", 0) != 0;
  if (onesided && inverse)
    return ctx.fail("an inverse one-sided DFT is not supported");
  std::string error;
  FailureOr<SmallVector<int64_t>> shape =
      DftOp::inferShape(type.getShape(), axis, onesided, length, error);
  if (failed(shape))
    return ctx.fail(error);
  OpBuilder &b = ctx.builder;
  Value result = DftOp::create(
      b, ctx.loc, RankedTensorType::get(*shape, type.getElementType()), *input,
      b.getI64IntegerAttr(axis), b.getBoolAttr(inverse),
      b.getBoolAttr(onesided),
      length ? b.getI64IntegerAttr(*length) : IntegerAttr());
  return ctx.setOutputs({result});
}

LogicalResult convertStft(NodeContext &ctx) {
  FailureOr<Value> signal = ctx.requiredInput(0);
  FailureOr<Value> step = ctx.requiredInput(1);
  if (failed(signal) || failed(step))
    return failure();
  auto signalType = cast<RankedTensorType>(signal->getType());
  if (signalType.getRank() != 3 || !isa<FloatType>(signalType.getElementType()))
    return ctx.fail(
        "the signal must be a float tensor [batch, samples, 1 or 2]");
  auto isIntScalar = [](Value v) {
    auto t = cast<RankedTensorType>(v.getType());
    return t.getRank() == 0 && (t.getElementType().isInteger(32) ||
                                t.getElementType().isInteger(64));
  };
  if (!isIntScalar(*step))
    return ctx.fail("frame_step must be an int32 or int64 scalar");
  Value window = ctx.input(2), frameLength = ctx.input(3);
  if (window) {
    auto windowType = cast<RankedTensorType>(window.getType());
    if (windowType.getRank() != 1 ||
        windowType.getElementType() != signalType.getElementType())
      return ctx.fail("the window must be 1-D with the signal's element type");
  }
  if (frameLength && !isIntScalar(frameLength))
    return ctx.fail("frame_length must be an int32 or int64 scalar");
  if (!window && !frameLength)
    return ctx.fail("needs a window or a frame_length");
  bool onesided = ctx.intAttr("onesided", 1) != 0;
  int64_t bins = ShapedType::kDynamic;
  if (window) {
    int64_t length = cast<RankedTensorType>(window.getType()).getDimSize(0);
    if (!ShapedType::isDynamic(length))
      bins = onesided ? length / 2 + 1 : length;
  }
  auto resultType = RankedTensorType::get(
      {signalType.getDimSize(0), ShapedType::kDynamic, bins, 2},
      signalType.getElementType());
  OpBuilder &b = ctx.builder;
  Value result = StftOp::create(b, ctx.loc, resultType, *signal, *step, window,
                                frameLength, b.getBoolAttr(onesided));
  return ctx.setOutputs({result});
}

LogicalResult convertMelWeightMatrix(NodeContext &ctx) {
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    auto type = cast<RankedTensorType>(v->getType());
    bool wantInt = i < 3;
    bool ok = type.getRank() == 0 &&
              (wantInt ? type.getElementType().isInteger(32) ||
                             type.getElementType().isInteger(64)
                       : isa<FloatType>(type.getElementType()));
    if (!ok)
      return ctx.fail("input #" + Twine(i) + " must be " +
                      (wantInt ? "an int32 or int64" : "a float") + " scalar");
    operands.push_back(*v);
  }
  OpBuilder &b = ctx.builder;
  Type elementType = convertElementType(
      b.getContext(), ctx.intAttr("output_datatype", onnx::TensorProto::FLOAT));
  if (!elementType || !isa<FloatType>(elementType))
    return ctx.fail("output_datatype must be a float type");
  auto resultType = RankedTensorType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic}, elementType);
  Value result = MelWeightMatrixOp::create(b, ctx.loc, resultType, operands[0],
                                           operands[1], operands[2],
                                           operands[3], operands[4]);
  return ctx.setOutputs({result});
}

} // namespace

void registerSignalConverters(ConverterRegistry &r) {
  r.add("MelWeightMatrix", 17, convertMelWeightMatrix);
  r.add("DFT", 17, convertDft);
  r.add("STFT", 17, convertStft);
}

} // namespace blade::onnx_import
