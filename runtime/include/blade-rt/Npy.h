//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//

#ifndef BLADE_RT_NPY_H
#define BLADE_RT_NPY_H

#include "blade-rt/Status.h"
#include "blade-rt/Tensor.h"

#include <string>

namespace blade::rt {

/// Reads a little-endian, C-order .npy file (format version 1.0, 2.0 or 3.0)
/// into a freshly allocated tensor. Supported descriptors: <f4 <f8 <f2, <i1
/// |i1 <i2 <i4 <i8, |u1 <u2 <u4 <u8 and |b1. On failure `out` is left
/// unchanged and the message reads "cannot read '<path>': <reason>".
Status readNpy(const std::string &path, Tensor &out);

/// Writes `tensor` as a C-order .npy file, format version 1.0 (2.0 if the
/// header does not fit in 64 KiB). BF16 has no NumPy equivalent and is
/// rejected. Error messages read "cannot write '<path>': <reason>".
Status writeNpy(const std::string &path, const Tensor &tensor);

} // namespace blade::rt

#endif // BLADE_RT_NPY_H
