//===- ShapeChecks.h - Run-time shape rules of blade ops --------*- C++ -*-===//
//
// Ops implementing ShapeCheckOpInterface add their run-time shape rules to a
// ShapeCheckList: i1 values (true when the rule holds) with the message to
// report when it does not. blade-emit-shape-checks collects them into the
// model's shape-check function.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_SHAPECHECKS_H
#define BLADE_DIALECT_BLADE_IR_SHAPECHECKS_H

#include "mlir/IR/Builders.h"

#include <string>
#include <utility>

namespace blade {

class ShapeCheckList {
public:
  explicit ShapeCheckList(mlir::OpBuilder &b) : b(b) {}

  mlir::OpBuilder &builder() { return b; }

  /// Dim `i` of the ranked tensor `v` as an index value (a constant when
  /// static).
  mlir::Value dim(mlir::Value v, int64_t i);
  /// `node 'N'` for an op imported from ONNX node N, else the op name.
  static std::string where(mlir::Operation *op);

  /// Records the rule `ok` (i1).
  void require(mlir::Value ok, std::string message) {
    checks.emplace_back(ok, std::move(message));
  }
  /// Records the rule `x == y` (index values).
  void requireEqual(mlir::Location loc, mlir::Value x, mlir::Value y,
                    std::string message);
  /// Records that the aligned dims of two numpy-broadcast operands agree
  /// where neither is a static 1 and at least one is dynamic. The last
  /// `ignoreTrailing` dims of both take no part (matmul's matrix dims). With
  /// `runtimeOnes`, a dynamic dim that is 1 at run time broadcasts too (the
  /// op's lowering handles it).
  void requireBroadcastable(mlir::Operation *op, mlir::Value lhs,
                            mlir::Value rhs, int64_t ignoreTrailing = 0,
                            bool runtimeOnes = false);

  llvm::ArrayRef<std::pair<mlir::Value, std::string>> getChecks() const {
    return checks;
  }

private:
  mlir::OpBuilder &b;
  llvm::SmallVector<std::pair<mlir::Value, std::string>> checks;
};

} // namespace blade

#endif // BLADE_DIALECT_BLADE_IR_SHAPECHECKS_H
