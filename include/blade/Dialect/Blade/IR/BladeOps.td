//===- BladeOps.td - blade dialect operations ---------------*- tablegen -*-===//
//
// The operations of the `blade` dialect, one file per op family. Each op
// names the ONNX operator(s) it serves. Verifiers forward to the shared
// checks in TypeInference.h, which the ONNX importer also uses to compute
// result types.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEOPS_TD

include "blade/Dialect/Blade/IR/BladeControlFlowOps.td"
include "blade/Dialect/Blade/IR/BladeElementwiseOps.td"
include "blade/Dialect/Blade/IR/BladeFusionOps.td"
include "blade/Dialect/Blade/IR/BladeImageOps.td"
include "blade/Dialect/Blade/IR/BladeMatrixOps.td"
include "blade/Dialect/Blade/IR/BladeNNOps.td"
include "blade/Dialect/Blade/IR/BladeQuantOps.td"
include "blade/Dialect/Blade/IR/BladeRecurrentOps.td"
include "blade/Dialect/Blade/IR/BladeReductionOps.td"
include "blade/Dialect/Blade/IR/BladeSelectionOps.td"
include "blade/Dialect/Blade/IR/BladeShapeOps.td"
include "blade/Dialect/Blade/IR/BladeSignalOps.td"
include "blade/Dialect/Blade/IR/BladeTextOps.td"

#endif // BLADE_DIALECT_BLADE_IR_BLADEOPS_TD
