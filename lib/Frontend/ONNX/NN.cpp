//===- NN.cpp - ONNX neural-network operators -----------------------------===//
//
// Convolution, pooling and the other compute-intensive NN operators.
//
//===----------------------------------------------------------------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"

using namespace mlir;

namespace blade::onnx_import {

void registerNNConverters(ConverterRegistry &r) { (void)r; }

} // namespace blade::onnx_import
