// RUN: blade-opt %s --split-input-file --blade-tile-and-vectorize=on-buffers=true | FileCheck %s

// A marked row on buffers: whole vectors of 16 up to 48, then the last 2
// elements as one peeled, masked step.
#row = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#bias = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @add_relu_row
// CHECK: scf.for %{{.*}} = %c0 to %c48 step %c16
// CHECK-NOT: mask
// CHECK:   vector.transfer_read {{.*}} : memref<16xf32, strided<[1], offset: ?>>, vector<16xf32>
// CHECK:   arith.addf {{.*}} : vector<16xf32>
// CHECK:   arith.maximumf {{.*}} : vector<16xf32>
// CHECK:   vector.transfer_write
// CHECK: }
// CHECK: %[[M:.*]] = vector.constant_mask [2] : vector<16xi1>
// CHECK: vector.transfer_read {{.*}}, %[[M]] {{.*}} : memref<1x1x2xf32, {{.*}}>, vector<16xf32>
// CHECK-NOT: linalg.generic
func.func @add_relu_row(%x: memref<1x1x50xf32, strided<[350, 50, 1], offset: ?>>, %b: memref<50xf32>, %y: memref<1x1x50xf32, strided<[350, 50, 1], offset: ?>>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#row, #bias, #row],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %b : memref<1x1x50xf32, strided<[350, 50, 1], offset: ?>>, memref<50xf32>)
      outs(%y : memref<1x1x50xf32, strided<[350, 50, 1], offset: ?>>) attrs = {blade.vector_rows} {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A row of run-time length: the peeled last step is masked; vector exp is a
// polynomial (no per-lane libm calls). Unmarked ops are left alone.
#v = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @exp_row
// CHECK: scf.for
// CHECK-NOT: math.exp {{.*}} vector
// CHECK:   math.fma {{.*}} : vector<16xf32>
// CHECK: vector.create_mask
// CHECK: linalg.generic
// CHECK:   math.exp {{.*}} : f32
func.func @exp_row(%x: memref<?xf32>, %y: memref<?xf32>, %z: memref<?xf32>) {
  linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]}
      ins(%x : memref<?xf32>) outs(%y : memref<?xf32>) attrs = {blade.vector_rows} {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]}
      ins(%x : memref<?xf32>) outs(%z : memref<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return
}
