//===- BladeControlFlowOps.td - If, loops, yield -----------*- tablegen -*-===//
//
// Control flow on tensor values: blade.if and blade.loop hold their branches
// and body as regions ending in blade.yield. Regions may use any value of
// the enclosing scope (ONNX subgraphs see the outer graph's values).
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_DIALECT_BLADE_IR_BLADECONTROLFLOWOPS_TD
#define BLADE_DIALECT_BLADE_IR_BLADECONTROLFLOWOPS_TD

include "blade/Dialect/Blade/IR/BladeBase.td"

def Blade_YieldOp : Blade_Op<"yield",
    [Pure, Terminator, ParentOneOf<["IfOp", "LoopOp", "FusionOp"]>]> {
  let summary = "Ends a blade.if branch, a blade.loop body or a blade.fusion group";
  let description = [{
    Passes the values of a branch (blade.if) or of one iteration (blade.loop)
    to the enclosing op. A yielded type may be more static than the type the
    enclosing op declares for it (the ONNX branches of an If may disagree on
    dims); it must be compatible with it.

    Example:

    ```mlir
    blade.yield %a, %b : tensor<2xf32>, tensor<i64>
    ```
  }];
  let arguments = (ins Variadic<Blade_Tensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

def Blade_IfOp : Blade_Op<"if",
    [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "Runs one of two regions on a boolean (ONNX If)";
  let description = [{
    Runs `then_region` when the single element of `condition` is true, else
    `else_region`, and returns what the region yields. Each result type is
    the join of the two branches' types: a dim on which they disagree is
    dynamic. Both regions may use values defined outside.

    Example:

    ```mlir
    %r = blade.if %c : tensor<i1> -> tensor<?xf32> {
      blade.yield %a : tensor<5xf32>
    } else {
      blade.yield %b : tensor<3xf32>
    }
    ```
  }];
  let arguments = (ins Blade_BoolTensor:$condition);
  let results = (outs Variadic<Blade_Tensor>:$results);
  let regions = (region SizedRegion<1>:$then_region,
                        SizedRegion<1>:$else_region);
  let assemblyFormat = [{
    $condition `:` type($condition) (`->` type($results)^)?
    $then_region `else` $else_region attr-dict
  }];
  let hasVerifier = 1;
}

def Blade_LoopOp : Blade_Op<"loop",
    [RecursiveMemoryEffects, AttrSizedOperandSegments]> {
  let summary = "A loop with loop-carried values and scan outputs (ONNX Loop)";
  let description = [{
    Runs `body` while the iteration count is below `max_trip_count` (when
    given) and the condition is true (when `condition` is given; the body's
    condition result is ignored otherwise). The body's block arguments are
    the iteration number (`tensor<i64>`), the condition (`tensor<i1>`) and
    the loop-carried values (the types of the first results). It yields the
    next condition (one element), the next loop-carried values and one
    element of each scan output. The results are the last loop-carried
    values, then the scan outputs: the elements of all iterations stacked
    along a new leading dim. All elements of one scan output must have the
    same shape. Scan (ONNX) is imported as a blade.loop as well.

    Example:

    ```mlir
    %y, %s = blade.loop trip_count %n : tensor<i64> carried(%y0 : tensor<2xf32>)
        -> tensor<2xf32>, tensor<?x2xf32> {
    ^bb0(%i: tensor<i64>, %c: tensor<i1>, %y: tensor<2xf32>):
      %next = blade.add %y, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      blade.yield %c, %next, %next : tensor<i1>, tensor<2xf32>, tensor<2xf32>
    }
    ```
  }];
  let arguments = (ins Optional<0DTensorOf<[I64]>>:$max_trip_count,
                       Optional<0DTensorOf<[I1]>>:$condition,
                       Variadic<Blade_Tensor>:$init);
  let results = (outs Variadic<Blade_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`trip_count` $max_trip_count^ `:` type($max_trip_count))?
    (`cond` $condition^ `:` type($condition))?
    (`carried` `(` $init^ `:` type($init) `)`)?
    (`->` type($results)^)? $body attr-dict
  }];
  let extraClassDeclaration = [{
    /// The number of loop-carried values (the first results).
    unsigned getNumCarried() { return getInit().size(); }
    /// The scan outputs (the results after the loop-carried ones).
    ::mlir::ResultRange getScanOutputs() {
      return getResults().drop_front(getNumCarried());
    }
  }];
  let hasVerifier = 1;
}

#endif // BLADE_DIALECT_BLADE_IR_BLADECONTROLFLOWOPS_TD
