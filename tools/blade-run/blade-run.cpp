//===- blade-run.cpp - Compile and run an ONNX model on tensor files ------===//
//
//   blade-run MODEL.onnx|LIBMODEL.so --input NAME=FILE.npy ... --output-dir DIR
//
// Compiles the model in-process (JIT), or loads a model library written by
// `blade-compile -o LIBMODEL.so`, runs it once on the given inputs and
// writes one DIR/<output name>.npy per model output (characters outside
// [A-Za-z0-9_.-] become '_'), printing each output's shape. Inputs are NumPy
// .npy files or serialized ONNX TensorProto files (.pb). NumPy has no
// bfloat16: a bf16 input may be given as a uint16 array of bit patterns (the
// form the ONNX test data uses) or as float32 (rounded to nearest even), and
// bf16 outputs are written as uint16 bit patterns. Every failure is
// one `error:` line on stderr and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "blade-rt/AotModel.h"
#include "blade-rt/Convert.h"
#include "blade-rt/Npy.h"
#include "blade/Compiler/Compiler.h"
#include "blade/Compiler/TensorFiles.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <memory>

using namespace llvm;

namespace {
cl::opt<std::string> modelPath(cl::Positional,
                               cl::desc("<model.onnx | libmodel.so>"),
                               cl::Required);
cl::list<std::string>
    inputArgs("input",
              cl::desc("Model input as NAME=FILE (.npy, or .pb: "
                       "an ONNX TensorProto)"),
              cl::value_desc("NAME=FILE.npy"));
// Values are checked here, not by cl::opt: its value errors bypass the error
// stream and would print a second line.
cl::opt<std::string> outputDir("output-dir",
                               cl::desc("Directory for the output .npy files"),
                               cl::value_desc("dir"));
cl::opt<std::string> optLevel("O", cl::desc("LLVM optimisation level (0-3)"),
                              cl::init("3"), cl::Prefix);
cl::opt<std::string> mcpu("mcpu",
                          cl::desc("CPU to generate code for (default: host)"),
                          cl::value_desc("name"), cl::init("host"));
cl::opt<std::string>
    mattr("mattr",
          cl::desc("CPU feature changes, e.g. -avx512f,+fma (LLVM names)"),
          cl::value_desc("+a,-b"));
cl::opt<std::string>
    benchRuns("bench",
              cl::desc("After the first run, time N more and print the compile "
                       "time and the median and minimum latency"),
              cl::value_desc("N"));
cl::opt<bool> noLibraryCalls(
    "no-library-calls",
    cl::desc("Lower f32 MatMul/Gemm/Conv/MaxPool and LSTM/GRU/RNN layers "
             "to Blade's own loops instead of calling the runtime's kernels "
             "(to compare)"));

cl::opt<std::string> disableFusion("disable-fusion",
                                   cl::desc(blade::kDisableFusionHelp),
                                   cl::value_desc("kinds"));

cl::opt<bool>
    printStats("memory-stats",
               cl::desc("Print the memory the runs allocated: buffers a run, "
                        "system allocations of the first and last run, peak "
                        "bytes of buffers in use"));

cl::opt<bool> noBufferReuse(
    "no-buffer-reuse",
    cl::desc("Take every buffer from the system and give it back after its "
             "last use (no arena reuse; to compare, or for memory checkers)"));

int fail(const Twine &message) {
  errs() << "error: " << message << "\n";
  return 1;
}

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

std::string sanitize(StringRef name) {
  std::string s = name.str();
  for (char &c : s)
    if (!llvm::isAlnum(c) && c != '_' && c != '.' && c != '-')
      c = '_';
  return s.empty() ? "_" : s;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // libLLVM registers a "threads" option of its own (for LTO); ours replaces
  // it, so it is created only after that one is unregistered.
  if (cl::Option *llvmThreads = cl::getRegisteredOptions().lookup("threads"))
    llvmThreads->removeArgument();
  static cl::opt<std::string> threadCount(
      "threads", cl::desc("Threads a run may use (default 0: one per core)"),
      cl::value_desc("N"), cl::init("0"));
  // --help lists Blade's options, not the ones libLLVM registers.
  static cl::OptionCategory options("blade-run options");
  for (cl::Option *o : std::initializer_list<cl::Option *>{
           &modelPath, std::addressof(inputArgs), &outputDir, &optLevel, &mcpu, &mattr,
           &benchRuns, &noLibraryCalls, &disableFusion, &printStats, &noBufferReuse,
           &threadCount})
    o->addCategory(options);
  cl::HideUnrelatedOptions(options);
  std::string errors;
  raw_string_ostream errorStream(errors);
  const char *overview =
      "Compile and run an ONNX model\n\n"
      "Inputs are NumPy .npy files or ONNX TensorProto .pb files; each output\n"
      "is written to <output-dir>/<name>.npy. NumPy has no bfloat16: a bf16\n"
      "input may be given as uint16 bit patterns or as float32, and bf16\n"
      "outputs are written as uint16 bit patterns.\n";
  if (!cl::ParseCommandLineOptions(argc, argv, overview, &errorStream)) {
    StringRef first = StringRef(errors).split('\n').first;
    errs() << "error: " << first.ltrim() << "\n";
    return 2;
  }
  // Usage errors exit with 2, like the ones cl::ParseCommandLineOptions finds.
  if (outputDir.empty())
    return fail("--output-dir is required"), 2;
  unsigned level = 0;
  if (StringRef(optLevel).getAsInteger(10, level) || level > 3)
    return fail("-O must be 0, 1, 2 or 3, got '" + optLevel + "'"), 2;
  unsigned bench = 0;
  if (benchRuns.getNumOccurrences() &&
      (StringRef(benchRuns).getAsInteger(10, bench) || bench < 1 ||
       bench > 1000000))
    return fail("--bench must be a number of runs from 1 to 1000000, got '" +
                benchRuns + "'"),
           2;

  // A model library is already compiled: the code generation flags cannot
  // apply to it.
  StringRef modelName = sys::path::filename(modelPath);
  bool isLibrary = modelName.ends_with(".so") || modelName.contains(".so.");
  if (isLibrary && (optLevel.getNumOccurrences() || mcpu.getNumOccurrences() ||
                    mattr.getNumOccurrences() ||
                    disableFusion.getNumOccurrences()))
    return fail("-O, --mcpu, --mattr and --disable-fusion apply when "
                "compiling an ONNX model; '" +
                modelPath +
                "' is a compiled library (give them to blade-compile)"),
           2;

  blade::rt::RunOptions runOptions;
  if (StringRef(threadCount).getAsInteger(10, runOptions.threads) ||
      runOptions.threads < 0 || runOptions.threads > 1024)
    return fail("--threads must be 0 (one per core) to 1024, got '" +
                threadCount + "'"),
           2;

  // Read the inputs before compiling: bad files fail fast.
  std::vector<std::pair<std::string, blade::rt::Tensor>> given;
  for (const std::string &arg : inputArgs) {
    auto [name, file] = StringRef(arg).split('=');
    if (name.empty() || file.empty())
      return fail("--input expects NAME=FILE.npy, got '" + arg + "'");
    blade::rt::Tensor tensor;
    if (blade::rt::Status s = blade::readTensorFile(file.str(), tensor); !s)
      return fail(s.message());
    for (auto &[seen, _] : given)
      if (seen == name)
        return fail("input '" + name + "' is given twice");
    given.emplace_back(name.str(), std::move(tensor));
  }

  mlir::MLIRContext ctx;
  std::unique_ptr<blade::JitModel> jit;
  std::unique_ptr<blade::rt::AotModel> aot;
  auto compileStart = std::chrono::steady_clock::now();
  if (isLibrary) {
    if (blade::rt::Status s = blade::rt::AotModel::load(modelPath, aot); !s)
      return fail(s.message());
  } else {
    blade::prepareContext(ctx);
    blade::OneLineDiagnostics diagnostics(ctx);
    blade::CompileOptions options;
    options.llvmOptLevel = level;
    options.target.cpu = mcpu;
    options.target.features = mattr;
    options.libraryCalls = !noLibraryCalls;
    Expected<blade::FusionKinds> fusion =
        blade::parseDisabledFusion(disableFusion);
    if (!fusion)
      return fail(toString(fusion.takeError())), 2;
    options.fusion = *fusion;
    jit = blade::compileOnnxFile(ctx, modelPath, options);
    if (!jit)
      return 1;
  }
  double compileMs = millisecondsSince(compileStart);
  auto runModel = [&](const std::vector<const blade::rt::Tensor *> &inputs,
                      std::vector<blade::rt::Tensor> &outputs) {
    return jit ? jit->run(inputs, outputs, runOptions)
               : aot->run(inputs, outputs, runOptions);
  };
  auto memoryStats = [&] {
    return jit ? jit->memoryStats() : aot->memoryStats();
  };
  if (noBufferReuse) {
    blade::rt::ArenaOptions memory;
    memory.reuse = false;
    jit ? jit->setMemoryOptions(memory) : aot->setMemoryOptions(memory);
  }

  const blade::rt::ModelSignature &sig =
      jit ? jit->signature() : aot->signature();
  std::vector<const blade::rt::Tensor *> inputs(sig.inputs.size(), nullptr);
  for (auto &[name, tensor] : given) {
    int index = sig.inputIndex(name);
    if (index < 0) {
      std::string known;
      for (const blade::rt::TensorSpec &spec : sig.inputs)
        known += (known.empty() ? "'" : ", '") + spec.name + "'";
      return fail("the model has no input '" + name + "' (inputs: " + known +
                  ")");
    }
    // A bf16 input arrives from .npy files as bits (u16) or as f32.
    if (sig.inputs[index].dtype == blade::rt::DType::BF16 &&
        (tensor.dtype() == blade::rt::DType::U16 ||
         tensor.dtype() == blade::rt::DType::F32)) {
      blade::rt::Tensor converted;
      blade::rt::Status s =
          tensor.dtype() == blade::rt::DType::U16
              ? blade::rt::bitcastTensor(tensor, blade::rt::DType::BF16,
                                         converted)
              : blade::rt::convertTensor(tensor, blade::rt::DType::BF16,
                                         converted);
      if (!s)
        return fail("input '" + name + "': " + s.message());
      tensor = std::move(converted);
    }
    inputs[index] = &tensor;
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i])
      return fail("missing --input for '" + sig.inputs[i].name + "' (" +
                  sig.inputs[i].toString() + ")");

  std::vector<blade::rt::Tensor> outputs;
  if (blade::rt::Status s = runModel(inputs, outputs); !s)
    return fail(s.message());
  blade::rt::ArenaStats afterFirst = memoryStats();
  blade::rt::ArenaStats beforeLast = {}, afterLast = afterFirst;
  if (bench) {
    // The first run above warmed caches and page mappings; time the rest.
    std::vector<double> times;
    for (unsigned i = 0; i < bench; ++i) {
      std::vector<blade::rt::Tensor> discarded;
      beforeLast = afterLast;
      auto start = std::chrono::steady_clock::now();
      if (blade::rt::Status s = runModel(inputs, discarded); !s)
        return fail(s.message());
      times.push_back(millisecondsSince(start));
      afterLast = memoryStats();
    }
    std::sort(times.begin(), times.end());
    double median =
        times.size() % 2
            ? times[times.size() / 2]
            : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
    outs() << formatv("{0}: {1:f1} ms\n", jit ? "compile" : "load", compileMs);
    outs() << formatv(
        "latency: median {0:f3} ms, min {1:f3} ms over {2} runs\n", median,
        times.front(), bench);
  }
  if (printStats)
    outs() << formatv("memory: {0} buffers a run, {1} from the system in the "
                      "first run, {2} in the last; peak {3} bytes in use\n",
                      afterFirst.allocations, afterFirst.systemAllocations,
                      afterLast.systemAllocations -
                          beforeLast.systemAllocations,
                      afterLast.peakBytesInUse);

  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());
  for (size_t i = 0; i < outputs.size(); ++i) {
    SmallString<128> path(outputDir);
    sys::path::append(path, sanitize(sig.outputs[i].name) + ".npy");
    const blade::rt::Tensor *written = &outputs[i];
    blade::rt::Tensor asBits;
    if (outputs[i].dtype() == blade::rt::DType::BF16) {
      if (blade::rt::Status s = blade::rt::bitcastTensor(
              outputs[i], blade::rt::DType::U16, asBits);
          !s)
        return fail("output '" + sig.outputs[i].name + "': " + s.message());
      written = &asBits;
    }
    if (blade::rt::Status s = blade::rt::writeNpy(path.str().str(), *written);
        !s)
      return fail(s.message());
    outs() << "output " << sig.outputs[i].name << ": "
           << outputs[i].shapeString() << " "
           << blade::rt::dtypeName(outputs[i].dtype())
           << (written == &asBits ? " (written as u16 bits)" : "") << " -> "
           << path << "\n";
  }
  return 0;
}
