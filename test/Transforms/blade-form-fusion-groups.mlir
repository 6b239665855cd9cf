// RUN: blade-opt %s -split-input-file -blade-form-fusion-groups | FileCheck %s
// RUN: blade-opt %s -split-input-file -blade-form-fusion-groups="stitch=false loop=false" | FileCheck %s --check-prefix=OFF

// Softmax written with primitive ops (ReduceMax, Sub, Exp, ReduceSum, Div):
// the reductions keep the leading [?, 8] rows, so everything is one stitch
// group returning the division. The dynamic batch dim is the same symbol
// throughout (SymbolicDims).
// CHECK-LABEL: func.func @softmax_parts
// CHECK: %[[G:.+]] = blade.fusion "stitch" -> tensor<?x8x16xf32> {
// CHECK: blade.reduce {{.*}}kind = "max"
// CHECK: blade.sub
// CHECK: blade.exp
// CHECK: blade.reduce {{.*}}kind = "sum"
// CHECK: %[[D:.+]] = blade.div
// CHECK: blade.yield %[[D]]
// CHECK: return %[[G]]
// With stitch and loop fusion off nothing is grouped (each reduction alone
// is one loop nest).
// OFF-LABEL: func.func @softmax_parts
// OFF-NOT: blade.fusion
func.func @softmax_parts(%x: tensor<?x8x16xf32>) -> tensor<?x8x16xf32> {
  %m = blade.reduce %x {kind = "max", axes = array<i64: 2>, keepdims = true} : (tensor<?x8x16xf32>) -> tensor<?x8x1xf32>
  %d = blade.sub %x, %m : (tensor<?x8x16xf32>, tensor<?x8x1xf32>) -> tensor<?x8x16xf32>
  %e = blade.exp %d : tensor<?x8x16xf32>
  %s = blade.reduce %e {kind = "sum", axes = array<i64: 2>, keepdims = true} : (tensor<?x8x16xf32>) -> tensor<?x8x1xf32>
  %y = blade.div %e, %s : (tensor<?x8x16xf32>, tensor<?x8x1xf32>) -> tensor<?x8x16xf32>
  return %y : tensor<?x8x16xf32>
}

// -----

// A residual add feeding a layer norm (statistics unused) joins its stitch
// group; the scaled, masked attention scores join their softmax's.
// CHECK-LABEL: func.func @residual_layer_norm
// CHECK: blade.fusion "stitch" -> tensor<?x16xf32> {
// CHECK-NEXT: blade.add
// CHECK-NEXT: blade.layer_norm
// CHECK-NEXT: blade.yield
// CHECK: blade.fusion "stitch" -> tensor<2x4x4xf32> {
// CHECK-NEXT: blade.mul
// CHECK-NEXT: blade.add
// CHECK-NEXT: blade.softmax
// CHECK-NEXT: blade.yield
// OFF-LABEL: func.func @residual_layer_norm
// OFF-NOT: blade.fusion
func.func @residual_layer_norm(%x: tensor<?x16xf32>, %r: tensor<?x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>, %q: tensor<2x4x4xf32>, %mask: tensor<4xf32>) -> (tensor<?x16xf32>, tensor<2x4x4xf32>) {
  %0 = blade.add %x, %r : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  %1:3 = blade.layer_norm %0, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x16xf32>, tensor<?x1xf32>, tensor<?x1xf32>)
  %c = blade.constant dense<0.125> : tensor<f32>
  %2 = blade.mul %q, %c : (tensor<2x4x4xf32>, tensor<f32>) -> tensor<2x4x4xf32>
  %3 = blade.add %2, %mask : (tensor<2x4x4xf32>, tensor<4xf32>) -> tensor<2x4x4xf32>
  %4 = blade.softmax %3 {axis = 2 : i64} : tensor<2x4x4xf32>
  return %1#0, %4 : tensor<?x16xf32>, tensor<2x4x4xf32>
}

// -----

// Loop fusion: an elementwise chain of one shape is one group; a value with
// a user outside the group (%a, also returned) stays out of it, and so does
// a broadcast operand of another shape (%s).
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.+]] = blade.exp
// CHECK: %[[S:.+]] = blade.neg
// CHECK: %[[G:.+]] = blade.fusion "loop" -> tensor<4x8xf32> {
// CHECK-NEXT: blade.mul %[[A]], %[[S]]
// CHECK-NEXT: blade.tanh
// CHECK-NEXT: blade.sigmoid
// CHECK-NEXT: blade.yield
// CHECK: return %[[G]], %[[A]]
// OFF-LABEL: func.func @chain
// OFF-NOT: blade.fusion
func.func @chain(%x: tensor<4x8xf32>, %v: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %a = blade.exp %x : tensor<4x8xf32>
  %s = blade.neg %v : tensor<8xf32>
  %m = blade.mul %a, %s : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %t = blade.tanh %m : tensor<4x8xf32>
  %y = blade.sigmoid %t : tensor<4x8xf32>
  return %y, %a : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Input fusion: a reduction over a middle dim takes its elementwise
// producer; no consumer can join (its rows are not leading).
// CHECK-LABEL: func.func @input_group
// CHECK: %[[G:.+]] = blade.fusion "input" -> tensor<4x8xf32> {
// CHECK-NEXT: blade.mul
// CHECK-NEXT: blade.reduce
// CHECK-NEXT: blade.yield
// CHECK: blade.sqrt %[[G]]
// Input fusion stays on with the others off.
// OFF-LABEL: func.func @input_group
// OFF: blade.fusion "input"
func.func @input_group(%x: tensor<4x16x8xf32>) -> tensor<4x8xf32> {
  %0 = blade.mul %x, %x : (tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  %1 = blade.reduce %0 {kind = "sum", axes = array<i64: 1>, keepdims = false} : (tensor<4x16x8xf32>) -> tensor<4x8xf32>
  %2 = blade.sqrt %1 : tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

// Epilogues: a matmul with its bias add and GELU, a conv with its NHWC
// transpose, residual add and Relu. Other users stop the chain.
// CHECK-LABEL: func.func @epilogues
// CHECK: blade.fusion "epilogue" -> tensor<2x8xf32> {
// CHECK-NEXT: blade.matmul
// CHECK-NEXT: blade.add
// CHECK-NEXT: blade.gelu
// CHECK-NEXT: blade.yield
// CHECK: blade.fusion "epilogue" -> tensor<1x4x4x4xf32> {
// CHECK-NEXT: blade.conv
// CHECK-NEXT: blade.transpose
// CHECK-NEXT: blade.add
// CHECK-NEXT: blade.relu
// CHECK-NEXT: blade.yield
// OFF-LABEL: func.func @epilogues
// OFF-COUNT-2: blade.fusion "epilogue"
func.func @epilogues(%a: tensor<2x4xf32>, %w: tensor<4x8xf32>, %bias: tensor<8xf32>, %x: tensor<1x4x4x4xf32>, %k: tensor<4x4x1x1xf32>, %res: tensor<1x4x4x4xf32>) -> (tensor<2x8xf32>, tensor<1x4x4x4xf32>) {
  %0 = blade.matmul %a, %w : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %g = blade.add %0, %bias : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %1 = blade.gelu %g : tensor<2x8xf32>
  %2 = blade.conv %x, %k {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %3 = blade.transpose %2, [0, 2, 3, 1] : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %4 = blade.add %3, %res : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %5 = blade.relu %4 : tensor<1x4x4x4xf32>
  return %1, %5 : tensor<2x8xf32>, tensor<1x4x4x4xf32>
}

// -----

// A diamond through an op no group takes (a gather): %e has users in two
// places, so it stays out, and no group depends on itself.
// CHECK-LABEL: func.func @diamond
// CHECK: %[[E:.+]] = blade.exp
// CHECK: %[[T:.+]] = blade.gather %[[E]]
// CHECK: blade.fusion "loop"
// CHECK-NEXT: blade.add %[[E]], %[[T]]
// CHECK-NEXT: blade.neg
// OFF-LABEL: func.func @diamond
// OFF-NOT: blade.fusion
func.func @diamond(%x: tensor<4x4xf32>, %i: tensor<4xi64>) -> tensor<4x4xf32> {
  %e = blade.exp %x : tensor<4x4xf32>
  %t = blade.gather %e, %i {axis = 0 : i64} : (tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x4xf32>
  %s = blade.add %e, %t : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %n = blade.neg %s : tensor<4x4xf32>
  return %n : tensor<4x4xf32>
}
