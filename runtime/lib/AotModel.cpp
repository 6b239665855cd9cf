//===- AotModel.cpp - A model compiled ahead of time into a library -------===//

#include "blade-rt/AotModel.h"
#include "blade-rt/CpuFeatures.h"

#include <dlfcn.h>

namespace blade::rt {

Status AotModel::load(const std::string &path, std::unique_ptr<AotModel> &out) {
  out.reset();
  // A bare name would make dlopen search the library path; a model library
  // is always a file.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  // RTLD_LOCAL: several model libraries export the same entry names.
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *reason = dlerror();
    return Status::error("cannot load model library '" + path +
                         "': " + (reason ? reason : "unknown error"));
  }
  std::unique_ptr<AotModel> model(new AotModel());
  model->library.handle = handle;
  using InfoFunction = const char *(*)();
  auto infoFn = reinterpret_cast<InfoFunction>(dlsym(handle, kModelInfoSymbol));
  if (!infoFn)
    return Status::error("'" + path + "' is not a Blade model library (no " +
                         kModelInfoSymbol + " symbol)");
  const char *text = infoFn();
  if (!text)
    return Status::error("'" + path + "' is not a Blade model library (" +
                         kModelInfoSymbol + " returned NULL)");
  if (Status s = parseModelInfo(text, model->info); !s)
    return Status::error("'" + path + "': " + s.message());
  if (Status s = checkCpuFeatures(model->info.cpuFeatures); !s)
    return Status::error("'" + path + "' was compiled for CPU '" +
                         model->info.targetCpu + "' and " + s.message() +
                         " (compile it again with --mcpu for this machine)");
  auto lookup = [&](const std::string &name, PackedFunction &fn) -> Status {
    fn = reinterpret_cast<PackedFunction>(dlsym(handle, name.c_str()));
    if (!fn)
      return Status::error("'" + path + "' lacks the symbol '" + name +
                           "' its info text names");
    return Status::ok();
  };
  if (Status s = lookup(model->info.entrySymbol, model->entry.run); !s)
    return s;
  if (!model->info.shapeCheckSymbol.empty())
    if (Status s =
            lookup(model->info.shapeCheckSymbol, model->entry.shapeCheck);
        !s)
      return s;
  model->entry.checkMessages = model->info.checkMessages;
  out = std::move(model);
  return Status::ok();
}

AotModel::~AotModel() = default;

AotModel::Library::~Library() {
  if (handle)
    dlclose(handle);
}

Status AotModel::run(const std::vector<const Tensor *> &inputs,
                     std::vector<Tensor> &outputs,
                     const RunOptions &options) const {
  return runEntry(entry, info.signature, kernels, inputs, outputs, options);
}

} // namespace blade::rt
