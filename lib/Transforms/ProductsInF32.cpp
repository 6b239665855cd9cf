//===- ProductsInF32.cpp - The blade-products-in-f32 pass -------------------===//
//
// Matrix products and convolutions that Blade's own loops would compute in
// another type run in f32, which the oneDNN library kernels take:
//
// * on f16 or bf16 tensors: operands converted up, the result converted
//   back. Sums of thousands of products accumulated in half precision lose
//   whole units (4096 ones summed in f16 give 2048).
// * on 8-bit integers widened to i32 (MatMulInteger, ConvInteger and the
//   QLinear forms, whose operands the importer widens and centres on their
//   zero points): the operands are at most 255 in magnitude, so the f32
//   product is the integer product where that one stays under 2^24, and
//   otherwise the integer product rounded to f32, which is what a result
//   only converted to f32 (dequantized, requantized) holds anyway.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <algorithm>
#include <cstdint>

namespace blade {
#define GEN_PASS_DEF_BLADEPRODUCTSINF32PASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;
using namespace blade;

namespace {

bool isHalf(Type t) {
  auto type = dyn_cast<RankedTensorType>(t);
  return type && (type.getElementType().isF16() ||
                  type.getElementType().isBF16());
}

/// `op` rebuilt on `operands` (f32 tensors) with an f32 result.
Value rebuiltInF32(PatternRewriter &rewriter, Operation *op,
                   ValueRange operands) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  OperationState state(op->getLoc(), op->getName(), operands,
                       {type.clone(rewriter.getF32Type())}, op->getAttrs());
  return rewriter.create(state)->getResult(0);
}

/// `op` (a matmul, conv or conv_transpose whose result is f16 or bf16, its
/// float operands of that type) with every float operand converted to f32
/// and its result converted back.
struct ComputeInF32 : RewritePattern {
  ComputeInF32(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<MatMulOp, ConvOp, ConvTransposeOp>(op) ||
        op->getNumResults() != 1 || !isHalf(op->getResult(0).getType()))
      return failure();
    Location loc = op->getLoc();
    Type f32 = rewriter.getF32Type();
    SmallVector<Value> operands;
    for (Value v : op->getOperands()) {
      auto type = cast<RankedTensorType>(v.getType());
      operands.push_back(
          isa<FloatType>(type.getElementType())
              ? Value(ConvertOp::create(rewriter, loc, type.clone(f32), v))
              : v);
    }
    rewriter.replaceOpWithNewOp<ConvertOp>(
        op, op->getResult(0).getType(), rebuiltInF32(rewriter, op, operands));
    return success();
  }
};

/// Whether `v` (an i32 operand of an integer product) is an 8-bit integer
/// widened, the difference of two such (centred on a zero point), or a
/// constant within [-255, 255] (quantized weights folded so).
bool isEightBit(Value v) {
  DenseIntElementsAttr constant;
  if (matchPattern(v, m_Constant(&constant)))
    return llvm::all_of(constant.getValues<APInt>(), [](const APInt &x) {
      return x.getSExtValue() >= -255 && x.getSExtValue() <= 255;
    });
  if (auto widen = v.getDefiningOp<ConvertOp>())
    return cast<RankedTensorType>(widen.getOperand().getType())
        .getElementType()
        .isInteger(8);
  auto sub = v.getDefiningOp<SubOp>();
  return sub && isEightBit(sub.getLhs()) && isEightBit(sub.getRhs());
}

/// An isEightBit value computed in f32.
Value eightBitInF32(PatternRewriter &rewriter, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType()).clone(rewriter.getF32Type());
  if (matchPattern(v, m_Constant()))
    return ConvertOp::create(rewriter, loc, type, v);
  if (auto widen = v.getDefiningOp<ConvertOp>())
    return ConvertOp::create(rewriter, loc, type, widen.getOperand());
  auto sub = v.getDefiningOp<SubOp>();
  return SubOp::create(rewriter, loc, type,
                       eightBitInF32(rewriter, loc, sub.getLhs()),
                       eightBitInF32(rewriter, loc, sub.getRhs()));
}

/// Products of 8-bit values whose sum f32 holds exactly: 256 * 255^2 < 2^24.
constexpr int64_t kChunk = 256;

/// `v` restricted to [start, end) along dim `dim` (negative: from the end).
Value sliceDim(PatternRewriter &rewriter, Location loc, Value v, int64_t dim,
               int64_t start, int64_t end) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  dim += rank;
  SmallVector<int64_t> starts(rank, 0), ends(rank, INT64_MAX), steps(rank, 1),
      shape(type.getShape());
  starts[dim] = start;
  ends[dim] = end;
  shape[dim] = end - start;
  return SliceOp::create(rewriter, loc, type.clone(shape), v, starts, ends,
                         steps);
}

/// The number of products each result element sums, when static.
std::optional<int64_t> productsPerElement(Operation *op) {
  auto lhs = cast<RankedTensorType>(op->getOperand(0).getType());
  auto w = cast<RankedTensorType>(op->getOperand(1).getType());
  if (isa<MatMulOp>(op)) {
    int64_t k = lhs.getDimSize(lhs.getRank() - 1);
    return ShapedType::isDynamic(k) ? std::nullopt : std::optional(k);
  }
  // A convolution's weights are [M, C / group, k...].
  if (!w.hasStaticShape())
    return std::nullopt;
  return w.getNumElements() / w.getDimSize(0);
}

/// An i32 matmul or conv of 8-bit operands (an i32 bias allowed) computed
/// in f32: its users that convert it to f32 take the f32 product; others
/// take it converted back to i32 when every sum is exact in f32 (each
/// element sums at most 2^24 / 255^2 products), or, for a matmul with more,
/// the sum in i32 of exact products over chunks of the contracted dim.
struct EightBitProductsInF32 : RewritePattern {
  EightBitProductsInF32(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<MatMulOp, ConvOp>(op) || op->getNumResults() != 1)
      return failure();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType.getElementType().isInteger(32))
      return failure();
    std::optional<int64_t> k = productsPerElement(op);
    bool exact = k && *k * 255 * 255 < (int64_t(1) << 24);
    bool onlyToF32 = llvm::all_of(op->getUsers(), [](Operation *user) {
      auto convert = dyn_cast<ConvertOp>(user);
      return convert && cast<RankedTensorType>(convert.getType())
                            .getElementType()
                            .isF32();
    });
    // An integer matmul result of more products: exact sums of chunks of
    // kChunk products each, added in i32.
    bool chunked = !exact && !onlyToF32 && k && isa<MatMulOp>(op);
    if (!exact && !onlyToF32 && !chunked)
      return rewriter.notifyMatchFailure(op, "an i32 result may not fit f32");
    if (!isEightBit(op->getOperand(0)) || !isEightBit(op->getOperand(1)))
      return rewriter.notifyMatchFailure(op, "an operand is not 8-bit");
    Location loc = op->getLoc();
    Type f32 = rewriter.getF32Type();
    if (chunked) {
      Value lhs = eightBitInF32(rewriter, loc, op->getOperand(0));
      Value rhs = eightBitInF32(rewriter, loc, op->getOperand(1));
      Value sum;
      for (int64_t start = 0; start < *k; start += kChunk) {
        int64_t end = std::min(*k, start + kChunk);
        Value part = MatMulOp::create(
            rewriter, loc, resultType.clone(f32),
            sliceDim(rewriter, loc, lhs, -1, start, end),
            sliceDim(rewriter, loc, rhs, -2, start, end));
        part = ConvertOp::create(rewriter, loc, resultType, part);
        sum = sum ? Value(AddOp::create(rewriter, loc, resultType, sum, part))
                  : part;
      }
      rewriter.replaceOp(op, sum);
      return success();
    }
    SmallVector<Value> operands;
    for (auto [i, v] : llvm::enumerate(op->getOperands())) {
      auto type = cast<RankedTensorType>(v.getType());
      operands.push_back(i < 2 ? eightBitInF32(rewriter, loc, v)
                               : Value(ConvertOp::create(rewriter, loc,
                                                         type.clone(f32), v)));
    }
    Value product = rebuiltInF32(rewriter, op, operands);
    for (Operation *user : llvm::to_vector(op->getUsers()))
      if (auto convert = dyn_cast<ConvertOp>(user);
          convert && convert.getType() == product.getType())
        rewriter.replaceOp(convert, product);
    if (op->use_empty())
      rewriter.eraseOp(op);
    else
      rewriter.replaceOpWithNewOp<ConvertOp>(op, resultType, product);
    return success();
  }
};

struct BladeProductsInF32Pass
    : blade::impl::BladeProductsInF32PassBase<BladeProductsInF32Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ComputeInF32, EightBitProductsInF32>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
