//===- Entry.cpp - Calling a compiled model's entry -----------------------===//

#include "blade-rt/Entry.h"

#include "blade-rt/Arena.h"
#include "blade-rt/MemRef.h"

#include <cstdlib>
#include <set>

namespace blade::rt {

Status runEntry(const CompiledEntry &entry, const ModelSignature &signature,
                KernelCache &kernels, const std::vector<const Tensor *> &inputs,
                std::vector<Tensor> &outputs, const RunOptions &options) {
  if (options.threads < 0)
    return Status::error("the thread count must not be negative (got " +
                         std::to_string(options.threads) + ")");
  if (!entry.run)
    return Status::error("the model has no entry function");
  if (Status status = validateInputs(signature, inputs); !status)
    return status;

  DescriptorBuffer descriptors;
  std::vector<size_t> resultAt, inputAt;
  for (const TensorSpec &out : signature.outputs)
    resultAt.push_back(descriptors.reserveResult(out.rank()));
  for (const Tensor *t : inputs)
    inputAt.push_back(
        descriptors.appendInput(const_cast<void *>(t->data()), t->shape()));

  // All words are in place: take the pointers now (appends may move them).
  void *resultPtr = descriptors.at(resultAt.empty() ? 0 : resultAt[0]);
  std::vector<void *> inputPtrs;
  for (size_t at : inputAt)
    inputPtrs.push_back(descriptors.at(at));
  std::vector<void *> args;
  for (void *&p : inputPtrs)
    args.push_back(&p);

  // The run's thread count, kernel cache and arena; the shape check's
  // buffers come from the arena too.
  RunScope scope(&kernels, options);
  // Dims that are dynamic at compile time must satisfy the ops' shape rules
  // before the model may touch its buffers.
  if (entry.shapeCheck) {
    int32_t failed = -1;
    args.push_back(&failed);
    entry.shapeCheck(args.data());
    args.pop_back();
    if (failed >= 0)
      return Status::error(
          "the inputs do not fit the model: " +
          (static_cast<size_t>(failed) < entry.checkMessages.size()
               ? entry.checkMessages[failed]
               : "shape check #" + std::to_string(failed) + " failed"));
  }
  if (!signature.outputs.empty())
    args.insert(args.begin(), &resultPtr);

  entry.run(args.data());
  bool kernelFailed = !scope.kernelError().empty();

  // Each result owns a fresh buffer of the run's arena
  // (blade-prepare-bufferization guarantees it); adopt contiguous ones, copy
  // the rest and free them. blade_rt_free returns a block to its arena.
  std::set<void *> inputBuffers;
  for (const Tensor *t : inputs)
    inputBuffers.insert(const_cast<void *>(t->data()));
  std::set<void *> adopted, copied;
  outputs.clear();
  for (size_t i = 0; i < signature.outputs.size(); ++i) {
    const TensorSpec &spec = signature.outputs[i];
    MemRefView view = descriptors.readDescriptor(resultAt[i], spec.rank());
    bool contiguous = view.offset == 0;
    int64_t stride = 1;
    for (int64_t d = spec.rank() - 1; d >= 0 && contiguous; --d) {
      if (view.sizes[d] != 1 && view.strides[d] != stride)
        contiguous = false;
      stride *= view.sizes[d];
    }
    bool owned = view.allocated && !inputBuffers.count(view.allocated) &&
                 !adopted.count(view.allocated);
    if (contiguous && owned) {
      adopted.insert(view.allocated);
      void *allocated = view.allocated;
      outputs.push_back(
          Tensor::adopt(spec.dtype, view.sizes, view.aligned,
                        [allocated](void *) { blade_rt_free(allocated); }));
      continue;
    }
    outputs.push_back(copyFromView(spec.dtype, view));
    if (owned)
      copied.insert(view.allocated);
  }
  // Free copied-out buffers last: another result may still have viewed them.
  for (void *p : copied)
    if (!adopted.count(p))
      blade_rt_free(p);
  // A library kernel failed: the results are not to be trusted.
  if (kernelFailed) {
    outputs.clear();
    return Status::error("running the model failed: " + scope.kernelError());
  }
  return Status::ok();
}

} // namespace blade::rt
