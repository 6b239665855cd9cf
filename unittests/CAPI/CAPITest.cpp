//===- CAPITest.cpp - Tests for the Blade C API ---------------------------===//

#include "blade-c/Blade.h"
#include "blade-rt/Npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

const std::string kMatmul =
    std::string(BLADE_SOURCE_DIR) + "/test/tools/Inputs/matmul.onnxtxt";
const std::string kMlp =
    std::string(BLADE_SOURCE_DIR) + "/examples/models/mlp.onnx";

/// Frees a status at scope exit and gives its message.
struct StatusGuard {
  BladeStatus *status;
  ~StatusGuard() { bladeStatusFree(status); }
  bool ok() const { return status == nullptr; }
  std::string message() const { return bladeStatusMessage(status); }
};

BladeModel *compileOrDie(const std::string &path) {
  BladeModel *model = nullptr;
  StatusGuard s{bladeModelCompileFile(path.c_str(), nullptr, &model)};
  EXPECT_TRUE(s.ok()) << s.message();
  return model;
}

/// Y = X @ W of matmul.onnxtxt (X [N, 4], W [4, 3]) for N rows.
std::vector<float> runMatmul(BladeModel *model, int64_t n, float seed) {
  std::vector<float> x(n * 4), w(12);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = seed + static_cast<float>(i);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<float>(i % 5) - 2;
  int64_t xShape[] = {n, 4}, wShape[] = {4, 3};
  BladeTensor *in[2] = {nullptr, nullptr};
  StatusGuard a{bladeTensorWrap(BLADE_F32, xShape, 2, x.data(), &in[0])};
  StatusGuard b{bladeTensorWrap(BLADE_F32, wShape, 2, w.data(), &in[1])};
  EXPECT_TRUE(a.ok() && b.ok());
  BladeTensor *out[1] = {nullptr};
  StatusGuard r{bladeModelRun(model, in, 2, out, 1)};
  EXPECT_TRUE(r.ok()) << r.message();
  std::vector<float> y;
  if (out[0]) {
    EXPECT_EQ(bladeTensorRank(out[0]), 2u);
    EXPECT_EQ(bladeTensorDim(out[0], 0), n);
    EXPECT_EQ(bladeTensorDim(out[0], 1), 3);
    EXPECT_EQ(bladeTensorByteSize(out[0]), static_cast<size_t>(n * 3 * 4));
    const float *p = static_cast<const float *>(bladeTensorData(out[0]));
    y.assign(p, p + n * 3);
  }
  // The expected product, computed here.
  for (int64_t i = 0; i < n && !y.empty(); ++i)
    for (int64_t j = 0; j < 3; ++j) {
      float want = 0;
      for (int64_t k = 0; k < 4; ++k)
        want += x[i * 4 + k] * w[k * 3 + j];
      EXPECT_FLOAT_EQ(y[i * 3 + j], want) << i << "," << j;
    }
  bladeTensorFree(in[0]);
  bladeTensorFree(in[1]);
  bladeTensorFree(out[0]);
  return y;
}

TEST(CAPITest, Version) { EXPECT_EQ(bladeApiVersion(), BLADE_API_VERSION); }

TEST(CAPITest, QueriesInputsAndOutputs) {
  BladeModel *model = compileOrDie(kMatmul);
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(bladeModelNumInputs(model), 2u);
  ASSERT_EQ(bladeModelNumOutputs(model), 1u);
  EXPECT_STREQ(bladeModelInputName(model, 0), "X");
  EXPECT_STREQ(bladeModelInputName(model, 1), "W");
  EXPECT_STREQ(bladeModelOutputName(model, 0), "Y");
  EXPECT_EQ(bladeModelInputDType(model, 0), BLADE_F32);
  EXPECT_EQ(bladeModelInputRank(model, 0), 2);
  EXPECT_EQ(bladeModelInputDim(model, 0, 0), -1); // N is dynamic
  EXPECT_EQ(bladeModelInputDim(model, 0, 1), 4);
  EXPECT_EQ(bladeModelOutputDim(model, 0, 1), 3);
  EXPECT_EQ(bladeModelInputName(model, 2), nullptr);
  EXPECT_EQ(bladeModelInputRank(model, 2), -1);
  bladeModelFree(model);
}

TEST(CAPITest, RunsOnCallerMemoryAtAnyBatch) {
  BladeModel *model = compileOrDie(kMatmul);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(runMatmul(model, 1, 0.5f).size(), 3u);
  EXPECT_EQ(runMatmul(model, 7, -3.0f).size(), 21u);
  bladeModelFree(model);
}

TEST(CAPITest, CompilesFromBytesWithOptions) {
  std::ifstream file(kMlp, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)),
                    std::istreambuf_iterator<char>());
  ASSERT_FALSE(bytes.empty());
  BladeOptions *options = bladeOptionsCreate();
  StatusGuard bad{bladeOptionsSetOptLevel(options, 7)};
  EXPECT_EQ(bad.message(), "the optimisation level must be 0 to 3, got 7");
  StatusGuard level{bladeOptionsSetOptLevel(options, 2)};
  EXPECT_TRUE(level.ok());
  BladeModel *model = nullptr;
  StatusGuard s{
      bladeModelCompileBytes(bytes.data(), bytes.size(), options, &model)};
  bladeOptionsFree(options);
  ASSERT_TRUE(s.ok()) << s.message();

  blade::rt::Tensor input, expected;
  ASSERT_TRUE(blade::rt::readNpy(
      std::string(BLADE_SOURCE_DIR) + "/examples/models/mlp_input.npy", input));
  ASSERT_TRUE(blade::rt::readNpy(std::string(BLADE_SOURCE_DIR) +
                                     "/examples/models/mlp_expected.npy",
                                 expected));
  BladeTensor *in = nullptr;
  StatusGuard w{bladeTensorWrap(BLADE_F32, input.shape().data(),
                                input.shape().size(), input.data(), &in)};
  ASSERT_TRUE(w.ok());
  BladeTensor *out = nullptr;
  StatusGuard r{bladeModelRun(model, &in, 1, &out, 1)};
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(bladeTensorByteSize(out), expected.byteSize());
  const float *got = static_cast<const float *>(bladeTensorData(out));
  for (int64_t i = 0; i < expected.numElements(); ++i)
    EXPECT_NEAR(got[i], expected.dataAs<float>()[i], 1e-4) << i;
  bladeTensorFree(in);
  bladeTensorFree(out);
  bladeModelFree(model);
}

TEST(CAPITest, TargetOptions) {
  BladeOptions *options = bladeOptionsCreate();
  BladeModel *model = nullptr;
  StatusGuard set{bladeOptionsSetTarget(options, "x86-64", "-avx512f")};
  ASSERT_TRUE(set.ok());
  {
    StatusGuard s{bladeModelCompileFile(kMatmul.c_str(), options, &model)};
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(runMatmul(model, 3, 1.0f).size(), 9u);
    bladeModelFree(model);
    model = nullptr;
  }
  StatusGuard bad{bladeOptionsSetTarget(options, "nonesuch", nullptr)};
  ASSERT_TRUE(bad.ok()); // checked when compiling
  StatusGuard s{bladeModelCompileFile(kMatmul.c_str(), options, &model)};
  EXPECT_NE(s.message().find("unknown CPU 'nonesuch'"), std::string::npos)
      << s.message();
  EXPECT_EQ(model, nullptr);
  bladeOptionsFree(options);
}

TEST(CAPITest, ConcurrentRunsOfOneModel) {
  BladeModel *model = compileOrDie(kMatmul);
  ASSERT_NE(model, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([model, t] {
      for (int i = 0; i < 20; ++i)
        runMatmul(model, 1 + (t + i) % 5, static_cast<float>(t));
    });
  for (std::thread &t : threads)
    t.join();
  bladeModelFree(model);
}

TEST(CAPITest, ErrorsAreStatusesNotAborts) {
  BladeModel *model = nullptr;
  {
    StatusGuard s{
        bladeModelCompileFile("/nonexistent/model.onnx", nullptr, &model)};
    EXPECT_NE(s.message().find("cannot open '/nonexistent/model.onnx'"),
              std::string::npos)
        << s.message();
    EXPECT_EQ(model, nullptr);
  }
  {
    const char junk[] = "not a model";
    StatusGuard s{bladeModelCompileBytes(junk, sizeof(junk), nullptr, &model)};
    EXPECT_NE(s.message().find("not a valid ONNX model"), std::string::npos)
        << s.message();
  }
  model = compileOrDie(kMatmul);
  ASSERT_NE(model, nullptr);
  std::vector<double> x(8);
  std::vector<float> w(12);
  int64_t xShape[] = {2, 4}, wShape[] = {4, 3}, badShape[] = {5, 3};
  BladeTensor *in[2] = {nullptr, nullptr};
  BladeTensor *out[1] = {nullptr};
  StatusGuard a{bladeTensorWrap(BLADE_F64, xShape, 2, x.data(), &in[0])};
  StatusGuard b{bladeTensorWrap(BLADE_F32, wShape, 2, w.data(), &in[1])};
  {
    StatusGuard s{bladeModelRun(model, in, 2, out, 1)};
    EXPECT_NE(s.message().find("input 'X'"), std::string::npos) << s.message();
    EXPECT_EQ(out[0], nullptr);
  }
  {
    StatusGuard s{bladeModelRun(model, in, 1, out, 1)};
    EXPECT_EQ(s.message(), "the model takes 2 inputs, got 1");
  }
  bladeTensorFree(in[1]);
  StatusGuard c{bladeTensorWrap(BLADE_F32, badShape, 2, w.data(), &in[1])};
  {
    std::vector<float> xf(8);
    bladeTensorFree(in[0]);
    StatusGuard d{bladeTensorWrap(BLADE_F32, xShape, 2, xf.data(), &in[0])};
    StatusGuard s{bladeModelRun(model, in, 2, out, 1)};
    EXPECT_NE(s.message().find("input 'W'"), std::string::npos) << s.message();
  }
  {
    int64_t negative[] = {-2, 4};
    BladeTensor *t = nullptr;
    StatusGuard s{bladeTensorWrap(BLADE_F32, negative, 2, x.data(), &t)};
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(t, nullptr);
  }
  bladeTensorFree(in[0]);
  bladeTensorFree(in[1]);
  bladeModelFree(model);
  bladeModelFree(nullptr);
  bladeTensorFree(nullptr);
  bladeStatusFree(nullptr);
}

} // namespace
