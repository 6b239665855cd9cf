//===- BladeTextOps.td - Token sequence ops -----------------*- tablegen -*-===//
//
// Operations on sequences of integer tokens (ONNX TfIdfVectorizer).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADETEXTOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADETEXTOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Blade_NgramCountOp : Blade_Op<"ngram_count", [Pure]> {
  let summary = "Weighted n-gram counts of token rows (ONNX TfIdfVectorizer)";
  let description = [{
    The operand is one row `[C]` or rows `[N, C]` of integer tokens. N-gram
    `p` is the `ngram_lengths[p]` tokens of `pool` starting at
    `ngram_offsets[p]`; it is looked for at every start with every gap of
    `s` tokens (`0 <= s <= max_skip`, unigrams once). Result element
    `[.., j]` sums, over the n-grams with `ngram_indexes[p] == j`, the count
    (`mode` "TF"), `weights[p]` if the count is non-zero ("IDF"), or the
    count times `weights[p]` ("TFIDF"). The last result dim is the number of
    output slots.

    Example:

    ```mlir
    %y = blade.ngram_count %x {max_skip = 0 : i64, mode = "TF",
        ngram_indexes = array<i64: 0, 1>, ngram_lengths = array<i64: 2, 2>,
        ngram_offsets = array<i64: 0, 2>, pool = array<i64: 5, 6, 7, 8>,
        weights = array<f64: 1.0, 1.0>} : tensor<?x6xi32> -> tensor<?x2xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32, I64]>:$input,
                       DenseI64ArrayAttr:$pool,
                       DenseI64ArrayAttr:$ngram_offsets,
                       DenseI64ArrayAttr:$ngram_lengths,
                       DenseI64ArrayAttr:$ngram_indexes,
                       DenseF64ArrayAttr:$weights, I64Attr:$max_skip,
                       StrAttr:$mode);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADETEXTOPS_TD
