// RUN: blade-opt %s -split-input-file | FileCheck %s
// RUN: blade-opt %s -split-input-file | blade-opt -split-input-file | FileCheck %s

// Every blade op parses, verifies and prints back in its declared format.

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<?x16xf32>, %b: tensor<16xf32>) -> tensor<?x16xf32> {
  // CHECK: %[[A:.+]] = blade.add %{{.+}}, %{{.+}} : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %0 = blade.add %x, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  // CHECK: %[[S:.+]] = blade.sub %[[A]], %{{.+}}
  %1 = blade.sub %0, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  // CHECK: %[[M:.+]] = blade.mul %[[S]], %[[S]]
  %2 = blade.mul %1, %1 : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  // CHECK: %[[D:.+]] = blade.div %[[M]], %{{.+}}
  %3 = blade.div %2, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  // CHECK: %[[R:.+]] = blade.relu %[[D]] : tensor<?x16xf32>
  %4 = blade.relu %3 : tensor<?x16xf32>
  // CHECK: %[[G:.+]] = blade.sigmoid %[[R]] : tensor<?x16xf32>
  %5 = blade.sigmoid %4 : tensor<?x16xf32>
  // CHECK: blade.tanh %[[G]] : tensor<?x16xf32>
  %6 = blade.tanh %5 : tensor<?x16xf32>
  return %6 : tensor<?x16xf32>
}

// -----

// CHECK-LABEL: func.func @integer_elementwise
func.func @integer_elementwise(%x: tensor<2x3xi64>, %y: tensor<1x3xi64>) -> tensor<2x3xi64> {
  // CHECK: blade.div %{{.+}}, %{{.+}} : (tensor<2x3xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  %0 = blade.div %x, %y : (tensor<2x3xi64>, tensor<1x3xi64>) -> tensor<2x3xi64>
  // CHECK: blade.relu %{{.+}} : tensor<2x3xi64>
  %1 = blade.relu %0 : tensor<2x3xi64>
  return %1 : tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func.func @structured
func.func @structured(%x: tensor<?x4x2xf32>, %w: tensor<8x10xf32>) -> tensor<10x?xf32> {
  // CHECK: blade.constant dense<1.000000e+00> : tensor<10xf32>
  %c = blade.constant dense<1.0> : tensor<10xf32>
  // CHECK: blade.reshape %{{.+}} : (tensor<?x4x2xf32>) -> tensor<?x8xf32>
  %0 = blade.reshape %x : (tensor<?x4x2xf32>) -> tensor<?x8xf32>
  // CHECK: blade.matmul %{{.+}}, %{{.+}} : (tensor<?x8xf32>, tensor<8x10xf32>) -> tensor<?x10xf32>
  %1 = blade.matmul %0, %w : (tensor<?x8xf32>, tensor<8x10xf32>) -> tensor<?x10xf32>
  // CHECK: blade.softmax %{{.+}} {axis = 1 : i64} : tensor<?x10xf32>
  %2 = blade.softmax %1 {axis = 1 : i64} : tensor<?x10xf32>
  // CHECK: blade.transpose %{{.+}}, [1, 0] : (tensor<?x10xf32>) -> tensor<10x?xf32>
  %3 = blade.transpose %2, [1, 0] : (tensor<?x10xf32>) -> tensor<10x?xf32>
  return %3 : tensor<10x?xf32>
}

// -----

// Batched products broadcast their batch dims.
// CHECK-LABEL: func.func @batched_matmul
func.func @batched_matmul(%a: tensor<?x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<?x3x4x5xf32> {
  // CHECK: blade.matmul {{.*}} -> tensor<?x3x4x5xf32>
  %0 = blade.matmul %a, %b : (tensor<?x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<?x3x4x5xf32>
  return %0 : tensor<?x3x4x5xf32>
}
