//===- ModelPrep.h - Model-level steps before node conversion ---*- C++ -*-===//
//
// What the importer does to a ModelProto around the per-node converters:
// loading external tensor data (ExternalData.cpp) and expanding ONNX
// function bodies for nodes without a converter (Functions.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_LIB_FRONTEND_ONNX_MODELPREP_H
#define BLADE_LIB_FRONTEND_ONNX_MODELPREP_H

#include "mlir/IR/Types.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <string>
#include <vector>

namespace blade::onnx_import {

/// The most weight bytes (initializers and Constant tensors, inline or
/// external) a model may hold; protobuf and the embedded-constant codegen
/// both stop at 2 GiB.
inline constexpr uint64_t kMaxWeightBytes = uint64_t(1) << 31;

/// Checks the model's total weight size against kMaxWeightBytes, then reads
/// every tensor whose data lives in an external file (location relative to
/// `baseDir`, optional offset/length) into its raw_data. An empty `baseDir`
/// (a model from memory) makes external data an error. On failure sets
/// `error` to one line naming the tensor.
mlir::LogicalResult loadExternalData(onnx::ModelProto &model, llvm::StringRef baseDir,
                               std::string &error);

/// Model-local functions (ModelProto.functions) by "domain:name".
using LocalFunctions = std::map<std::string, const onnx::FunctionProto *>;

/// Key of a local function or a node calling one.
std::string functionKey(const std::string &domain, const std::string &name);

/// The body of `node`, instantiated: the function's nodes with formal inputs
/// and outputs renamed to the node's, internal values renamed under
/// `prefix`, attribute references resolved from the node (or the schema's
/// defaults). The function comes from `local` or, for the default domain,
/// from the ONNX schema of `node` at `opset` (plain or context-dependent
/// bodies; `inputTypes` are the MLIR types of the node's inputs, null for
/// missing ones). Returns false if the node has no function body; sets
/// `bodyOpset` to the default-domain opset the body was written for.
mlir::FailureOr<bool> instantiateFunction(const onnx::NodeProto &node,
                                          int64_t opset, const LocalFunctions &local,
                                    llvm::ArrayRef<mlir::Type> inputTypes,
                                    const std::string &prefix,
                                    std::vector<onnx::NodeProto> &body,
                                    int64_t &bodyOpset, std::string &error);

} // namespace blade::onnx_import

#endif // BLADE_LIB_FRONTEND_ONNX_MODELPREP_H
