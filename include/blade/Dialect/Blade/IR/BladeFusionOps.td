//===- BladeFusionOps.td - fusion groups -*- tablegen -*-===//
//
// The fusion planner (blade-form-fusion-groups) wraps the ops it compiles
// as one kernel in a blade.fusion region.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADEFUSIONOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADEFUSIONOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

def Blade_FusionOp : Blade_Op<"fusion",
    [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "Ops to be compiled as one kernel (a fusion group)";
  let description = [{
    Runs the ops of its region, which may read values defined outside, and
    returns what the region yields. `kind` says how code generation makes
    the group one kernel:

    * `loop`: elementwise ops over one iteration space, one loop nest;
    * `input`: a reduction with the elementwise ops producing its operand,
      computed inside the reduction's loop;
    * `stitch`: reductions over the trailing dims of the same rows
      (softmax, layer_norm, their decomposed forms) with their producers
      and consumers: one parallel loop over rows, intermediates per row;
    * `epilogue`: a matmul or convolution with the elementwise ops its
      library kernel applies as post-ops (bias, residual add, activation).

    `rows`, for stitch and input groups over trailing dims, is the number
    of leading dims of the result that are rows: each row's reductions and
    outputs are computed together.

    Example:

    ```mlir
    %r = blade.fusion "loop" -> tensor<?x16xf32> {
      %0 = blade.add %x, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
      %1 = blade.relu %0 : tensor<?x16xf32>
      blade.yield %1 : tensor<?x16xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind, OptionalAttr<I64Attr>:$rows);
  let results = (outs Variadic<Blade_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind (`->` type($results)^)? $body attr-dict";
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADEFUSIONOPS_TD
