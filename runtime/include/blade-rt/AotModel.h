//===- AotModel.h - A model compiled ahead of time into a library -*- C++
//-*-===//
//
// Loads a shared library written by `blade-compile model.onnx -o lib.so`
// (dlopen, private symbols), reads the signature it embeds (ModelInfo.h) and
// runs its entry exactly as the JIT runs its own (runEntry).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_AOTMODEL_H
#define BLADE_RT_AOTMODEL_H

#include "blade-rt/Entry.h"
#include "blade-rt/ModelInfo.h"
#include "blade-rt/RunContext.h"
#include "blade-rt/Signature.h"
#include "blade-rt/Status.h"
#include "blade-rt/Tensor.h"

#include "blade-rt/Arena.h"

#include <memory>
#include <string>
#include <vector>

namespace blade::rt {

class AotModel {
public:
  /// Loads the library at `path`. Errors: the file cannot be loaded (the
  /// loader's reason), it is not a Blade model library, its ABI version is
  /// not the runtime's, or its info text is malformed.
  static Status load(const std::string &path, std::unique_ptr<AotModel> &out);
  ~AotModel();
  AotModel(const AotModel &) = delete;
  AotModel &operator=(const AotModel &) = delete;

  const ModelSignature &signature() const { return info.signature; }
  /// Everything the library says about itself (target, shape rules, ...).
  const ModelInfo &modelInfo() const { return info; }

  /// Validates `inputs`, runs the model and fills `outputs` (see runEntry).
  /// Several threads may run one model at once. Outputs stay valid after
  /// the model is freed.
  Status run(const std::vector<const Tensor *> &inputs,
             std::vector<Tensor> &outputs,
             const RunOptions &options = {}) const;

  /// Counters of the arenas this model's runs allocate from.
  ArenaStats memoryStats() const { return kernels.arenas().stats(); }
  /// How those arenas reuse and keep memory.
  void setMemoryOptions(const ArenaOptions &options) {
    kernels.arenas().setOptions(options);
  }

private:
  AotModel() = default;

  /// The dlopen handle, closed after the other members are gone (kernel
  /// state is dropped first).
  struct Library {
    void *handle = nullptr;
    ~Library();
  } library;
  ModelInfo info;
  CompiledEntry entry;
  mutable KernelCache kernels;
};

} // namespace blade::rt

#endif // BLADE_RT_AOTMODEL_H
