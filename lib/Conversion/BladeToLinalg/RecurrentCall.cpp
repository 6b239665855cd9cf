//===- RecurrentCall.cpp - Recurrent layers to the runtime's kernel -------===//
//
// With `library-calls`, an f32 `blade.recurrent` layer without
// sequence_lens, clip or input_forget and with its cell's default
// activations becomes one call of `blade_rt_rnn_f32` (see
// runtime/include/blade-rt/Kernels.h), which runs every direction and writes
// Y, Y_h (and Y_c). Other layers keep the loops of Recurrent.cpp.
//
//===----------------------------------------------------------------------===//

#include "LibraryCallsPrivate.h"
#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;
using namespace blade::detail::calls;

namespace {

/// The kernel's cell code for a recurrent layer it runs: f32, no
/// sequence_lens, clip or input_forget, and every direction with the cell's
/// default activations (an RNN: Tanh, Relu or Sigmoid, the same in both).
std::optional<int64_t> rnnCellCode(RecurrentOp op) {
  if (op.getSequenceLens() || op.getClipAttr() || op.getInputForget())
    return std::nullopt;
  for (Value v : op->getOperands())
    if (v != op.getSequenceLens() && !isF32Tensor(v.getType()))
      return std::nullopt;
  StringRef cell = op.getCell();
  SmallVector<StringRef> names;
  for (Attribute a : op.getActivations())
    names.push_back(cast<StringAttr>(a).getValue());
  int64_t per = RecurrentOp::getNumActivations(cell);
  SmallVector<StringRef> expected;
  std::optional<int64_t> code;
  if (cell == "lstm") {
    expected = {"Sigmoid", "Tanh", "Tanh"};
    code = kRnnLstm;
  } else if (cell == "gru") {
    expected = {"Sigmoid", "Tanh"};
    code = op.getLinearBeforeReset() ? kRnnGruLinearBeforeReset : kRnnGru;
  } else {
    expected = {names.front()};
    code = llvm::StringSwitch<std::optional<int64_t>>(names.front())
               .Case("Tanh", kRnnTanh)
               .Case("Relu", kRnnRelu)
               .Case("Sigmoid", kRnnSigmoid)
               .Default(std::nullopt);
  }
  for (auto [i, name] : llvm::enumerate(names))
    if (name != expected[i % per])
      return std::nullopt;
  return code;
}

/// A recurrent layer as one call: the kernel runs every direction and
/// writes Y, Y_h (and Y_c). Absent optional operands are stood in for by Y
/// (the kernel reads them only with their flag).
struct RecurrentCall : OpConversionPattern<RecurrentOp> {
  RecurrentCall(const TypeConverter &converter, MLIRContext *ctx,
                int64_t *sites)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), sites(sites) {}

  LogicalResult
  matchAndRewrite(RecurrentOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<int64_t> cell = rnnCellCode(op);
    if (!cell || !inModelFunction(op))
      return rewriter.notifyMatchFailure(
          op, "not an f32 layer with default activations (or it has "
              "sequence_lens, clip or input_forget)");
    if (op.getX().getType().getDimSize(2) == 0)
      return rewriter.notifyMatchFailure(op, "empty input size");
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto dimOf = [&](int64_t i) -> Value {
      return tensor::DimOp::create(rewriter, loc, x, i);
    };
    // Results and their dynamic sizes (seq and batch come from X).
    SmallVector<RankedTensorType> types;
    SmallVector<Value> allocs;
    for (int64_t i = 0, e = op->getNumResults(); i < e; ++i) {
      RankedTensorType t = convertedResultType(*getTypeConverter(), op, i);
      // Y [seq, D, batch, H], Y_h and Y_c [D, batch, H]: only seq and
      // batch may be dynamic.
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < t.getRank(); ++d)
        if (t.isDynamicDim(d))
          sizes.push_back(dimOf(i == 0 && d == 0 ? 0 : 1));
      types.push_back(t);
      allocs.push_back(memref::AllocOp::create(
          rewriter, loc, MemRefType::get(t.getShape(), t.getElementType()),
          sizes, rewriter.getI64IntegerAttr(64)));
    }
    SmallVector<Value> outs;
    for (Value a : allocs)
      outs.push_back(toUnranked(rewriter, loc, a));
    auto operand = [&](Value v) {
      return v ? toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, v))
               : outs[0];
    };
    int64_t flags = 0;
    bool constant = true;
    for (Value v : {op.getW(), op.getR(), op.getB(), op.getP()})
      if (v && !matchPattern(v, m_Constant()))
        constant = false;
    if (constant)
      flags |= kConstWeights;
    if (op.getB())
      flags |= kHasBias;
    if (op.getInitialH())
      flags |= kHasInitialH;
    if (op.getInitialC())
      flags |= kHasInitialC;
    if (op.getP())
      flags |= kHasPeepholes;
    int64_t direction = llvm::StringSwitch<int64_t>(op.getDirection())
                            .Case("reverse", 1)
                            .Case("bidirectional", 2)
                            .Default(0);
    SmallVector<Value> args = {
        operand(x),
        operand(adaptor.getW()),
        operand(adaptor.getR()),
        operand(adaptor.getB()),
        operand(adaptor.getInitialH()),
        operand(adaptor.getInitialC()),
        operand(adaptor.getP()),
        outs[0],
        outs[1],
        outs.size() > 2 ? outs[2] : outs[1]};
    for (int64_t v : {(*sites)++, flags, *cell, direction})
      args.push_back(i64(rewriter, loc, v));
    func::CallOp::create(rewriter, loc, kRnnFn, TypeRange{}, args);
    SmallVector<Value> results;
    for (auto [t, a] : llvm::zip(types, allocs))
      results.push_back(bufferization::ToTensorOp::create(
          rewriter, loc, t, a, /*restrict=*/true, /*writable=*/true));
    rewriter.replaceOp(op, results);
    return success();
  }

  int64_t *sites;
};

} // namespace

void blade::detail::calls::populateRecurrentCallPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    int64_t *sites) {
  patterns.add<RecurrentCall>(converter, patterns.getContext(), sites);
}
