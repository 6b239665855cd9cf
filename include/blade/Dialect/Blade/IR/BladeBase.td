//===- BladeBase.td - Shared pieces of the blade op files ---*- tablegen -*-===//
//
// Type constraints and interfaces every blade op file uses.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEBASE_TD
#define BLADE_DIALECT_BLADE_IR_BLADEBASE_TD

include "blade/Dialect/Blade/IR/BladeDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "blade/Dialect/Blade/IR/BladeInterfaces.td"

def Blade_Tensor : RankedTensorOf<[AnyType]>;
def Blade_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Blade_NumericTensor : RankedTensorOf<[AnyFloat, AnyInteger]>;
def Blade_BoolTensor : RankedTensorOf<[I1]>;
def Blade_IntegerTensor : RankedTensorOf<[AnyInteger]>;

#endif // BLADE_DIALECT_BLADE_IR_BLADEBASE_TD
