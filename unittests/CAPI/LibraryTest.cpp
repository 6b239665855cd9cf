//===- LibraryTest.cpp - The C API on model libraries compiled ahead of time
//===//

#include "blade-c/Blade.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

const std::string kSource = BLADE_SOURCE_DIR;
const std::string kMatmul = kSource + "/test/tools/Inputs/matmul.onnxtxt";
const std::string kMlp = kSource + "/examples/models/mlp.onnx";

struct StatusGuard {
  BladeStatus *status;
  ~StatusGuard() { bladeStatusFree(status); }
  bool ok() const { return status == nullptr; }
  std::string message() const { return bladeStatusMessage(status); }
};

/// Compiles each model once per test binary with blade-compile -o *.so.
class LibraryTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/blade-capi-libs-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
    for (auto [model, lib] :
         {std::pair{kMlp, "libmlp.so"}, std::pair{kMatmul, "libmatmul.so"}}) {
      std::string cmd = std::string(BLADE_COMPILE_TOOL) + " " + model + " -o " +
                        dir + "/" + lib;
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
  }
  static void TearDownTestSuite() { std::system(("rm -rf " + dir).c_str()); }
  static std::string lib(const char *name) { return dir + "/" + name; }

  static BladeModel *load(const std::string &path, int threads = 1) {
    BladeOptions *options = bladeOptionsCreate();
    StatusGuard t{bladeOptionsSetThreads(options, threads)};
    BladeModel *model = nullptr;
    StatusGuard s{bladeModelLoadLibrary(path.c_str(), options, &model)};
    bladeOptionsFree(options);
    EXPECT_TRUE(s.ok()) << s.message();
    return model;
  }

  static std::string dir;
};
std::string LibraryTest::dir;

/// Runs the MLP (input [N, 64] -> output [N, 10]) on a fixed input.
std::vector<float> runMlp(BladeModel *model, int64_t n) {
  std::vector<float> x(n * 64);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = 0.01f * static_cast<float>(i % 100) - 0.3f;
  int64_t shape[] = {n, 64};
  BladeTensor *in[1] = {nullptr}, *out[1] = {nullptr};
  StatusGuard w{bladeTensorWrap(BLADE_F32, shape, 2, x.data(), &in[0])};
  StatusGuard r{bladeModelRun(model, in, 1, out, 1)};
  EXPECT_TRUE(r.ok()) << r.message();
  std::vector<float> y;
  if (out[0]) {
    EXPECT_EQ(bladeTensorDim(out[0], 0), n);
    EXPECT_EQ(bladeTensorDim(out[0], 1), 10);
    const float *p = static_cast<const float *>(bladeTensorData(out[0]));
    y.assign(p, p + n * 10);
  }
  bladeTensorFree(in[0]);
  bladeTensorFree(out[0]);
  return y;
}

TEST_F(LibraryTest, QueriesMatchTheJit) {
  BladeModel *aot = load(lib("libmlp.so"));
  BladeModel *jit = nullptr;
  StatusGuard s{bladeModelCompileFile(kMlp.c_str(), nullptr, &jit)};
  ASSERT_TRUE(aot && s.ok()) << s.message();
  ASSERT_EQ(bladeModelNumInputs(aot), bladeModelNumInputs(jit));
  ASSERT_EQ(bladeModelNumOutputs(aot), bladeModelNumOutputs(jit));
  EXPECT_STREQ(bladeModelInputName(aot, 0), bladeModelInputName(jit, 0));
  EXPECT_STREQ(bladeModelOutputName(aot, 0), bladeModelOutputName(jit, 0));
  EXPECT_EQ(bladeModelInputDType(aot, 0), bladeModelInputDType(jit, 0));
  ASSERT_EQ(bladeModelInputRank(aot, 0), 2);
  EXPECT_EQ(bladeModelInputDim(aot, 0, 0), -1);
  EXPECT_EQ(bladeModelInputDim(aot, 0, 1), 64);
  EXPECT_EQ(bladeModelOutputDim(aot, 0, 1), 10);
  EXPECT_EQ(bladeModelInputName(aot, 1), nullptr);
  bladeModelFree(aot);
  bladeModelFree(jit);
}

TEST_F(LibraryTest, RunsLikeTheJit) {
  BladeModel *aot = load(lib("libmlp.so"));
  BladeModel *jit = nullptr;
  StatusGuard s{bladeModelCompileFile(kMlp.c_str(), nullptr, &jit)};
  ASSERT_TRUE(aot && s.ok()) << s.message();
  for (int64_t n : {1, 3, 8}) {
    std::vector<float> a = runMlp(aot, n), j = runMlp(jit, n);
    ASSERT_EQ(a.size(), j.size());
    ASSERT_FALSE(a.empty());
    for (size_t i = 0; i < a.size(); ++i)
      EXPECT_NEAR(a[i], j[i], 1e-5f * (1 + std::fabs(j[i]))) << n << ":" << i;
  }
  bladeModelFree(aot);
  bladeModelFree(jit);
}

TEST_F(LibraryTest, ChecksShapesAndDtypes) {
  BladeModel *model = load(lib("libmatmul.so"));
  ASSERT_NE(model, nullptr);
  // X [N, 4] @ W [4, 3] with a wrong static dim and a wrong dtype.
  std::vector<float> x(8), w(15);
  int64_t xShape[] = {2, 4}, wShape[] = {5, 3};
  BladeTensor *in[2] = {nullptr, nullptr}, *out[1] = {nullptr};
  StatusGuard a{bladeTensorWrap(BLADE_F32, xShape, 2, x.data(), &in[0])};
  StatusGuard b{bladeTensorWrap(BLADE_F32, wShape, 2, w.data(), &in[1])};
  StatusGuard r{bladeModelRun(model, in, 2, out, 1)};
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("'W'"), std::string::npos) << r.message();
  EXPECT_EQ(out[0], nullptr);
  bladeTensorFree(in[1]);
  StatusGuard c{bladeTensorWrap(BLADE_I32, wShape, 2, w.data(), &in[1])};
  StatusGuard r2{bladeModelRun(model, in, 2, out, 1)};
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.message().find("must be f32, got i32"), std::string::npos)
      << r2.message();
  bladeTensorFree(in[0]);
  bladeTensorFree(in[1]);
  bladeModelFree(model);
}

TEST_F(LibraryTest, ConcurrentRunsAndOutputsOutliveTheModel) {
  BladeModel *model = load(lib("libmlp.so"), 2);
  ASSERT_NE(model, nullptr);
  std::vector<float> want = runMlp(model, 4);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i)
        same[t] += runMlp(model, 4) == want;
    });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(same[t], 20);

  // An output keeps its memory after the library is unloaded.
  std::vector<float> x(64, 0.5f);
  int64_t shape[] = {1, 64};
  BladeTensor *in[1] = {nullptr}, *out[1] = {nullptr};
  StatusGuard w{bladeTensorWrap(BLADE_F32, shape, 2, x.data(), &in[0])};
  StatusGuard r{bladeModelRun(model, in, 1, out, 1)};
  ASSERT_TRUE(r.ok()) << r.message();
  float first = static_cast<float *>(bladeTensorData(out[0]))[0];
  bladeModelFree(model);
  EXPECT_EQ(static_cast<float *>(bladeTensorData(out[0]))[0], first);
  bladeTensorFree(out[0]);
  bladeTensorFree(in[0]);
}

TEST_F(LibraryTest, LoadErrorsAreStatuses) {
  BladeModel *model = reinterpret_cast<BladeModel *>(0x1);
  StatusGuard missing{
      bladeModelLoadLibrary((dir + "/nope.so").c_str(), nullptr, &model)};
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(missing.message().find("cannot load model library"),
            std::string::npos)
      << missing.message();

  // A shared library that is not a Blade model: the runtime itself.
  StatusGuard foreign{
      bladeModelLoadLibrary(BLADE_RUNTIME_LIBRARY, nullptr, &model)};
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.message().find("is not a Blade model library"),
            std::string::npos)
      << foreign.message();

  // A file that is not a shared library at all.
  StatusGuard text{bladeModelLoadLibrary(kMatmul.c_str(), nullptr, &model)};
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.message().find("cannot load model library"), std::string::npos)
      << text.message();

  StatusGuard nullPath{bladeModelLoadLibrary(nullptr, nullptr, &model)};
  EXPECT_FALSE(nullPath.ok());
  StatusGuard nullOut{
      bladeModelLoadLibrary(lib("libmlp.so").c_str(), nullptr, nullptr)};
  EXPECT_FALSE(nullOut.ok());
}

} // namespace
