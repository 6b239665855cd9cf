//===- Entry.h - Calling a compiled model's entry -------------*- C++ -*-===//
//
// A compiled model (JIT or AOT library) exposes its entry and its shape check
// as packed functions: `void fn(void **args)` where args[i] points to the
// i-th argument of the C-interface function and, for a function returning a
// value, args[n] points to where it is stored. runEntry is the one
// implementation of a run shared by JitModel and AotModel: validate the
// inputs, check dynamic shapes, call the entry inside a RunScope, adopt the
// result buffers.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_ENTRY_H
#define BLADE_RT_ENTRY_H

#include "blade-rt/RunContext.h"
#include "blade-rt/Signature.h"
#include "blade-rt/Status.h"
#include "blade-rt/Tensor.h"

#include <string>
#include <vector>

namespace blade::rt {

/// A packed function (see above).
using PackedFunction = void (*)(void **args);

/// The compiled functions of a model and what a run needs to know of them.
struct CompiledEntry {
  /// `_mlir_ciface_<entry>(results*, inputs*...)`, packed.
  PackedFunction run = nullptr;
  /// `_mlir_ciface_<entry>_shape_check(inputs*...) -> i32`, packed: the index
  /// of the first broken shape rule, or -1. Null when the model has none.
  PackedFunction shapeCheck = nullptr;
  /// The message of each shape rule, by index.
  std::vector<std::string> checkMessages;
};

/// Validates `inputs` against `signature`, runs the shape check, calls the
/// entry with memref descriptors inside a RunScope(`kernels`, `options`) and
/// fills `outputs` (one per signature output, contiguous, owning their
/// memory). Safe to call from several threads at once.
Status runEntry(const CompiledEntry &entry, const ModelSignature &signature,
                KernelCache &kernels, const std::vector<const Tensor *> &inputs,
                std::vector<Tensor> &outputs, const RunOptions &options);

} // namespace blade::rt

#endif // BLADE_RT_ENTRY_H
