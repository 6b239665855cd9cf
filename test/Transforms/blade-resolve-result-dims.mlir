// RUN: blade-opt %s --split-input-file --blade-resolve-result-dims --canonicalize | FileCheck %s

// The dim of a linalg result is its init's: in a shape-check function the
// op, only measured, dies; in other functions only the dim moves.
// CHECK-LABEL: func.func @main_graph_shape_check
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.pad
// CHECK: %[[D:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[P:.*]] = affine.apply #{{.*}}()[%[[D]]]
// CHECK: arith.cmpi eq, %[[P]], %{{.*}}
#id = affine_map<(d0) -> (d0)>
func.func @main_graph_shape_check(%x: tensor<?xf32>, %n: index) -> i1 {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?xf32>
  %init = tensor.empty(%d) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %r low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<?xf32> to tensor<?xf32>
  %pd = tensor.dim %p, %c0 : tensor<?xf32>
  %ok = arith.cmpi eq, %pd, %n : index
  return %ok : i1
}

// -----

#id = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @main_graph(
// CHECK: %[[D:.*]] = tensor.dim %arg0, %c0
// CHECK: linalg.generic
// CHECK: return %{{.*}}, %[[D]]
func.func @main_graph(%x: tensor<?xf32>) -> (tensor<?xf32>, index) {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?xf32>
  %init = tensor.empty(%d) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?xf32>
  %rd = tensor.dim %r, %c0 : tensor<?xf32>
  return %r, %rd : tensor<?xf32>, index
}

// -----

// In a shape-check function, a reshape's dims are its shape operand's
// entries, and an scf.if's (broadcast speculation) are yielded by its
// branches: the tensor computations die, the index math stays.
// CHECK-LABEL: func.func @f_shape_check
// CHECK-NOT: linalg.generic
// CHECK: %[[S:.*]] = scf.if %arg2 -> (index)
// CHECK:   %[[E:.*]] = tensor.extract %arg1[%c1]
// CHECK:   scf.yield %[[E]]
// CHECK: } else {
// CHECK:   %[[D:.*]] = tensor.dim %arg0, %c0
// CHECK:   scf.yield %[[D]]
// CHECK: arith.cmpi eq, %[[S]], %arg3
#v = affine_map<(d0) -> (d0)>
func.func @f_shape_check(%x: tensor<?xf32>, %shape: tensor<2xindex>, %c: i1, %n: index) -> i1 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.reshape %x(%shape) : (tensor<?xf32>, tensor<2xindex>) -> tensor<?x?xf32>
  %pick = scf.if %c -> (tensor<?xf32>) {
    %d1 = tensor.dim %r, %c1 : tensor<?x?xf32>
    %e = tensor.empty(%d1) : tensor<?xf32>
    scf.yield %e : tensor<?xf32>
  } else {
    %d = tensor.dim %x, %c0 : tensor<?xf32>
    %init = tensor.empty(%d) : tensor<?xf32>
    %g = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]}
        ins(%x : tensor<?xf32>) outs(%init : tensor<?xf32>) {
    ^bb0(%a: f32, %o: f32):
      %m = math.exp %a : f32
      linalg.yield %m : f32
    } -> tensor<?xf32>
    scf.yield %g : tensor<?xf32>
  }
  %pd = tensor.dim %pick, %c0 : tensor<?xf32>
  %ok = arith.cmpi eq, %pd, %n : index
  return %ok : i1
}

// -----

// A time loop that keeps its carried state's shape (a recurrent layer): the
// dim of its result is the init's, and the loop dies in the check function.
// CHECK-LABEL: func.func @rnn_shape_check
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[T:.+]]: index, %[[N:.+]]: index)
// CHECK-NOT: scf.for
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %c0
// CHECK: arith.cmpi eq, %[[D]], %[[N]]
#m = affine_map<(d0, d1) -> (d0, d1)>
func.func @rnn_shape_check(%x: tensor<?x8xf32>, %t: index, %n: index) -> i1 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %h = scf.for %i = %c0 to %t step %c1 iter_args(%s = %x) -> (tensor<?x8xf32>) {
    %g = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<?x8xf32>) outs(%s : tensor<?x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %e = math.tanh %a : f32
      %y = arith.addf %e, %o : f32
      linalg.yield %y : f32
    } -> tensor<?x8xf32>
    scf.yield %g : tensor<?x8xf32>
  }
  %d = tensor.dim %h, %c0 : tensor<?x8xf32>
  %ok = arith.cmpi eq, %d, %n : index
  return %ok : i1
}

// -----

// A loop whose body yields a tensor of another size keeps its dim.
// CHECK-LABEL: func.func @grow_shape_check
// CHECK: %[[L:.+]] = scf.for
// CHECK: tensor.dim %[[L]], %c0
func.func @grow_shape_check(%x: tensor<?xf32>, %t: index, %n: index) -> i1 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %h = scf.for %i = %c0 to %t step %c1 iter_args(%s = %x) -> (tensor<?xf32>) {
    %d = tensor.dim %s, %c0 : tensor<?xf32>
    %d1 = arith.addi %d, %c1 : index
    %e = tensor.empty(%d1) : tensor<?xf32>
    scf.yield %e : tensor<?xf32>
  }
  %d = tensor.dim %h, %c0 : tensor<?xf32>
  %ok = arith.cmpi eq, %d, %n : index
  return %ok : i1
}
