// RUN: blade-opt %s -blade-lower-to-linalg | FileCheck %s

// Per (row, slot): loop over the n-grams of that slot, then over starts and
// tokens (one start loop per gap), comparing against the constant pool.
// CHECK-LABEL: func.func @ngram_count
// CHECK-DAG: %[[POOL:.+]] = arith.constant dense<[5, 6, 7, 8]> : tensor<4xi64>
// CHECK-DAG: %[[W:.+]] = arith.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic
// CHECK: %[[SLOT:.+]] = linalg.index 1 : index
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (f32)
// CHECK: arith.cmpi eq, %{{.+}}, %[[SLOT]] : index
// CHECK: scf.if
// CHECK-COUNT-2: scf.for {{.*}} -> (i64)
// CHECK: tensor.extract %[[POOL]]
// CHECK: tensor.extract %[[W]]
// CHECK: arith.mulf
func.func @ngram_count(%x: tensor<?x6xi32>) -> tensor<?x2xf32> {
  %0 = blade.ngram_count %x {max_skip = 1 : i64, mode = "TFIDF", ngram_indexes = array<i64: 1, 0>, ngram_lengths = array<i64: 2, 2>, ngram_offsets = array<i64: 0, 2>, pool = array<i64: 5, 6, 7, 8>, weights = array<f64: 2.0, 3.0>} : tensor<?x6xi32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
