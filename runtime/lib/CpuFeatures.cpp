//===- CpuFeatures.cpp - ISA extensions a model library needs -------------===//

#include "blade-rt/CpuFeatures.h"

#include <algorithm>

namespace blade::rt {

namespace {

struct Feature {
  const char *name;
  bool (*present)();
};

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
// __builtin_cpu_supports takes string literals only: one function each.
#define BLADE_FEATURE(NAME)                                                    \
  Feature {                                                                    \
    NAME, [] { return bool(__builtin_cpu_supports(NAME)); }                    \
  }
#else
#define BLADE_FEATURE(NAME)                                                    \
  Feature {                                                                    \
    NAME, [] { return false; }                                                 \
  }
#endif

const std::vector<Feature> &features() {
  static const std::vector<Feature> table = {
      BLADE_FEATURE("sse4.2"),     BLADE_FEATURE("avx"),
      BLADE_FEATURE("avx2"),       BLADE_FEATURE("fma"),
      BLADE_FEATURE("f16c"),       BLADE_FEATURE("bmi2"),
      BLADE_FEATURE("avx512f"),    BLADE_FEATURE("avx512bw"),
      BLADE_FEATURE("avx512dq"),   BLADE_FEATURE("avx512vl"),
      BLADE_FEATURE("avx512vnni"), BLADE_FEATURE("avx512bf16"),
  };
  return table;
}

#undef BLADE_FEATURE

} // namespace

const std::vector<std::string> &knownCpuFeatures() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Feature &f : features())
      out.push_back(f.name);
    return out;
  }();
  return names;
}

bool hostHasCpuFeature(const std::string &feature) {
  for (const Feature &f : features())
    if (feature == f.name)
      return f.present();
  return false;
}

Status checkCpuFeatures(const std::vector<std::string> &required,
                        const std::function<bool(const std::string &)> &has) {
  std::string missing;
  for (const std::string &name : required) {
    const std::vector<std::string> &known = knownCpuFeatures();
    bool isKnown = std::find(known.begin(), known.end(), name) != known.end();
    if (isKnown && has(name))
      continue;
    missing += (missing.empty() ? "" : ", ") + name +
               (isKnown ? "" : " (unknown to this runtime)");
  }
  if (missing.empty())
    return Status::ok();
  return Status::error("needs CPU features this machine lacks: " + missing);
}

} // namespace blade::rt
