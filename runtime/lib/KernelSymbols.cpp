//===- KernelSymbols.cpp - The runtime functions compiled code calls ------===//

#include "blade-rt/Arena.h"
#include "blade-rt/Kernels.h"
#include "blade-rt/RunContext.h"

namespace blade::rt {

const KernelSymbol *kernelSymbols(size_t &count) {
  static const KernelSymbol symbols[] = {
      {"blade_rt_parallel_for", reinterpret_cast<void *>(&blade_rt_parallel_for)},
      {"blade_rt_alloc", reinterpret_cast<void *>(&blade_rt_alloc)},
      {"blade_rt_aligned_alloc",
       reinterpret_cast<void *>(&blade_rt_aligned_alloc)},
      {"blade_rt_free", reinterpret_cast<void *>(&blade_rt_free)},
      {"_mlir_ciface_blade_rt_matmul_f32",
       reinterpret_cast<void *>(&_mlir_ciface_blade_rt_matmul_f32)},
      {"_mlir_ciface_blade_rt_conv2d_f32",
       reinterpret_cast<void *>(&_mlir_ciface_blade_rt_conv2d_f32)},
      {"_mlir_ciface_blade_rt_conv_transpose2d_f32",
       reinterpret_cast<void *>(&_mlir_ciface_blade_rt_conv_transpose2d_f32)},
      {"_mlir_ciface_blade_rt_maxpool2d_f32",
       reinterpret_cast<void *>(&_mlir_ciface_blade_rt_maxpool2d_f32)},
      {"_mlir_ciface_blade_rt_rnn_f32",
       reinterpret_cast<void *>(&_mlir_ciface_blade_rt_rnn_f32)},
  };
  count = sizeof(symbols) / sizeof(symbols[0]);
  return symbols;
}

} // namespace blade::rt
