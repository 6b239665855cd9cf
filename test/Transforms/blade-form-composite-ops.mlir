// RUN: blade-opt %s -split-input-file -blade-form-composite-ops | FileCheck %s

// The PyTorch export of nn.GELU(): (x * (erf(x / sqrt(2)) + 1)) * 0.5.
// CHECK-LABEL: func.func @gelu_erf_torch
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
// CHECK-NEXT: %[[G:.+]] = blade.gelu %[[X]] : tensor<?x8xf32>
// CHECK-NEXT: return %[[G]]
func.func @gelu_erf_torch(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %sqrt2 = blade.constant dense<1.41421354> : tensor<f32>
  %one = blade.constant dense<1.0> : tensor<f32>
  %half = blade.constant dense<0.5> : tensor<f32>
  %0 = blade.div %x, %sqrt2 : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  %1 = blade.erf %0 : tensor<?x8xf32>
  %2 = blade.add %1, %one : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  %3 = blade.mul %x, %2 : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %4 = blade.mul %3, %half : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  return %4 : tensor<?x8xf32>
}

// -----

// Another grouping: 0.5 * x first, erf(x * 0.7071), 1 on the left, 1-element
// constants of rank 1.
// CHECK-LABEL: func.func @gelu_erf_regrouped
// CHECK-NEXT: %[[G:.+]] = blade.gelu %arg0 : tensor<4x8xf32>
// CHECK-NEXT: return %[[G]]
func.func @gelu_erf_regrouped(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = blade.constant dense<0.707106769> : tensor<1xf32>
  %one = blade.constant dense<1.0> : tensor<1xf32>
  %half = blade.constant dense<0.5> : tensor<f32>
  %0 = blade.mul %half, %x : (tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = blade.mul %x, %c : (tensor<4x8xf32>, tensor<1xf32>) -> tensor<4x8xf32>
  %2 = blade.erf %1 : tensor<4x8xf32>
  %3 = blade.add %one, %2 : (tensor<1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = blade.mul %0, %3 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %4 : tensor<4x8xf32>
}

// -----

// The tanh approximation with pow(x, 3), and with x * x * x; the division by
// 2 stands for * 0.5.
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-NEXT: %[[A:.+]] = blade.gelu %arg0 {approximate = "tanh"} : tensor<?xf32>
// CHECK-NEXT: %[[B:.+]] = blade.gelu %arg0 {approximate = "tanh"} : tensor<?xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @gelu_tanh(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %three = blade.constant dense<3.0> : tensor<f32>
  %k = blade.constant dense<0.044715> : tensor<f32>
  %s = blade.constant dense<0.797884583> : tensor<f32>
  %one = blade.constant dense<1.0> : tensor<f32>
  %two = blade.constant dense<2.0> : tensor<f32>
  %half = blade.constant dense<0.5> : tensor<f32>
  %0 = blade.pow %x, %three : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %1 = blade.mul %k, %0 : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
  %2 = blade.add %x, %1 : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %3 = blade.mul %s, %2 : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
  %4 = blade.tanh %3 : tensor<?xf32>
  %5 = blade.add %4, %one : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %6 = blade.mul %x, %5 : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %7 = blade.div %6, %two : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %c0 = blade.mul %x, %x : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %c1 = blade.mul %c0, %x : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %c2 = blade.mul %c1, %k : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %c3 = blade.add %c2, %x : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %c4 = blade.mul %c3, %s : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %c5 = blade.tanh %c4 : tensor<?xf32>
  %c6 = blade.add %one, %c5 : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
  %c7 = blade.mul %c6, %x : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %c8 = blade.mul %c7, %half : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  return %7, %c8 : tensor<?xf32>, tensor<?xf32>
}

// -----

// Near misses stay arithmetic: a wrong scale, erf of another value, and a
// constant that broadcasts x to a higher rank.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: blade.gelu
// CHECK: return
func.func @not_gelu(%x: tensor<8xf32>, %y: tensor<8xf32>)
    -> (tensor<8xf32>, tensor<8xf32>, tensor<1x8xf32>) {
  %c = blade.constant dense<0.707106769> : tensor<f32>
  %one = blade.constant dense<1.0> : tensor<f32>
  %half = blade.constant dense<0.5> : tensor<f32>
  %half2d = blade.constant dense<0.5> : tensor<1x1xf32>
  %third = blade.constant dense<0.333> : tensor<f32>
  %0 = blade.mul %x, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %1 = blade.erf %0 : tensor<8xf32>
  %2 = blade.add %1, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %3 = blade.mul %x, %2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %wrong = blade.mul %3, %third : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %4 = blade.mul %y, %2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %other = blade.mul %4, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %bcast = blade.mul %3, %half2d : (tensor<8xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  return %wrong, %other, %bcast : tensor<8xf32>, tensor<8xf32>, tensor<1x8xf32>
}
