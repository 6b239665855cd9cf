//===- Importer.h - ONNX model to blade dialect ----------------*- C++ -*-===//
//
// Reads an ONNX model (binary protobuf, or the ONNX text syntax) and builds a
// module with one public function `@main_graph` in the blade dialect:
//
// * graph inputs (that are not initializers) become the arguments, graph
//   outputs the results, each carrying its ONNX name in `blade.name`;
// * `dim_param` names become dynamic dims, recorded per argument in
//   `blade.dim_names` ("" for a dim without a name);
// * initializers and Constant nodes become `blade.constant`;
// * each node's name becomes the MLIR location of the ops built for it.
//
// Errors are emitted as MLIR diagnostics naming the node, its op type and the
// opset, and the import returns nullptr; nothing aborts.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_FRONTEND_ONNX_IMPORTER_H
#define BLADE_FRONTEND_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace blade {

/// Name of the entry function the importer creates.
inline constexpr llvm::StringLiteral kEntryFunctionName = "main_graph";
/// Argument/result attribute holding the ONNX value name.
inline constexpr llvm::StringLiteral kNameAttr = "blade.name";
/// Argument attribute holding the ONNX dim_param names of an input.
inline constexpr llvm::StringLiteral kDimNamesAttr = "blade.dim_names";

/// Imports the ONNX model in `path`. Files ending in `.onnxtxt` (or whose
/// content starts with `<`) are read as ONNX text syntax. Tensors stored as
/// external data are read from files next to the model; models over 2 GiB
/// (file or weights) are rejected.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext *ctx,
                                                 llvm::StringRef path);

/// Imports a serialized ONNX ModelProto held in memory. External data files
/// are looked up in `baseDir`; without one, external data is an error.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxBytes(mlir::MLIRContext *ctx, llvm::StringRef bytes,
                llvm::StringRef sourceName, llvm::StringRef baseDir = "");

/// Imports a model written in the ONNX text syntax.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxText(mlir::MLIRContext *ctx, llvm::StringRef text,
               llvm::StringRef sourceName, llvm::StringRef baseDir = "");

} // namespace blade

#endif // BLADE_FRONTEND_ONNX_IMPORTER_H
