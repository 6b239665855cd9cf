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
  };
  count = sizeof(symbols) / sizeof(symbols[0]);
  return symbols;
}

} // namespace blade::rt
