// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @compare_bad_predicate(%x: tensor<3xf32>) -> tensor<3xi1> {
  // expected-error @+1 {{attribute 'predicate' failed to satisfy constraint: string attribute one of "eq", "ne", "lt", "le", "gt", "ge"}}
  %0 = blade.compare "lte", %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @compare_not_bool(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = blade.compare "eq", %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @compare_mixed_types(%x: tensor<3xf32>, %y: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{failed to verify that all of {lhs, rhs} have same element type}}
  %0 = blade.compare "eq", %x, %y : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @compare_not_broadcastable(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> tensor<2x3xi1> {
  // expected-error @+1 {{shapes [2, 3] and [2] are not broadcastable}}
  %0 = blade.compare "lt", %x, %y : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// -----

func.func @select_three_way(%c: tensor<4x1xi1>, %x: tensor<3xf32>, %y: tensor<2x1x1xf32>) -> tensor<2x4x2xf32> {
  // expected-error @+1 {{result shape [2, 4, 2] is incompatible with the inferred shape [2, 4, 3]}}
  %0 = blade.select %c, %x, %y : (tensor<4x1xi1>, tensor<3xf32>, tensor<2x1x1xf32>) -> tensor<2x4x2xf32>
  return %0 : tensor<2x4x2xf32>
}

// -----

func.func @select_condition_not_bool(%c: tensor<3xi8>, %x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = blade.select %c, %x, %x : (tensor<3xi8>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @select_mixed_types(%c: tensor<3xi1>, %x: tensor<3xf32>, %y: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+1 {{failed to verify that all of {on_true, on_false, result} have same element type}}
  %0 = blade.select %c, %x, %y : (tensor<3xi1>, tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @convert_shape(%x: tensor<2x3xf32>) -> tensor<3x2xi32> {
  // expected-error @+1 {{result shape [3, 2] is incompatible with the inferred shape [2, 3]}}
  %0 = blade.convert %x : (tensor<2x3xf32>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

func.func @max_not_broadcastable(%x: tensor<2x3xi32>, %y: tensor<4xi32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{shapes [2, 3] and [4] are not broadcastable}}
  %0 = blade.max %x, %y : (tensor<2x3xi32>, tensor<4xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @mod_float(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{must be ranked tensor of integer values}}
  %0 = blade.mod %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @and_not_bool(%x: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{must be ranked tensor of 1-bit signless integer values}}
  %0 = blade.and %x, %x : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  return %0 : tensor<3xi8>
}

// -----

func.func @exp_int(%x: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{must be ranked tensor of floating-point values}}
  %0 = blade.exp %x : tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @not_float(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{must be ranked tensor of 1-bit signless integer values}}
  %0 = blade.not %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gelu_bad_approximate(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{approximate must be "none" or "tanh", got "fast"}}
  %0 = blade.gelu %x {approximate = "fast"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
