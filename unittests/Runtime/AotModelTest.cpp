//===- AotModelTest.cpp - Loading and running model libraries -------------===//
//
// The libraries are hand-written C (test/tools/Inputs), built by CMake, so
// the loader is tested without the compiler (also under ASan).
//
//===----------------------------------------------------------------------===//

#include "blade-rt/AotModel.h"

#include <gtest/gtest.h>

#include <thread>

using namespace blade::rt;

namespace {

/// Runs libpar (no inputs; output: the chunk count of one parallel loop).
int64_t chunksOf(const AotModel &model, int threads) {
  std::vector<Tensor> outputs;
  RunOptions options;
  options.threads = threads;
  Status s = model.run({}, outputs, options);
  EXPECT_TRUE(s.isOk()) << s.message();
  if (outputs.size() != 1 || outputs[0].shape() != std::vector<int64_t>{1})
    return -1;
  return outputs[0].dataAs<int64_t>()[0];
}

TEST(AotModelTest, LoadsAndRunsWithTheRunsThreadCount) {
  std::unique_ptr<AotModel> model;
  Status s = AotModel::load(BLADE_TEST_MODEL_PARALLEL, model);
  ASSERT_TRUE(s.isOk()) << s.message();
  ASSERT_EQ(model->signature().inputs.size(), 0u);
  ASSERT_EQ(model->signature().outputs.size(), 1u);
  EXPECT_EQ(model->signature().outputs[0].toString(), "i64[1]");
  EXPECT_EQ(model->modelInfo().targetCpu, "test");
  EXPECT_EQ(chunksOf(*model, 1), 1);
  EXPECT_EQ(chunksOf(*model, 3), 3);

  // Runs from several threads at once, each with its own thread count.
  std::vector<std::thread> threads;
  std::vector<int64_t> got(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] { got[t] = chunksOf(*model, 1 + t % 2); });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(got[t], 1 + t % 2);

  // Outputs own malloc'd memory that outlives the library.
  std::vector<Tensor> outputs;
  ASSERT_TRUE(model->run({}, outputs, {}).isOk());
  model.reset();
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_GE(outputs[0].dataAs<int64_t>()[0], 1);

  // Inputs the model does not take are an error, not a run.
  std::unique_ptr<AotModel> again;
  ASSERT_TRUE(AotModel::load(BLADE_TEST_MODEL_PARALLEL, again).isOk());
  Tensor extra = Tensor::allocate(DType::F32, {1});
  Status wrong = again->run({&extra}, outputs, {});
  EXPECT_FALSE(wrong.isOk());
}

TEST(AotModelTest, RefusesOtherAbiVersionsAndForeignLibraries) {
  std::unique_ptr<AotModel> model;
  Status v99 = AotModel::load(BLADE_TEST_MODEL_V99, model);
  ASSERT_FALSE(v99.isOk());
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(v99.message().find("ABI version 99, this runtime reads 2"),
            std::string::npos)
      << v99.message();
  Status foreign = AotModel::load(BLADE_RUNTIME_LIBRARY, model);
  ASSERT_FALSE(foreign.isOk());
  EXPECT_NE(foreign.message().find("is not a Blade model library"),
            std::string::npos)
      << foreign.message();
}

} // namespace
