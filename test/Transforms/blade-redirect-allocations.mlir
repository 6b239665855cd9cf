// RUN: blade-opt %s -split-input-file -blade-redirect-allocations | FileCheck %s

// MLIR's generic allocation functions and their calls get the runtime's names.
// CHECK-NOT: _mlir_memref_to_llvm
// CHECK-DAG: llvm.func @blade_rt_aligned_alloc(i64, i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @blade_rt_free(!llvm.ptr)
// CHECK-LABEL: llvm.func @f
llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
llvm.func @f(%size: i64) {
  %align = llvm.mlir.constant(64 : i64) : i64
  // CHECK: %[[P:.+]] = llvm.call @blade_rt_aligned_alloc(%{{.+}}, %{{.+}})
  %p = llvm.call @_mlir_memref_to_llvm_aligned_alloc(%align, %size) : (i64, i64) -> !llvm.ptr
  // CHECK: llvm.call @blade_rt_free(%[[P]])
  // CHECK-NOT: _mlir_memref_to_llvm
  llvm.call @_mlir_memref_to_llvm_free(%p) : (!llvm.ptr) -> ()
  llvm.return
}

// -----

// A declaration of the runtime's function that is already there is kept and
// the generic one goes.
// CHECK-LABEL: llvm.func @blade_rt_alloc(i64) -> !llvm.ptr
// CHECK-NOT: _mlir_memref_to_llvm_alloc
// CHECK: llvm.call @blade_rt_alloc
// CHECK: llvm.call @blade_rt_alloc
llvm.func @blade_rt_alloc(i64) -> !llvm.ptr
llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
llvm.func @g(%size: i64) -> !llvm.ptr {
  %p = llvm.call @_mlir_memref_to_llvm_alloc(%size) : (i64) -> !llvm.ptr
  %q = llvm.call @blade_rt_alloc(%size) : (i64) -> !llvm.ptr
  llvm.return %q : !llvm.ptr
}
