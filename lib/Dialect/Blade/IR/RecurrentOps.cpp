//===- RecurrentOps.cpp - The blade.recurrent verifier and shape rules ----===//

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace blade;

int64_t RecurrentOp::getNumGates(StringRef cell) {
  return llvm::StringSwitch<int64_t>(cell)
      .Case("rnn", 1)
      .Case("gru", 3)
      .Case("lstm", 4)
      .Default(0);
}

int64_t RecurrentOp::getNumActivations(StringRef cell) {
  return llvm::StringSwitch<int64_t>(cell)
      .Case("rnn", 1)
      .Case("gru", 2)
      .Case("lstm", 3)
      .Default(0);
}

bool RecurrentOp::isKnownActivation(StringRef name) {
  return llvm::is_contained({"Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu",
                             "ThresholdedRelu", "ScaledTanh", "HardSigmoid",
                             "Elu", "Softsign", "Softplus"},
                            name);
}

namespace {

/// One expected dim of an operand or result: a static size, or dim `xDim` of
/// X (seq, batch or input size), which may be dynamic.
struct ExpectedDim {
  int64_t size;
  int64_t xDim = -1;
};

/// The expected shape of the operand or result `name` (ONNX names).
SmallVector<ExpectedDim> getExpectedShape(StringRef name, RankedTensorType x,
                                          int64_t numDirs, int64_t gates,
                                          int64_t h) {
  ExpectedDim seq{x.getDimSize(0), 0}, batch{x.getDimSize(1), 1},
      input{x.getDimSize(2), 2}, dirs{numDirs}, hid{h}, gh{gates * h};
  return llvm::StringSwitch<SmallVector<ExpectedDim>>(name)
      .Case("W", {dirs, gh, input})
      .Case("R", {dirs, gh, hid})
      .Case("B", {dirs, {2 * gates * h}})
      .Case("sequence_lens", {batch})
      .Case("P", {dirs, {3 * h}})
      .Case("Y", {seq, dirs, batch, hid})
      .Default({dirs, batch, hid}); // initial_h, initial_c, Y_h, Y_c
}

/// The present operands after X, with their ONNX names.
SmallVector<std::pair<StringRef, Value>> getNamedOperands(RecurrentOp op) {
  SmallVector<std::pair<StringRef, Value>> named = {{"W", op.getW()},
                                                    {"R", op.getR()}};
  for (auto [name, v] : {std::pair<StringRef, Value>{"B", op.getB()},
                         {"sequence_lens", op.getSequenceLens()},
                         {"initial_h", op.getInitialH()},
                         {"initial_c", op.getInitialC()},
                         {"P", op.getP()}})
    if (v)
      named.push_back({name, v});
  return named;
}

} // namespace

std::string
RecurrentOp::checkShapes(StringRef cell, int64_t numDirs, int64_t hiddenSize,
                         RankedTensorType x,
                         ArrayRef<std::pair<StringRef, Type>> operands) {
  if (x.getRank() != 3)
    return "expects X of rank 3, got " + shapeToString(x.getShape());
  for (auto [name, t] : operands) {
    auto type = cast<RankedTensorType>(t);
    if (name != "sequence_lens" && type.getElementType() != x.getElementType())
      return "expects " + name.str() + " of X's element type";
    SmallVector<int64_t> expected;
    for (const ExpectedDim &d :
         getExpectedShape(name, x, numDirs, getNumGates(cell), hiddenSize))
      expected.push_back(d.size);
    if (type.getRank() != static_cast<int64_t>(expected.size()) ||
        failed(verifyCompatibleShape(type.getShape(), expected)))
      return "expects " + name.str() + " of a shape compatible with " +
             shapeToString(expected) + ", got " +
             shapeToString(type.getShape());
  }
  return "";
}

LogicalResult RecurrentOp::verify() {
  int64_t gates = getNumGates();
  if (gates == 0)
    return emitOpError() << "unknown cell '" << getCell() << "'";
  if (!llvm::is_contained({"forward", "reverse", "bidirectional"},
                          getDirection()))
    return emitOpError() << "unknown direction '" << getDirection() << "'";
  if (getHiddenSize() < 1)
    return emitOpError() << "hidden_size must be positive";
  int64_t numActs = getNumActivations(getCell()) * getNumDirections();
  if (static_cast<int64_t>(getActivations().size()) != numActs ||
      static_cast<int64_t>(getActivationAlpha().size()) != numActs ||
      static_cast<int64_t>(getActivationBeta().size()) != numActs)
    return emitOpError() << "expects " << numActs
                         << " activations, alphas and betas";
  for (Attribute a : getActivations())
    if (!isKnownActivation(cast<StringAttr>(a).getValue()))
      return emitOpError() << "unknown activation " << a;
  if (FloatAttr clip = getClipAttr(); clip && !(clip.getValueAsDouble() > 0))
    return emitOpError() << "clip must be positive";
  bool lstm = getCell() == "lstm";
  if ((getYC() != nullptr) != lstm)
    return emitOpError() << "has a Y_c result if and only if the cell is lstm";
  if (!lstm && (getInitialC() || getP()))
    return emitOpError() << "initial_c and peepholes need an lstm cell";
  SmallVector<std::pair<StringRef, Type>> named;
  for (auto [name, v] : getNamedOperands(*this))
    named.push_back({name, v.getType()});
  named.push_back({"Y", getY().getType()});
  named.push_back({"Y_h", getYH().getType()});
  if (lstm)
    named.push_back({"Y_c", getYC().getType()});
  std::string error = checkShapes(getCell(), getNumDirections(),
                                  getHiddenSize(), getX().getType(), named);
  if (!error.empty())
    return emitOpError() << error;
  return success();
}

void RecurrentOp::emitShapeChecks(ShapeCheckList &checks) {
  OpBuilder &b = checks.builder();
  Location loc = getLoc();
  for (auto [name, value] : getNamedOperands(*this)) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<ExpectedDim> dims =
        getExpectedShape(name, getX().getType(), getNumDirections(),
                         getNumGates(), getHiddenSize());
    for (auto [i, d] : llvm::enumerate(dims)) {
      if (!type.isDynamicDim(i) && !ShapedType::isDynamic(d.size))
        continue;
      Value expected = d.xDim >= 0
                           ? checks.dim(getX(), d.xDim)
                           : arith::ConstantIndexOp::create(b, loc, d.size);
      std::string what = d.xDim >= 0
                             ? "dim " + std::to_string(d.xDim) + " of X " +
                                   shapeToString(getX().getType().getShape())
                             : std::to_string(d.size);
      checks.requireEqual(loc, checks.dim(value, i), expected,
                          ShapeCheckList::where(*this) + ": dim " +
                              std::to_string(i) + " of " + name.str() + " " +
                              shapeToString(type.getShape()) + " is not " +
                              what + " at run time");
    }
  }
}
