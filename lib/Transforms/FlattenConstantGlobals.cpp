//===- FlattenConstantGlobals.cpp - blade-flatten-constant-globals --------===//
//
// Weights become memref.global constants. Translated to LLVM IR, an N-D
// global is a nest of arrays with one uniqued constant per innermost row: for
// a 1x1 convolution's weights, one per element. ResNet-50's 25M weights took
// ~55 s and 4 GB to translate and emit that way. A 1-D global is a single
// data array; the users see the original shape through an expand_shape.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

namespace blade {
#define GEN_PASS_DEF_BLADEFLATTENCONSTANTGLOBALSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

struct BladeFlattenConstantGlobalsPass
    : blade::impl::BladeFlattenConstantGlobalsPassBase<
          BladeFlattenConstantGlobalsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<MemRefType> flattened; // Global name -> its 1-D type.
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      auto value =
          dyn_cast_if_present<DenseElementsAttr>(global.getInitialValueAttr());
      if (!value || type.getRank() < 2 || !type.hasStaticShape() ||
          !type.getLayout().isIdentity())
        continue;
      auto flatType =
          MemRefType::get({type.getNumElements()}, type.getElementType(),
                          AffineMap(), type.getMemorySpace());
      global.setType(flatType);
      global.setInitialValueAttr(value.reshape(RankedTensorType::get(
          {type.getNumElements()}, type.getElementType())));
      flattened[global.getSymName()] = flatType;
    }
    if (flattened.empty())
      return;
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getName());
      if (it == flattened.end())
        return;
      MemRefType type = get.getType();
      OpBuilder b(get);
      auto flat = memref::GetGlobalOp::create(b, get.getLoc(), it->second,
                                              get.getName());
      ReassociationIndices all =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      Value shaped =
          memref::ExpandShapeOp::create(b, get.getLoc(), type, flat, {all});
      get.replaceAllUsesWith(shaped);
      get.erase();
    });
  }
};

} // namespace
