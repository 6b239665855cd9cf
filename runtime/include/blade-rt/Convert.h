//===- Convert.h - Element type conversions between tensors -----*- C++ -*-===//
//
// Conversions for file formats that cannot carry a dtype: NumPy has no
// bfloat16, so bf16 tensors travel through .npy files as float32 values or as
// their uint16 bit patterns (the form the ONNX test data uses).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_CONVERT_H
#define BLADE_RT_CONVERT_H

#include "blade-rt/Status.h"
#include "blade-rt/Tensor.h"

namespace blade::rt {

/// Converts every element of `src` to `dtype` into a new tensor `dst` of the
/// same shape. Supported: f32 -> bf16 (round to nearest even; NaN stays NaN)
/// and bf16 -> f32 (exact), and any dtype to itself (a copy). Anything else
/// is an error naming both dtypes.
Status convertTensor(const Tensor &src, DType dtype, Tensor &dst);

/// Copies `src` into a new tensor `dst` of element type `dtype`, keeping the
/// bytes: e.g. uint16 bit patterns <-> bf16. Both dtypes must have the same
/// size; otherwise an error naming both.
Status bitcastTensor(const Tensor &src, DType dtype, Tensor &dst);

} // namespace blade::rt

#endif // BLADE_RT_CONVERT_H
