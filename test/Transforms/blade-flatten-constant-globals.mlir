// RUN: blade-opt %s -blade-flatten-constant-globals | FileCheck %s

// A 2-D constant global becomes 1-D; each get of it is reshaped back. 1-D
// globals and globals without an initial value stay.
// CHECK: memref.global "private" constant @w : memref<6xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]>
// CHECK: memref.global "private" constant @v : memref<3xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK: memref.global "private" @buf : memref<2x2xf32> = uninitialized
// CHECK-LABEL: func.func @use
// CHECK: %[[F:.+]] = memref.get_global @w : memref<6xf32>
// CHECK: %[[W:.+]] = memref.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
// CHECK: %[[V:.+]] = memref.get_global @v : memref<3xf32>
// CHECK: %[[B:.+]] = memref.get_global @buf : memref<2x2xf32>
// CHECK: return %[[W]], %[[V]], %[[B]]
memref.global "private" constant @w : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
memref.global "private" constant @v : memref<3xf32> = dense<[1.0, 2.0, 3.0]>
memref.global "private" @buf : memref<2x2xf32> = uninitialized
func.func @use() -> (memref<2x3xf32>, memref<3xf32>, memref<2x2xf32>) {
  %0 = memref.get_global @w : memref<2x3xf32>
  %1 = memref.get_global @v : memref<3xf32>
  %2 = memref.get_global @buf : memref<2x2xf32>
  return %0, %1, %2 : memref<2x3xf32>, memref<3xf32>, memref<2x2xf32>
}
