// RUN: blade-opt %s --split-input-file --blade-test-symbolic-dims | FileCheck %s

// A BERT-style front: token ids and mask share the dim_params batch (s0) and
// seq (s1); the embedding gather keeps the ids' dims; the position table
// sliced to seq is min(seq, 512), which the add makes seq; the mask's
// reshapes take their sizes from shape_of pieces; the attention product and
// its transposes keep the symbols, so the mask add is between equal dims.
// CHECK-LABEL: func.func @encoder
// CHECK: blade.gather {{.*}}blade.dims = ["s0xs1x8"]
// CHECK: blade.dynamic_slice {{.*}}blade.dims = ["s1x8"]
// CHECK: blade.add {{.*}}blade.dims = ["s0xs1x8"]
// CHECK: blade.dynamic_reshape {{.*}}blade.dims = ["s0x1x1xs1"]
// CHECK: blade.transpose {{.*}}blade.dims = ["s0x8xs1"]
// CHECK: blade.matmul {{.*}}blade.dims = ["s0xs1xs1"]
// CHECK: blade.add {{.*}}blade.dims = ["s0xs1xs1"]
// CHECK: blade.softmax {{.*}}blade.dims = ["s0xs1xs1"]
func.func @encoder(%ids: tensor<?x?xi64> {blade.dim_names = ["batch", "seq"]},
                   %mask: tensor<?x?xf32> {blade.dim_names = ["batch", "seq"]}) -> tensor<?x?x?xf32> {
  %table = blade.constant dense<0.5> : tensor<100x8xf32>
  %pos = blade.constant dense<0.25> : tensor<512x8xf32>
  %zero = blade.constant dense<0> : tensor<1xi64>
  %one = blade.constant dense<1> : tensor<1xi64>
  %tok = blade.gather %table, %ids {axis = 0 : i64} : (tensor<100x8xf32>, tensor<?x?xi64>) -> tensor<?x?x8xf32>
  %seq = blade.shape_of %ids[1 : 2] : tensor<?x?xi64> -> tensor<1xi64>
  %p = blade.dynamic_slice %pos, %zero, %seq, %zero, %one : (tensor<512x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x8xf32>
  %x = blade.add %tok, %p : (tensor<?x?x8xf32>, tensor<?x8xf32>) -> tensor<?x?x8xf32>
  %b = blade.shape_of %mask[0 : 1] : tensor<?x?xf32> -> tensor<1xi64>
  %s = blade.shape_of %mask[1 : 2] : tensor<?x?xf32> -> tensor<1xi64>
  %shape = blade.concat %b, %one, %one, %s {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %m4 = blade.dynamic_reshape %mask, %shape {allow_zero} : (tensor<?x?xf32>, tensor<4xi64>) -> tensor<?x1x1x?xf32>
  %shape3 = blade.concat %b, %one, %s {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %m = blade.dynamic_reshape %m4, %shape3 {allow_zero} : (tensor<?x1x1x?xf32>, tensor<3xi64>) -> tensor<?x1x?xf32>
  %xt = blade.transpose %x, [0, 2, 1] : (tensor<?x?x8xf32>) -> tensor<?x8x?xf32>
  %scores = blade.matmul %x, %xt : (tensor<?x?x8xf32>, tensor<?x8x?xf32>) -> tensor<?x?x?xf32>
  %masked = blade.add %scores, %m : (tensor<?x?x?xf32>, tensor<?x1x?xf32>) -> tensor<?x?x?xf32>
  %probs = blade.softmax %masked {axis = 2 : i64} : tensor<?x?x?xf32>
  return %probs : tensor<?x?x?xf32>
}

// -----

// Unrelated dims stay apart: the add of two independent inputs (different
// dim_params) has a dim equal to neither ('?': its lowering checks them at
// run time); a static size wins over a dynamic operand dim. A reshape
// without allow_zero takes a symbol only at the input dim it came from (a
// size of 0 would copy the input's dim instead).
// CHECK-LABEL: func.func @unrelated
// CHECK: blade.add {{.*}}blade.dims = ["?"]
// CHECK: blade.add {{.*}}blade.dims = ["4"]
// CHECK: blade.mul {{.*}}blade.dims = ["s0"]
// CHECK: blade.dynamic_reshape {{.*}}blade.dims = ["s0x?"]
func.func @unrelated(%a: tensor<?xf32> {blade.dim_names = ["n"]}, %b: tensor<?xf32> {blade.dim_names = ["m"]},
                     %c: tensor<4xf32>, %d: tensor<?x?xf32> {blade.dim_names = ["n", "k"]})
    -> (tensor<?xf32>, tensor<4xf32>, tensor<?xf32>, tensor<?x?xf32>) {
  %0 = blade.add %a, %b : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %1 = blade.add %a, %c : (tensor<?xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = blade.mul %a, %a : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %n = blade.shape_of %d[0 : 1] : tensor<?x?xf32> -> tensor<1xi64>
  %k = blade.shape_of %b[0 : 1] : tensor<?xf32> -> tensor<1xi64>
  %shape = blade.concat %n, %k {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %3 = blade.dynamic_reshape %d, %shape : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0, %1, %2, %3 : tensor<?xf32>, tensor<4xf32>, tensor<?xf32>, tensor<?x?xf32>
}

// -----

// Images keep their batch through conv and pooling; a reshape with one
// dynamic dim on each side and equal static products keeps it too; a
// concat of static sizes along the axis is their sum; a reshape's -1 is the
// element count over the other entries (y's batch symbol cancels: s1 * 8 /
// s1 = 8, static though the type says ?); a slice of it with static bounds
// is static.
// CHECK-LABEL: func.func @images
// CHECK: blade.conv {{.*}}blade.dims = ["s0x4x4x4"]
// CHECK: blade.pool {{.*}}blade.dims = ["s0x4x2x2"]
// CHECK: blade.reshape {{.*}}blade.dims = ["s0x16"]
// CHECK: blade.concat {{.*}}blade.dims = ["s1x8"]
// CHECK: blade.dynamic_reshape {{.*}}blade.dims = ["s1x8"]
// CHECK: blade.dynamic_slice {{.*}}blade.dims = ["s1x3"]
func.func @images(%x: tensor<?x2x4x4xf32>, %y: tensor<?x4xf32>) -> (tensor<?x16xf32>, tensor<?x?xf32>) {
  %w = blade.constant dense<1.0> : tensor<4x2x1x1xf32>
  %b = blade.constant dense<0.0> : tensor<4xf32>
  %0 = blade.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x2x4x4xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  %1 = blade.pool %0 {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, kind = "max", p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x2x2xf32>
  %2 = blade.reshape %1 : (tensor<?x4x2x2xf32>) -> tensor<?x16xf32>
  %3 = blade.concat %y, %y {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %n = blade.shape_of %y [0 : 1] : tensor<?x4xf32> -> tensor<1xi64>
  %m1 = blade.constant dense<-1> : tensor<1xi64>
  %s = blade.concat %n, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %4 = blade.dynamic_reshape %3, %s : (tensor<?x8xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %zero = blade.constant dense<0> : tensor<1xi64>
  %three = blade.constant dense<3> : tensor<1xi64>
  %one = blade.constant dense<1> : tensor<1xi64>
  %5 = blade.dynamic_slice %4, %zero, %three, %one, %one : (tensor<?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %2, %5 : tensor<?x16xf32>, tensor<?x?xf32>
}
