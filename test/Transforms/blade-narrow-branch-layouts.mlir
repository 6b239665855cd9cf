// RUN: blade-opt %s -split-input-file -blade-narrow-branch-layouts | FileCheck %s

// Both branches cast a fresh identity-layout buffer to the dynamic layout
// bufferization chose: the result takes the identity layout, its users a
// cast of it.
// CHECK-LABEL: func.func @both_cast
// CHECK: %[[R:.+]] = scf.if %{{.+}} -> (memref<?x8xf32>) {
// CHECK:   %[[A:.+]] = memref.alloc
// CHECK:   scf.yield %[[A]] : memref<?x8xf32>
// CHECK: } else {
// CHECK:   %[[B:.+]] = memref.alloc
// CHECK:   scf.yield %[[B]] : memref<?x8xf32>
// CHECK: }
// CHECK: %[[C:.+]] = memref.cast %[[R]] : memref<?x8xf32> to memref<?x8xf32, strided<[?, ?], offset: ?>>
// CHECK: return %[[C]]
func.func @both_cast(%flag: i1, %n: index) -> memref<?x8xf32, strided<[?, ?], offset: ?>> {
  %0 = scf.if %flag -> (memref<?x8xf32, strided<[?, ?], offset: ?>>) {
    %a = memref.alloc(%n) : memref<?x8xf32>
    %ca = memref.cast %a : memref<?x8xf32> to memref<?x8xf32, strided<[?, ?], offset: ?>>
    scf.yield %ca : memref<?x8xf32, strided<[?, ?], offset: ?>>
  } else {
    %b = memref.alloc(%n) : memref<?x8xf32>
    %cb = memref.cast %b : memref<?x8xf32> to memref<?x8xf32, strided<[?, ?], offset: ?>>
    scf.yield %cb : memref<?x8xf32, strided<[?, ?], offset: ?>>
  }
  return %0 : memref<?x8xf32, strided<[?, ?], offset: ?>>
}

// -----

// A branch yielding a view (another layout) keeps the result as it is.
// CHECK-LABEL: func.func @view_in_one_branch
// CHECK: %[[R:.+]] = scf.if %{{.+}} -> (memref<?x8xf32, strided<[?, ?], offset: ?>>)
// CHECK: scf.yield %{{.+}} : memref<?x8xf32, strided<[?, ?], offset: ?>>
// CHECK: scf.yield %{{.+}} : memref<?x8xf32, strided<[?, ?], offset: ?>>
// CHECK: return %[[R]]
func.func @view_in_one_branch(%flag: i1, %n: index, %m: memref<?x16xf32>) -> memref<?x8xf32, strided<[?, ?], offset: ?>> {
  %0 = scf.if %flag -> (memref<?x8xf32, strided<[?, ?], offset: ?>>) {
    %a = memref.alloc(%n) : memref<?x8xf32>
    %ca = memref.cast %a : memref<?x8xf32> to memref<?x8xf32, strided<[?, ?], offset: ?>>
    scf.yield %ca : memref<?x8xf32, strided<[?, ?], offset: ?>>
  } else {
    %v = memref.subview %m[0, 0] [%n, 8] [1, 2] : memref<?x16xf32> to memref<?x8xf32, strided<[16, 2]>>
    %cv = memref.cast %v : memref<?x8xf32, strided<[16, 2]>> to memref<?x8xf32, strided<[?, ?], offset: ?>>
    scf.yield %cv : memref<?x8xf32, strided<[?, ?], offset: ?>>
  }
  return %0 : memref<?x8xf32, strided<[?, ?], offset: ?>>
}
