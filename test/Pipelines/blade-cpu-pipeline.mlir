// RUN: blade-opt %s -blade-cpu-pipeline | FileCheck %s
// RUN: blade-opt %s -blade-graph-pipeline -blade-bufferize-pipeline | FileCheck %s --check-prefix=BUF

// The whole CPU pipeline takes blade IR with dynamic dims to LLVM dialect
// with a C-interface wrapper for the runtime.

// CHECK-NOT: blade.
// CHECK-NOT: linalg.
// CHECK-NOT: memref.
// CHECK-NOT: @malloc
// CHECK: llvm.call @_mlir_ciface_blade_rt_matmul_f32(%{{.+}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64, f32) -> ()
// CHECK: llvm.func @_mlir_ciface_blade_rt_matmul_f32(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64, f32)
// CHECK: llvm.func @main_graph(
// CHECK: llvm.call @blade_rt_aligned_alloc
// CHECK: llvm.call @blade_rt_matmul_f32(
// CHECK-NOT: @malloc
// CHECK: llvm.func @_mlir_ciface_main_graph(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)

// The bufferized form: read-only argument, transpose folded into a
// constant, the product and its relu computed by the oneDNN kernel (flags
// 1026: relu post-op, constant weights) into the buffer returned.
// BUF-LABEL: func.func @main_graph
// BUF-SAME: (%[[X:.+]]: memref<?x4xf32>) -> memref<?x3xf32>
// BUF-DAG: %[[FLAGS:.+]] = arith.constant 1026 : i64
// BUF-DAG: memref.get_global
// BUF: %[[P:.+]] = memref.alloc(%{{.+}}) {{.*}}: memref<?x3xf32>
// BUF: %[[PU:.+]] = memref.cast %[[P]] : memref<?x3xf32> to memref<*xf32>
// BUF: call @blade_rt_matmul_f32(%{{.+}}, %{{.+}}, %[[PU]], %[[PU]], %{{.+}}, %[[FLAGS]], %{{.+}})
// BUF-NOT: linalg.generic
// BUF: return %[[P]]
func.func @main_graph(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %w = blade.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %wt = blade.transpose %w, [1, 0] : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %0 = blade.matmul %x, %wt : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = blade.relu %0 : tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
