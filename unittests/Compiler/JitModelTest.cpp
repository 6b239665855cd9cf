//===- JitModelTest.cpp - Compile ONNX text in-process and run it ---------===//
//
// Drives the JIT through the C++ driver the tools use: a small model in the
// ONNX text syntax is compiled once and run on caller tensors, from one thread
// and from several at once; bad inputs give a Status naming the input.
//
//===----------------------------------------------------------------------===//

#include "blade/Compiler/Compiler.h"
#include "blade/Frontend/ONNX/Importer.h"

#include "mlir/IR/Diagnostics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

using namespace blade;

namespace {

// Y = relu(X * W + B), Z = softmax(Y) along the last axis; X is [batch, 3].
constexpr const char *kModel = R"ONNX(
<ir_version: 8, opset_import: ["" : 13]>
mlp (float[batch, 3] X) => (float[batch, 2] Y, float[batch, 2] Z)
<float[3, 2] W = {1.0, -1.0, 0.5, 2.0, -0.25, 0.0}, float[2] B = {0.1, -0.2}>
{
  T = MatMul(X, W)
  U = Add(T, B)
  Y = Relu(U)
  Z = Softmax(Y)
}
)ONNX";

const float kW[3][2] = {{1.0f, -1.0f}, {0.5f, 2.0f}, {-0.25f, 0.0f}};
const float kB[2] = {0.1f, -0.2f};

/// The model's outputs for row `x`, computed here independently.
void reference(const float *x, float *y, float *z) {
  for (int j = 0; j < 2; ++j) {
    float acc = kB[j];
    for (int k = 0; k < 3; ++k)
      acc += x[k] * kW[k][j];
    y[j] = acc > 0 ? acc : 0;
  }
  float m = std::max(y[0], y[1]);
  float e0 = std::exp(y[0] - m), e1 = std::exp(y[1] - m);
  z[0] = e0 / (e0 + e1);
  z[1] = e1 / (e0 + e1);
}

class JitModelTest : public ::testing::Test {
protected:
  void SetUp() override {
    prepareContext(ctx);
    diagnostics = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &ctx, [this](mlir::Diagnostic &d) {
          errors += d.str() + "\n";
          return mlir::success();
        });
    mlir::OwningOpRef<mlir::ModuleOp> module =
        importOnnxText(&ctx, kModel, "mlp.onnxtxt");
    ASSERT_TRUE(module) << errors;
    model = compileModule(*module, CompileOptions());
    ASSERT_TRUE(model) << errors;
  }

  rt::Tensor input(int64_t batch, float seed) {
    rt::Tensor t = rt::Tensor::allocate(rt::DType::F32, {batch, 3});
    float *p = t.dataAs<float>();
    for (int64_t i = 0; i < batch * 3; ++i)
      p[i] = std::sin(seed + 0.7f * i) * 3.0f;
    return t;
  }

  void expectMatches(const rt::Tensor &x, const std::vector<rt::Tensor> &out) {
    ASSERT_EQ(out.size(), 2u);
    int64_t batch = x.shape()[0];
    ASSERT_EQ(out[0].shape(), (std::vector<int64_t>{batch, 2}));
    ASSERT_EQ(out[1].shape(), (std::vector<int64_t>{batch, 2}));
    for (int64_t r = 0; r < batch; ++r) {
      float y[2], z[2];
      reference(x.dataAs<float>() + 3 * r, y, z);
      for (int j = 0; j < 2; ++j) {
        EXPECT_NEAR(out[0].dataAs<float>()[2 * r + j], y[j], 1e-5);
        EXPECT_NEAR(out[1].dataAs<float>()[2 * r + j], z[j], 1e-5);
      }
    }
  }

  mlir::MLIRContext ctx;
  std::string errors;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> diagnostics;
  std::unique_ptr<JitModel> model;
};

TEST_F(JitModelTest, SignatureNamesInputsOutputsAndDims) {
  const rt::ModelSignature &sig = model->signature();
  ASSERT_EQ(sig.inputs.size(), 1u);
  EXPECT_EQ(sig.inputs[0].name, "X");
  EXPECT_EQ(sig.inputs[0].shape, (std::vector<int64_t>{-1, 3}));
  EXPECT_EQ(sig.inputs[0].dimNames[0], "batch");
  EXPECT_EQ(sig.inputs[0].toString(), "f32[batch, 3]");
  ASSERT_EQ(sig.outputs.size(), 2u);
  EXPECT_EQ(sig.outputs[0].name, "Y");
  EXPECT_EQ(sig.outputs[1].name, "Z");
}

TEST_F(JitModelTest, RunsAtSeveralBatchSizesWithoutRecompiling) {
  for (int64_t batch : {1, 8, 3, 64}) {
    rt::Tensor x = input(batch, 0.3f * batch);
    std::vector<rt::Tensor> out;
    rt::Status s = model->run({&x}, out);
    ASSERT_TRUE(s.isOk()) << s.message();
    expectMatches(x, out);
  }
}

TEST_F(JitModelTest, EmptyBatch) {
  rt::Tensor x = rt::Tensor::allocate(rt::DType::F32, {0, 3});
  std::vector<rt::Tensor> out;
  rt::Status s = model->run({&x}, out);
  ASSERT_TRUE(s.isOk()) << s.message();
  EXPECT_EQ(out[0].shape(), (std::vector<int64_t>{0, 2}));
}

TEST_F(JitModelTest, InputsAreNotWritten) {
  rt::Tensor x = input(4, 1.0f);
  std::vector<float> before(x.dataAs<float>(), x.dataAs<float>() + 12);
  std::vector<rt::Tensor> out;
  ASSERT_TRUE(model->run({&x}, out).isOk());
  EXPECT_EQ(before, std::vector<float>(x.dataAs<float>(),
                                       x.dataAs<float>() + 12));
}

TEST_F(JitModelTest, ConcurrentRunsFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        rt::Tensor x = input(1 + (t + i) % 7, t + 0.1f * i);
        std::vector<rt::Tensor> out;
        if (!model->run({&x}, out).isOk()) {
          ++failures[t];
          continue;
        }
        for (int64_t r = 0; r < x.shape()[0]; ++r) {
          float y[2], z[2];
          reference(x.dataAs<float>() + 3 * r, y, z);
          for (int j = 0; j < 2; ++j)
            if (std::fabs(out[1].dataAs<float>()[2 * r + j] - z[j]) > 1e-5)
              ++failures[t];
        }
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST_F(JitModelTest, SteadyStateRunsTakeNoMemoryFromTheSystem) {
  rt::Tensor x = input(16, 0.5f);
  auto runOnce = [&] {
    std::vector<rt::Tensor> out;
    ASSERT_TRUE(model->run({&x}, out).isOk());
    expectMatches(x, out);
  };
  runOnce();
  runOnce();
  rt::ArenaStats before = model->memoryStats();
  // Two results a run: fusion leaves no intermediate buffer here (the relu
  // is the matmul kernel's post-op, softmax's row max and sum live on each
  // thread's stack); the results' blocks come back to the arena.
  EXPECT_GE(before.allocations, 2 * 2u);
  runOnce();
  rt::ArenaStats after = model->memoryStats();
  EXPECT_GT(after.allocations, before.allocations);
  EXPECT_EQ(after.systemAllocations, before.systemAllocations);
  EXPECT_EQ(after.bytesInUse, 0u);
  EXPECT_GT(after.peakBytesInUse, 0u);
}

TEST_F(JitModelTest, ResultsOutliveTheModel) {
  rt::Tensor x = input(5, 2.0f);
  std::vector<rt::Tensor> out;
  ASSERT_TRUE(model->run({&x}, out).isOk());
  model.reset();
  expectMatches(x, out);
  out.clear(); // Frees the blocks and then their arena.
}

TEST_F(JitModelTest, RejectsWrongDtype) {
  rt::Tensor x = rt::Tensor::allocate(rt::DType::F64, {2, 3});
  std::vector<rt::Tensor> out;
  rt::Status s = model->run({&x}, out);
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.message(), "input 'X' must be f32, got f64");
}

TEST_F(JitModelTest, RejectsWrongStaticDim) {
  rt::Tensor x = rt::Tensor::allocate(rt::DType::F32, {2, 4});
  std::vector<rt::Tensor> out;
  rt::Status s = model->run({&x}, out);
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.message(),
            "input 'X' dim 1 must be 3, got 4 (expected f32[batch, 3])");
}

TEST_F(JitModelTest, RejectsWrongRankAndCount) {
  rt::Tensor x = rt::Tensor::allocate(rt::DType::F32, {6});
  std::vector<rt::Tensor> out;
  rt::Status s = model->run({&x}, out);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("input 'X' must have shape f32[batch, 3]"),
            std::string::npos)
      << s.message();
  s = model->run({}, out);
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.message(), "the model takes 1 inputs, got 0");
}

TEST(CompilerErrors, UnsupportedOperatorNamesTheNode) {
  mlir::MLIRContext ctx;
  prepareContext(ctx);
  std::string errors;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    errors += d.str();
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module = importOnnxText(&ctx, R"ONNX(
<ir_version: 8, opset_import: ["" : 13]>
g (float[2] X) => (float[2] Y) {
  Y = Foo(X)
}
)ONNX",
                                                            "bad.onnxtxt");
  EXPECT_FALSE(module);
  EXPECT_NE(errors.find("Foo"), std::string::npos) << errors;
}

} // namespace

namespace {

TEST(ShapeChecks, RuntimeOnesBroadcastOtherMismatchesAreErrors) {
  mlir::MLIRContext ctx;
  prepareContext(ctx);
  std::string errors;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    errors += d.str();
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module = importOnnxText(&ctx, R"ONNX(
<ir_version: 8, opset_import: ["" : 13]>
g (float[N, 4] A, float[M, 4] B) => (float[N, 4] Y) {
  Y = Add(A, B)
}
)ONNX",
                                                            "add.onnxtxt");
  ASSERT_TRUE(module) << errors;
  std::unique_ptr<JitModel> model = compileModule(*module, CompileOptions());
  ASSERT_TRUE(model) << errors;

  rt::Tensor a = rt::Tensor::allocate(rt::DType::F32, {3, 4});
  rt::Tensor b = rt::Tensor::allocate(rt::DType::F32, {3, 4});
  for (int i = 0; i < 12; ++i) {
    a.dataAs<float>()[i] = i;
    b.dataAs<float>()[i] = 100 * i;
  }
  std::vector<rt::Tensor> out;
  rt::Status s = model->run({&a, &b}, out);
  ASSERT_TRUE(s.isOk()) << s.message();
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(out[0].dataAs<float>()[i], 101.0f * i);

  // A run-time 1 broadcasts; a different size that is not 1 does not fit.
  rt::Tensor one = rt::Tensor::allocate(rt::DType::F32, {1, 4});
  for (int i = 0; i < 4; ++i)
    one.dataAs<float>()[i] = 1000.0f * (i + 1);
  s = model->run({&a, &one}, out);
  ASSERT_TRUE(s.isOk()) << s.message();
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(out[0].dataAs<float>()[i], float(i) + 1000.0f * (i % 4 + 1));
  rt::Tensor bad = rt::Tensor::allocate(rt::DType::F32, {2, 4});
  s = model->run({&a, &bad}, out);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("node 'Add_0'"), std::string::npos)
      << s.message();
}

} // namespace
