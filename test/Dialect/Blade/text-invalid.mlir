// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @slot_out_of_range(%x: tensor<6xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{n-gram 0 maps to slot 2, outside [0, 2)}}
  %0 = blade.ngram_count %x {max_skip = 0 : i64, mode = "TF", ngram_indexes = array<i64: 2>, ngram_lengths = array<i64: 1>, ngram_offsets = array<i64: 0>, pool = array<i64: 1>, weights = array<f64: 1.0>} : tensor<6xi64> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @outside_pool(%x: tensor<6xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{n-gram 0 lies outside the pool}}
  %0 = blade.ngram_count %x {max_skip = 0 : i64, mode = "TF", ngram_indexes = array<i64: 0>, ngram_lengths = array<i64: 2>, ngram_offsets = array<i64: 0>, pool = array<i64: 1>, weights = array<f64: 1.0>} : tensor<6xi64> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @bad_mode(%x: tensor<2x6xi32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{mode must be TF, IDF or TFIDF, got BM25}}
  %0 = blade.ngram_count %x {max_skip = 0 : i64, mode = "BM25", ngram_indexes = array<i64: 0>, ngram_lengths = array<i64: 1>, ngram_offsets = array<i64: 0>, pool = array<i64: 1>, weights = array<f64: 1.0>} : tensor<2x6xi32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
