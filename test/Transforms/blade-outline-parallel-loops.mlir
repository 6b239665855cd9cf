// RUN: blade-opt %s --blade-outline-parallel-loops | FileCheck %s

// The outermost scf.parallel becomes one runtime call: the trip counts and
// the captured values (memrefs, a scalar) travel in a stack struct, the body
// runs a linearized range of iterations in an outlined function. Constants
// are rebuilt in the body instead of captured. The nested loop stays inside.
// CHECK-LABEL: func.func @scale
// CHECK-SAME: (%[[X:.*]]: memref<?x64xf32>, %[[Y:.*]]: memref<?x64xf32>, %[[S:.*]]: f32)
// CHECK: %[[SLOT:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, f32, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, i64, i64)>
// CHECK: %[[N:.*]] = memref.dim %[[X]]
// CHECK: %[[T0:.*]] = arith.ceildivsi
// CHECK: %[[T1:.*]] = arith.ceildivsi
// CHECK: builtin.unrealized_conversion_cast %[[X]] : memref<?x64xf32> to !llvm.struct
// CHECK: llvm.insertvalue %[[S]], %{{.*}}[1]
// CHECK: llvm.store %{{.*}}, %[[SLOT]]
// CHECK: arith.muli
// CHECK: %[[TOTAL:.*]] = arith.muli
// CHECK: %[[TOTAL64:.*]] = arith.index_cast %[[TOTAL]] : index to i64
// CHECK: %[[COST:.*]] = arith.constant {{[0-9]+}} : i64
// CHECK: %[[FN:.*]] = constant @scale_parallel_0 : (index, index, !llvm.ptr) -> ()
// CHECK: call @blade_rt_parallel_for(%[[TOTAL64]], %[[COST]], %[[FN]], %[[SLOT]])
// CHECK-NOT: scf.parallel
// CHECK: func.func private @scale_parallel_0(%[[B:.*]]: index, %[[E:.*]]: index, %[[CTX:.*]]: !llvm.ptr)
// CHECK:   llvm.load %[[CTX]]
// CHECK:   scf.for %[[L:.*]] = %[[B]] to %[[E]]
// CHECK:     arith.remsi %[[L]]
// CHECK:     arith.divsi %[[L]]
// CHECK:     scf.for
// CHECK:       memref.load
// CHECK:       arith.mulf
// CHECK:       memref.store
// CHECK: func.func private @blade_rt_parallel_for(i64, i64, (index, index, !llvm.ptr) -> (), !llvm.ptr)
func.func @scale(%x: memref<?x64xf32>, %y: memref<?x64xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %n = memref.dim %x, %c0 : memref<?x64xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c64) step (%c1, %c4) {
    scf.for %k = %c0 to %c4 step %c1 {
      %jk = arith.addi %j, %k : index
      %v = memref.load %x[%i, %jk] : memref<?x64xf32>
      %w = arith.mulf %v, %s : f32
      memref.store %w, %y[%i, %jk] : memref<?x64xf32>
    }
    scf.reduce
  }
  return
}
