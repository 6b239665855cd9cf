//===- KernelSymbols.cpp - The runtime functions compiled code calls ------===//

#include "blade-rt/Kernels.h"
#include "blade-rt/RunContext.h"

namespace blade::rt {

const KernelSymbol *kernelSymbols(size_t &count) {
  static const KernelSymbol symbols[] = {
      {"blade_rt_parallel_for", reinterpret_cast<void *>(&blade_rt_parallel_for)},
  };
  count = sizeof(symbols) / sizeof(symbols[0]);
  return symbols;
}

} // namespace blade::rt
