//===- Blade.cpp - The Blade C API over the compiler driver ---------------===//

#include "blade-c/Blade.h"

#include "blade-rt/AotModel.h"
#include "blade-rt/Tensor.h"
#include "blade/Compiler/Compiler.h"
#include "blade/Frontend/ONNX/Importer.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <vector>

struct BladeStatus {
  std::string message;
};

struct BladeOptions {
  blade::CompileOptions compile;
  blade::rt::RunOptions run;
};

struct BladeModel {
  // The context outlives the JIT-compiled code built from it.
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<blade::JitModel> jit;
  /// Set instead of `jit` for a model library (bladeModelLoadLibrary).
  std::unique_ptr<blade::rt::AotModel> aot;
  blade::rt::RunOptions run;

  const blade::rt::ModelSignature &signature() const {
    return jit ? jit->signature() : aot->signature();
  }
};

struct BladeTensor {
  blade::rt::Tensor tensor;
};

namespace {

static_assert(BLADE_F32 == static_cast<int>(blade::rt::DType::F32) &&
                  BLADE_BF16 == static_cast<int>(blade::rt::DType::BF16) &&
                  BLADE_I64 == static_cast<int>(blade::rt::DType::I64) &&
                  BLADE_BOOL == static_cast<int>(blade::rt::DType::Bool),
              "BladeDType mirrors blade::rt::DType");

BladeStatus *error(std::string message) {
  return new (std::nothrow) BladeStatus{std::move(message)};
}

/// Compiles one model at a time: LLVM's target set-up and the pass
/// registrations are process-wide.
std::mutex compileMutex;

BladeStatus *compileWith(
    const BladeOptions *options, BladeModel **model,
    llvm::function_ref<mlir::OwningOpRef<mlir::ModuleOp>(mlir::MLIRContext *)>
        import) {
  if (!model)
    return error("the model out-parameter is NULL");
  *model = nullptr;
  std::lock_guard<std::mutex> lock(compileMutex);
  auto result = std::make_unique<BladeModel>();
  result->context = std::make_unique<mlir::MLIRContext>();
  blade::prepareContext(*result->context);
  std::string messages;
  {
    blade::OneLineDiagnostics diagnostics(*result->context, &messages);
    mlir::OwningOpRef<mlir::ModuleOp> module = import(result->context.get());
    if (module)
      result->jit = blade::compileModule(
          *module, options ? options->compile : blade::CompileOptions());
  }
  if (!result->jit)
    return error(messages.empty() ? "the model could not be compiled"
                                  : messages);
  if (options)
    result->run = options->run;
  *model = result.release();
  return nullptr;
}

const blade::rt::TensorSpec *spec(const std::vector<blade::rt::TensorSpec> &v,
                                  size_t i) {
  return i < v.size() ? &v[i] : nullptr;
}

const std::vector<blade::rt::TensorSpec> *inputsOf(const BladeModel *m) {
  return m ? &m->signature().inputs : nullptr;
}
const std::vector<blade::rt::TensorSpec> *outputsOf(const BladeModel *m) {
  return m ? &m->signature().outputs : nullptr;
}

const char *nameAt(const std::vector<blade::rt::TensorSpec> *v, size_t i) {
  const blade::rt::TensorSpec *s = v ? spec(*v, i) : nullptr;
  return s ? s->name.c_str() : nullptr;
}
BladeDType dtypeAt(const std::vector<blade::rt::TensorSpec> *v, size_t i) {
  const blade::rt::TensorSpec *s = v ? spec(*v, i) : nullptr;
  return s ? static_cast<BladeDType>(s->dtype) : BLADE_F32;
}
int64_t rankAt(const std::vector<blade::rt::TensorSpec> *v, size_t i) {
  const blade::rt::TensorSpec *s = v ? spec(*v, i) : nullptr;
  return s ? s->rank() : -1;
}
int64_t dimAt(const std::vector<blade::rt::TensorSpec> *v, size_t i, size_t d) {
  const blade::rt::TensorSpec *s = v ? spec(*v, i) : nullptr;
  return s && d < s->shape.size() ? s->shape[d] : 0;
}

} // namespace

extern "C" {

unsigned bladeApiVersion(void) { return BLADE_API_VERSION; }

const char *bladeStatusMessage(const BladeStatus *status) {
  return status ? status->message.c_str() : "";
}

void bladeStatusFree(BladeStatus *status) { delete status; }

BladeOptions *bladeOptionsCreate(void) {
  return new (std::nothrow) BladeOptions();
}

void bladeOptionsFree(BladeOptions *options) { delete options; }

BladeStatus *bladeOptionsSetOptLevel(BladeOptions *options, int level) {
  if (!options)
    return error("the options are NULL");
  if (level < 0 || level > 3)
    return error("the optimisation level must be 0 to 3, got " +
                 std::to_string(level));
  options->compile.llvmOptLevel = static_cast<unsigned>(level);
  return nullptr;
}

BladeStatus *bladeOptionsSetThreads(BladeOptions *options, int threads) {
  if (!options)
    return error("the options are NULL");
  if (threads < 0 || threads > 1024)
    return error("the thread count must be 0 (one per core) to 1024, got " +
                 std::to_string(threads));
  options->run.threads = threads;
  return nullptr;
}

BladeStatus *bladeOptionsSetTarget(BladeOptions *options, const char *cpu,
                                   const char *features) {
  if (!options)
    return error("the options are NULL");
  if (cpu)
    options->compile.target.cpu = cpu;
  options->compile.target.features = features ? features : "";
  return nullptr;
}

BladeStatus *bladeModelCompileFile(const char *path,
                                   const BladeOptions *options,
                                   BladeModel **model) {
  if (!path)
    return error("the model path is NULL");
  return compileWith(options, model, [&](mlir::MLIRContext *ctx) {
    return blade::importOnnxFile(ctx, path);
  });
}

BladeStatus *bladeModelCompileBytes(const void *data, size_t size,
                                    const BladeOptions *options,
                                    BladeModel **model) {
  if (!data && size)
    return error("the model bytes are NULL");
  llvm::StringRef bytes(static_cast<const char *>(data), size);
  return compileWith(options, model, [&](mlir::MLIRContext *ctx) {
    return blade::importOnnxBytes(ctx, bytes, "<memory>");
  });
}

BladeStatus *bladeModelLoadLibrary(const char *path,
                                   const BladeOptions *options,
                                   BladeModel **model) {
  if (!model)
    return error("the model out-parameter is NULL");
  *model = nullptr;
  if (!path)
    return error("the library path is NULL");
  auto result = std::make_unique<BladeModel>();
  if (blade::rt::Status s = blade::rt::AotModel::load(path, result->aot); !s)
    return error(s.message());
  if (options)
    result->run = options->run;
  *model = result.release();
  return nullptr;
}

void bladeModelFree(BladeModel *model) { delete model; }

size_t bladeModelNumInputs(const BladeModel *model) {
  return model ? inputsOf(model)->size() : 0;
}
size_t bladeModelNumOutputs(const BladeModel *model) {
  return model ? outputsOf(model)->size() : 0;
}
const char *bladeModelInputName(const BladeModel *model, size_t i) {
  return nameAt(inputsOf(model), i);
}
const char *bladeModelOutputName(const BladeModel *model, size_t i) {
  return nameAt(outputsOf(model), i);
}
BladeDType bladeModelInputDType(const BladeModel *model, size_t i) {
  return dtypeAt(inputsOf(model), i);
}
BladeDType bladeModelOutputDType(const BladeModel *model, size_t i) {
  return dtypeAt(outputsOf(model), i);
}
int64_t bladeModelInputRank(const BladeModel *model, size_t i) {
  return rankAt(inputsOf(model), i);
}
int64_t bladeModelOutputRank(const BladeModel *model, size_t i) {
  return rankAt(outputsOf(model), i);
}
int64_t bladeModelInputDim(const BladeModel *model, size_t i, size_t dim) {
  return dimAt(inputsOf(model), i, dim);
}
int64_t bladeModelOutputDim(const BladeModel *model, size_t i, size_t dim) {
  return dimAt(outputsOf(model), i, dim);
}

BladeStatus *bladeTensorWrap(BladeDType dtype, const int64_t *shape,
                             size_t rank, void *data, BladeTensor **tensor) {
  if (!tensor)
    return error("the tensor out-parameter is NULL");
  *tensor = nullptr;
  if (dtype < BLADE_F32 || dtype > BLADE_BOOL)
    return error("unknown dtype " + std::to_string(static_cast<int>(dtype)));
  if (rank && !shape)
    return error("the shape is NULL");
  std::vector<int64_t> dims(shape, shape + rank);
  std::optional<int64_t> count = blade::rt::shapeNumElements(dims);
  if (!count)
    return error("invalid shape (a negative dim or too many elements)");
  if (!data && *count)
    return error("the data pointer is NULL");
  auto result = std::make_unique<BladeTensor>();
  result->tensor = blade::rt::Tensor::adopt(
      static_cast<blade::rt::DType>(dtype), std::move(dims), data, nullptr);
  *tensor = result.release();
  return nullptr;
}

void bladeTensorFree(BladeTensor *tensor) { delete tensor; }

BladeDType bladeTensorDType(const BladeTensor *tensor) {
  return tensor ? static_cast<BladeDType>(tensor->tensor.dtype()) : BLADE_F32;
}
size_t bladeTensorRank(const BladeTensor *tensor) {
  return tensor ? tensor->tensor.shape().size() : 0;
}
int64_t bladeTensorDim(const BladeTensor *tensor, size_t i) {
  if (!tensor || i >= tensor->tensor.shape().size())
    return -1;
  return tensor->tensor.shape()[i];
}
void *bladeTensorData(BladeTensor *tensor) {
  return tensor ? tensor->tensor.data() : nullptr;
}
size_t bladeTensorByteSize(const BladeTensor *tensor) {
  return tensor ? tensor->tensor.byteSize() : 0;
}

BladeStatus *bladeModelRun(const BladeModel *model,
                           const BladeTensor *const *inputs, size_t numInputs,
                           BladeTensor **outputs, size_t numOutputs) {
  if (!model)
    return error("the model is NULL");
  const blade::rt::ModelSignature &sig = model->signature();
  if (numInputs != sig.inputs.size())
    return error("the model takes " + std::to_string(sig.inputs.size()) +
                 " inputs, got " + std::to_string(numInputs));
  if (numOutputs != sig.outputs.size())
    return error("the model has " + std::to_string(sig.outputs.size()) +
                 " outputs, room was given for " + std::to_string(numOutputs));
  if ((numInputs && !inputs) || (numOutputs && !outputs))
    return error("the input or output array is NULL");
  std::vector<const blade::rt::Tensor *> args;
  for (size_t i = 0; i < numInputs; ++i) {
    if (!inputs[i])
      return error("input '" + sig.inputs[i].name + "' is NULL");
    args.push_back(&inputs[i]->tensor);
  }
  std::vector<blade::rt::Tensor> results;
  blade::rt::Status s = model->jit ? model->jit->run(args, results, model->run)
                                   : model->aot->run(args, results, model->run);
  if (!s)
    return error(s.message());
  std::vector<std::unique_ptr<BladeTensor>> owned;
  for (blade::rt::Tensor &t : results) {
    auto wrapped = std::make_unique<BladeTensor>();
    wrapped->tensor = std::move(t);
    owned.push_back(std::move(wrapped));
  }
  for (size_t i = 0; i < numOutputs; ++i)
    outputs[i] = owned[i].release();
  return nullptr;
}

} // extern "C"
