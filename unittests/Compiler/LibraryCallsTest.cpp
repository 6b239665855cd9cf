//===- LibraryCallsTest.cpp - oneDNN calls against Blade's loops ----------===//
//
// One small CNN head (Conv, MaxPool, Gemm-style MatMul + bias) compiled twice:
// with library calls and with Blade's own loops. Both run at several batch
// sizes from several threads at once (each call site meets several shapes,
// each shape one cached primitive) and must agree; a kernel failure comes
// back as a Status.
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

std::string weights(const char *name, std::vector<int> shape) {
  size_t n = 1;
  std::string dims, values;
  for (int d : shape) {
    n *= d;
    dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  }
  for (size_t i = 0; i < n; ++i)
    values += (i ? ", " : "") + std::to_string(std::sin(0.3 * i + shape[0]));
  return "float[" + dims + "] " + name + " = {" + values + "}";
}

std::string modelText() {
  return R"(<ir_version: 8, opset_import: ["" : 13]>
head (float[batch, 3, 8, 8] X) => (float[batch, 5] Y)
<)" + weights("W", {4, 3, 3, 3}) +
         ", " + weights("B", {4}) + ", " + weights("F", {16, 5}) + ", " +
         weights("C", {5}) + R"(, int64[2] S = {-1, 16}>
{
  A = Conv <pads = [1, 1, 1, 1]> (X, W, B)
  R = Relu(A)
  P = MaxPool <kernel_shape = [2, 2], strides = [2, 2]> (R)
  Q = MaxPool <kernel_shape = [2, 2], strides = [2, 2]> (P)
  V = Reshape(Q, S)
  M = MatMul(V, F)
  Y = Add(M, C)
}
)";
}

class LibraryCallsTest : public ::testing::Test {
protected:
  std::unique_ptr<JitModel> compile(bool libraryCalls) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        importOnnxText(&ctx, modelText(), "head.onnxtxt");
    if (!module)
      return nullptr;
    CompileOptions options;
    options.libraryCalls = libraryCalls;
    return compileModule(*module, options);
  }

  void SetUp() override {
    prepareContext(ctx);
    diagnostics = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &ctx, [this](mlir::Diagnostic &d) {
          errors += d.str() + "\n";
          return mlir::success();
        });
    library = compile(true);
    ASSERT_TRUE(library) << errors;
    loops = compile(false);
    ASSERT_TRUE(loops) << errors;
  }

  static rt::Tensor input(int64_t batch, float seed) {
    rt::Tensor t = rt::Tensor::allocate(rt::DType::F32, {batch, 3, 8, 8});
    for (int64_t i = 0; i < batch * 192; ++i)
      t.dataAs<float>()[i] = std::cos(seed + 0.11f * i);
    return t;
  }

  mlir::MLIRContext ctx;
  std::string errors;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> diagnostics;
  std::unique_ptr<JitModel> library, loops;
};

TEST_F(LibraryCallsTest, AgreesWithLoopsAtManyShapesFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      rt::RunOptions options{1 + t % 2};
      for (int i = 0; i < 12; ++i) {
        rt::Tensor x = input(1 + (t + i) % 5, t + 0.5f * i);
        std::vector<rt::Tensor> got, want;
        if (!library->run({&x}, got, options).isOk() ||
            !loops->run({&x}, want, options).isOk()) {
          ++failures[t];
          continue;
        }
        for (int64_t j = 0; j < want[0].numElements(); ++j) {
          float a = got[0].dataAs<float>()[j], b = want[0].dataAs<float>()[j];
          if (std::fabs(a - b) > 1e-4f * (1 + std::fabs(b)))
            ++failures[t];
        }
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST_F(LibraryCallsTest, EmptyBatch) {
  rt::Tensor x = input(0, 0);
  std::vector<rt::Tensor> out;
  rt::Status s = library->run({&x}, out);
  ASSERT_TRUE(s.isOk()) << s.message();
  EXPECT_EQ(out[0].shape(), (std::vector<int64_t>{0, 5}));
}

} // namespace
