//===- CpuFeatures.h - ISA extensions a model library needs -----*- C++ -*-===//
//
// blade-compile records the x86 ISA extensions its target CPU has (from a
// fixed list, LLVM's names, which are also GCC's and clang's
// __builtin_cpu_supports names); a library is loaded only on a CPU that has
// them all, so code for another CPU fails with a message instead of an
// illegal instruction.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_CPUFEATURES_H
#define BLADE_RT_CPUFEATURES_H

#include "blade-rt/Status.h"

#include <functional>
#include <string>
#include <vector>

namespace blade::rt {

/// The extensions recorded and checked, in LLVM's spelling.
const std::vector<std::string> &knownCpuFeatures();

/// Whether this CPU has `feature` (one of knownCpuFeatures(); false for
/// others and on non-x86 hosts).
bool hostHasCpuFeature(const std::string &feature);

/// Ok when `has` holds for every feature in `required`; otherwise an error
/// naming the missing ones (and any not in knownCpuFeatures()).
Status checkCpuFeatures(const std::vector<std::string> &required,
                        const std::function<bool(const std::string &)> &has =
                            hostHasCpuFeature);

} // namespace blade::rt

#endif // BLADE_RT_CPUFEATURES_H
