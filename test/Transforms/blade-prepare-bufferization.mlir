// RUN: blade-opt %s -split-input-file -blade-prepare-bufferization | FileCheck %s

// Arguments become read-only, the C interface is requested, and a result
// that is an argument gets its own copy.
// CHECK-LABEL: func.func @returns_argument
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32> {bufferization.writable = false})
// CHECK-SAME: attributes {llvm.emit_c_interface}
func.func @returns_argument(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK: %[[D:.+]] = tensor.dim %[[X]]
  // CHECK: %[[E:.+]] = tensor.empty(%[[D]])
  // CHECK: %[[C:.+]] = linalg.copy ins(%[[X]] : tensor<?x4xf32>) outs(%[[E]] : tensor<?x4xf32>)
  // CHECK: return %[[C]]
  return %x : tensor<?x4xf32>
}

// -----

// Views of arguments and constants are copied too.
// CHECK-LABEL: func.func @returns_views
func.func @returns_views(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<2xf32>) {
  %shape = arith.constant dense<[6]> : tensor<1xindex>
  %r = tensor.reshape %x(%shape) : (tensor<2x3xf32>, tensor<1xindex>) -> tensor<6xf32>
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK: %[[R:.+]] = tensor.reshape
  // CHECK: %[[C:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00]>
  // CHECK: %[[R2:.+]] = linalg.copy ins(%[[R]] :
  // CHECK: %[[C2:.+]] = linalg.copy ins(%[[C]] :
  // CHECK: return %[[R2]], %[[C2]]
  return %r, %c : tensor<6xf32>, tensor<2xf32>
}

// -----

// A value returned twice is copied the second time only; a fresh result is
// left alone.
// CHECK-LABEL: func.func @returns_twice
func.func @returns_twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.copy ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  // CHECK: %[[Y:.+]] = linalg.copy ins(%{{.+}} : tensor<4xf32>)
  // CHECK: %[[Y2:.+]] = linalg.copy ins(%[[Y]] : tensor<4xf32>)
  // CHECK: return %[[Y]], %[[Y2]]
  return %y, %y : tensor<4xf32>, tensor<4xf32>
}

// -----

// Private functions are not entry points and keep their contract.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.+}}: tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NEXT: return
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
