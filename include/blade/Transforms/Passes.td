//===- Passes.td - Blade transformation passes --------------*- tablegen -*-===//

#ifndef BLADE_TRANSFORMS_PASSES_TD
#define BLADE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def BladePrepareBufferizationPass
    : Pass<"blade-prepare-bufferization", "mlir::func::FuncOp"> {
  let summary = "Give entry functions the buffer contract the runtime relies on";
  let description = [{
    Runs on tensor IR just before one-shot bufferization, on public
    functions (model entry points), and establishes what the runtime expects
    of a compiled entry:

    * arguments are marked `bufferization.writable = false`: compiled code
      never writes into the caller's input buffers;
    * every result owns a fresh buffer: a returned value that is (a view of)
      an argument, a constant, or a value already returned is copied with
      `linalg.copy`, so the runtime can free each result exactly once;
    * the function gets `llvm.emit_c_interface`, the ABI the runtime calls.
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect", "mlir::linalg::LinalgDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def BladeTestSymbolicDimsPass
    : Pass<"blade-test-symbolic-dims", "mlir::ModuleOp"> {
  let summary = "Print the symbolic-dims analysis as attributes (tests)";
  let description = [{
    Runs Blade's shape system (`SymbolicDims`, see
    include/blade/Dialect/Blade/Analysis/SymbolicDims.h) and writes what it
    knows onto every op with ranked tensor results: `blade.dims` holds one
    string per result, its dims as static sizes or symbols (`s<n>`; equal
    symbols mean equal sizes in every run that passes the shape rules). For
    lit tests and debugging only.
  }];
}

def BladeFlattenConstantGlobalsPass
    : Pass<"blade-flatten-constant-globals", "mlir::ModuleOp"> {
  let summary = "Store N-D constant globals as 1-D arrays";
  let description = [{
    Every `memref.global` with a dense initial value and a static N-D shape
    (N >= 2, identity layout) becomes a 1-D global of the same elements, and
    each `memref.get_global` of it a get of the 1-D global followed by a
    `memref.expand_shape` to the original shape. LLVM IR then holds one data
    array per weight tensor instead of a nest of arrays with a constant per
    innermost row (ResNet-50's JIT compile: ~55 s and 4 GB before).
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def BladeFoldBatchNormPass
    : Pass<"blade-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Fold inference batch normalisation into the convolution before it";
  let description = [{
    A `blade.batch_norm` whose operand is an f32 `blade.conv` (its only
    user) with constant weights, bias and statistics becomes that conv with
    scaled weights and a new bias: with `s = scale / sqrt(var + epsilon)`,
    `W'[o] = W[o] * s[o]` and `b'[o] = (b[o] - mean[o]) * s[o] + bias[o]`.
    Exporters fold BN themselves in most models; graphs that keep it (no
    constant folding, training-mode exports made inference) no longer pay an
    elementwise pass over the activations. A batch_norm with constant
    statistics that no conv absorbs (pre-activation BN, as in DenseNet, or
    after a conv with other users) becomes `x * s + t` with `[1, C, 1, ...]`
    constants: one multiply-add per element instead of a square root and a
    division, and elementwise ops that fuse and follow the activations'
    layout (DenseNet-121 at batch 1: 39.4 -> 34.8 ms).
  }];
}

def BladeResolveShapeQueriesPass
    : Pass<"blade-resolve-shape-queries", "mlir::func::FuncOp"> {
  let summary = "Read the dynamic dims that shape_of asks for off the graph inputs";
  let description = [{
    A `blade.shape_of` of an intermediate value asks for dims that the
    symbolic-dims analysis often knows to equal dims of the function's
    arguments (a batch dim carried through convs, concats and reshapes).
    Each such query becomes constants for its static dims and `shape_of`s of
    the arguments for its dynamic ones (joined by a `blade.concat`). The
    shape computation then no longer depends on the values it measures:
    the function `blade-emit-shape-checks` derives keeps index arithmetic
    only instead of computing the tensors (ShuffleNet's channel shuffles,
    `view(batch, groups, -1, h, w)`, ran the whole network in its shape
    check), and dead producers can go.

    Example: with `%x : tensor<?x3x8xf32>` an argument,
    `blade.shape_of %t [0 : 2]` of a `%t : tensor<?x16xf32>` whose dim 0
    is `%x`'s becomes the concat of `blade.shape_of %x [0 : 1]` and the
    constant `[16]`.

    Rounds of resolving and folding repeat while queries resolve (a
    reshape's -1 becomes known once its other entries are constants).
    Then every result whose dims the analysis proves static gets them in
    its type (`tensor<?x?x28x28xf32>` from `view(b, -1, 28, 28)` becomes
    `tensor<?x116x28x28xf32>`); uses in terminators, ops with regions and
    other dialects read it through a `tensor.cast` to the old type.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def BladeFormCompositeOpsPass
    : Pass<"blade-form-composite-ops", "mlir::func::FuncOp"> {
  let summary = "Recognise activations ONNX spells as formulas";
  let description = [{
    ONNX up to opset 17 has no GELU; exporters write it as arithmetic. This
    pass replaces those formulas with `blade.gelu`:

    * `x * 0.5 * (1 + erf(x / sqrt(2)))` (the factors in any order and
      grouping; `/ sqrt(2)` or `* 0.7071...`; `* 0.5` or `/ 2`) becomes
      `blade.gelu %x`;
    * `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))` (with `x^3`
      as `pow(x, 3)` or a product) becomes `blade.gelu %x {approximate =
      "tanh"}`.

    Constants must be single-element splats within 1e-4 (relative) of the
    formula's; the result must have `x`'s type. Intermediate values used
    elsewhere stay computed for those users.
  }];
}

def BladeProductsInF32Pass
    : Pass<"blade-products-in-f32", "mlir::func::FuncOp"> {
  let summary = "Compute half-precision and 8-bit products in f32";
  let description = [{
    Matrix products and convolutions that would otherwise run in Blade's
    own loops in another type run in f32 (which the library kernels take):

    * a `blade.matmul`, `blade.conv` or `blade.conv_transpose` whose result
      is f16 or bf16 gets its float operands converted to f32
      (`blade.convert`) and its result converted back: half-precision sums
      of many products lose whole units (4096 ones add up to 2048 in f16,
      256 in bf16); the result is the f32 result rounded once, as ONNX
      Runtime computes it.
    * an i32 `blade.matmul` or `blade.conv` whose operands are 8-bit
      integers widened (or such differences: centred on zero points), as
      the importer builds MatMulInteger, ConvInteger, QLinearMatMul and
      QLinearConv, computes on those values in f32. Users converting the
      result to f32 (dequantization, requantization) take the f32 product;
      others get it converted back to i32 when every sum is exact in f32
      (at most 2^24 / 255^2 products per element), or, for a matmul with
      more, the i32 sum of exact f32 products over chunks of 256 of the
      contracted dim. A convolution with more products keeps its loops.
  }];
}

def BladeFormFusionGroupsPass
    : Pass<"blade-form-fusion-groups", "mlir::func::FuncOp"> {
  let summary = "Plan fusion: wrap the ops of each group in a blade.fusion";
  let description = [{
    The fusion planner. It walks a function's ops from last to first and
    puts an op into the group of its users when all of them are in one
    group and the kinds allow it (else the op starts a group of its own):

    * `loop`: elementwise ops (`blade.add`, `blade.exp`, `blade.select`,
      `blade.convert`, `blade.gelu`, ...) join an elementwise group whose
      iteration space (result shape) is the same as theirs: equal static
      sizes or dims the shape system (`SymbolicDims`) proves equal;
    * `input`: elementwise ops producing a reduction's operand (same shape)
      join the reduction's group;
    * `stitch`: reductions over trailing dims (`blade.reduce` with axes
      [r, rank), `blade.softmax`/`log_softmax` over the last dim or
      flattened, `blade.layer_norm` whose statistics are unused) join a
      group whose ops all share their leading r "row" dims; such a group
      runs as one parallel loop over rows, each row's reductions and
      elementwise ops in registers or cache;
    * `epilogue` (formed first): a matmul or conv with the ops its library
      kernel applies after it (`Epilogues.h`: bias, NHWC transpose,
      residual add, Relu/Clip).

    Cost rule: an op joins only when all its users are in the group, so no
    value is computed twice and the only values a group writes to memory
    are its results; groups never take ops that read data by computed
    indices (gathers), reshape or move data, or run loops. Joining is
    refused when a path outside the group leads from the group back to the
    op (the group would depend on itself). Groups of one op that lowers to
    one loop nest stay unwrapped. Each option turns a kind off (for
    debugging); then those ops stay apart (and, for `epilogue`, the
    pipeline also tells the library calls not to absorb post-ops).
  }];
  let options = [
    Option<"loop", "loop", "bool", /*default=*/"true",
           "Form loop-fusion groups (elementwise chains)">,
    Option<"input", "input", "bool", /*default=*/"true",
           "Form input-fusion groups (a reduction and its producers)">,
    Option<"stitch", "stitch", "bool", /*default=*/"true",
           "Form stitch groups (row reductions and their consumers)">,
    Option<"epilogue", "epilogue", "bool", /*default=*/"true",
           "Form epilogue groups (matmul/conv post-ops)">
  ];
}

def BladeFuseGroupsPass : Pass<"blade-fuse-groups", "mlir::func::FuncOp"> {
  let summary = "Compile each lowered fusion group as one kernel";
  let description = [{
    Runs on linalg on tensors, after blade-lower-to-linalg turned each
    `blade.fusion` into an `scf.execute_region` marked `blade.fusion`.
    Inside each region:

    1. elementwise producers are fused into their consumers (linalg
       elementwise fusion), also producers with several users inside the
       region, which are then computed in each of them (for softmax, the
       exponentials in the sum and in the division) instead of being
       written to memory; in a group computed by rows, a per-row value
       read broadcast (layer_norm's mean and 1 / sqrt(var + eps)) stays its
       own op, computed once per row;
    2. when more than one loop nest remains (reductions and what consumes
       them), the loop nest producing the region's result is tiled by
       `scf.forall` over the leading dims every reduction keeps (one row
       per iteration), and the region's other ops are fused into it: the
       group becomes one parallel loop whose iterations compute a row's
       reductions and outputs; the loop is marked `blade.fused`, so
       blade-tile-and-vectorize vectorizes the row ops inside it;
    3. the region is inlined.

    Groups it cannot make one kernel keep several; `blade-compile
    --dump-fusion` reports the counts.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def BladeTransposeToChannelsLastPass
    : Pass<"blade-transpose-to-channels-last", "mlir::func::FuncOp"> {
  let summary = "Run chains of 2-D convolutions and max poolings channels-last";
  let description = [{
    Brackets every f32 2-D `blade.conv` (static kernel sizes) and max
    `blade.pool` (without indices) with transposes to NHWC and back, sinks
    the transposes back to NCHW below elementwise ops (unary math, and
    binary ops whose other operands are transposed too, constants, which
    are permuted, or [N, C, 1, 1] tensors, which are transposed themselves),
    concats whose inputs are all transposed (along the permuted axis),
    static slices (bounds permuted) and keepdims reductions (global pooling,
    squeeze-and-excitation), and cancels NHWC(NCHW(x)) pairs. The library
    calls of
    `blade-lower-to-linalg` then pass an anchor's input `T_nchw(a)` as a
    transposed view of `a` and write a result whose only user is `T_nhwc`
    into an NHWC buffer, so the oneDNN kernels run on NHWC without reorders;
    a CNN keeps one transpose at its input and one where its activations
    leave the elementwise chain. Only useful with library calls.

    Example:

    ```mlir
    %t = blade.transpose %x, [0, 3, 1, 2] : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
    %y = blade.conv %t, %w {...} : (...) -> tensor<1x4x8x8xf32>
    %n = blade.transpose %y, [0, 2, 3, 1] : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
    ```
  }];
}

def BladeEmitShapeChecksPass
    : Pass<"blade-emit-shape-checks", "mlir::ModuleOp"> {
  let summary = "Build a function that checks run-time dims before a run";
  let description = [{
    Dims that are dynamic at compile time must still satisfy the ops' shape
    rules at run time: operands of an elementwise op or the contraction dims
    of a matmul must agree, and a reshape's element count must divide. For
    every public function `@F` that has such rules, this pass adds a public
    function `@F_shape_check` with the same arguments that returns the index
    of the first rule the given inputs break, or -1. The messages, which name
    the ONNX node, are stored in the module attribute `blade.shape_checks`
    (a dictionary from `F` to an array of strings).

    `@F_shape_check` starts as a clone of `@F`; once lowered, only the
    index arithmetic on the argument dims survives canonicalization, so the
    check is cheap. The runtime calls it before `@F` and reports the message
    instead of running on inconsistent shapes.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def BladeStridedCopyToLinalgPass
    : Pass<"blade-strided-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy between non-contiguous buffers into linalg.copy";
  let description = [{
    Bufferization copies into or out of strided views (e.g. the interior of a
    padded buffer) as `memref.copy`, which LLVM lowering can only turn into a
    call to an external `memrefCopy` helper. This pass rewrites those copies
    as `linalg.copy`, which becomes loops like every other linalg op; copies
    between contiguous buffers stay `memref.copy` (a `memcpy`).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def BladeReleaseBuffersEarlyPass
    : Pass<"blade-release-buffers-early", "mlir::func::FuncOp"> {
  let summary = "Free each buffer right after its last use";
  let description = [{
    Ownership-based deallocation frees the buffers a block allocates at the
    end of that block: a model's intermediate buffers all stay live until
    the run ends, so the run's memory is the sum of its buffers and each op
    writes into memory last touched a whole run ago (cold in cache). This
    pass moves every `memref.dealloc` of a `memref.alloc` of the same block
    to just after the op of that block holding the last use of the buffer
    or of a view of it (subview, reshape, cast, strided metadata). The
    runtime's arena then hands the freed block, still in cache, to the next
    allocation of its size. A buffer that may escape (returned, yielded out
    of a region, given to an op that makes a buffer of it that is not a
    known view, or read as an address) keeps its free where it is.
  }];
}

def BladeNarrowBranchLayoutsPass
    : Pass<"blade-narrow-branch-layouts", "mlir::func::FuncOp"> {
  let summary = "Give scf.if buffer results the layout their branches share";
  let description = [{
    Runs after one-shot bufferization. An `scf.if` result that every branch
    yields as a `memref.cast` of a buffer of one type (the two versions of a
    broadcast whose dims are known only at run time both allocate an
    identity-layout buffer; bufferization gave the result a fully dynamic
    layout) gets that type, and its users read it through a cast that
    canonicalization folds into them (views keep a unit innermost stride, so
    the rows that read them vectorize with contiguous loads).
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def BladeTileAndVectorizePass
    : Pass<"blade-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Split linalg ops into parallel tiles with vectorized bodies";
  let description = [{
    CPU code generation on tensors, for every linalg op not already inside a
    loop:

    * **Long rows.** An elementwise `linalg.generic` first merges its
      trailing loops that every operand reads contiguously or not at all
      (an NCHW activation plus a per-channel operand runs over H*W).
    * **Parallel tiles.** The leading parallel loops are tiled by 1 into an
      `scf.forall`; an elementwise op's innermost loop is cut into rows of
      `chunk-size` elements instead. `blade-outline-parallel-loops` later
      runs the forall on the runtime's threads.
    * **Vectors.** An op whose only reduction is its innermost loop
      accumulates `vector-width` lanes of partial results in an `scf.for`
      (carried in registers), then reduces the lanes. An elementwise row is
      marked `blade.vector_rows` and vectorized by the second run of this
      pass (`on-buffers`, after bufferization, where the slices of its
      vector steps cost one-shot bufferization nothing): its innermost
      loop is tiled by `vector-width`, the partial last step peeled off
      (masked), and each step vectorized. Vectorization is skipped where an
      operand does not read the innermost loop contiguously (transposes),
      where the body reads tensors by computed indices, or where MLIR's
      vectorizer declines; those tiles stay scalar loops.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "Elements per vector along the innermost loop">,
    Option<"chunkSize", "chunk-size", "int64_t", "4096",
           "Elements per parallel tile along an elementwise op's innermost loop">,
    Option<"vectorize", "vectorize", "bool", "true",
           "Vectorize the tiles (false: scalar tiles)">,
    Option<"peel", "peel", "bool", "true",
           "Peel the partial vector step off loops of vector steps">,
    Option<"onBuffers", "on-buffers", "bool", "false",
           "Second run, after bufferization: vectorize the marked rows">
  ];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect"
  ];
}

def BladeOutlineParallelLoopsPass
    : Pass<"blade-outline-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Run outermost scf.parallel loops on the runtime's threads";
  let description = [{
    Each `scf.parallel` (without reductions) that is not nested in another
    becomes a call `blade_rt_parallel_for(n, cost, @body, ctx)`: `n` is the
    product of the loop's trip counts, `@body(begin, end, ctx)` a new private
    function that runs the linearized iterations `[begin, end)` of the
    original body, and `ctx` points to a stack struct holding the values the
    body uses from outside (memref descriptors, scalars) in their LLVM form;
    `unrealized_conversion_cast`s at both ends vanish once everything is
    lowered to LLVM. `cost` estimates the scalar operations of one
    iteration (the product of the static trip counts of the loops and the
    vector lengths inside, 64 for a dynamic one); the runtime runs small
    loops on the calling thread.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::func::FuncDialect",
    "mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect"
  ];
}

def BladeRedirectAllocationsPass
    : Pass<"blade-redirect-allocations", "mlir::ModuleOp"> {
  let summary = "Send compiled code's heap allocations to the Blade runtime";
  let description = [{
    Runs on the LLVM dialect after `finalize-memref-to-llvm` with
    `use-generic-functions`, which lowers `memref.alloc`/`memref.dealloc` to
    calls of `_mlir_memref_to_llvm_alloc`, `_mlir_memref_to_llvm_aligned_alloc`
    and `_mlir_memref_to_llvm_free`. This pass renames those functions (and
    their calls) to the runtime's `blade_rt_alloc`, `blade_rt_aligned_alloc`
    and `blade_rt_free`, which serve a run's buffers from its arena. Names of
    Blade's own keep a compiled library from binding to another MLIR-based
    library's definitions of the generic names in the same process.
  }];
}

def BladeResolveResultDimsPass
    : Pass<"blade-resolve-result-dims", "mlir::func::FuncOp"> {
  let summary = "Take dims of destination-style results from their inits";
  let description = [{
    `tensor.dim` of a result of a destination-style op (every linalg op)
    becomes `tensor.dim` of the init operand tied to it, which has the same
    shape and is defined before the op; `tensor.dim` of a `tensor.reshape`
    result becomes the entry of its shape operand. In shape-check functions
    also: an `scf.if` result's dim (broadcast speculation) is yielded by the
    branches as a new index result, and other ops report their result
    shapes through their shape interfaces (that last rewrite is made on a
    copy and kept only if it verifies: MLIR 22 can break dominance there).
    An op whose results were only measured then dies in canonicalization:
    a shape-check function keeps the index math of its rules, not the
    network that produced the dims.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

#endif // BLADE_TRANSFORMS_PASSES_TD
