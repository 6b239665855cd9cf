// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// blade.if becomes scf.if on the condition's element; a branch yielding a
// more static type is cast to the result type.
// CHECK-LABEL: func.func @if
// CHECK-SAME: (%[[C:.+]]: tensor<i1>, %[[A:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<?xf32>)
func.func @if(%c: tensor<i1>, %a: tensor<4xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  // CHECK: %[[COND:.+]] = tensor.extract %[[C]][] : tensor<i1>
  // CHECK: %[[R:.+]] = scf.if %[[COND]] -> (tensor<?xf32>) {
  // CHECK:   %[[CAST:.+]] = tensor.cast %[[A]] : tensor<4xf32> to tensor<?xf32>
  // CHECK:   scf.yield %[[CAST]] : tensor<?xf32>
  // CHECK: } else {
  // CHECK:   scf.yield %[[B]] : tensor<?xf32>
  // CHECK: }
  // CHECK: return %[[R]]
  %0 = blade.if %c : tensor<i1> -> tensor<?xf32> {
    blade.yield %a : tensor<4xf32>
  } else {
    blade.yield %b : tensor<?xf32>
  }
  return %0 : tensor<?xf32>
}

// -----

// blade.loop becomes scf.while over (iteration, condition, loop-carried,
// scan accumulator). The body runs in an scf.execute_region; the condition
// it yields is read for the next test, and each scan element is appended
// as a new row of the accumulator.
// CHECK-LABEL: func.func @loop
// CHECK-SAME: (%[[N:.+]]: tensor<i64>, %[[GO:.+]]: tensor<i1>, %[[Y:.+]]: tensor<2xf32>)
func.func @loop(%n: tensor<i64>, %go: tensor<i1>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  // CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i64
  // CHECK-DAG: %[[GO0:.+]] = tensor.extract %[[GO]][] : tensor<i1>
  // CHECK-DAG: %[[ACC0:.+]] = tensor.empty() : tensor<0x2xf32>
  // CHECK-DAG: %[[ACC:.+]] = tensor.cast %[[ACC0]] : tensor<0x2xf32> to tensor<?x2xf32>
  // CHECK-DAG: %[[MAX:.+]] = tensor.extract %[[N]][] : tensor<i64>
  // CHECK: %[[W:.+]]:4 = scf.while (%[[I:.+]] = %[[ZERO]], %[[C:.+]] = %[[GO0]], %[[V:.+]] = %[[Y]], %[[S:.+]] = %[[ACC]])
  // CHECK:   %[[LT:.+]] = arith.cmpi slt, %[[I]], %[[MAX]] : i64
  // CHECK:   %[[AND:.+]] = arith.andi %[[C]], %[[LT]] : i1
  // CHECK:   scf.condition(%[[AND]]) %[[I]], %[[C]], %[[V]], %[[S]]
  // CHECK: } do {
  // CHECK: ^bb0(%[[I2:.+]]: i64, %{{.+}}: i1, %[[V2:.+]]: tensor<2xf32>, %[[S2:.+]]: tensor<?x2xf32>):
  // CHECK:   %[[OUT:.+]]:3 = scf.execute_region -> (tensor<i1>, tensor<2xf32>, tensor<2xf32>) {
  // CHECK:     %[[SUM:.+]] = linalg.generic
  // CHECK:     scf.yield %{{.+}}, %[[SUM]], %[[SUM]] : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  // CHECK:   }
  // CHECK:   %[[NEXT:.+]] = arith.addi %[[I2]], %{{.+}} : i64
  // CHECK:   %[[NC:.+]] = tensor.extract %[[OUT]]#0[] : tensor<i1>
  // CHECK:   %[[ROWS:.+]] = tensor.dim %[[S2]], %{{.+}} : tensor<?x2xf32>
  // CHECK:   %[[GROWN:.+]] = tensor.empty(%{{.+}}) : tensor<?x2xf32>
  // CHECK:   %[[OLD:.+]] = tensor.insert_slice %[[S2]] into %[[GROWN]]
  // CHECK:   %[[NEW:.+]] = tensor.insert_slice %[[OUT]]#2 into %[[OLD]][%[[ROWS]], 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<?x2xf32>
  // CHECK:   scf.yield %[[NEXT]], %[[NC]], %[[OUT]]#1, %[[NEW]]
  // CHECK: return %[[W]]#2, %[[W]]#3
  %0:2 = blade.loop trip_count %n : tensor<i64> cond %go : tensor<i1> carried(%y : tensor<2xf32>) -> tensor<2xf32>, tensor<?x2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    %s = blade.add %v, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    %more = blade.compare "lt", %i, %n : (tensor<i64>, tensor<i64>) -> tensor<i1>
    blade.yield %more, %s, %s : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %0#0, %0#1 : tensor<2xf32>, tensor<?x2xf32>
}

// -----

// Without a condition operand the body's condition is ignored: the loop
// tests only the trip count and keeps its condition.
// CHECK-LABEL: func.func @for_loop
func.func @for_loop(%n: tensor<i64>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: %[[TRUE:.+]] = arith.constant true
  // CHECK: scf.while (%{{.+}} = %{{.+}}, %[[C:.+]] = %[[TRUE]], %{{.+}} = %{{.+}})
  // CHECK: ^bb0(%{{.+}}: i64, %[[C2:.+]]: i1, %{{.+}}: tensor<2xf32>):
  // CHECK-NOT: tensor.extract
  // CHECK: scf.yield %{{.+}}, %[[C2]], %{{.+}} : i64, i1, tensor<2xf32>
  %0 = blade.loop trip_count %n : tensor<i64> carried(%y : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: tensor<i64>, %c: tensor<i1>, %v: tensor<2xf32>):
    %f = blade.constant dense<false> : tensor<i1>
    blade.yield %f, %v : tensor<i1>, tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}
