//===- Kernels.h - Library kernels called by compiled models ----*- C++ -*-===//
//
// Entry points compiled code calls for compute-bound ops. They take MLIR
// memref descriptors (the C interface: a pointer to each descriptor) and read
// the calling thread's RunContext for their thread count and kernel cache.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_KERNELS_H
#define BLADE_RT_KERNELS_H

#include <cstdint>

extern "C" {} // Kernel entry points are added here.

#endif // BLADE_RT_KERNELS_H
