// RUN: blade-opt %s --split-input-file --blade-tile-and-vectorize | FileCheck %s
// RUN: blade-opt %s --split-input-file --blade-tile-and-vectorize=vectorize=false | FileCheck %s --check-prefix=SCALAR

// An elementwise op with a broadcast operand: a parallel tile per row
// (leading dims by 1), marked to be vectorized after bufferization.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#bias = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @add_relu
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]]) in (%{{.*}}, 7)
// CHECK:   linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x50xf32>, tensor<50xf32>) outs(%{{.*}} : tensor<1x1x50xf32>) attrs =  {blade.vector_rows}
// SCALAR-LABEL: func.func @add_relu
// SCALAR: scf.forall
// SCALAR:   linalg.generic
// SCALAR-NOT: vector.
func.func @add_relu(%x: tensor<?x7x50xf32>, %b: tensor<50xf32>) -> tensor<?x7x50xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x7x50xf32>
  %init = tensor.empty(%n) : tensor<?x7x50xf32>
  %r = linalg.generic {indexing_maps = [#id, #bias, #id],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<?x7x50xf32>, tensor<50xf32>) outs(%init : tensor<?x7x50xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x7x50xf32>
  return %r : tensor<?x7x50xf32>
}

// -----

// An innermost reduction: per row, a 16-lane accumulator carried by the loop
// (starting at the combiner's neutral element), then one lane reduction.
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_max
// CHECK: scf.forall (%{{.*}}) in (%{{.*}})
// CHECK:   %[[ACC:.*]]:2 = scf.for {{.*}} step %c16 iter_args(%{{.*}} = %{{.*}}, %[[A:.*]] = %{{.*}}) -> (tensor<1x16xf32>, vector<16xf32>)
// CHECK:     %[[V:.*]] = vector.transfer_read
// CHECK:     %[[MAX:.*]] = arith.maximumf %[[V]], %[[A]] : vector<16xf32>
// CHECK:     scf.yield %{{.*}}, %[[MAX]]
// CHECK:   vector.transfer_write %[[ACC]]#1
// CHECK:   vector.multi_reduction <maximumf>
func.func @row_max(%x: tensor<?x768xf32>, %init: tensor<?xf32>) -> tensor<?xf32> {
  %r = linalg.generic {indexing_maps = [#in, #out],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<?x768xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %o : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// A transpose reads the innermost loop with a stride: parallel tiles, but
// no vectors. Integer division stays scalar (masked lanes would trap).
#t_in = affine_map<(d0, d1) -> (d1, d0)>
#t_out = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @transpose_and_div
// CHECK: scf.forall
// CHECK:   linalg.generic
// CHECK: scf.forall
// CHECK:   linalg.generic
// CHECK:     arith.divsi
// CHECK-NOT: vector.
func.func @transpose_and_div(%x: tensor<64x32xi32>, %y: tensor<32x64xi32>) -> (tensor<32x64xi32>, tensor<32x64xi32>) {
  %init = tensor.empty() : tensor<32x64xi32>
  %t = linalg.generic {indexing_maps = [#t_in, #t_out],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x32xi32>) outs(%init : tensor<32x64xi32>) {
  ^bb0(%a: i32, %o: i32):
    linalg.yield %a : i32
  } -> tensor<32x64xi32>
  %d = linalg.generic {indexing_maps = [#t_out, #t_out, #t_out],
                       iterator_types = ["parallel", "parallel"]}
      ins(%t, %y : tensor<32x64xi32>, tensor<32x64xi32>) outs(%init : tensor<32x64xi32>) {
  ^bb0(%a: i32, %b: i32, %o: i32):
    %q = arith.divsi %a, %b : i32
    linalg.yield %q : i32
  } -> tensor<32x64xi32>
  return %t, %d : tensor<32x64xi32>, tensor<32x64xi32>
}

// -----

// A rank-1 op is cut into chunks of 4096 elements.
#v = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @exp_1d
// CHECK: scf.forall (%{{.*}}) = (0) to (%{{.*}}) step (4096)
// CHECK:   linalg.generic {{.*}} tensor<?xf32>{{.*}} attrs =  {blade.vector_rows}
func.func @exp_1d(%x: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %init = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// NCHW plus a per-channel [C, 1, 1] operand: the operand loses its unit dims,
// then H and W merge into one row of 3136 per (n, c).
#act = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
// CHECK-LABEL: func.func @bias_nchw
// CHECK-DAG: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<64x1x1xf32> into tensor<64xf32>
// CHECK-DAG: tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<?x64x56x56xf32> into tensor<?x64x3136xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (%{{.*}}, 64)
// CHECK:   linalg.generic {{.*}} tensor<1x1x3136xf32>{{.*}} attrs =  {blade.vector_rows}
// CHECK: tensor.expand_shape
func.func @bias_nchw(%x: tensor<?x64x56x56xf32>, %b: tensor<64x1x1xf32>) -> tensor<?x64x56x56xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64x56x56xf32>
  %init = tensor.empty(%n) : tensor<?x64x56x56xf32>
  %r = linalg.generic {indexing_maps = [#act, #chan, #act],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<?x64x56x56xf32>, tensor<64x1x1xf32>) outs(%init : tensor<?x64x56x56xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<?x64x56x56xf32>
  return %r : tensor<?x64x56x56xf32>
}

// -----

// A reduction over H and W (global average pooling) reduces one merged row.
#nchw = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#nc = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @sum_hw
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<?x32x7x7xf32> into tensor<?x32x49xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (%{{.*}}, 32)
// CHECK:   scf.for {{.*}} -> (tensor<1x1x16xf32>, vector<16xf32>)
// CHECK:     arith.addf {{.*}} : vector<16xf32>
// CHECK:   vector.multi_reduction <add>
func.func @sum_hw(%x: tensor<?x32x7x7xf32>, %init: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %r = linalg.generic {indexing_maps = [#nchw, #nc],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<?x32x7x7xf32>) outs(%init : tensor<?x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}

// -----

// A row of a stitched fusion group (blade.fused loop) whose output became a
// fresh tensor.empty (MLIR's elementwise fusion does that to outputs the
// body does not read) writes into the loop's output slice again, and is
// marked to be vectorized without being tiled again.
// CHECK-LABEL: func.func @fused_row_in_place
// CHECK: scf.forall (%[[I:.+]]) in (8) shared_outs(%[[OUT:.+]] = %{{.+}})
// CHECK-NOT: scf.forall
// CHECK: %[[SLICE:.+]] = tensor.extract_slice %[[OUT]][%[[I]], 0] [1, 64] [1, 1]
// CHECK: %[[ROW:.+]] = tensor.collapse_shape %[[SLICE]]
// CHECK: linalg.generic {{.*}} outs(%[[ROW]] : tensor<64xf32>) attrs = {blade.vector_rows}
// CHECK: tensor.parallel_insert_slice %{{.+}} into %[[OUT]][%[[I]], 0] [1, 64] [1, 1]
// CHECK: } {blade.fused}
func.func @fused_row_in_place(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %init = tensor.empty() : tensor<8x64xf32>
  %r = scf.forall (%i) in (8) shared_outs(%out = %init) -> (tensor<8x64xf32>) {
    %row = tensor.extract_slice %x[%i, 0] [1, 64] [1, 1] : tensor<8x64xf32> to tensor<1x64xf32>
    %e = tensor.empty() : tensor<1x64xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%row : tensor<1x64xf32>) outs(%e : tensor<1x64xf32>) {
    ^bb0(%in: f32, %o: f32):
      %n = arith.negf %in : f32
      linalg.yield %n : f32
    } -> tensor<1x64xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %y into %out[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<8x64xf32>
    }
  } {blade.fused}
  return %r : tensor<8x64xf32>
}

// -----

// The first operand leaves the middle loop dynamic where the result has it
// static (x[?, ?, 192] + b[17, 192] -> [?, 17, 192]): the expand_shape that
// restores the collapsed result takes 17 from the result type (a dynamic
// size there is a memref.expand_shape bufferization rejects).
// CHECK-LABEL: func.func @collapse_static_result_dim
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<?x?x192xf32> into tensor<?x?xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 17, 192] : tensor<?x3264xf32> into tensor<?x17x192xf32>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row3 = affine_map<(d0, d1, d2) -> (d1, d2)>
func.func @collapse_static_result_dim(%x: tensor<?x?x192xf32>, %b: tensor<17x192xf32>) -> tensor<?x17x192xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x?x192xf32>
  %init = tensor.empty(%n) : tensor<?x17x192xf32>
  %r = linalg.generic {indexing_maps = [#id3, #row3, #id3],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<?x?x192xf32>, tensor<17x192xf32>)
      outs(%init : tensor<?x17x192xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<?x17x192xf32>
  return %r : tensor<?x17x192xf32>
}

// -----

// TopK's ranks: an innermost reduction whose body reads its own position
// (linalg.index 2). Tiled into 16-lane steps, the position is the step's
// start plus the lane (MLIR 22's partial-reduction tiling leaves it out).
// CHECK-LABEL: func.func @reduction_reads_its_index
// CHECK: scf.forall (%{{.+}}, %[[I:.+]]) in (32, 64)
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:   %[[STEP:.+]] = vector.step : vector<16xindex>
// CHECK:   %[[JB:.+]] = vector.broadcast %[[J]] : index to vector<16xindex>
// CHECK:   %[[POS:.+]] = arith.addi %[[JB]], %[[STEP]] : vector<16xindex>
// CHECK:   %[[IB:.+]] = vector.broadcast %[[I]] : index to vector<16xindex>
// CHECK:   arith.cmpi ult, %[[POS]], %[[IB]] : vector<16xindex>
func.func @reduction_reads_its_index(%x: tensor<32x64xf32>) -> tensor<32x64xi64> {
  %c0 = arith.constant 0 : i64
  %e = tensor.empty() : tensor<32x64xi64>
  %f = linalg.fill ins(%c0 : i64) outs(%e : tensor<32x64xi64>) -> tensor<32x64xi64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %x : tensor<32x64xf32>, tensor<32x64xf32>) outs(%f : tensor<32x64xi64>) {
  ^bb0(%a: f32, %b: f32, %acc: i64):
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %gt = arith.cmpf ogt, %b, %a : f32
    %eq = arith.cmpf oeq, %b, %a : f32
    %lt = arith.cmpi ult, %j, %i : index
    %tie = arith.andi %eq, %lt : i1
    %before = arith.ori %gt, %tie : i1
    %inc = arith.extui %before : i1 to i64
    %s = arith.addi %acc, %inc : i64
    linalg.yield %s : i64
  } -> tensor<32x64xi64>
  return %r : tensor<32x64xi64>
}
