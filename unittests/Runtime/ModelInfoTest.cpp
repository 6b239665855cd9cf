//===- ModelInfoTest.cpp - The info text of AOT model libraries -----------===//

#include "blade-rt/ModelInfo.h"
#include "blade-rt/AotModel.h"

#include <gtest/gtest.h>

using namespace blade::rt;

namespace {

ModelInfo sampleInfo() {
  ModelInfo info;
  TensorSpec in;
  in.name = "input ids:\n 7"; // spaces, a colon, a newline
  in.dtype = DType::I64;
  in.shape = {-1, 128};
  in.dimNames = {"batch", ""};
  TensorSpec scalar;
  scalar.name = "scale";
  scalar.dtype = DType::BF16;
  TensorSpec out;
  out.name = "logits";
  out.shape = {-1, 2};
  out.dimNames = {"batch", ""};
  info.signature.inputs = {in, scalar};
  info.signature.outputs = {out};
  info.entrySymbol = "_mlir__mlir_ciface_main_graph";
  info.shapeCheckSymbol = "_mlir__mlir_ciface_main_graph_shape_check";
  info.checkMessages = {"node 'mm' (MatMul): dims differ", ""};
  info.targetCpu = "x86-64-v3";
  info.targetFeatures = "+avx2,-avx512f";
  return info;
}

TEST(ModelInfoTest, RoundTrips) {
  ModelInfo info = sampleInfo(), back;
  std::string text = serializeModelInfo(info);
  EXPECT_EQ(text.rfind("blade-model-library 2\n", 0), 0u) << text;
  ASSERT_TRUE(parseModelInfo(text, back).isOk());
  ASSERT_EQ(back.signature.inputs.size(), 2u);
  EXPECT_EQ(back.signature.inputs[0].name, "input ids:\n 7");
  EXPECT_EQ(back.signature.inputs[0].dtype, DType::I64);
  EXPECT_EQ(back.signature.inputs[0].shape, (std::vector<int64_t>{-1, 128}));
  EXPECT_EQ(back.signature.inputs[0].dimNames,
            (std::vector<std::string>{"batch", ""}));
  EXPECT_EQ(back.signature.inputs[1].rank(), 0);
  EXPECT_EQ(back.signature.inputs[1].dtype, DType::BF16);
  ASSERT_EQ(back.signature.outputs.size(), 1u);
  EXPECT_EQ(back.signature.outputs[0].toString(), "f32[batch, 2]");
  EXPECT_EQ(back.entrySymbol, info.entrySymbol);
  EXPECT_EQ(back.shapeCheckSymbol, info.shapeCheckSymbol);
  EXPECT_EQ(back.checkMessages, info.checkMessages);
  EXPECT_EQ(back.targetCpu, "x86-64-v3");
  EXPECT_EQ(back.targetFeatures, "+avx2,-avx512f");
}

TEST(ModelInfoTest, RejectsOtherVersionsAndGarbage) {
  ModelInfo info;
  Status other = parseModelInfo("blade-model-library 99\nend\n", info);
  ASSERT_FALSE(other.isOk());
  EXPECT_NE(other.message().find("ABI version 99"), std::string::npos)
      << other.message();
  Status garbage = parseModelInfo("hello", info);
  ASSERT_FALSE(garbage.isOk());
  EXPECT_NE(garbage.message().find("not a Blade model library"),
            std::string::npos);
  std::string text = serializeModelInfo(sampleInfo());
  // Truncated inside a length-prefixed string, or without its end record.
  EXPECT_FALSE(parseModelInfo(text.substr(0, 60), info).isOk());
  EXPECT_FALSE(parseModelInfo(text.substr(0, text.size() - 4), info).isOk());
  EXPECT_FALSE(
      parseModelInfo("blade-model-library 2\ninput 3:abc f99 0\nend", info)
          .isOk());
}

TEST(ModelInfoTest, LoadErrorsAreStatuses) {
  std::unique_ptr<AotModel> model;
  Status missing = AotModel::load("/nonexistent/libmodel.so", model);
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(missing.message().find("cannot load model library "
                                   "'/nonexistent/libmodel.so'"),
            std::string::npos)
      << missing.message();
}

} // namespace
