// RUN: blade-opt %s -split-input-file -blade-release-buffers-early | FileCheck %s

func.func private @use(memref<*xf32>)

// Each buffer is freed right after the last op that reads or writes it or a
// view of it (a transpose and an unranked cast here).
// CHECK-LABEL: func.func @chain
func.func @chain(%n: index) {
  // CHECK: %[[A:.+]] = memref.alloc
  %a = memref.alloc(%n) : memref<?x8xf32>
  // CHECK: %[[B:.+]] = memref.alloc
  %b = memref.alloc(%n) : memref<?x8xf32>
  // CHECK: linalg.copy ins(%[[A]] {{.*}} outs(%[[B]]
  linalg.copy ins(%a : memref<?x8xf32>) outs(%b : memref<?x8xf32>)
  // CHECK: %[[C:.+]] = memref.alloc
  %c = memref.alloc(%n) : memref<?x8xf32>
  // CHECK: %[[T:.+]] = memref.transpose %[[B]]
  %t = memref.transpose %b (d0, d1) -> (d1, d0) : memref<?x8xf32> to memref<8x?xf32, strided<[1, 8]>>
  // CHECK: %[[U:.+]] = memref.cast %[[T]]
  %u = memref.cast %t : memref<8x?xf32, strided<[1, 8]>> to memref<*xf32>
  // CHECK: linalg.copy ins(%[[A]] {{.*}} outs(%[[C]]
  linalg.copy ins(%a : memref<?x8xf32>) outs(%c : memref<?x8xf32>)
  // CHECK-NEXT: memref.dealloc %[[A]]
  // CHECK-NEXT: call @use(%[[U]])
  call @use(%u) : (memref<*xf32>) -> ()
  // CHECK-NEXT: memref.dealloc %[[B]]
  // CHECK-NEXT: memref.cast %[[C]]
  // CHECK-NEXT: call @use
  %v = memref.cast %c : memref<?x8xf32> to memref<*xf32>
  call @use(%v) : (memref<*xf32>) -> ()
  // CHECK-NEXT: memref.dealloc %[[C]]
  // CHECK-NEXT: return
  memref.dealloc %a : memref<?x8xf32>
  memref.dealloc %b : memref<?x8xf32>
  memref.dealloc %c : memref<?x8xf32>
  return
}

// -----

// A use nested in a loop keeps the buffer until the loop is done.
// CHECK-LABEL: func.func @nested
func.func @nested(%n: index, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = arith.constant 1.0 : f32
  // CHECK: %[[A:.+]] = memref.alloc
  %a = memref.alloc() : memref<4xf32>
  // CHECK: scf.for
  scf.for %i = %c0 to %n step %c1 {
    %s = memref.subview %a[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
    %x = memref.load %s[%c0] : memref<2xf32, strided<[1]>>
    memref.store %x, %out[%c1] : memref<4xf32>
  }
  // CHECK: }
  // CHECK-NEXT: memref.dealloc %[[A]]
  // CHECK-NEXT: memref.store
  memref.store %y, %out[%c0] : memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  return
}

// -----

// A buffer that a region yields, or that an op turns into another buffer it
// does not know to be a view, keeps its free at the end.
// CHECK-LABEL: func.func @escapes
func.func @escapes(%flag: i1, %out: memref<4xf32>) {
  // CHECK: %[[A:.+]] = memref.alloc
  %a = memref.alloc() : memref<4xf32>
  // CHECK: %[[B:.+]] = memref.alloc
  %b = memref.alloc() : memref<4xf32>
  %picked = scf.if %flag -> memref<4xf32> {
    scf.yield %a : memref<4xf32>
  } else {
    scf.yield %out : memref<4xf32>
  }
  %p = memref.extract_aligned_pointer_as_index %b : memref<4xf32> -> index
  memref.copy %picked, %out : memref<4xf32> to memref<4xf32>
  // CHECK: memref.copy
  // CHECK-NEXT: memref.dealloc %[[A]]
  // CHECK-NEXT: memref.dealloc %[[B]]
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  return
}

// -----

// A free in another block than the allocation stays where it is.
// CHECK-LABEL: func.func @other_block
func.func @other_block(%flag: i1) {
  // CHECK: %[[A:.+]] = memref.alloc
  %a = memref.alloc() : memref<4xf32>
  %c0 = arith.constant 0 : index
  %x = memref.load %a[%c0] : memref<4xf32>
  // CHECK: scf.if
  // CHECK-NEXT: memref.dealloc %[[A]]
  scf.if %flag {
    memref.dealloc %a : memref<4xf32>
  }
  return
}
