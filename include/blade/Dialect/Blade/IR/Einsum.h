//===- Einsum.h - Einsum equations ------------------------------*- C++ -*-===//
//
// Parsing of ONNX Einsum equations into explicit form (no spaces, no `...`,
// an explicit output), shared by the importer, the verifier and the
// lowering.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_EINSUM_H
#define BLADE_DIALECT_BLADE_IR_EINSUM_H

#include "mlir/IR/ValueRange.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace blade {

struct EinsumEquation {
  llvm::SmallVector<std::string> inputs; ///< One letter per operand dim.
  std::string output;

  /// Every distinct letter: the output's first, then the summed ones.
  std::string loopLetters() const;
  /// `a,b->c`.
  std::string str() const;
};

/// Parses an ONNX equation for operands of the given ranks. On failure sets
/// `error`.
mlir::FailureOr<EinsumEquation> parseEinsum(llvm::StringRef equation,
                                            llvm::ArrayRef<int64_t> ranks,
                                            std::string &error);

/// parseEinsum for the ranks of `operands` (ranked tensors).
mlir::FailureOr<EinsumEquation> parseEinsum(llvm::StringRef equation,
                                            mlir::ValueRange operands,
                                            std::string &error);

/// The result shape of `eq` for operand shapes `shapes` (a letter is static
/// if any operand gives it a static size); fails on two different static
/// sizes for one letter.
mlir::FailureOr<llvm::SmallVector<int64_t>>
einsumResultShape(const EinsumEquation &eq,
                  llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                  std::string &error);

} // namespace blade

#endif // BLADE_DIALECT_BLADE_IR_EINSUM_H
