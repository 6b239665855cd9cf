//===- Signature.cpp - What a compiled model takes and returns ------------===//

#include "blade-rt/Signature.h"

#include <map>

namespace blade::rt {

std::string TensorSpec::toString() const {
  std::string s = std::string(dtypeName(dtype)) + "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    if (shape[i] >= 0)
      s += std::to_string(shape[i]);
    else if (i < dimNames.size() && !dimNames[i].empty())
      s += dimNames[i];
    else
      s += "?";
  }
  return s + "]";
}

int ModelSignature::inputIndex(const std::string &name) const {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].name == name)
      return static_cast<int>(i);
  return -1;
}

Status validateInputs(const ModelSignature &signature,
                      const std::vector<const Tensor *> &inputs) {
  if (inputs.size() != signature.inputs.size())
    return Status::error("the model takes " +
                         std::to_string(signature.inputs.size()) +
                         " inputs, got " + std::to_string(inputs.size()));
  // dim_param name -> (value, input that fixed it).
  std::map<std::string, std::pair<int64_t, std::string>> named;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = signature.inputs[i];
    const Tensor *t = inputs[i];
    std::string what = "input '" + spec.name + "'";
    if (!t || t->isNull())
      return Status::error(what + " is missing");
    if (t->dtype() != spec.dtype)
      return Status::error(what + " must be " + dtypeName(spec.dtype) +
                           ", got " + dtypeName(t->dtype()));
    if (t->rank() != spec.rank())
      return Status::error(what + " must have shape " + spec.toString() +
                           " (rank " + std::to_string(spec.rank()) +
                           "), got " + t->shapeString());
    for (int64_t d = 0; d < spec.rank(); ++d) {
      int64_t got = t->shape()[d];
      std::string dim = what + " dim " + std::to_string(d);
      if (spec.shape[d] >= 0 && got != spec.shape[d])
        return Status::error(dim + " must be " + std::to_string(spec.shape[d]) +
                             ", got " + std::to_string(got) + " (expected " +
                             spec.toString() + ")");
      const std::string &name =
          static_cast<size_t>(d) < spec.dimNames.size() ? spec.dimNames[d]
                                                        : std::string();
      if (spec.shape[d] >= 0 || name.empty())
        continue;
      auto [it, inserted] = named.try_emplace(name, got, spec.name);
      if (!inserted && it->second.first != got)
        return Status::error(dim + " ('" + name + "') is " +
                             std::to_string(got) + " but input '" +
                             it->second.second + "' has '" + name + "' = " +
                             std::to_string(it->second.first));
    }
  }
  return Status::ok();
}

} // namespace blade::rt
