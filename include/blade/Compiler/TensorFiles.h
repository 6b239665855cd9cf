//===- TensorFiles.h - Reading tensors from .npy and .pb files --*- C++ -*-===//
//
// The tools take model inputs from NumPy .npy files or from serialized ONNX
// TensorProto files (.pb, the format of the ONNX test data).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_COMPILER_TENSORFILES_H
#define BLADE_COMPILER_TENSORFILES_H

#include "blade-rt/Status.h"
#include "blade-rt/Tensor.h"

#include <string>

namespace blade {

/// Reads `path` into `out`: a serialized ONNX TensorProto if the name ends in
/// `.pb`, a NumPy array otherwise. Errors name the file.
rt::Status readTensorFile(const std::string &path, rt::Tensor &out);

/// Decodes a serialized ONNX TensorProto (raw_data or the typed fields).
/// `what` names the source in error messages.
rt::Status decodeTensorProto(const std::string &bytes, const std::string &what,
                             rt::Tensor &out);

} // namespace blade

#endif // BLADE_COMPILER_TENSORFILES_H
