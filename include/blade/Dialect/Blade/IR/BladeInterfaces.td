//===- BladeInterfaces.td - Interfaces of blade ops ---------*- tablegen -*-===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEINTERFACES_TD
#define BLADE_DIALECT_BLADE_IR_BLADEINTERFACES_TD

include "mlir/IR/OpBase.td"

def Blade_ShapeCheckOpInterface : OpInterface<"ShapeCheckOpInterface"> {
  let cppNamespace = "::blade";
  let description = [{
    An op whose shape rules involve dims that may only be known at run time
    (e.g. two dynamic dims of an elementwise op must agree). The op adds one
    i1 value per rule to the list, true when the rule holds;
    blade-emit-shape-checks turns them into the model's shape-check function.
  }];
  let methods = [
    InterfaceMethod<"Adds the op's run-time shape rules to `checks`.",
      "void", "emitShapeChecks", (ins "::blade::ShapeCheckList &":$checks)>
  ];
}


#endif // BLADE_DIALECT_BLADE_IR_BLADEINTERFACES_TD
