//===- LibraryCalls.cpp - f32 compute-bound ops to runtime kernel calls ---===//
//
// With the pass's `library-calls` option, f32 `blade.matmul`, 1-D/2-D
// `blade.conv`/`blade.conv_transpose`, 1-D/2-D max `blade.pool` (without
// indices) and `blade.recurrent` layers with default activations (in
// RecurrentCall.cpp) become calls of the runtime's kernels (see
// runtime/include/blade-rt/Kernels.h) instead of linalg loops:
//
//   %a = bufferization.to_buffer %lhs read_only : memref<..., strided<[?..],
//   offset: ?>> %c = memref.alloc(...) : memref<...> func.call
//   @blade_rt_matmul_f32(%a*, %b*, %bias*, %c*, site, flags, alpha)
//       (every memref cast to memref<*xf32>)
//   %r = bufferization.to_tensor %c restrict writable
//
// Operands are passed as fully dynamic strided views: a matmul operand that is
// a transpose of its two inner dims is passed as a transposed view of the
// transpose's input (no copy). Each call gets a site number, unique within the
// module, that keys the kernel's primitive cache; weights that are constants
// are flagged so that the kernel reorders them once. Shape-check functions
// (blade-emit-shape-checks) keep the linalg lowering, which folds away.
//
//===----------------------------------------------------------------------===//

#include "LibraryCallsPrivate.h"
#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/Analysis/Epilogues.h"
#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/WindowShapes.h"
#include "blade/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace blade;
using namespace blade::detail;
using namespace blade::detail::calls;

namespace blade::detail::calls {

bool isF32Tensor(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  return tensor && tensor.getElementType().isF32();
}

bool inModelFunction(Operation *op) {
  auto func = op->getParentOfType<func::FuncOp>();
  return func && !func.getName().ends_with(kShapeCheckSuffix);
}

Value toStridedBuffer(OpBuilder &b, Location loc, Value tensor,
                      ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(tensor.getType());
  int64_t rank = type.getRank();
  auto layout =
      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                             SmallVector<int64_t>(rank, ShapedType::kDynamic));
  auto memrefType =
      MemRefType::get(type.getShape(), type.getElementType(), layout);
  Value buffer = bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                                   /*read_only=*/true);
  return perm.empty() ? buffer : transposedView(b, loc, buffer, perm);
}

Value transposedView(OpBuilder &b, Location loc, Value memref,
                     ArrayRef<int64_t> perm) {
  SmallVector<unsigned> dims(perm.begin(), perm.end());
  return memref::TransposeOp::create(
      b, loc, memref,
      AffineMapAttr::get(AffineMap::getPermutationMap(dims, b.getContext())));
}

Value toUnranked(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  return memref::CastOp::create(
      b, loc, UnrankedMemRefType::get(type.getElementType(), 0), memref);
}

Value i64(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 64);
}

} // namespace blade::detail::calls

namespace {

/// If `v` is a blade.transpose the matmul kernel reads as a strided view of
/// its input, the transpose: the input's innermost dim stays one of the two
/// matrix dims, so rows or columns keep unit stride (attention's head
/// splits [0, 2, 1, 3] and [0, 2, 3, 1], Gemm's transB).
TransposeOp viewableTranspose(Value v) {
  auto t = v.getDefiningOp<TransposeOp>();
  if (!t)
    return {};
  ArrayRef<int64_t> perm = t.getPermutation();
  int64_t rank = perm.size();
  if (rank < 2 || (perm[rank - 1] != rank - 1 && perm[rank - 2] != rank - 1))
    return {};
  return t;
}

/// The dynamic sizes of `type` transposed by `perm` (e.g. an NCHW result
/// written NHWC) from `sizes`, those of `type`'s dynamic dims in order.
SmallVector<Value> permutedSizes(RankedTensorType type, ArrayRef<Value> sizes,
                                 ArrayRef<int64_t> perm) {
  SmallVector<Value> byDim(type.getRank());
  for (int64_t i = 0, next = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      byDim[i] = sizes[next++];
  SmallVector<Value> result;
  for (int64_t d : perm)
    if (byDim[d])
      result.push_back(byDim[d]);
  return result;
}

/// The result buffer of a kernel call.
struct ResultBuffer {
  Value alloc;                 ///< In the layout it is stored in.
  Value out;                   ///< Unranked, in the result's dim order.
  RankedTensorType storedType; ///< The result's type in that layout.

  Value tensor(OpBuilder &b, Location loc) const {
    return bufferization::ToTensorOp::create(b, loc, storedType, alloc,
                                             /*restrict=*/true,
                                             /*writable=*/true);
  }
};

/// A fresh buffer for a result of `type` (`sizes`: its dynamic sizes in
/// order), stored transposed by `layout` when given (dim i of the buffer is
/// dim layout[i] of the result, e.g. kToNHWC); the kernel writes it through
/// a view in the result's dim order.
ResultBuffer allocResult(OpBuilder &b, Location loc, RankedTensorType type,
                         ArrayRef<Value> sizes, ArrayRef<int64_t> layout = {}) {
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<int64_t> inverse(layout.size());
  for (auto [i, d] : llvm::enumerate(layout)) {
    shape[i] = type.getDimSize(d);
    inverse[d] = i;
  }
  auto storedType = RankedTensorType::get(shape, type.getElementType());
  Value alloc = memref::AllocOp::create(
      b, loc, MemRefType::get(shape, type.getElementType()),
      layout.empty() ? SmallVector<Value>(sizes)
                     : permutedSizes(type, sizes, layout),
      b.getI64IntegerAttr(64));
  Value view = layout.empty() ? alloc : transposedView(b, loc, alloc, inverse);
  return {alloc, toUnranked(b, loc, view), storedType};
}

/// Allocates the result buffer (stored transposed by `layout`, see
/// allocResult), calls `fn`, returns the result tensor (in that layout).
Value emitCall(OpBuilder &b, Location loc, StringRef fn,
               RankedTensorType resultType, ArrayRef<Value> dynamicSizes,
               ArrayRef<Value> memrefs, Value bias, ArrayRef<Value> scalars,
               ArrayRef<int64_t> layout = {}) {
  ResultBuffer result = allocResult(b, loc, resultType, dynamicSizes, layout);
  SmallVector<Value> args(memrefs.begin(), memrefs.end());
  // Without a bias, the result stands in for it (the kernel ignores it).
  args.push_back(bias ? bias : result.out);
  args.push_back(result.out);
  args.append(scalars.begin(), scalars.end());
  func::CallOp::create(b, loc, fn, TypeRange{}, args);
  return result.tensor(b, loc);
}

/// Replaces `op` and the ops after it that its call absorbed (each the only
/// user of the one before) by the call's `result`: the last absorbed op's
/// users get it, the others go.
void replaceAbsorbed(ConversionPatternRewriter &rewriter, Operation *op,
                     ArrayRef<Operation *> absorbed, Value result) {
  if (absorbed.empty()) {
    rewriter.replaceOp(op, result);
    return;
  }
  rewriter.replaceOp(absorbed.back(), result);
  for (Operation *gone : llvm::reverse(absorbed.drop_back()))
    rewriter.eraseOp(gone);
  rewriter.eraseOp(op);
}

struct MatMulCall : OpConversionPattern<MatMulOp> {
  MatMulCall(const TypeConverter &converter, MLIRContext *ctx, int64_t *sites,
             bool postOps)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), sites(sites),
        postOps(postOps) {}

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isF32Tensor(op.getType()) || !isF32Tensor(op.getLhs().getType()) ||
        !isF32Tensor(op.getRhs().getType()) || !inModelFunction(op))
      return rewriter.notifyMatchFailure(op, "not an f32 model matmul");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    // Operands: transposes become strided views of their inputs.
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto operandBuffer = [&](Value original, Value converted) -> Value {
      if (TransposeOp t = viewableTranspose(original)) {
        Value src = rewriter.getRemappedValue(t.getOperand());
        return src ? toStridedBuffer(rewriter, loc, src, t.getPermutation())
                   : Value();
      }
      return toStridedBuffer(rewriter, loc, converted);
    };
    Value aBuf = operandBuffer(op.getLhs(), lhs);
    Value wBuf = operandBuffer(op.getRhs(), rhs);
    if (!aBuf || !wBuf)
      return rewriter.notifyMatchFailure(op, "operand not converted yet");
    Value rhsRoot = op.getRhs();
    if (TransposeOp t = viewableTranspose(rhsRoot))
      rhsRoot = t.getOperand();

    // Result sizes: broadcast batch dims, M from lhs, N from rhs (dims of
    // the operands as the op sees them; those of a transpose resolve to its
    // input's once the transpose is gone).
    SmallVector<Value> sizes = getBroadcastDynamicSizes(
        rewriter, loc, resultType, ValueRange{lhs, rhs}, /*ignoreTrailing=*/2);
    auto lhsRank = cast<RankedTensorType>(lhs.getType()).getRank();
    auto rhsRank = cast<RankedTensorType>(rhs.getType()).getRank();
    if (resultType.isDynamicDim(rank - 2))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, lhs, lhsRank - 2));
    if (resultType.isDynamicDim(rank - 1))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, rhs, rhsRank - 1));

    int64_t flags = matchPattern(rhsRoot, m_Constant()) ? kConstWeights : 0;
    Value a = toUnranked(rewriter, loc, aBuf);
    Value w = toUnranked(rewriter, loc, wBuf);
    // A bias added to the product (Gemm's C, MatMul + Add) goes into the
    // kernel, unless the sums may be empty (the kernel fills zeros then).
    Value bias;
    Epilogue epi = matchMatMulEpilogue(op, postOps);
    if (epi.addend) {
      Value remapped = rewriter.getRemappedValue(epi.addend);
      if (!remapped)
        epi = Epilogue(); // Not converted yet: no epilogue at all.
      else
        bias =
            toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, remapped));
    }
    if (epi.addend)
      flags |= kHasBias;
    if (epi.activation == Epilogue::Activation::Relu)
      flags |= kRelu;
    else if (epi.activation == Epilogue::Activation::GeluErf)
      flags |= kGeluErf;
    else if (epi.activation == Epilogue::Activation::GeluTanh)
      flags |= kGeluTanh;
    Value alpha = arith::ConstantOp::create(rewriter, loc,
                                            rewriter.getF32FloatAttr(1.0f));
    SmallVector<Value> scalars = {i64(rewriter, loc, (*sites)++),
                                  i64(rewriter, loc, flags), alpha};
    // A result that is only transposed, its last dim staying last
    // (attention's heads merged back, [0, 2, 1, 3]), is written through a
    // transposed view of a buffer in the transposed layout.
    auto toTransposed = dyn_cast_if_present<TransposeOp>(
        op->hasOneUse() ? *op->getUsers().begin() : nullptr);
    if (!epi.ops.empty() || !toTransposed ||
        toTransposed->getBlock() != op->getBlock() ||
        toTransposed.getPermutation().back() != rank - 1)
      toTransposed = {};
    ArrayRef<int64_t> layout =
        toTransposed ? toTransposed.getPermutation() : ArrayRef<int64_t>();
    Value result = emitCall(rewriter, loc, kMatMulFn, resultType, sizes, {a, w},
                            bias, scalars, layout);
    if (toTransposed)
      epi.ops.push_back(toTransposed);
    replaceAbsorbed(rewriter, op, epi.ops, result);
    return success();
  }

  int64_t *sites;
  bool postOps;
};

/// Output size of a spatial dim whose size is dynamic: ONNX's rule on the
/// input size `in` (index), for a static kernel extent.
Value spatialOutSize(OpBuilder &b, Location loc, Value in, const WindowDim &w,
                     AutoPad autoPad) {
  Value stride = arith::ConstantIndexOp::create(b, loc, w.stride);
  if (autoPad == AutoPad::SameUpper || autoPad == AutoPad::SameLower)
    return arith::CeilDivSIOp::create(b, loc, in, stride);
  int64_t pads = autoPad == AutoPad::Valid ? 0 : w.padBegin + w.padEnd;
  Value span = arith::AddIOp::create(
      b, loc, in, arith::ConstantIndexOp::create(b, loc, pads - w.extent()));
  Value steps = arith::FloorDivSIOp::create(b, loc, span, stride);
  return arith::AddIOp::create(b, loc, steps,
                               arith::ConstantIndexOp::create(b, loc, 1));
}

/// The auto_pad of a convolution-like op (Conv, ConvTranspose) that the
/// kernels take: f32 throughout, 1-D or 2-D, in a model function; none
/// otherwise.
template <typename OpTy>
std::optional<AutoPad> f32ConvLikeAutoPad(OpTy op) {
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = resultType.getRank();
  if (!isF32Tensor(resultType) || !isF32Tensor(op.getInput().getType()) ||
      !isF32Tensor(op.getWeight().getType()) ||
      (op.getBias() && !isF32Tensor(op.getBias().getType())) ||
      (rank != 3 && rank != 4) || !inModelFunction(op))
    return std::nullopt;
  return parseAutoPad(op.getAutoPad());
}

/// Channels-last operands (blade-transpose-to-channels-last): an input
/// `blade.transpose %a, [0, 3, 1, 2]` is passed as a view of `a`'s NHWC
/// buffer, and a result whose only user is `blade.transpose [0, 2, 3, 1]`
/// is written into an NHWC buffer through a view; the kernels see NCHW
/// sizes with channels-last strides (peelToNCHW finds such inputs).
///
/// An NHWC memref (or tensor, made a strided buffer) viewed as NCHW.
Value nchwView(OpBuilder &b, Location loc, Value nhwc) {
  if (isa<RankedTensorType>(nhwc.getType()))
    return toStridedBuffer(b, loc, nhwc, kToNCHW);
  return transposedView(b, loc, nhwc, kToNCHW);
}

/// The operand `original` (remapped: `converted`) of a kernel call as an
/// unranked memref: a transpose NHWC -> NCHW becomes a view of its input.
/// Null if that input is not converted yet.
Value activationOperand(ConversionPatternRewriter &rewriter, Location loc,
                        Value original, Value converted) {
  if (Value nhwc = peelToNCHW(original)) {
    Value remapped = rewriter.getRemappedValue(nhwc);
    return remapped
               ? toUnranked(rewriter, loc, nchwView(rewriter, loc, remapped))
               : Value();
  }
  return toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, converted));
}

struct ConvCall : OpConversionPattern<ConvOp> {
  ConvCall(const TypeConverter &converter, MLIRContext *ctx, int64_t *sites,
           bool postOps)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), sites(sites),
        postOps(postOps) {}

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    int64_t rank = resultType.getRank();
    std::optional<AutoPad> autoPad = f32ConvLikeAutoPad(op);
    if (!autoPad)
      return rewriter.notifyMatchFailure(op, "not an f32 1-D/2-D model conv");
    // Output sizes computed here need static kernel sizes.
    for (int64_t i = 2; i < rank; ++i)
      if (resultType.isDynamicDim(i) && wType.isDynamicDim(i))
        return rewriter.notifyMatchFailure(op, "dynamic kernel size");
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    int64_t k = rank - 2;
    // Parameters of the H and W dims; a 1-D convolution has a unit H.
    SmallVector<int64_t> strides(op.getStrides()), dilations(op.getDilations());
    SmallVector<int64_t> padBegin(op.getPads().take_front(k));
    SmallVector<int64_t> padEnd(op.getPads().drop_front(k));
    if (*autoPad != AutoPad::NotSet)
      padBegin.assign(k, 0), padEnd.assign(k, 0);

    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      if (i == 0) {
        sizes.push_back(tensor::DimOp::create(rewriter, loc, x, 0));
      } else if (i == 1) {
        sizes.push_back(tensor::DimOp::create(rewriter, loc, w, 0));
      } else {
        int64_t s = i - 2;
        WindowDim dim{wType.getDimSize(i), strides[s], dilations[s],
                      padBegin[s], padEnd[s]};
        Value in = tensor::DimOp::create(rewriter, loc, x, i);
        sizes.push_back(spatialOutSize(rewriter, loc, in, dim, *autoPad));
      }
    }
    if (k == 1) {
      strides.insert(strides.begin(), 1);
      dilations.insert(dilations.begin(), 1);
      padBegin.insert(padBegin.begin(), 0);
      padEnd.insert(padEnd.begin(), 0);
    }
    Epilogue epi = matchConvEpilogue(op, postOps);
    int64_t flags = (epi.addend ? kAdd : 0) | (epi.clip ? kClip : 0);
    if (matchPattern(op.getWeight(), m_Constant()))
      flags |= kConstWeights;
    if (*autoPad == AutoPad::SameUpper)
      flags |= kSameUpper;
    if (*autoPad == AutoPad::SameLower)
      flags |= kSameLower;
    Value bias;
    if (Value b = adaptor.getBias()) {
      flags |= kHasBias;
      bias = toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, b));
    }
    Value xBuf = activationOperand(rewriter, loc, op.getInput(), x);
    if (!xBuf)
      return rewriter.notifyMatchFailure(op, "input not converted yet");
    Value wBuf = toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, w));
    Value addend;
    if (epi.addend) {
      Value converted = rewriter.getRemappedValue(epi.addend);
      if (!converted)
        return rewriter.notifyMatchFailure(op, "addend not converted yet");
      addend =
          epi.nhwc
              ? toUnranked(rewriter, loc, nchwView(rewriter, loc, converted))
              : activationOperand(rewriter, loc, epi.addend, converted);
      if (!addend)
        return rewriter.notifyMatchFailure(op, "addend not converted yet");
    }
    // The result buffer: NHWC when the epilogue starts with a transpose to
    // it (the kernel gets an NCHW view), else NCHW.
    ArrayRef<int64_t> layout = kToNHWC;
    ResultBuffer result = allocResult(rewriter, loc, resultType, sizes,
                                      epi.nhwc ? layout : ArrayRef<int64_t>());
    Value out = result.out;
    SmallVector<Value> args = {xBuf, wBuf, bias ? bias : out, out,
                               addend ? addend : out};
    for (int64_t v : {(*sites)++, flags, int64_t(op.getGroup())})
      args.push_back(i64(rewriter, loc, v));
    for (ArrayRef<int64_t> values :
         {ArrayRef<int64_t>(strides), ArrayRef<int64_t>(dilations)})
      for (int64_t v : values)
        args.push_back(i64(rewriter, loc, v));
    for (int64_t v : {padBegin[0], padBegin[1], padEnd[0], padEnd[1]})
      args.push_back(i64(rewriter, loc, v));
    for (float v : {epi.lo, epi.hi})
      args.push_back(arith::ConstantOp::create(rewriter, loc,
                                               rewriter.getF32FloatAttr(v)));
    func::CallOp::create(rewriter, loc, kConvFn, TypeRange{}, args);
    replaceAbsorbed(rewriter, op, epi.ops, result.tensor(rewriter, loc));
    return success();
  }

  int64_t *sites;
  bool postOps;
};

/// Transposed convolution: like ConvCall, but SAME pads are resolved here
/// (they do not depend on the input size: the output is input * stride) and
/// the kernel derives the end pads from the result size.
struct ConvTransposeCall : OpConversionPattern<ConvTransposeOp> {
  ConvTransposeCall(const TypeConverter &converter, MLIRContext *ctx,
                    int64_t *sites)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), sites(sites) {}

  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    int64_t rank = resultType.getRank();
    std::optional<AutoPad> autoPad = f32ConvLikeAutoPad(op);
    if (!autoPad)
      return rewriter.notifyMatchFailure(op, "not an f32 1-D/2-D conv");
    for (int64_t i = 1; i < rank; ++i)
      if (wType.isDynamicDim(i))
        return rewriter.notifyMatchFailure(op, "dynamic kernel size");
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    int64_t k = rank - 2, group = op.getGroup();
    SmallVector<int64_t> strides(op.getStrides()), dilations(op.getDilations());
    SmallVector<int64_t> padBegin, padEnd;
    for (int64_t i = 0; i < k; ++i) {
      int64_t ext = dilations[i] * (wType.getDimSize(i + 2) - 1) + 1;
      int64_t outPad = op.getOutputPadding()[i], pb = 0, pe = 0;
      if (*autoPad == AutoPad::NotSet) {
        pb = op.getPads()[i];
        pe = op.getPads()[k + i];
      } else if (*autoPad != AutoPad::Valid) {
        int64_t total = std::max<int64_t>(outPad + ext - strides[i], 0);
        pb = *autoPad == AutoPad::SameUpper ? total / 2 : total - total / 2;
        pe = total - pb;
      }
      padBegin.push_back(pb);
      padEnd.push_back(pe);
    }
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      if (i == 0) {
        sizes.push_back(tensor::DimOp::create(rewriter, loc, x, 0));
      } else if (i == 1) {
        sizes.push_back(arith::ConstantIndexOp::create(
            rewriter, loc, wType.getDimSize(1) * group));
      } else {
        int64_t s = i - 2;
        Value in = tensor::DimOp::create(rewriter, loc, x, i);
        Value stride =
            arith::ConstantIndexOp::create(rewriter, loc, strides[s]);
        Value scaled = arith::MulIOp::create(rewriter, loc, in, stride);
        if (*autoPad == AutoPad::SameUpper || *autoPad == AutoPad::SameLower) {
          sizes.push_back(scaled);
          continue;
        }
        int64_t ext = dilations[s] * (wType.getDimSize(i) - 1) + 1;
        int64_t rest = op.getOutputPadding()[s] + ext - padBegin[s] -
                       padEnd[s] - strides[s];
        sizes.push_back(arith::AddIOp::create(
            rewriter, loc, scaled,
            arith::ConstantIndexOp::create(rewriter, loc, rest)));
      }
    }
    if (k == 1) {
      strides.insert(strides.begin(), 1);
      dilations.insert(dilations.begin(), 1);
      padBegin.insert(padBegin.begin(), 0);
    }
    int64_t flags =
        matchPattern(op.getWeight(), m_Constant()) ? kConstWeights : 0;
    Value bias;
    if (Value b = adaptor.getBias()) {
      flags |= kHasBias;
      bias = toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, b));
    }
    Value xBuf = toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, x));
    Value wBuf = toUnranked(rewriter, loc, toStridedBuffer(rewriter, loc, w));
    SmallVector<Value> scalars = {i64(rewriter, loc, (*sites)++),
                                  i64(rewriter, loc, flags),
                                  i64(rewriter, loc, group)};
    for (ArrayRef<int64_t> values :
         {ArrayRef<int64_t>(strides), ArrayRef<int64_t>(dilations),
          ArrayRef<int64_t>(padBegin)})
      for (int64_t v : values)
        scalars.push_back(i64(rewriter, loc, v));
    Value result = emitCall(rewriter, loc, kConvTransposeFn, resultType, sizes,
                            {xBuf, wBuf}, bias, scalars);
    rewriter.replaceOp(op, result);
    return success();
  }

  int64_t *sites;
};

/// 2-D max pooling without indices (average pooling's loops measured faster
/// than ONNX Runtime already). The result buffer is the only operand after
/// the input; no bias. 1-D pools keep Blade's loops: oneDNN 2.6 runs a
/// [N, C, 1, W] view of them on its slow generic kernel (x[4, 64, 320]:
/// 0.74 ms against 0.14 ms for the loops and for ONNX Runtime).
struct MaxPoolCall : OpConversionPattern<PoolOp> {
  MaxPoolCall(const TypeConverter &converter, MLIRContext *ctx, int64_t *sites)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), sites(sites) {}

  LogicalResult
  matchAndRewrite(PoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    int64_t rank = resultType.getRank();
    std::optional<AutoPad> autoPad = parseAutoPad(op.getAutoPad());
    if (op.getKind() != "max" || op.getIndices() || !isF32Tensor(resultType) ||
        !isF32Tensor(op.getInput().getType()) || rank != 4 || !autoPad ||
        !inModelFunction(op))
      return rewriter.notifyMatchFailure(op, "not an f32 2-D max pool");
    int64_t k = rank - 2;
    for (int64_t i = 2; i < rank; ++i)
      if (resultType.isDynamicDim(i) && op.getCeilMode())
        return rewriter.notifyMatchFailure(op, "ceil_mode on dynamic dims");
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    SmallVector<int64_t> kernel(op.getKernelShape()), strides(op.getStrides()),
        dilations(op.getDilations());
    SmallVector<int64_t> padBegin(op.getPads().take_front(k));
    SmallVector<int64_t> padEnd(op.getPads().drop_front(k));
    if (*autoPad != AutoPad::NotSet)
      padBegin.assign(k, 0), padEnd.assign(k, 0);
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      if (i < 2) {
        sizes.push_back(tensor::DimOp::create(rewriter, loc, x, i));
        continue;
      }
      int64_t s = i - 2;
      WindowDim dim{kernel[s], strides[s], dilations[s], padBegin[s],
                    padEnd[s]};
      Value in = tensor::DimOp::create(rewriter, loc, x, i);
      sizes.push_back(spatialOutSize(rewriter, loc, in, dim, *autoPad));
    }
    int64_t flags = *autoPad == AutoPad::SameUpper   ? kSameUpper
                    : *autoPad == AutoPad::SameLower ? kSameLower
                                                     : 0;
    Value xBuf = activationOperand(rewriter, loc, op.getInput(), x);
    if (!xBuf)
      return rewriter.notifyMatchFailure(op, "input not converted yet");
    SmallVector<Value> scalars = {i64(rewriter, loc, (*sites)++),
                                  i64(rewriter, loc, flags)};
    for (ArrayRef<int64_t> values :
         {ArrayRef<int64_t>(kernel), ArrayRef<int64_t>(strides),
          ArrayRef<int64_t>(dilations), ArrayRef<int64_t>(padBegin)})
      for (int64_t v : values.take_front(2))
        scalars.push_back(i64(rewriter, loc, v));
    // A result whose only user transposes it to NHWC is written NHWC.
    Value result = op.getResult();
    Operation *toNHWC =
        result.hasOneUse() && isTransposeBy(*result.user_begin(), kToNHWC)
            ? *result.user_begin()
            : nullptr;
    ArrayRef<int64_t> layout = kToNHWC;
    ResultBuffer out = allocResult(rewriter, loc, resultType, sizes,
                                   toNHWC ? layout : ArrayRef<int64_t>());
    SmallVector<Value> args = {xBuf, out.out};
    args.append(scalars);
    func::CallOp::create(rewriter, loc, kMaxPoolFn, TypeRange{}, args);
    replaceAbsorbed(rewriter, op,
                    toNHWC ? ArrayRef<Operation *>(toNHWC)
                           : ArrayRef<Operation *>(),
                    out.tensor(rewriter, loc));
    return success();
  }

  int64_t *sites;
};

} // namespace

void blade::detail::declareLibraryCalls(ModuleOp module) {
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type mem = UnrankedMemRefType::get(b.getF32Type(), 0);
  Type i64Type = b.getI64Type();
  auto declare = [&](StringRef name, SmallVector<Type> inputs) {
    if (module.lookupSymbol(name))
      return;
    auto fn = func::FuncOp::create(b, module.getLoc(), name,
                                   b.getFunctionType(inputs, {}));
    fn.setPrivate();
    fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
  };
  declare(kMatMulFn, {mem, mem, mem, mem, i64Type, i64Type, b.getF32Type()});
  SmallVector<Type> conv = {mem, mem, mem, mem, mem};
  conv.append(11, i64Type);
  conv.append(2, b.getF32Type());
  declare(kConvFn, conv);
  SmallVector<Type> convT = {mem, mem, mem, mem};
  convT.append(9, i64Type);
  declare(kConvTransposeFn, convT);
  SmallVector<Type> pool = {mem, mem};
  pool.append(10, i64Type);
  declare(kMaxPoolFn, pool);
  SmallVector<Type> rnn(10, mem);
  rnn.append(4, i64Type);
  declare(kRnnFn, rnn);
}

void blade::detail::removeUnusedLibraryCalls(ModuleOp module) {
  for (StringRef name :
       {kMatMulFn, kConvFn, kConvTransposeFn, kMaxPoolFn, kRnnFn})
    if (auto fn = module.lookupSymbol<func::FuncOp>(name))
      if (fn.isExternal() && SymbolTable::symbolKnownUseEmpty(fn, module))
        fn.erase();
}

void blade::detail::populateLibraryCallPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns,
                                                int64_t *sites, bool postOps) {
  patterns.add<MatMulCall, ConvCall>(converter, patterns.getContext(), sites,
                                     postOps);
  patterns.add<ConvTransposeCall, MaxPoolCall>(converter, patterns.getContext(),
                                               sites);
  populateRecurrentCallPatterns(converter, patterns, sites);
}
