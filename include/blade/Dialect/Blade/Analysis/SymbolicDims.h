//===- SymbolicDims.h - Equalities between dynamic dims ---------*- C++ -*-===//
//
// Blade's shape system on the blade dialect: every dynamic dim of a ranked
// tensor value is a symbol, and symbols are merged when the ops (and the
// shape rules checked at run time before a model runs) make them equal:
// graph inputs sharing an ONNX dim_param; results of same-shape ops;
// broadcasts among equal dims; a contraction's two K dims; transposes,
// gathers, concats; reshapes and slices whose sizes come from shape
// computations (shape_of, concat of shape pieces), including a slice
// clamped to a static size, min(s, D), which a broadcast against s makes
// equal to s (any other size would fail the broadcast rule).
//
// Lowering asks `equal` to skip run-time broadcast checks and the second,
// broadcasting version of an elementwise op where dims are known equal.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_ANALYSIS_SYMBOLICDIMS_H
#define BLADE_DIALECT_BLADE_ANALYSIS_SYMBOLICDIMS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace blade {

class SymbolicDims {
public:
  /// Analyzes every function under `root` (nested regions included).
  explicit SymbolicDims(mlir::Operation *root);

  /// Whether dim `i` of `a` and dim `j` of `b` have the same size in every
  /// run that passes the model's shape rules (static dims: equal sizes).
  bool equal(mlir::Value a, int64_t i, mlir::Value b, int64_t j) const;

  /// The dim's static size, or its symbol ("s<n>", one per class, numbered
  /// in order of first use) for tests and dumps.
  std::string describe(mlir::Value v, int64_t i) const;

  /// The size of dim `i` of `v` when it is static, in its type or by the
  /// analysis (a dim whose type says dynamic but whose size follows from
  /// static ones, e.g. the -1 of a reshape to [batch, -1, 28, 28]).
  std::optional<int64_t> staticSize(mlir::Value v, int64_t i) const;

  /// A dim: a static size, a symbol (node), or unknown. A symbol may also
  /// have a size (the analysis proved it static).
  struct Dim {
    int64_t size = -1; ///< >= 0: static.
    int node = -1;     ///< >= 0: a symbol.
    /// A shape entry -1: ONNX Reshape infers it from the element count.
    bool inferred = false;
    bool known() const { return size >= 0 || node >= 0; }
  };

private:
  struct Node {
    int parent;
    /// This symbol is min(of, bound) (a slice clamped to a static size).
    std::optional<std::pair<int, int64_t>> minOf;
    /// The class's size when the analysis proved it static (roots only).
    int64_t size = -1;
  };

  int newNode();
  int find(int n) const;
  void unite(int a, int b);
  bool sameSymbol(int a, int b) const;
  /// Whether `a` and `b` are equal under the broadcast rule (same class, or
  /// one is min(other, D)).
  bool broadcastEqual(int a, int b) const;

  Dim dimOf(mlir::Value v, int64_t i) const;
  Dim dimOfOrCreate(mlir::Value v, int64_t i);
  void setDim(mlir::Value v, int64_t i, Dim d);
  /// Elements of a 1-D integer (shape) tensor, if all are known.
  std::optional<llvm::SmallVector<Dim>> shapeOf(mlir::Value v) const;

  void visit(mlir::Operation *op);
  void visitBroadcast(mlir::Operation *op);
  /// The dim of a dynamic_reshape's result that its entry -1 stands for.
  void inferReshapeDim(mlir::Operation *reshape, llvm::ArrayRef<Dim> entries);
  /// Dim `i` of `result`, a broadcast of `operandDims` (the operands' dims
  /// aligned with it; absent ones left out).
  void broadcastDim(mlir::Value result, int64_t i,
                    llvm::ArrayRef<Dim> operandDims);

  llvm::SmallVector<Node> nodes;
  llvm::DenseMap<std::pair<mlir::Value, int64_t>, int> dims;
  llvm::DenseMap<mlir::Value, llvm::SmallVector<Dim>> shapes;
};

} // namespace blade

#endif // BLADE_DIALECT_BLADE_ANALYSIS_SYMBOLICDIMS_H
