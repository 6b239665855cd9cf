//===- Signature.h - What a compiled model takes and returns ----*- C++ -*-===//
//
// The inputs and outputs of a compiled model as plain data (no MLIR), and the
// check that a set of caller tensors matches them. Dynamic dims are -1; dims
// that share a non-empty ONNX dim_param name must agree at run time.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_SIGNATURE_H
#define BLADE_RT_SIGNATURE_H

#include "blade-rt/DType.h"
#include "blade-rt/Status.h"
#include "blade-rt/Tensor.h"

#include <string>
#include <vector>

namespace blade::rt {

struct TensorSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;         ///< -1 for a dynamic dim.
  std::vector<std::string> dimNames;  ///< dim_param names, "" if none.

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// e.g. "f32[batch, 64]".
  std::string toString() const;
};

struct ModelSignature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;

  /// Index of the input called `name`, or -1.
  int inputIndex(const std::string &name) const;
};

/// Checks count, dtype, rank, static sizes and named-dim agreement of
/// `inputs` (in signature order). The message names the input and dim.
Status validateInputs(const ModelSignature &signature,
                      const std::vector<const Tensor *> &inputs);

} // namespace blade::rt

#endif // BLADE_RT_SIGNATURE_H
