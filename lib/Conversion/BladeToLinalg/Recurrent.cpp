//===- Recurrent.cpp - blade.recurrent to an scf.for over time ------------===//
//
// Each direction of a recurrent layer becomes: one contraction of the whole
// (time-reordered) input with W, an scf.for over the time steps carrying the
// hidden (and cell) state, with a contraction of the state with R and one
// linalg.generic per cell step, and a final gather that puts the steps of
// every sequence in time order and zeroes the steps past its length.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// An ONNX activation function with its alpha and beta.
struct Activation {
  StringRef name;
  float alpha, beta;
};

Value applyActivation(OpBuilder &b, Location loc, const Activation &act,
                      Value x) {
  Type t = x.getType();
  auto cst = [&](double v) { return createScalar(b, loc, t, v); };
  auto mul = [&](Value l, Value r) {
    return arith::MulFOp::create(b, loc, l, r);
  };
  auto add = [&](Value l, Value r) {
    return arith::AddFOp::create(b, loc, l, r);
  };
  auto ge0 = [&]() {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, cst(0));
  };
  StringRef n = act.name;
  if (n == "Relu")
    return arith::MaximumFOp::create(b, loc, x, cst(0));
  if (n == "Tanh")
    return math::TanhOp::create(b, loc, x);
  if (n == "Sigmoid") {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, cst(1), add(cst(1), e));
  }
  if (n == "Affine")
    return add(mul(cst(act.alpha), x), cst(act.beta));
  if (n == "LeakyRelu")
    return arith::SelectOp::create(b, loc, ge0(), x, mul(cst(act.alpha), x));
  if (n == "ThresholdedRelu") {
    Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                     cst(act.alpha));
    return arith::SelectOp::create(b, loc, gt, x, cst(0));
  }
  if (n == "ScaledTanh")
    return mul(cst(act.alpha),
               math::TanhOp::create(b, loc, mul(cst(act.beta), x)));
  if (n == "HardSigmoid") {
    Value v = add(mul(cst(act.alpha), x), cst(act.beta));
    v = arith::MinimumFOp::create(b, loc, v, cst(1));
    return arith::MaximumFOp::create(b, loc, v, cst(0));
  }
  if (n == "Elu") {
    Value em1 =
        arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x), cst(1));
    return arith::SelectOp::create(b, loc, ge0(), x, mul(cst(act.alpha), em1));
  }
  if (n == "Softsign")
    return arith::DivFOp::create(b, loc, x,
                                 add(cst(1), math::AbsFOp::create(b, loc, x)));
  // Softplus (the verifier admits no other name).
  return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
}

/// Builds the loops of one recurrent layer.
class LayerBuilder {
public:
  LayerBuilder(OpBuilder &b, RecurrentOp op, RecurrentOp::Adaptor adaptor)
      : b(b), loc(op.getLoc()), op(op), a(adaptor),
        elementType(op.getX().getType().getElementType()),
        h(op.getHiddenSize()), gates(op.getNumGates()), cell(op.getCell()) {
    if (FloatAttr c = op.getClipAttr())
      clip = c.getValueAsDouble();
    RankedTensorType x = op.getX().getType();
    seqSize = x.getDimSize(0);
    batchSize = x.getDimSize(1);
    inputSize = x.getDimSize(2);
    seq = getDimValue(b, loc, a.getX(), 0);
    batch = getDimValue(b, loc, a.getX(), 1);
    lens = a.getSequenceLens();
  }

  /// Y [seq, D, batch, H], Y_h and Y_c [D, batch, H] (Y_c null unless lstm).
  SmallVector<Value> build(bool needY);

private:
  RankedTensorType type(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, elementType);
  }
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value zeros(RankedTensorType t, ValueRange dynSizes) {
    Value empty = createEmpty(b, loc, t, dynSizes);
    return linalg::FillOp::create(b, loc, createScalar(b, loc, elementType, 0),
                                  empty)
        .getResult(0);
  }
  SmallVector<Value> batchDyn() {
    return ShapedType::isDynamic(batchSize) ? SmallVector<Value>{batch}
                                            : SmallVector<Value>{};
  }
  /// `v[d]` (dropping dim 0), cast to `shape`.
  Value direction(Value v, int64_t d, ArrayRef<int64_t> shape);
  /// Rows [begin, begin + count) of `v` (dim 0).
  Value rows(Value v, int64_t begin, int64_t count);
  /// `init + lhs x rhs^T` over the last dim of lhs [..., K] and rhs [N, K].
  Value contract(Value lhs, Value rhs, Value init);
  /// A tensor of `shape` (its dynamic dims given) holding `bias` [N] along
  /// its last dim, or zeros without a bias.
  Value broadcastBias(ArrayRef<int64_t> shape, ValueRange dynSizes, Value bias);
  /// Sequence length of batch entry `bIdx` (seq without sequence_lens).
  Value lengthOf(OpBuilder &nb, Value bIdx);
  /// For a reversed direction, the time of step `s` of entry `bIdx`
  /// (len - 1 - s, clamped into the sequence); else `s`.
  Value timeOf(OpBuilder &nb, Value s, Value bIdx, bool reverse);
  Value clipped(OpBuilder &nb, Value v);
  /// Activation `k` of direction `d` on `v` (clipped first with a clip).
  Value act(OpBuilder &nb, int64_t d, int64_t k, Value v,
            bool clipInput = true) {
    int64_t i = d * RecurrentOp::getNumActivations(cell) + k;
    Activation fn{cast<StringAttr>(op.getActivations()[i]).getValue(),
                  op.getActivationAlpha()[i], op.getActivationBeta()[i]};
    return applyActivation(nb, loc, fn, clipInput ? clipped(nb, v) : v);
  }
  /// One direction: its Y [seq, batch, H] (null unless `needY`), Y_h, Y_c.
  SmallVector<Value> buildDirection(int64_t d, bool needY);
  /// One time step: the next h (and c) from the step's input product xt.
  SmallVector<Value> buildStep(int64_t d, Value s, Value xt, Value hPrev,
                               Value cPrev, Value r, Value rb, Value p);

  OpBuilder &b;
  Location loc;
  RecurrentOp op;
  RecurrentOp::Adaptor a;
  Type elementType;
  int64_t h, gates;
  StringRef cell;
  std::optional<double> clip;
  int64_t seqSize, batchSize, inputSize;
  Value seq, batch, lens;
};

Value LayerBuilder::direction(Value v, int64_t d, ArrayRef<int64_t> shape) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> offsets(t.getRank(), b.getIndexAttr(0));
  offsets[0] = b.getIndexAttr(d);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  sizes[0] = b.getIndexAttr(1);
  SmallVector<OpFoldResult> strides(t.getRank(), b.getIndexAttr(1));
  auto sliceType =
      RankedTensorType::get(t.getShape().drop_front(), t.getElementType());
  Value slice = tensor::ExtractSliceOp::create(b, loc, sliceType, v, offsets,
                                               sizes, strides);
  auto target = RankedTensorType::get(shape, t.getElementType());
  return target == sliceType ? slice
                             : tensor::CastOp::create(b, loc, target, slice);
}

Value LayerBuilder::rows(Value v, int64_t begin, int64_t count) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> offsets(t.getRank(), b.getIndexAttr(0));
  offsets[0] = b.getIndexAttr(begin);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  sizes[0] = b.getIndexAttr(count);
  SmallVector<OpFoldResult> strides(t.getRank(), b.getIndexAttr(1));
  SmallVector<int64_t> shape(t.getShape());
  shape[0] = count;
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, t.getElementType()), v, offsets,
      sizes, strides);
}

Value LayerBuilder::contract(Value lhs, Value rhs, Value init) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(lhs.getType()).getRank();
  // Iteration space: lhs's leading dims, N, K.
  int64_t numDims = rank + 1;
  SmallVector<AffineExpr> lhsExprs, outExprs;
  for (int64_t i = 0; i + 1 < rank; ++i) {
    lhsExprs.push_back(getAffineDimExpr(i, ctx));
    outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  AffineExpr n = getAffineDimExpr(rank - 1, ctx),
             k = getAffineDimExpr(rank, ctx);
  lhsExprs.push_back(k);
  outExprs.push_back(n);
  SmallVector<AffineMap> maps = {AffineMap::get(numDims, 0, lhsExprs, ctx),
                                 AffineMap::get(numDims, 0, {n, k}, ctx),
                                 AffineMap::get(numDims, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iters(numDims - 1,
                                         utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value prod = arith::MulFOp::create(nb, l, args[0], args[1]);
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddFOp::create(nb, l, args[2], prod).getResult());
             })
      .getResult(0);
}

Value LayerBuilder::broadcastBias(ArrayRef<int64_t> shape, ValueRange dynSizes,
                                  Value bias) {
  RankedTensorType t = type(shape);
  if (!bias)
    return zeros(t, dynSizes);
  MLIRContext *ctx = b.getContext();
  int64_t rank = shape.size();
  Value empty = createEmpty(b, loc, t, dynSizes);
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx),
      b.getMultiDimIdentityMap(rank)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{t}, ValueRange{bias}, ValueRange{empty}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

Value LayerBuilder::lengthOf(OpBuilder &nb, Value bIdx) {
  if (!lens)
    return seq;
  Value len = tensor::ExtractOp::create(nb, loc, lens, ValueRange{bIdx});
  return castToIndex(nb, loc, len);
}

Value LayerBuilder::timeOf(OpBuilder &nb, Value s, Value bIdx, bool reverse) {
  if (!reverse)
    return s;
  Value one = arith::ConstantIndexOp::create(nb, loc, 1);
  Value zero = arith::ConstantIndexOp::create(nb, loc, 0);
  Value t = arith::SubIOp::create(
      nb, loc, arith::SubIOp::create(nb, loc, lengthOf(nb, bIdx), one), s);
  Value last = arith::SubIOp::create(nb, loc, seq, one);
  t = arith::MinSIOp::create(nb, loc, t, last);
  return arith::MaxSIOp::create(nb, loc, t, zero);
}

Value LayerBuilder::clipped(OpBuilder &nb, Value v) {
  if (!clip)
    return v;
  Value hi = createScalar(nb, loc, elementType, *clip);
  Value lo = createScalar(nb, loc, elementType, -*clip);
  v = arith::MinimumFOp::create(nb, loc, v, hi);
  return arith::MaximumFOp::create(nb, loc, v, lo);
}

SmallVector<Value> LayerBuilder::build(bool needY) {
  int64_t numDirs = op.getNumDirections();
  SmallVector<Value> ys, yhs, ycs;
  for (int64_t d = 0; d < numDirs; ++d) {
    SmallVector<Value> r = buildDirection(d, needY);
    ys.push_back(r[0]);
    yhs.push_back(r[1]);
    ycs.push_back(r[2]);
  }
  // Stack the directions along their direction dim.
  auto stack = [&](ArrayRef<Value> parts, int64_t dirDim) -> Value {
    if (!parts[0]) {
      SmallVector<Value> dyn;
      if (ShapedType::isDynamic(seqSize))
        dyn.push_back(seq);
      llvm::append_range(dyn, batchDyn());
      return createEmpty(b, loc, type({seqSize, numDirs, batchSize, h}), dyn);
    }
    auto partType = cast<RankedTensorType>(parts[0].getType());
    SmallVector<int64_t> shape(partType.getShape());
    shape.insert(shape.begin() + dirDim, numDirs);
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, parts[0]);
    SmallVector<Value> dyn;
    for (OpFoldResult s : sizes)
      if (auto v = dyn_cast<Value>(s))
        dyn.push_back(v);
    sizes.insert(sizes.begin() + dirDim, b.getIndexAttr(1));
    Value result = createEmpty(b, loc, type(shape), dyn);
    SmallVector<OpFoldResult> strides(shape.size(), b.getIndexAttr(1));
    for (auto [d, part] : llvm::enumerate(parts)) {
      SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
      offsets[dirDim] = b.getIndexAttr(d);
      result = tensor::InsertSliceOp::create(b, loc, part, result, offsets,
                                             sizes, strides);
    }
    return result;
  };
  // An unused Y is not computed.
  Value y = stack(ys, 1);
  Value yc = ycs[0] ? stack(ycs, 0) : Value();
  return {y, stack(yhs, 0), yc};
}

SmallVector<Value> LayerBuilder::buildDirection(int64_t d, bool needY) {
  bool reverse = op.getDirection() == "reverse" || d == 1;
  bool lstm = cell == "lstm";
  int64_t gh = gates * h;
  SmallVector<Value> seqBatchDyn;
  if (ShapedType::isDynamic(seqSize))
    seqBatchDyn.push_back(seq);
  llvm::append_range(seqBatchDyn, batchDyn());

  // The input in step order: a reversed direction reads each sequence from
  // its last step.
  Value x = a.getX();
  if (reverse) {
    SmallVector<Value> dyn = seqBatchDyn;
    if (ShapedType::isDynamic(inputSize))
      dyn.push_back(getDimValue(b, loc, x, 2));
    Value src = x;
    x = buildIndexedGeneric(
        b, loc, type({seqSize, batchSize, inputSize}), dyn,
        [&](OpBuilder &nb, Location l, ArrayRef<Value> idx) -> Value {
          Value t = timeOf(nb, idx[0], idx[1], true);
          return tensor::ExtractOp::create(nb, l, src,
                                           ValueRange{t, idx[1], idx[2]});
        });
  }
  Value w = direction(a.getW(), d, {gh, inputSize});
  Value r = direction(a.getR(), d, {gh, h});
  Value wb, rb;
  if (a.getB()) {
    Value bias = direction(a.getB(), d, {2 * gh});
    wb = rows(bias, 0, gh);
    rb = rows(bias, gh, gh);
  }
  Value p = a.getP() ? direction(a.getP(), d, {3 * h}) : Value();
  // Input products of every step, with the input bias.
  Value xw =
      contract(x, w, broadcastBias({seqSize, batchSize, gh}, seqBatchDyn, wb));

  RankedTensorType stateType = type({batchSize, h});
  auto initial = [&](Value v) {
    return v ? direction(v, d, stateType.getShape())
             : zeros(stateType, batchDyn());
  };
  SmallVector<Value> iterArgs = {initial(a.getInitialH())};
  if (lstm)
    iterArgs.push_back(initial(a.getInitialC()));
  RankedTensorType stepsType = type({seqSize, batchSize, h});
  if (needY)
    iterArgs.push_back(createEmpty(b, loc, stepsType, seqBatchDyn));

  auto loop = scf::ForOp::create(
      b, loc, index(0), seq, index(1), iterArgs,
      [&](OpBuilder &nb, Location l, Value s, ValueRange args) {
        SmallVector<OpFoldResult> offsets = {s, nb.getIndexAttr(0),
                                             nb.getIndexAttr(0)};
        SmallVector<OpFoldResult> strides(3, nb.getIndexAttr(1));
        SmallVector<OpFoldResult> sizes = {
            nb.getIndexAttr(1), getAsOpFoldResult(batch), nb.getIndexAttr(gh)};
        Value xt = tensor::ExtractSliceOp::create(nb, l, type({batchSize, gh}),
                                                  xw, offsets, sizes, strides);
        SmallVector<Value> next =
            buildStep(d, s, xt, args[0], lstm ? args[1] : Value(), r, rb, p);
        if (needY) {
          sizes[2] = nb.getIndexAttr(h);
          next.push_back(tensor::InsertSliceOp::create(
              nb, l, next[0], args.back(), offsets, sizes, strides));
        }
        scf::YieldOp::create(nb, l, next);
      });
  Value yh = loop.getResult(0);
  Value yc = lstm ? loop.getResult(1) : Value();
  if (!needY)
    return {Value(), yh, yc};

  // Steps back in time order; steps past a sequence's length are 0.
  Value steps = loop.getResults().back();
  Value y = steps;
  if (reverse || lens)
    y = buildIndexedGeneric(
        b, loc, stepsType, seqBatchDyn,
        [&](OpBuilder &nb, Location l, ArrayRef<Value> idx) -> Value {
          Value valid = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt,
                                              idx[0], lengthOf(nb, idx[1]));
          Value t = timeOf(nb, idx[0], idx[1], reverse);
          Value v = tensor::ExtractOp::create(nb, l, steps,
                                              ValueRange{t, idx[1], idx[2]});
          return arith::SelectOp::create(nb, l, valid, v,
                                         createScalar(nb, l, elementType, 0));
        });
  return {y, yh, yc};
}

SmallVector<Value> LayerBuilder::buildStep(int64_t d, Value s, Value xt,
                                           Value hPrev, Value cPrev, Value r,
                                           Value rb, Value p) {
  MLIRContext *ctx = b.getContext();
  bool gru = cell == "gru", lstm = cell == "lstm";
  bool resetAfter = op.getLinearBeforeReset();
  RankedTensorType stateType = type({batchSize, h});
  // Recurrent products with the recurrent bias; without linear_before_reset
  // GRU's h gate multiplies the reset state instead (below).
  int64_t n = gru && !resetAfter ? 2 * h : gates * h;
  Value hr = contract(
      hPrev, rows(r, 0, n),
      broadcastBias({batchSize, n}, batchDyn(), rb ? rows(rb, 0, n) : Value()));
  AffineMap id = b.getMultiDimIdentityMap(2);
  // Gate k of a [batch, G * H] product.
  auto gate = [&](Value v, int64_t k) -> Value {
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0),
                                         b.getIndexAttr(k * h)};
    SmallVector<OpFoldResult> sizes = {getAsOpFoldResult(batch),
                                       b.getIndexAttr(h)};
    SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, loc, stateType, v, offsets, sizes,
                                          strides);
  };
  auto parallel =
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel);
  auto add = [&](OpBuilder &nb, Value x, Value y) -> Value {
    return arith::AddFOp::create(nb, loc, x, y);
  };
  auto mul = [&](OpBuilder &nb, Value x, Value y) -> Value {
    return arith::MulFOp::create(nb, loc, x, y);
  };
  auto oneMinus = [&](OpBuilder &nb, Value x) -> Value {
    return arith::SubFOp::create(nb, loc, createScalar(nb, loc, elementType, 1),
                                 x);
  };

  // GRU without linear_before_reset: (r . h) x Rh^T + Rbh.
  Value resetProduct;
  if (gru && !resetAfter) {
    Value rh = linalg::GenericOp::create(
                   b, loc, TypeRange{stateType},
                   ValueRange{gate(xt, 1), gate(hr, 1), hPrev},
                   ValueRange{createEmpty(b, loc, stateType, batchDyn())},
                   {id, id, id, id}, parallel,
                   [&](OpBuilder &nb, Location l, ValueRange args) {
                     Value rg = act(nb, d, 0, add(nb, args[0], args[1]));
                     linalg::YieldOp::create(nb, l, mul(nb, rg, args[2]));
                   })
                   .getResult(0);
    resetProduct = contract(rh, rows(r, 2 * h, h),
                            broadcastBias({batchSize, h}, batchDyn(),
                                          rb ? rows(rb, 2 * h, h) : Value()));
  }

  // Operands of the cell generic: xt and hr per gate, the state, then
  // optional extras.
  SmallVector<Value> ins;
  SmallVector<AffineMap> maps;
  auto use = [&](Value v, AffineMap m) {
    ins.push_back(v);
    maps.push_back(m);
    return ins.size() - 1;
  };
  SmallVector<size_t> xi, hi;
  for (int64_t k = 0; k < gates; ++k) {
    xi.push_back(use(gate(xt, k), id));
    hi.push_back(
        use(gru && !resetAfter && k == 2 ? resetProduct : gate(hr, k), id));
  }
  SmallVector<size_t> pIdx;
  if (p)
    for (int64_t k = 0; k < 3; ++k)
      pIdx.push_back(
          use(rows(p, k * h, h),
              AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx)));
  size_t lenIdx =
      lens ? use(lens, AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx))
           : 0;
  // The state is updated in place (the loop carries it), so the body reads
  // the previous state from the outputs.
  size_t hIdx = ins.size(), cIdx = ins.size() + 1;
  SmallVector<Value> outs = {hPrev};
  if (lstm)
    outs.push_back(cPrev);
  maps.append(outs.size(), id);
  SmallVector<Type> resultTypes(outs.size(), stateType);

  auto body = [&](OpBuilder &nb, Location l, ValueRange args) {
    auto pre = [&](int64_t k) { return add(nb, args[xi[k]], args[hi[k]]); };
    Value hp = args[hIdx];
    SmallVector<Value> next;
    if (cell == "rnn") {
      next.push_back(act(nb, d, 0, pre(0)));
    } else if (gru) {
      Value z = act(nb, d, 0, pre(0));
      Value cand;
      if (resetAfter) {
        Value rg = act(nb, d, 0, pre(1));
        cand = act(nb, d, 1, add(nb, args[xi[2]], mul(nb, rg, args[hi[2]])));
      } else {
        cand = act(nb, d, 1, pre(2));
      }
      next.push_back(add(nb, mul(nb, oneMinus(nb, z), cand), mul(nb, z, hp)));
    } else {
      Value c = args[cIdx];
      auto peep = [&](Value v, int64_t k, Value state) {
        return p ? add(nb, v, mul(nb, args[pIdx[k]], state)) : v;
      };
      Value i = act(nb, d, 0, peep(pre(0), 0, c));
      Value f = op.getInputForget() ? oneMinus(nb, i)
                                    : act(nb, d, 0, peep(pre(2), 2, c));
      Value cand = act(nb, d, 1, pre(3));
      Value cn = add(nb, mul(nb, f, c), mul(nb, i, cand));
      Value o = act(nb, d, 0, peep(pre(1), 1, cn));
      next.push_back(mul(nb, o, act(nb, d, 2, cn, /*clipInput=*/false)));
      next.push_back(cn);
    }
    if (lens) {
      Value len = castToIndex(nb, l, args[lenIdx]);
      Value valid =
          arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, s, len);
      next[0] = arith::SelectOp::create(nb, l, valid, next[0], hp);
      if (lstm)
        next[1] = arith::SelectOp::create(nb, l, valid, next[1], args[cIdx]);
    }
    linalg::YieldOp::create(nb, l, next);
  };
  auto generic = linalg::GenericOp::create(b, loc, resultTypes, ins, outs, maps,
                                           parallel, body);
  return SmallVector<Value>(generic.getResults());
}

struct RecurrentLowering : OpConversionPattern<RecurrentOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RecurrentOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    bool needY = !op.getY().use_empty();
    LayerBuilder layer(rewriter, op, adaptor);
    SmallVector<Value> results = layer.build(needY);
    SmallVector<Value> replacements;
    for (auto [i, v] : llvm::enumerate(results)) {
      if (!v)
        continue;
      RankedTensorType t = convertedResultType(*getTypeConverter(), op, i);
      replacements.push_back(
          v.getType() == t
              ? v
              : tensor::CastOp::create(rewriter, op.getLoc(), t, v));
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

} // namespace

void blade::detail::populateRecurrentPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<RecurrentLowering>(converter, patterns.getContext());
}
