//===- Text.cpp - Lowering of blade.ngram_count ---------------------------===//
//
// Each result element (row, slot) loops over the n-grams mapped to its slot
// and counts their occurrences in the row with nested scf loops; the pool
// and per-n-gram tables are constant tensors read with tensor.extract.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

Value i64Table(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseIntElementsAttr::get(type, values));
}

/// Element `i` (an index) of a 1-D i64 table, as an index.
Value tableAt(OpBuilder &b, Location loc, Value table, Value i) {
  Value v = tensor::ExtractOp::create(b, loc, table, ValueRange{i});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

struct NgramCountLowering : OpConversionPattern<NgramCountOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NgramCountOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    RankedTensorType resultType =
        convertedResultType(*getTypeConverter(), op.getOperation());
    bool batched = inputType.getRank() == 2;
    Value pool = i64Table(rewriter, loc, op.getPool());
    Value offsets = i64Table(rewriter, loc, op.getNgramOffsets());
    Value lengths = i64Table(rewriter, loc, op.getNgramLengths());
    Value slots = i64Table(rewriter, loc, op.getNgramIndexes());
    SmallVector<float> weightValues(op.getWeights().begin(),
                                    op.getWeights().end());
    Value weights = arith::ConstantOp::create(
        rewriter, loc,
        DenseFPElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(weightValues.size())},
                                  rewriter.getF32Type()),
            ArrayRef<float>(weightValues)));
    int64_t numNgrams = op.getNgramOffsets().size();
    int64_t maxSkip = op.getMaxSkip();
    StringRef mode = op.getMode();
    Value columns = getDimValue(rewriter, loc, input, inputType.getRank() - 1);
    SmallVector<Value> dynamicSizes;
    if (batched && resultType.isDynamicDim(0))
      dynamicSizes.push_back(getDimValue(rewriter, loc, input, 0));

    Value result = buildIndexedGeneric(
        rewriter, loc, resultType, dynamicSizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value slot = ivs.back();
          Value c0 = indexConst(b, l, 0), c1 = indexConst(b, l, 1);
          Type i64 = b.getI64Type();
          Value zeroF = arith::ConstantOp::create(b, l, b.getF32FloatAttr(0));
          Value zeroI = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0));
          Value oneI = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(1));
          auto token = [&](OpBuilder &tb, Location tl, Value col) -> Value {
            SmallVector<Value> at;
            if (batched)
              at.push_back(ivs[0]);
            at.push_back(col);
            Value t = tensor::ExtractOp::create(tb, tl, input, at);
            if (t.getType() != i64)
              t = arith::ExtSIOp::create(tb, tl, i64, t);
            return t;
          };
          // Occurrences of n-gram p in the row, over all gaps.
          auto countNgram = [&](OpBuilder &cb, Location cl, Value p) -> Value {
            Value off = tableAt(cb, cl, offsets, p);
            Value len = tableAt(cb, cl, lengths, p);
            Value isUnigram = arith::CmpIOp::create(
                cb, cl, arith::CmpIPredicate::eq, len, c1);
            Value total = zeroI;
            for (int64_t s = 0; s <= maxSkip; ++s) {
              Value stride = indexConst(cb, cl, s + 1);
              Value span = arith::MulIOp::create(
                  cb, cl, arith::SubIOp::create(cb, cl, len, c1), stride);
              Value starts = arith::MaxSIOp::create(
                  cb, cl, arith::SubIOp::create(cb, cl, columns, span), c0);
              // Unigrams are counted for the first gap only.
              if (s > 0)
                starts = arith::SelectOp::create(cb, cl, isUnigram, c0, starts);
              auto overStarts = scf::ForOp::create(
                  cb, cl, c0, starts, c1, ValueRange{total},
                  [&](OpBuilder &ib, Location il, Value i, ValueRange acc) {
                    Value yes =
                        arith::ConstantOp::create(ib, il, ib.getBoolAttr(true));
                    auto overTokens = scf::ForOp::create(
                        ib, il, c0, len, c1, ValueRange{yes},
                        [&](OpBuilder &tb, Location tl, Value t,
                            ValueRange match) {
                          Value col = arith::AddIOp::create(
                              tb, tl, i,
                              arith::MulIOp::create(tb, tl, t, stride));
                          Value want = tensor::ExtractOp::create(
                              tb, tl, pool,
                              ValueRange{
                                  arith::AddIOp::create(tb, tl, off, t)});
                          Value same = arith::CmpIOp::create(
                              tb, tl, arith::CmpIPredicate::eq,
                              token(tb, tl, col), want);
                          scf::YieldOp::create(tb, tl,
                                               ValueRange{arith::AndIOp::create(
                                                   tb, tl, match[0], same)});
                        });
                    Value add = arith::SelectOp::create(
                        ib, il, overTokens.getResult(0), oneI, zeroI);
                    scf::YieldOp::create(
                        ib, il,
                        ValueRange{arith::AddIOp::create(ib, il, acc[0], add)});
                  });
              total = overStarts.getResult(0);
            }
            return total;
          };
          auto overNgrams = scf::ForOp::create(
              b, l, c0, indexConst(b, l, numNgrams), c1, ValueRange{zeroF},
              [&](OpBuilder &nb, Location nl, Value p, ValueRange acc) {
                Value mine =
                    arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                          tableAt(nb, nl, slots, p), slot);
                auto ifMine = scf::IfOp::create(
                    nb, nl, mine,
                    [&](OpBuilder &tb, Location tl) {
                      Value count = countNgram(tb, tl, p);
                      Value countF = arith::SIToFPOp::create(
                          tb, tl, tb.getF32Type(), count);
                      Value w = tensor::ExtractOp::create(tb, tl, weights,
                                                          ValueRange{p});
                      Value v = countF;
                      if (mode == "IDF") {
                        Value found = arith::CmpIOp::create(
                            tb, tl, arith::CmpIPredicate::sgt, count, zeroI);
                        v = arith::SelectOp::create(tb, tl, found, w, zeroF);
                      } else if (mode == "TFIDF") {
                        v = arith::MulFOp::create(tb, tl, countF, w);
                      }
                      scf::YieldOp::create(
                          tb, tl,
                          ValueRange{arith::AddFOp::create(tb, tl, acc[0], v)});
                    },
                    [&](OpBuilder &eb, Location el) {
                      scf::YieldOp::create(eb, el, ValueRange{acc[0]});
                    });
                scf::YieldOp::create(nb, nl, ifMine.getResults());
              });
          return overNgrams.getResult(0);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void blade::detail::populateTextPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<NgramCountLowering>(converter, patterns.getContext());
}
