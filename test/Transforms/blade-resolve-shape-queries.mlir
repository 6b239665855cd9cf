// RUN: blade-opt %s -split-input-file -blade-resolve-shape-queries | FileCheck %s

// A channel shuffle as exporters write it, view(b, -1, 8) with b read off
// the tensor: the batch query reads the argument (the concat makes both
// inputs' batch dims equal), the -1 is 2 * 4 = 8 (the batch symbols
// cancel), the slice bound computed from it folds to 4 (the dynamic_slice
// becomes a blade.slice), and the types become static where the analysis
// proves it. Returned values keep their declared types through a
// tensor.cast.
// CHECK-LABEL: func.func @shuffle
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x4x8xf32>, %[[Y:[^:]+]]: tensor<?x4x8xf32>)
// CHECK: %[[B:.+]] = blade.shape_of %[[X]][0 : 1] : tensor<?x4x8xf32> -> tensor<1xi64>
// CHECK: %[[V:.+]] = blade.dynamic_reshape %{{.+}}, %{{.+}} : (tensor<?x4x2x8xf32>, tensor<3xi64>) -> tensor<?x8x8xf32>
// CHECK-NOT: blade.shape_of
// CHECK: %[[LO:.+]] = blade.slice %[[V]] [0, 0, 0] to [9223372036854775807, 4, 9223372036854775807] step [1, 1, 1] : (tensor<?x8x8xf32>) -> tensor<?x4x8xf32>
// CHECK: %[[E:.+]] = blade.exp %[[LO]] : tensor<?x4x8xf32>
// CHECK-DAG: %[[CV:.+]] = tensor.cast %[[V]] : tensor<?x8x8xf32> to tensor<?x?x8xf32>
// CHECK-DAG: %[[CE:.+]] = tensor.cast %[[E]] : tensor<?x4x8xf32> to tensor<?x?x8xf32>
// CHECK: return %[[CV]], %[[CE]]
func.func @shuffle(%x: tensor<?x4x8xf32>, %y: tensor<?x4x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  %c = blade.concat %x, %y {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x8x8xf32>
  %r = blade.relu %c : tensor<?x8x8xf32>
  %b = blade.shape_of %r [0 : 1] : tensor<?x8x8xf32> -> tensor<1xi64>
  %g = blade.reshape %r : (tensor<?x8x8xf32>) -> tensor<?x2x4x8xf32>
  %t = blade.transpose %g, [0, 2, 1, 3] : (tensor<?x2x4x8xf32>) -> tensor<?x4x2x8xf32>
  %rest = blade.constant dense<[-1, 8]> : tensor<2xi64>
  %s = blade.concat %b, %rest {axis = 0 : i64} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  %v = blade.dynamic_reshape %t, %s : (tensor<?x4x2x8xf32>, tensor<3xi64>) -> tensor<?x?x8xf32>
  %n = blade.shape_of %v [1 : 2] : tensor<?x?x8xf32> -> tensor<1xi64>
  %two = blade.constant dense<2> : tensor<1xi64>
  %half = blade.div %n, %two : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %zero = blade.constant dense<0> : tensor<1xi64>
  %one = blade.constant dense<1> : tensor<1xi64>
  %lo = blade.dynamic_slice %v, %zero, %half, %one, %one : (tensor<?x?x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?x8xf32>
  %e = blade.exp %lo : tensor<?x?x8xf32>
  return %v, %e : tensor<?x?x8xf32>, tensor<?x?x8xf32>
}

// -----

// Mixed queries: a static dim becomes a constant next to the argument's
// dim; the conv keeps the image's batch dim (and, only measured, goes).
// CHECK-LABEL: func.func @conv_batch
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x2x4x4xf32>)
// CHECK-DAG: %[[C:.+]] = blade.constant dense<3> : tensor<1xi64>
// CHECK-DAG: %[[B:.+]] = blade.shape_of %[[X]][0 : 1]
// CHECK-NOT: blade.conv
// CHECK: %[[S:.+]] = blade.concat %[[B]], %[[C]] {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
// CHECK: return %[[S]]
func.func @conv_batch(%x: tensor<?x2x4x4xf32>) -> tensor<2xi64> {
  %w = blade.constant dense<1.0> : tensor<3x2x1x1xf32>
  %b = blade.constant dense<0.0> : tensor<3xf32>
  %0 = blade.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x2x4x4xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<?x3x4x4xf32>
  %s = blade.shape_of %0 [0 : 2] : tensor<?x3x4x4xf32> -> tensor<2xi64>
  return %s : tensor<2xi64>
}

// -----

// Dims only known at run time stay queries: a reshape to a shape that is
// an input, and a -1 whose symbols do not cancel (its constant entry still
// makes that dim static in the type).
// CHECK-LABEL: func.func @unknown
// CHECK: %[[R:.+]] = blade.dynamic_reshape
// CHECK: blade.shape_of %[[R]][0 : 2] : tensor<?x?xf32> -> tensor<2xi64>
// CHECK: %[[M:.+]] = blade.dynamic_reshape %{{.+}} -> tensor<4x?xf32>
// CHECK: blade.shape_of %[[M]][1 : 2] : tensor<4x?xf32> -> tensor<1xi64>
func.func @unknown(%x: tensor<?x?xf32>, %shape: tensor<2xi64>) -> (tensor<2xi64>, tensor<1xi64>) {
  %r = blade.dynamic_reshape %x, %shape : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %s = blade.shape_of %r [0 : 2] : tensor<?x?xf32> -> tensor<2xi64>
  %d1 = blade.shape_of %x [1 : 2] : tensor<?x?xf32> -> tensor<1xi64>
  %four = blade.constant dense<4> : tensor<1xi64>
  %m1 = blade.constant dense<-1> : tensor<1xi64>
  %ms = blade.concat %four, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %m = blade.dynamic_reshape %x, %ms : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %q = blade.shape_of %m [1 : 2] : tensor<?x?xf32> -> tensor<1xi64>
  return %s, %q : tensor<2xi64>, tensor<1xi64>
}
