// RUN: blade-opt %s -split-input-file -verify-diagnostics

func.func @if_condition(%c: tensor<2xi1>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the condition must hold one element}}
  %0 = blade.if %c : tensor<2xi1> -> tensor<2xf32> {
    blade.yield %a : tensor<2xf32>
  } else {
    blade.yield %a : tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @if_yield_count(%c: tensor<i1>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{a region yields 2 values for 1 results}}
  %0 = blade.if %c : tensor<i1> -> tensor<2xf32> {
    blade.yield %a, %a : tensor<2xf32>, tensor<2xf32>
  } else {
    blade.yield %a : tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @if_yield_type(%c: tensor<i1>, %a: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{yielded value #0 has type 'tensor<3xf32>', not compatible with 'tensor<2xf32>'}}
  %0 = blade.if %c : tensor<i1> -> tensor<2xf32> {
    blade.yield %a : tensor<3xf32>
  } else {
    blade.yield %a : tensor<3xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @loop_arguments(%n: tensor<i64>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{the body must take the iteration number, the condition and 1 loop-carried values}}
  %0 = blade.loop trip_count %n : tensor<i64> carried(%y : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>):
    blade.yield %c, %y : tensor<i1>, tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @loop_carried_arg(%n: tensor<i64>, %y: tensor<2xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{body argument #2 must have the loop-carried type 'tensor<?xf32>'}}
  %0 = blade.loop trip_count %n : tensor<i64> carried(%y : tensor<2xf32>) -> tensor<?xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    blade.yield %c, %v : tensor<i1>, tensor<2xf32>
  }
  return %0 : tensor<?xf32>
}

// -----

func.func @loop_condition(%n: tensor<i64>, %y: tensor<2xf32>, %f: tensor<2xi1>) -> tensor<2xf32> {
  // expected-error @+1 {{the body's first yielded value must be one boolean}}
  %0 = blade.loop trip_count %n : tensor<i64> carried(%y : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    blade.yield %f, %v : tensor<2xi1>, tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @loop_scan_rank(%n: tensor<i64>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{scan output #0 must have one dim more than its element}}
  %0 = blade.loop trip_count %n : tensor<i64> -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>):
    blade.yield %c, %y : tensor<i1>, tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @loop_yield_count(%n: tensor<i64>, %y: tensor<2xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{the body yields 1 values; expected the condition and 1}}
  %0 = blade.loop trip_count %n : tensor<i64> -> tensor<?x2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>):
    blade.yield %c : tensor<i1>
  }
  return %0 : tensor<?x2xf32>
}
