//===- Passes.h - Blade transformation passes -------------------*- C++ -*-===//
#ifndef BLADE_TRANSFORMS_PASSES_H
#define BLADE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace blade {

/// Module attribute written by blade-emit-shape-checks: entry name -> array
/// of the messages of its run-time shape checks.
inline constexpr llvm::StringLiteral kShapeChecksAttr = "blade.shape_checks";
/// Suffix of the function blade-emit-shape-checks adds for an entry.
inline constexpr llvm::StringLiteral kShapeCheckSuffix = "_shape_check";
/// The kind of a lowered fusion group (an scf.execute_region) until
/// blade-fuse-groups compiles it.
inline constexpr llvm::StringLiteral kFusionAttr = "blade.fusion";
/// Its number of leading row dims (stitch and input groups), when set.
inline constexpr llvm::StringLiteral kFusionRowsAttr = "blade.fusion_rows";
/// Marks the scf.forall of a stitched fusion group: its body computes rows,
/// which blade-tile-and-vectorize vectorizes without tiling them again.
inline constexpr llvm::StringLiteral kFusedLoopAttr = "blade.fused";

#define GEN_PASS_DECL
#include "blade/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "blade/Transforms/Passes.h.inc"

} // namespace blade

#endif // BLADE_TRANSFORMS_PASSES_H
