//===- Einsum.cpp - Einsum equations --------------------------------------===//

#include "blade/Dialect/Blade/IR/Einsum.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace mlir;

namespace blade {

std::string EinsumEquation::loopLetters() const {
  std::string letters = output;
  for (const std::string &in : inputs)
    for (char c : in)
      if (letters.find(c) == std::string::npos)
        letters += c;
  return letters;
}

std::string EinsumEquation::str() const {
  return llvm::join(inputs, ",") + "->" + output;
}

/// Replaces `...` in one term by `n` digits (the same for all terms,
/// right-aligned like numpy broadcasting).
static bool expandEllipsis(std::string &term, int64_t n, int64_t maxN) {
  size_t at = term.find("...");
  if (at == std::string::npos)
    return n == 0;
  std::string dims;
  for (int64_t i = maxN - n; i < maxN; ++i)
    dims += static_cast<char>('0' + i);
  term.replace(at, 3, dims);
  return term.find("...") == std::string::npos;
}

FailureOr<EinsumEquation> parseEinsum(StringRef equation,
                                      ArrayRef<int64_t> ranks,
                                      std::string &error) {
  std::string eq;
  for (char c : equation)
    if (c != ' ')
      eq += c;
  auto [lhs, rhs] = StringRef(eq).split("->");
  bool implicit = StringRef(eq).find("->") == StringRef::npos;
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != ranks.size()) {
    error = "equation '" + equation.str() + "' has " +
            std::to_string(terms.size()) + " inputs, the node " +
            std::to_string(ranks.size());
    return failure();
  }
  EinsumEquation result;
  int64_t maxEllipsis = 0;
  SmallVector<int64_t> ellipsis;
  for (auto [term, rank] : llvm::zip(terms, ranks)) {
    int64_t letters = 0;
    for (char c : term)
      letters += llvm::isAlnum(c) ? 1 : 0;
    int64_t n = term.contains("...") ? rank - letters : 0;
    if (n < 0 || (!term.contains("...") && letters != rank)) {
      error = "term '" + term.str() + "' does not match an operand of rank " +
              std::to_string(rank);
      return failure();
    }
    for (char c : term)
      if (c != '.' && !llvm::isAlnum(c)) {
        error = "unsupported character '" + std::string(1, c) +
                "' in equation";
        return failure();
      }
    ellipsis.push_back(n);
    maxEllipsis = std::max(maxEllipsis, n);
  }
  for (auto [term, n] : llvm::zip(terms, ellipsis)) {
    std::string t = term.str();
    if (!expandEllipsis(t, n, maxEllipsis)) {
      error = "term '" + term.str() + "' has more than one ellipsis";
      return failure();
    }
    result.inputs.push_back(t);
  }
  if (implicit) {
    // Broadcast (ellipsis) dims first, then letters used once, sorted.
    std::map<char, int> uses;
    for (const std::string &t : result.inputs)
      for (char c : t)
        ++uses[c];
    for (auto [c, count] : uses)
      if (llvm::isDigit(c))
        result.output += c;
    for (auto [c, count] : uses)
      if (llvm::isAlpha(c) && count == 1)
        result.output += c;
  } else {
    std::string out = rhs.str();
    if (!expandEllipsis(out, maxEllipsis, maxEllipsis) &&
        out.find("...") != std::string::npos) {
      error = "output has more than one ellipsis";
      return failure();
    }
    result.output = out;
  }
  for (char c : result.output) {
    bool found = llvm::any_of(result.inputs, [&](const std::string &t) {
      return t.find(c) != std::string::npos;
    });
    if (!found || llvm::count(result.output, c) > 1) {
      error = "output letter '" + std::string(1, c) +
              "' must appear once in the output and in some input";
      return failure();
    }
  }
  return result;
}

FailureOr<EinsumEquation> parseEinsum(StringRef equation, ValueRange operands,
                                      std::string &error) {
  SmallVector<int64_t> ranks;
  for (Value v : operands)
    ranks.push_back(cast<RankedTensorType>(v.getType()).getRank());
  return parseEinsum(equation, ranks, error);
}

FailureOr<SmallVector<int64_t>>
einsumResultShape(const EinsumEquation &eq, ArrayRef<ArrayRef<int64_t>> shapes,
                  std::string &error) {
  std::map<char, int64_t> size;
  for (auto [term, shape] : llvm::zip(eq.inputs, shapes)) {
    if (term.size() != shape.size()) {
      error = "term '" + term + "' does not match the operand's rank";
      return failure();
    }
    for (auto [c, d] : llvm::zip(term, shape)) {
      auto [it, inserted] = size.try_emplace(c, d);
      if (inserted || ShapedType::isDynamic(d))
        continue;
      if (ShapedType::isDynamic(it->second))
        it->second = d;
      else if (it->second != d) {
        error = "letter '" + std::string(1, c) + "' has sizes " +
                std::to_string(it->second) + " and " + std::to_string(d);
        return failure();
      }
    }
  }
  SmallVector<int64_t> result;
  for (char c : eq.output)
    result.push_back(size[c]);
  return result;
}

} // namespace blade
