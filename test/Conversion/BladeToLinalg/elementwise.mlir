// RUN: blade-opt %s -split-input-file -blade-lower-to-linalg | FileCheck %s

// Comparisons: ordered float predicates except "ne" (true for NaN); the
// blade element type picks unsigned integer predicates.
// CHECK-LABEL: func.func @compare
func.func @compare(%x: tensor<?x4xf32>, %y: tensor<4xf32>, %u: tensor<4xui8>, %i: tensor<4xi8>) -> (tensor<?x4xi1>, tensor<?x4xi1>, tensor<4xi1>, tensor<4xi1>) {
  // CHECK: linalg.generic
  // CHECK: arith.cmpf olt
  // CHECK: linalg.generic
  // CHECK: arith.cmpf une
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<4xi8>, tensor<4xi8>) outs(%{{.+}} : tensor<4xi1>)
  // CHECK: arith.cmpi ult
  // CHECK: linalg.generic
  // CHECK: arith.cmpi sge
  %0 = blade.compare "lt", %x, %y : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xi1>
  %1 = blade.compare "ne", %x, %y : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xi1>
  %2 = blade.compare "lt", %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %3 = blade.compare "ge", %i, %i : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi1>
  return %0, %1, %2, %3 : tensor<?x4xi1>, tensor<?x4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// Select broadcasts three ways: each operand gets its own map.
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[$T:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[$F:.+]] = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[C:.+]]: tensor<4x1xi1>, %[[T:.+]]: tensor<3xf32>, %[[F:.+]]: tensor<?x1x1xf32>)
func.func @select(%c: tensor<4x1xi1>, %x: tensor<3xf32>, %y: tensor<?x1x1xf32>) -> tensor<?x4x3xf32> {
  // CHECK: %[[D:.+]] = tensor.dim %[[F]], %{{.+}} : tensor<?x1x1xf32>
  // CHECK: %[[INIT:.+]] = tensor.empty(%[[D]]) : tensor<?x4x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[$C]], #[[$T]], #[[$F]], #[[$ID]]]
  // CHECK-SAME: ins(%[[C]], %[[T]], %[[F]] : tensor<4x1xi1>, tensor<3xf32>, tensor<?x1x1xf32>)
  // CHECK: ^bb0(%[[CI:.+]]: i1, %[[TI:.+]]: f32, %[[FI:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[S:.+]] = arith.select %[[CI]], %[[TI]], %[[FI]] : f32
  // CHECK: linalg.yield %[[S]]
  %0 = blade.select %c, %x, %y : (tensor<4x1xi1>, tensor<3xf32>, tensor<?x1x1xf32>) -> tensor<?x4x3xf32>
  return %0 : tensor<?x4x3xf32>
}

// -----

// Convert picks the arith cast from both blade element types; unsigned
// types are signless after the pass.
// CHECK-LABEL: func.func @convert
func.func @convert(%f: tensor<4xf32>, %u: tensor<4xui8>, %i: tensor<4xi8>, %d: tensor<4xf64>, %b: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi64>, tensor<4xf32>, tensor<4xf16>, tensor<4xui8>, tensor<4xi32>, tensor<4xf32>, tensor<4xi8>) {
  // CHECK: arith.cmpf une
  // CHECK: arith.extui %{{.+}} : i8 to i64
  // CHECK: arith.sitofp %{{.+}} : i8 to f32
  // CHECK: arith.truncf %{{.+}} : f64 to f16
  // CHECK: arith.fptoui %{{.+}} : f32 to i8
  // CHECK: arith.fptosi %{{.+}} : f32 to i32
  // CHECK: arith.uitofp %{{.+}} : i1 to f32
  // CHECK: arith.trunci %{{.+}} : i64 to i8
  // CHECK-NOT: linalg.generic
  // CHECK: return
  %0 = blade.convert %f : (tensor<4xf32>) -> tensor<4xi1>
  %1 = blade.convert %u : (tensor<4xui8>) -> tensor<4xi64>
  %2 = blade.convert %i : (tensor<4xi8>) -> tensor<4xf32>
  %3 = blade.convert %d : (tensor<4xf64>) -> tensor<4xf16>
  %4 = blade.convert %f : (tensor<4xf32>) -> tensor<4xui8>
  %5 = blade.convert %f : (tensor<4xf32>) -> tensor<4xi32>
  %6 = blade.convert %b : (tensor<4xi1>) -> tensor<4xf32>
  %7 = blade.convert %1 : (tensor<4xi64>) -> tensor<4xi8>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xi1>, tensor<4xi64>, tensor<4xf32>, tensor<4xf16>, tensor<4xui8>, tensor<4xi32>, tensor<4xf32>, tensor<4xi8>
}

// -----

// Min/max propagate NaN for floats and compare unsigned for ui*.
// CHECK-LABEL: func.func @min_max
func.func @min_max(%x: tensor<4xf32>, %u: tensor<4xui32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xui32>, tensor<4xi32>) {
  // CHECK: arith.minimumf
  // CHECK: arith.maxui
  // CHECK: arith.minsi
  %0 = blade.min %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = blade.max %u, %u : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  %2 = blade.min %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xui32>, tensor<4xi32>
}

// -----

// Floored mod fixes up the truncated remainder when the signs differ.
// CHECK-LABEL: func.func @mod_rem
func.func @mod_rem(%i: tensor<4xi32>, %u: tensor<4xui16>, %f: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xui16>, tensor<4xf32>, tensor<4xi32>) {
  // CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
  // CHECK: %[[R:.+]] = arith.remsi %[[A]], %[[B]] : i32
  // CHECK: %[[RNEG:.+]] = arith.cmpi slt, %[[R]]
  // CHECK: %[[BNEG:.+]] = arith.cmpi slt, %[[B]]
  // CHECK: %[[NZ:.+]] = arith.cmpi ne, %[[R]]
  // CHECK: %[[DIFF:.+]] = arith.xori %[[RNEG]], %[[BNEG]] : i1
  // CHECK: %[[FIX:.+]] = arith.andi %[[NZ]], %[[DIFF]] : i1
  // CHECK: %[[ADJ:.+]] = arith.addi %[[R]], %[[B]] : i32
  // CHECK: arith.select %[[FIX]], %[[ADJ]], %[[R]] : i32
  // CHECK: arith.remui
  // CHECK: arith.remf
  // CHECK: arith.remsi
  %0 = blade.mod %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = blade.mod %u, %u : (tensor<4xui16>, tensor<4xui16>) -> tensor<4xui16>
  %2 = blade.rem %f, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = blade.rem %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xui16>, tensor<4xf32>, tensor<4xi32>
}

// -----

// Integer powers go through f64; shifts by the bit width or more give 0.
// CHECK-LABEL: func.func @pow_shift
func.func @pow_shift(%f: tensor<4xf32>, %i: tensor<4xi64>, %u: tensor<4xui8>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xui8>, tensor<4xui8>) {
  // CHECK: math.powf %{{.+}}, %{{.+}} : f32
  // CHECK: arith.sitofp %{{.+}} : i64 to f64
  // CHECK: arith.sitofp %{{.+}} : i64 to f64
  // CHECK: math.powf %{{.+}}, %{{.+}} : f64
  // CHECK: arith.fptosi %{{.+}} : f64 to i64
  // CHECK: ^bb0(%[[X:.+]]: i8, %[[N:.+]]: i8, %{{.+}}: i8):
  // CHECK: %[[SHL:.+]] = arith.shli %[[X]], %[[N]] : i8
  // CHECK: %[[ZERO:.+]] = arith.constant 0 : i8
  // CHECK: %[[W:.+]] = arith.constant 8 : i8
  // CHECK: %[[FAR:.+]] = arith.cmpi uge, %[[N]], %[[W]] : i8
  // CHECK: arith.select %[[FAR]], %[[ZERO]], %[[SHL]] : i8
  // CHECK: arith.shrui
  %0 = blade.pow %f, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = blade.pow %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %2 = blade.shift_left %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %3 = blade.shift_right %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xi64>, tensor<4xui8>, tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @logic
func.func @logic(%a: tensor<4xi1>, %b: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  // CHECK: arith.andi
  // CHECK: arith.ori
  // CHECK: arith.xori
  // CHECK: %[[TRUE:.+]] = arith.constant true
  // CHECK: arith.xori %{{.+}}, %[[TRUE]] : i1
  %0 = blade.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = blade.or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = blade.xor %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %3 = blade.not %a : tensor<4xi1>
  return %0, %1, %2, %3 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// Abs of unsigned values is the value; neg of integers is 0 - x; sign
// keeps 0 and NaN.
// CHECK-LABEL: func.func @abs_neg_sign
func.func @abs_neg_sign(%f: tensor<4xf32>, %i: tensor<4xi16>, %u: tensor<4xui16>) -> (tensor<4xf32>, tensor<4xi16>, tensor<4xui16>, tensor<4xi16>, tensor<4xf32>) {
  // CHECK: math.absf
  // CHECK: math.absi
  // CHECK: ^bb0(%[[U:.+]]: i16, %{{.+}}: i16):
  // CHECK-NEXT: linalg.yield %[[U]] : i16
  // CHECK: arith.subi
  // CHECK: ^bb0(%[[S:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[POS:.+]] = arith.cmpf ogt, %[[S]]
  // CHECK: %[[NEG:.+]] = arith.cmpf olt, %[[S]]
  // CHECK: %[[REST:.+]] = arith.select %[[NEG]], %{{.+}}, %[[S]] : f32
  // CHECK: arith.select %[[POS]], %{{.+}}, %[[REST]] : f32
  %0 = blade.abs %f : tensor<4xf32>
  %1 = blade.abs %i : tensor<4xi16>
  %2 = blade.abs %u : tensor<4xui16>
  %3 = blade.neg %i : tensor<4xi16>
  %4 = blade.sign %f : tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xi16>, tensor<4xui16>, tensor<4xi16>, tensor<4xf32>
}

// -----

// Float math ops map one to one onto the math dialect; round is to even.
// CHECK-LABEL: func.func @math
func.func @math(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) {
  // CHECK: math.roundeven
  // CHECK: math.erf
  // CHECK: math.acosh
  // CHECK: math.tan
  // CHECK: math.floor
  %0 = blade.round %x : tensor<?xf64>
  %1 = blade.erf %x : tensor<?xf64>
  %2 = blade.acosh %x : tensor<?xf64>
  %3 = blade.tan %x : tensor<?xf64>
  %4 = blade.floor %x : tensor<?xf64>
  return %0, %1, %2, %3, %4 : tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>
}

// -----

// A dynamic dim that may be 1 at run time: two versions under scf.if, the
// plain one when the dims agree, else an explicit broadcast (a gather that
// reads index 0 where the operand's dim is 1) first.
// CHECK-LABEL: func.func @runtime_broadcast
// CHECK-SAME: (%[[A:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<?x4xf32>)
func.func @runtime_broadcast(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // CHECK: %[[IF:.+]] = scf.if %{{.+}} -> (tensor<?x4xf32>) {
  // CHECK:   linalg.generic
  // CHECK:   arith.addf
  // CHECK: } else {
  // CHECK:   linalg.index
  // CHECK:   arith.select
  // CHECK:   tensor.extract
  // CHECK:   arith.addf
  // CHECK: }
  // CHECK: return %[[IF]]
  %0 = blade.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// GELU: 0.5 * x * (1 + erf(x / sqrt(2))) and the tanh approximation.
// CHECK-LABEL: func.func @gelu
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[R:.+]] = arith.constant 0.7071067
// CHECK: %[[S:.+]] = arith.mulf %[[X]], %[[R]]
// CHECK: %[[E:.+]] = math.erf %[[S]]
// CHECK: %[[HALF:.+]] = arith.constant 5.000000e-01
// CHECK: %[[H:.+]] = arith.mulf %[[HALF]], %[[X]]
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00
// CHECK: %[[G:.+]] = arith.addf %[[ONE]], %[[E]]
// CHECK: %[[Y:.+]] = arith.mulf %[[H]], %[[G]]
// CHECK: linalg.yield %[[Y]]
// CHECK: linalg.generic
// CHECK: arith.constant 4.471500e-02
// CHECK: arith.constant 0.797884
// CHECK: math.tanh
func.func @gelu(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %0 = blade.gelu %x : tensor<?x4xf32>
  %1 = blade.gelu %x {approximate = "tanh"} : tensor<?x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}
