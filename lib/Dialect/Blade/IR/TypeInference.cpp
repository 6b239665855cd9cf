//===- TypeInference.cpp - Shape rules shared by verifiers and importer ---===//

#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace blade {

static LogicalResult fail(std::optional<Location> loc, const Twine &message) {
  if (loc)
    emitError(*loc) << message;
  return failure();
}

std::string shapeToString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

FailureOr<SmallVector<int64_t>>
inferBroadcastShape(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                    std::optional<Location> loc) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align at the trailing dimension; a missing leading dim acts as 1.
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l == 1) {
      result[i] = r;
    } else if (r == 1) {
      result[i] = l;
    } else if (ShapedType::isDynamic(l)) {
      result[i] = r;
    } else if (ShapedType::isDynamic(r) || l == r) {
      result[i] = l;
    } else {
      (void)fail(loc, "shapes " + shapeToString(lhs) + " and " +
                          shapeToString(rhs) + " are not broadcastable");
      return failure();
    }
  }
  return result;
}

FailureOr<SmallVector<int64_t>>
inferMatMulShape(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                 std::optional<Location> loc) {
  if (lhs.size() < 2 || rhs.size() < 2) {
    (void)fail(loc, "matmul operands must be at least 2-D, got " +
                        shapeToString(lhs) + " and " + shapeToString(rhs));
    return failure();
  }
  int64_t k1 = lhs.back(), k2 = rhs[rhs.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2) {
    (void)fail(loc, "matmul contraction sizes differ: " + shapeToString(lhs) +
                        " x " + shapeToString(rhs));
    return failure();
  }
  FailureOr<SmallVector<int64_t>> batch = inferBroadcastShape(
      lhs.drop_back(2), rhs.drop_back(2), std::nullopt);
  if (failed(batch)) {
    (void)fail(loc, "matmul batch dimensions of " + shapeToString(lhs) +
                        " and " + shapeToString(rhs) + " are not broadcastable");
    return failure();
  }
  SmallVector<int64_t> result = std::move(*batch);
  result.push_back(lhs[lhs.size() - 2]);
  result.push_back(rhs.back());
  return result;
}

FailureOr<SmallVector<int64_t>>
inferTransposeShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm,
                    std::optional<Location> loc) {
  if (perm.size() != shape.size()) {
    (void)fail(loc, "permutation has " + Twine(perm.size()) +
                        " entries for a rank-" + Twine(shape.size()) +
                        " operand");
    return failure();
  }
  SmallVector<bool> seen(shape.size(), false);
  SmallVector<int64_t> result;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(shape.size()) || seen[p]) {
      (void)fail(loc, "invalid permutation entry " + Twine(p));
      return failure();
    }
    seen[p] = true;
    result.push_back(shape[p]);
  }
  return result;
}

FailureOr<SmallVector<int64_t>> inferReduceShape(ArrayRef<int64_t> shape,
                                                 ArrayRef<int64_t> axes,
                                                 bool keepdims,
                                                 std::optional<Location> loc) {
  int64_t rank = shape.size();
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (a < 0 || a >= rank || (i > 0 && axes[i - 1] >= a)) {
      (void)fail(loc, "reduction axes must be sorted, unique and in [0, " +
                          Twine(rank) + "), got entry " + Twine(a));
      return failure();
    }
  }
  SmallVector<int64_t> result;
  for (int64_t i = 0; i < rank; ++i) {
    if (!llvm::is_contained(axes, i))
      result.push_back(shape[i]);
    else if (keepdims)
      result.push_back(1);
  }
  return result;
}

static std::optional<int64_t> staticProduct(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d))
      return std::nullopt;
    n *= d;
  }
  return n;
}

LogicalResult verifyReshapeShapes(ArrayRef<int64_t> from, ArrayRef<int64_t> to,
                                  std::optional<Location> loc) {
  if (llvm::count_if(to, ShapedType::isDynamic) > 1)
    return fail(loc, "reshape result " + shapeToString(to) +
                         " has more than one dynamic dimension");
  std::optional<int64_t> nFrom = staticProduct(from);
  std::optional<int64_t> nTo = staticProduct(to);
  if (nFrom && nTo && *nFrom != *nTo)
    return fail(loc, "cannot reshape " + shapeToString(from) + " (" +
                         Twine(*nFrom) + " elements) to " + shapeToString(to) +
                         " (" + Twine(*nTo) + " elements)");
  if (nFrom && !nTo) {
    int64_t known = 1;
    for (int64_t d : to)
      if (!ShapedType::isDynamic(d))
        known *= d;
    if (known == 0 ? *nFrom != 0 : *nFrom % known != 0)
      return fail(loc, "cannot reshape " + shapeToString(from) + " to " +
                           shapeToString(to) +
                           ": element count is not divisible");
  }
  return success();
}

LogicalResult verifyInferredShape(ArrayRef<int64_t> inferred,
                                  ShapedType declared,
                                  std::optional<Location> loc) {
  if (declared.getRank() != static_cast<int64_t>(inferred.size()) ||
      failed(verifyCompatibleShape(inferred, declared.getShape())))
    return fail(loc, "result shape " + shapeToString(declared.getShape()) +
                         " is incompatible with the inferred shape " +
                         shapeToString(inferred));
  return success();
}

} // namespace blade
