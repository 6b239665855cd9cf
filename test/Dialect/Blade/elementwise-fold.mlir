// RUN: blade-opt %s -split-input-file -canonicalize | FileCheck %s

// Shape arithmetic: integer ops on constants fold, with broadcasting.
// CHECK-LABEL: func.func @fold_int_broadcast
func.func @fold_int_broadcast() -> (tensor<2x2xi64>, tensor<2x2xi64>, tensor<2x2xi64>, tensor<2x2xi64>) {
  // CHECK-DAG: %[[ADD:.+]] = blade.constant dense<{{\[}}[11, 22], [13, 24]]> : tensor<2x2xi64>
  // CHECK-DAG: %[[SUB:.+]] = blade.constant dense<{{\[}}[-9, -18], [-7, -16]]> : tensor<2x2xi64>
  // CHECK-DAG: %[[MUL:.+]] = blade.constant dense<{{\[}}[10, 40], [30, 80]]> : tensor<2x2xi64>
  // CHECK-DAG: %[[DIV:.+]] = blade.constant dense<{{\[}}[10, 10], [3, 5]]> : tensor<2x2xi64>
  // CHECK-NOT: blade.add
  // CHECK: return %[[ADD]], %[[SUB]], %[[MUL]], %[[DIV]]
  %a = blade.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %b = blade.constant dense<[10, 20]> : tensor<2xi64>
  %0 = blade.add %a, %b : (tensor<2x2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  %1 = blade.sub %a, %b : (tensor<2x2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  %2 = blade.mul %a, %b : (tensor<2x2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  %3 = blade.div %b, %a : (tensor<2xi64>, tensor<2x2xi64>) -> tensor<2x2xi64>
  return %0, %1, %2, %3 : tensor<2x2xi64>, tensor<2x2xi64>, tensor<2x2xi64>, tensor<2x2xi64>
}

// -----

// A column [2, 1] and a row [2] broadcast to [2, 2]; splats fold too.
// CHECK-LABEL: func.func @fold_float_min_max
func.func @fold_float_min_max() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<3xf32>) {
  // CHECK-DAG: %[[MIN:.+]] = blade.constant dense<{{\[}}[1.000000e+00, -1.000000e+00], [1.500000e+00, -1.000000e+00]]> : tensor<2x2xf32>
  // CHECK-DAG: %[[MAX:.+]] = blade.constant dense<{{\[}}[3.000000e+00, 1.000000e+00], [3.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
  // CHECK-DAG: %[[SPLAT:.+]] = blade.constant dense<5.000000e-01> : tensor<3xf32>
  // CHECK: return %[[MIN]], %[[MAX]], %[[SPLAT]]
  %col = blade.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %row = blade.constant dense<[1.5, -1.0]> : tensor<2xf32>
  %row2 = blade.constant dense<[3.0, -1.0]> : tensor<2xf32>
  %0 = blade.min %col, %row : (tensor<2x1xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %1 = blade.max %col, %row : (tensor<2x1xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %m = blade.max %1, %row2 : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %one = blade.constant dense<1.0> : tensor<3xf32>
  %two = blade.constant dense<2.0> : tensor<f32>
  %2 = blade.div %one, %two : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %0, %m, %2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<3xf32>
}

// -----

// Floored and truncated remainders, unsigned min, bool logic, shifts.
// CHECK-LABEL: func.func @fold_rem_mod_logic
func.func @fold_rem_mod_logic() -> (tensor<4xi32>, tensor<4xi32>, tensor<2xui8>, tensor<2xi1>, tensor<2xui8>) {
  // CHECK-DAG: %[[MOD:.+]] = blade.constant dense<[2, -2, 2, -2]> : tensor<4xi32>
  // CHECK-DAG: %[[REM:.+]] = blade.constant dense<[-2, 2, 2, -2]> : tensor<4xi32>
  // CHECK-DAG: %[[UMIN:.+]] = blade.constant dense<[1, 200]> : tensor<2xui8>
  // CHECK-DAG: %[[XOR:.+]] = blade.constant dense<[true, false]> : tensor<2xi1>
  // CHECK-DAG: %[[SHL:.+]] = blade.constant dense<[4, 0]> : tensor<2xui8>
  // CHECK: return %[[MOD]], %[[REM]], %[[UMIN]], %[[XOR]], %[[SHL]]
  %a = blade.constant dense<[-7, 7, 7, -7]> : tensor<4xi32>
  %b = blade.constant dense<[3, -3, 5, -5]> : tensor<4xi32>
  %0 = blade.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %r = blade.constant dense<[-7, 7, 7, -7]> : tensor<4xi32>
  %s = blade.constant dense<[5, -5, 5, 5]> : tensor<4xi32>
  %1 = blade.rem %r, %s : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %u = blade.constant dense<[1, 250]> : tensor<2xui8>
  %v = blade.constant dense<[200, 200]> : tensor<2xui8>
  %2 = blade.min %u, %v : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %t = blade.constant dense<[true, true]> : tensor<2xi1>
  %f = blade.constant dense<[false, true]> : tensor<2xi1>
  %3 = blade.xor %t, %f : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %x = blade.constant dense<[1, 1]> : tensor<2xui8>
  %n = blade.constant dense<[2, 8]> : tensor<2xui8>
  %4 = blade.shift_left %x, %n : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xi32>, tensor<2xui8>, tensor<2xi1>, tensor<2xui8>
}

// -----

// Integer division by zero and non-constant operands stay.
// CHECK-LABEL: func.func @no_fold
func.func @no_fold(%x: tensor<2xi64>) -> (tensor<2xi64>, tensor<2xi64>) {
  // CHECK: blade.div
  // CHECK: blade.add
  %a = blade.constant dense<[1, 2]> : tensor<2xi64>
  %z = blade.constant dense<[1, 0]> : tensor<2xi64>
  %0 = blade.div %a, %z : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %1 = blade.add %a, %x : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<2xi64>, tensor<2xi64>
}

// -----

// Integer converts of constants fold (shape values, bools); a convert to
// the same type disappears.
// CHECK-LABEL: func.func @fold_convert
// CHECK-SAME: (%[[X:.+]]: tensor<?xf32>)
func.func @fold_convert(%x: tensor<?xf32>) -> (tensor<3xi32>, tensor<3xi1>, tensor<2xi64>, tensor<?xf32>) {
  // CHECK-DAG: %[[TRUNC:.+]] = blade.constant dense<[-1, 4, 0]> : tensor<3xi32>
  // CHECK-DAG: %[[BOOL:.+]] = blade.constant dense<[true, false, true]> : tensor<3xi1>
  // CHECK-DAG: %[[ZEXT:.+]] = blade.constant dense<[255, 1]> : tensor<2xi64>
  // CHECK: return %[[TRUNC]], %[[BOOL]], %[[ZEXT]], %[[X]]
  %a = blade.constant dense<[-1, 4, 4294967296]> : tensor<3xi64>
  %0 = blade.convert %a : (tensor<3xi64>) -> tensor<3xi32>
  %z = blade.constant dense<[-1, 0, 4294967296]> : tensor<3xi64>
  %1 = blade.convert %z : (tensor<3xi64>) -> tensor<3xi1>
  %u = blade.constant dense<[255, 1]> : tensor<2xui8>
  %2 = blade.convert %u : (tensor<2xui8>) -> tensor<2xi64>
  %3 = blade.convert %x : (tensor<?xf32>) -> tensor<?xf32>
  return %0, %1, %2, %3 : tensor<3xi32>, tensor<3xi1>, tensor<2xi64>, tensor<?xf32>
}

// -----

// Comparisons of constants fold to bools (NaN compares unequal only);
// unsigned values compare unsigned.
// CHECK-LABEL: func.func @fold_compare
func.func @fold_compare() -> (tensor<2x3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<2xi1>) {
  // CHECK-DAG: %[[EQ:.+]] = blade.constant dense<{{\[}}[false, true, false], [true, false, false]]> : tensor<2x3xi1>
  // CHECK-DAG: %[[FLT:.+]] = blade.constant dense<[true, false, false]> : tensor<3xi1>
  // CHECK-DAG: %[[FNE:.+]] = blade.constant dense<[true, true, false]> : tensor<3xi1>
  // CHECK-DAG: %[[UGT:.+]] = blade.constant dense<[true, false]> : tensor<2xi1>
  // CHECK: return %[[EQ]], %[[FLT]], %[[FNE]], %[[UGT]]
  %a = blade.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %b = blade.constant dense<[0, 1, 3]> : tensor<3xi64>
  %1 = blade.constant dense<[[0, 1, 3], [2, 4, 5]]> : tensor<2x3xi64>
  %0 = blade.compare "eq", %a, %1 : (tensor<2x1xi64>, tensor<2x3xi64>) -> tensor<2x3xi1>
  %x = blade.constant dense<[1.0, 0x7FC00000, 3.0]> : tensor<3xf32>
  %y = blade.constant dense<[2.0, 2.0, 1.0]> : tensor<3xf32>
  %2 = blade.compare "lt", %x, %y : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %z = blade.constant dense<[2.0, 0x7FC00000, 3.0]> : tensor<3xf32>
  %3 = blade.compare "ne", %x, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %u = blade.constant dense<[200, 1]> : tensor<2xui8>
  %v = blade.constant dense<[100, 2]> : tensor<2xui8>
  %4 = blade.compare "gt", %u, %v : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>
  return %0, %2, %3, %4 : tensor<2x3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<2xi1>
}

// -----

// Select of constants folds with three-way broadcasting; a uniform
// condition picks an operand of the result type.
// CHECK-LABEL: func.func @fold_select
// CHECK-SAME: (%[[X:.+]]: tensor<?xf32>, %[[Y:.+]]: tensor<?xf32>)
func.func @fold_select(%x: tensor<?xf32>, %y: tensor<?xf32>) -> (tensor<2x2xi64>, tensor<?xf32>) {
  // CHECK-DAG: %[[SEL:.+]] = blade.constant dense<{{\[}}[1, 9], [7, 7]]> : tensor<2x2xi64>
  // CHECK: return %[[SEL]], %[[Y]]
  %c = blade.constant dense<[[true, false], [false, false]]> : tensor<2x2xi1>
  %t = blade.constant dense<[1, 2]> : tensor<2xi64>
  %f = blade.constant dense<[[5, 9], [7, 7]]> : tensor<2x2xi64>
  %0 = blade.select %c, %t, %f : (tensor<2x2xi1>, tensor<2xi64>, tensor<2x2xi64>) -> tensor<2x2xi64>
  %no = blade.constant dense<false> : tensor<i1>
  %1 = blade.select %no, %x, %y : (tensor<i1>, tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  return %0, %1 : tensor<2x2xi64>, tensor<?xf32>
}

// -----

// Float shape arithmetic: sizes cast to float, scaled, rounded and cast
// back fold to integers.
// CHECK-LABEL: func.func @fold_float_shape_arith
func.func @fold_float_shape_arith() -> (tensor<3xi64>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf16>) {
  // CHECK-DAG: %[[FLOOR:.+]] = blade.constant dense<[2, 7, 0]> : tensor<3xi64>
  // CHECK-DAG: %[[CEIL:.+]] = blade.constant dense<[3.000000e+00, 8.000000e+00, 1.000000e+00]> : tensor<3xf32>
  // CHECK-DAG: %[[ROUND:.+]] = blade.constant dense<[2.000000e+00, 8.000000e+00, 0.000000e+00]> : tensor<3xf32>
  // CHECK-DAG: %[[NEGABS:.+]] = blade.constant dense<[-2.500000e+00, -7.500000e+00, -5.000000e-01]> : tensor<3xf32>
  // CHECK-DAG: %[[HALF:.+]] = blade.constant dense<[2.500000e+00, -1.000000e+00]> : tensor<2xf16>
  // CHECK: return %[[FLOOR]], %[[CEIL]], %[[ROUND]], %[[NEGABS]], %[[HALF]]
  %size = blade.constant dense<[5, 15, 1]> : tensor<3xi64>
  %f = blade.convert %size : (tensor<3xi64>) -> tensor<3xf32>
  %half = blade.constant dense<0.5> : tensor<f32>
  %scaled = blade.mul %f, %half : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %floor = blade.floor %scaled : tensor<3xf32>
  %0 = blade.convert %floor : (tensor<3xf32>) -> tensor<3xi64>
  %1 = blade.ceil %scaled : tensor<3xf32>
  %2 = blade.round %scaled : tensor<3xf32>
  %n = blade.neg %scaled : tensor<3xf32>
  %a = blade.abs %n : tensor<3xf32>
  %3 = blade.neg %a : tensor<3xf32>
  %d = blade.constant dense<[2.5, -1.0]> : tensor<2xf64>
  %4 = blade.convert %d : (tensor<2xf64>) -> tensor<2xf16>
  return %0, %1, %2, %3, %4 : tensor<3xi64>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf16>
}

// -----

// A float that does not fit the integer type is left to run time.
// CHECK-LABEL: func.func @no_fold_out_of_range
func.func @no_fold_out_of_range() -> tensor<2xui8> {
  // CHECK: blade.convert
  %c = blade.constant dense<[1.0, -3.0]> : tensor<2xf32>
  %0 = blade.convert %c : (tensor<2xf32>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}
