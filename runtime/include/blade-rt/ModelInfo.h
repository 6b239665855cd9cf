//===- ModelInfo.h - What an AOT model library says about itself -*- C++
//-*-===//
//
// A model library built by `blade-compile -o lib.so` exports
//
//   const char *blade_model_info(void);
//
// returning a NUL-terminated text: "blade-model-library <abi version>"
// followed by whitespace-separated records. Strings are written as
// <byte length>:<bytes>, so names may hold any character:
//
//   entry S          packed entry symbol (void fn(void **args))
//   check S          packed shape-check symbol (absent when none)
//   target S S       CPU and feature changes the code was generated for
//   requires S       ISA extensions the code may use, comma-separated (see
//                    CpuFeatures.h; absent when none)
//   input S DTYPE RANK DIM... S...   name, dtype name, dims (-1 dynamic),
//   output ...                       one dim_param name per dim ("" if none)
//   message S        the shape rules' messages, in index order
//   end
//
// The ABI version changes whenever the records, the entry's calling
// convention or the result ownership contract change.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_MODELINFO_H
#define BLADE_RT_MODELINFO_H

#include "blade-rt/Signature.h"
#include "blade-rt/Status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace blade::rt {

/// The model library ABI this runtime reads and blade-compile writes; 2
/// since libraries record the ISA extensions they need (`requires`) and
/// blade_rt_conv2d_f32 takes a residual addend and alpha/beta (a library of
/// version 1 would call it with too few arguments).
constexpr uint32_t kModelLibraryAbiVersion = 2;
/// The exported function returning the info text.
constexpr const char *kModelInfoSymbol = "blade_model_info";
/// The first word of the info text.
constexpr const char *kModelInfoMagic = "blade-model-library";

struct ModelInfo {
  uint32_t abiVersion = kModelLibraryAbiVersion;
  ModelSignature signature;
  std::string entrySymbol;
  std::string shapeCheckSymbol; ///< Empty when the model has no shape rules.
  std::vector<std::string> checkMessages;
  std::string targetCpu;
  std::string targetFeatures;
  /// ISA extensions the code may use (checked at load).
  std::vector<std::string> cpuFeatures;
};

/// The info text of `info` (at kModelLibraryAbiVersion).
std::string serializeModelInfo(const ModelInfo &info);

/// Parses an info text. Errors: not an info text, another ABI version (named
/// in the message), malformed records.
Status parseModelInfo(std::string_view text, ModelInfo &info);

} // namespace blade::rt

#endif // BLADE_RT_MODELINFO_H
