//===- Text.cpp - ONNX TfIdfVectorizer ------------------------------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"

using namespace mlir;

namespace blade::onnx_import {

namespace {

LogicalResult convertTfIdfVectorizer(NodeContext &ctx) {
  FailureOr<Value> input = ctx.requiredInput(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  if (ctx.attr("pool_strings"))
    return ctx.fail("string pools (pool_strings) are not supported");
  if (!type.getElementType().isInteger(32) &&
      !type.getElementType().isInteger(64))
    return ctx.fail("the input must be int32 or int64 tokens");
  if (type.getRank() != 1 && type.getRank() != 2)
    return ctx.fail("the input must be [C] or [N, C]");
  const onnx::AttributeProto *modeAttr = ctx.attr("mode");
  std::string mode = modeAttr ? modeAttr->s() : "";
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return ctx.fail("mode must be TF, IDF or TFIDF, got '" + mode + "'");
  std::optional<SmallVector<int64_t>> pool = ctx.intsAttr("pool_int64s");
  std::optional<SmallVector<int64_t>> starts = ctx.intsAttr("ngram_counts");
  std::optional<SmallVector<int64_t>> indexes = ctx.intsAttr("ngram_indexes");
  if (!pool || !starts || !indexes)
    return ctx.fail("needs pool_int64s, ngram_counts and ngram_indexes");
  int64_t minLength = ctx.intAttr("min_gram_length", 1);
  int64_t maxLength = ctx.intAttr("max_gram_length", 1);
  int64_t maxSkip = ctx.intAttr("max_skip_count", 0);
  if (minLength < 1 || maxLength < minLength || maxSkip < 0)
    return ctx.fail("needs 1 <= min_gram_length <= max_gram_length and "
                    "max_skip_count >= 0");
  SmallVector<double> weights;
  if (const onnx::AttributeProto *w = ctx.attr("weights"))
    weights.assign(w->floats().begin(), w->floats().end());

  // The pool holds the 1-grams from starts[0], the 2-grams from starts[1],
  // and so on; n-grams are numbered in pool order.
  SmallVector<int64_t> offsets, lengths, slots;
  SmallVector<double> ngramWeights;
  int64_t numbered = 0, poolSize = pool->size();
  for (size_t k = 1; k <= starts->size(); ++k) {
    int64_t begin = (*starts)[k - 1];
    int64_t end = k < starts->size() ? (*starts)[k] : poolSize;
    if (begin < 0 || end < begin || end > poolSize ||
        (end - begin) % static_cast<int64_t>(k) != 0)
      return ctx.fail("ngram_counts does not split the pool into " + Twine(k) +
                      "-grams");
    for (int64_t off = begin; off < end; off += k, ++numbered) {
      if (numbered >= static_cast<int64_t>(indexes->size()))
        return ctx.fail("ngram_indexes has fewer entries than the pool has "
                        "n-grams");
      if (!weights.empty() && numbered >= static_cast<int64_t>(weights.size()))
        return ctx.fail("weights has fewer entries than the pool has n-grams");
      if (static_cast<int64_t>(k) < minLength ||
          static_cast<int64_t>(k) > maxLength)
        continue;
      offsets.push_back(off);
      lengths.push_back(k);
      slots.push_back((*indexes)[numbered]);
      ngramWeights.push_back(weights.empty() ? 1.0 : weights[numbered]);
    }
  }
  int64_t numSlots = 0;
  for (int64_t i : *indexes) {
    if (i < 0)
      return ctx.fail("ngram_indexes must not be negative");
    numSlots = std::max(numSlots, i + 1);
  }
  SmallVector<int64_t> shape;
  if (type.getRank() == 2)
    shape.push_back(type.getDimSize(0));
  shape.push_back(numSlots);
  OpBuilder &b = ctx.builder;
  Value result = NgramCountOp::create(
      b, ctx.loc, RankedTensorType::get(shape, b.getF32Type()), *input,
      b.getDenseI64ArrayAttr(*pool), b.getDenseI64ArrayAttr(offsets),
      b.getDenseI64ArrayAttr(lengths), b.getDenseI64ArrayAttr(slots),
      b.getDenseF64ArrayAttr(ngramWeights), b.getI64IntegerAttr(maxSkip),
      b.getStringAttr(mode));
  return ctx.setOutputs({result});
}

} // namespace

void registerTextConverters(ConverterRegistry &r) {
  r.add("TfIdfVectorizer", 9, convertTfIdfVectorizer);
}

} // namespace blade::onnx_import
