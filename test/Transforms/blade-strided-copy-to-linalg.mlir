// RUN: blade-opt %s -split-input-file -blade-strided-copy-to-linalg | FileCheck %s

// A copy into a strided view becomes linalg.copy.
// CHECK-LABEL: func.func @into_subview
// CHECK-SAME: (%[[SRC:.+]]: memref<2x2xf32>, %[[DST:.+]]: memref<4x4xf32>)
func.func @into_subview(%src: memref<2x2xf32>, %dst: memref<4x4xf32>) {
  // CHECK: %[[VIEW:.+]] = memref.subview %[[DST]]
  %view = memref.subview %dst[1, 1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  // CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<2x2xf32>) outs(%[[VIEW]] : memref<2x2xf32, strided<[4, 1], offset: 5>>)
  // CHECK-NOT: memref.copy
  memref.copy %src, %view : memref<2x2xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  return
}

// -----

// A copy between contiguous buffers stays a memref.copy (memcpy).
// CHECK-LABEL: func.func @contiguous
func.func @contiguous(%src: memref<?xf32>, %dst: memref<?xf32>) {
  // CHECK: memref.copy
  // CHECK-NOT: linalg.copy
  memref.copy %src, %dst : memref<?xf32> to memref<?xf32>
  return
}
