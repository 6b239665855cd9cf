//===- ControlFlow.cpp - ONNX If, Loop, Scan ------------------------------===//
//
// Subgraph attributes become regions: If's branches of a blade.if, Loop's
// body of a blade.loop. Scan is a blade.loop over the scan axis whose body
// gathers the current slice of every scan input (Scan-8 adds an outer loop
// over the batch).
//
//===----------------------------------------------------------------------===//

#include "ConverterRegistry.h"
#include "ElementwiseBuilders.h"
#include "ShapeHelpers.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace blade::onnx_import {
namespace {

/// The graph attribute `name`, or failure.
FailureOr<const onnx::GraphProto *> graphAttr(NodeContext &ctx,
                                              StringRef name) {
  const onnx::AttributeProto *a = ctx.attr(name);
  if (!a || !a->has_g())
    return ctx.fail("missing graph attribute '" + name + "'");
  return &a->g();
}

/// The join of two types: the same element type and rank, dims that differ
/// dynamic. Null when element types or ranks differ.
RankedTensorType joinTypes(Type a, Type b) {
  auto ta = dyn_cast<RankedTensorType>(a);
  auto tb = dyn_cast<RankedTensorType>(b);
  if (!ta || !tb || ta.getElementType() != tb.getElementType() ||
      ta.getRank() != tb.getRank())
    return nullptr;
  SmallVector<int64_t> shape;
  for (auto [da, db] : llvm::zip(ta.getShape(), tb.getShape()))
    shape.push_back(da == db ? da : ShapedType::kDynamic);
  return RankedTensorType::get(shape, ta.getElementType());
}

/// `v` (one element) as a rank-0 tensor.
FailureOr<Value> toScalar(NodeContext &ctx, Value v) {
  if (cast<RankedTensorType>(v.getType()).getRank() == 0)
    return v;
  return buildReshape(ctx, v, {});
}

/// Builds one loop iteration at the builder's insertion point from the
/// body's arguments (iteration number, condition, loop-carried values);
/// returns the yielded values (condition, loop-carried, scan elements).
using LoopBodyFn = function_ref<FailureOr<SmallVector<Value>>(ValueRange)>;

/// Builds a blade.loop. Loop-carried types start as the initial values' and
/// are joined with the yielded types until they agree (the body is imported
/// again each time they widen).
FailureOr<LoopOp> buildLoop(NodeContext &ctx, Value maxTripCount, Value cond,
                            ValueRange init, LoopBodyFn bodyFn) {
  OpBuilder &b = ctx.builder;
  SmallVector<Type> carried(init.getTypes());
  auto region = std::make_unique<Region>();
  SmallVector<Value> yields;
  // Each widening makes a dim dynamic, so this ends.
  for (int attempt = 0;; ++attempt) {
    region = std::make_unique<Region>();
    Block *block = new Block();
    region->push_back(block);
    block->addArgument(RankedTensorType::get({}, b.getI64Type()), ctx.loc);
    block->addArgument(RankedTensorType::get({}, b.getI1Type()), ctx.loc);
    for (Type t : carried)
      block->addArgument(t, ctx.loc);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(block);
    FailureOr<SmallVector<Value>> result = bodyFn(block->getArguments());
    if (failed(result))
      return failure();
    yields = std::move(*result);
    if (yields.size() < carried.size() + 1)
      return ctx.fail("the body has " + Twine(yields.size()) +
                      " outputs; expected at least " +
                      Twine(carried.size() + 1));
    bool changed = false;
    for (auto [i, t] : llvm::enumerate(carried)) {
      RankedTensorType joined = joinTypes(t, yields[i + 1].getType());
      if (!joined)
        return ctx.fail("loop-carried value #" + Twine(i) +
                        " changes its element type or rank in the body");
      changed |= joined != t;
      t = joined;
    }
    if (!changed)
      break;
    if (attempt > 64)
      return ctx.fail("loop-carried types do not settle");
  }
  // Scan outputs stack their elements along a new leading dim: static when
  // the trip count is a constant and no condition can stop the loop early.
  int64_t trips = ShapedType::kDynamic;
  if (std::optional<SmallVector<int64_t>> m =
          maxTripCount ? getConstantInts(maxTripCount) : std::nullopt;
      m && m->size() == 1 && !cond)
    trips = std::max<int64_t>((*m)[0], 0);
  SmallVector<Type> resultTypes(carried);
  for (Value v : ArrayRef<Value>(yields).drop_front(carried.size() + 1)) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape{trips};
    llvm::append_range(shape, type.getShape());
    resultTypes.push_back(RankedTensorType::get(shape, type.getElementType()));
  }
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&region->front());
    YieldOp::create(b, ctx.loc, yields);
  }
  auto loop = LoopOp::create(b, ctx.loc, resultTypes, maxTripCount, cond, init);
  loop.getBody().takeBody(*region);
  return loop;
}

/// The constant `v` folds to when the ops computing it (shape queries,
/// gathers, comparisons) fold on their constant operands, up to `depth` ops
/// deep; null otherwise. No op is replaced (a folder may only update its op
/// in place, keeping its meaning).
Attribute foldToConstant(Value v, int depth = 8) {
  Attribute constant;
  if (matchPattern(v, m_Constant(&constant)))
    return constant;
  Operation *def = v.getDefiningOp();
  if (!def || depth == 0)
    return {};
  SmallVector<Attribute> operands;
  for (Value operand : def->getOperands())
    operands.push_back(foldToConstant(operand, depth - 1));
  SmallVector<OpFoldResult> results;
  if (failed(def->fold(operands, results)) || results.empty())
    return {};
  OpFoldResult result = results[cast<OpResult>(v).getResultNumber()];
  if (auto attr = dyn_cast<Attribute>(result))
    return attr;
  return foldToConstant(cast<Value>(result), depth - 1);
}

/// Imports an If branch at the builder's insertion point.
LogicalResult importBranch(NodeContext &ctx, const onnx::GraphProto &graph,
                           SmallVectorImpl<Value> &outputs) {
  if (graph.input_size() != 0)
    return ctx.fail("a branch subgraph must not have inputs");
  return ctx.importSubgraph(graph, {}, outputs);
}

LogicalResult convertIf(NodeContext &ctx) {
  FailureOr<Value> cond = ctx.requiredInput(0);
  FailureOr<const onnx::GraphProto *> thenGraph = graphAttr(ctx, "then_branch");
  FailureOr<const onnx::GraphProto *> elseGraph = graphAttr(ctx, "else_branch");
  if (failed(cond) || failed(thenGraph) || failed(elseGraph))
    return failure();
  if (!elementTypeOf(*cond).isInteger(1))
    return ctx.fail("the condition must be a bool tensor");
  // A condition known at compile time (torch's Squeeze of a dim that turns
  // out to be 1, e.g. LocalResponseNorm's): the branch it picks, inline. Its
  // outputs may have another rank than the other branch's.
  auto known = dyn_cast_if_present<DenseElementsAttr>(foldToConstant(*cond));
  if (known && known.getNumElements() == 1) {
    bool taken = *known.value_begin<bool>();
    SmallVector<Value> outputs;
    if (failed(importBranch(ctx, taken ? **thenGraph : **elseGraph, outputs)))
      return failure();
    return ctx.setOutputs(outputs);
  }
  OpBuilder &b = ctx.builder;
  Region regions[2];
  SmallVector<Value> outputs[2];
  for (int i = 0; i < 2; ++i) {
    Block *block = new Block();
    regions[i].push_back(block);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(block);
    if (failed(
            importBranch(ctx, i == 0 ? **thenGraph : **elseGraph, outputs[i])))
      return failure();
    YieldOp::create(b, ctx.loc, outputs[i]);
  }
  if (outputs[0].size() != outputs[1].size())
    return ctx.fail("the branches have " + Twine(outputs[0].size()) + " and " +
                    Twine(outputs[1].size()) + " outputs");
  SmallVector<Type> resultTypes;
  for (auto [i, pair] : llvm::enumerate(llvm::zip(outputs[0], outputs[1]))) {
    auto [t, e] = pair;
    RankedTensorType joined = joinTypes(t.getType(), e.getType());
    if (!joined)
      return ctx.fail("output #" + Twine(i) +
                      ": the branches differ in element type or rank");
    resultTypes.push_back(joined);
  }
  auto op = IfOp::create(b, ctx.loc, resultTypes, *cond);
  op.getThenRegion().takeBody(regions[0]);
  op.getElseRegion().takeBody(regions[1]);
  return ctx.setOutputs(SmallVector<Value>(op.getResults()));
}

LogicalResult convertLoop(NodeContext &ctx) {
  FailureOr<const onnx::GraphProto *> graph = graphAttr(ctx, "body");
  if (failed(graph))
    return failure();
  Value maxTripCount = ctx.input(0);
  Value cond = ctx.input(1);
  auto scalarOf = [&](Value v, Type element) -> FailureOr<Value> {
    if (!v)
      return Value();
    if (elementTypeOf(v) != element)
      return ctx.fail("M must be int64 and cond bool");
    return toScalar(ctx, v);
  };
  FailureOr<Value> m = scalarOf(maxTripCount, ctx.builder.getI64Type());
  if (failed(m))
    return failure();
  FailureOr<Value> c = scalarOf(cond, ctx.builder.getI1Type());
  if (failed(c))
    return failure();
  SmallVector<Value> init;
  for (unsigned i = 2; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    init.push_back(*v);
  }
  if ((*graph)->input_size() != static_cast<int>(init.size()) + 2)
    return ctx.fail("the body takes " + Twine((*graph)->input_size()) +
                    " inputs; expected " + Twine(init.size() + 2));
  auto body = [&](ValueRange args) -> FailureOr<SmallVector<Value>> {
    SmallVector<Value> outputs;
    if (failed(ctx.importSubgraph(**graph, SmallVector<Value>(args), outputs)))
      return failure();
    return outputs;
  };
  FailureOr<LoopOp> loop = buildLoop(ctx, *m, *c, init, body);
  if (failed(loop))
    return failure();
  return ctx.setOutputs(SmallVector<Value>(loop->getResults()));
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

/// What a Scan iterates over, with normalized axes.
struct ScanSpec {
  SmallVector<Value> states, inputs;
  SmallVector<int64_t> inputAxes, inputReverse, outputAxes, outputReverse;
};

/// `len - 1 - i` when `reverse`, else `i` (rank-0 int64 tensors).
FailureOr<Value> scanIndex(NodeContext &ctx, Value i, Value len, bool reverse) {
  if (!reverse)
    return i;
  FailureOr<Value> last = buildBinary<SubOp>(
      ctx, len, scalarConstant(ctx, ctx.builder.getI64Type(), 1));
  if (failed(last))
    return failure();
  return buildBinary<SubOp>(ctx, *last, i);
}

/// A rank-0 int64 tensor with dim `axis` of `v`.
FailureOr<Value> dimScalar(NodeContext &ctx, Value v, int64_t axis) {
  return buildReshape(ctx, buildDimEntry(ctx, v, axis), {});
}

/// Reverses `v` along dim 0 of size `len`.
Value reverseLeading(NodeContext &ctx, Value v, Value len) {
  OpBuilder &b = ctx.builder;
  Type i64 = b.getI64Type();
  auto type = cast<RankedTensorType>(v.getType());
  Value start = *buildBinary<SubOp>(ctx, len, scalarConstant(ctx, i64, 1));
  Value minusOne = scalarConstant(ctx, i64, -1);
  auto indicesType = RankedTensorType::get({type.getDimSize(0)}, i64);
  Value indices =
      b.createOrFold<RangeOp>(ctx.loc, indicesType, start, minusOne, minusOne);
  return b.createOrFold<GatherOp>(ctx.loc, type, v, indices,
                                  b.getI64IntegerAttr(0));
}

/// Moves dim 0 of `v` to `axis`.
Value moveLeadingTo(NodeContext &ctx, Value v, int64_t axis) {
  if (axis == 0)
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> perm, shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t from = d < axis ? d + 1 : (d == axis ? 0 : d);
    perm.push_back(from);
    shape.push_back(type.getDimSize(from));
  }
  return ctx.builder.createOrFold<TransposeOp>(
      ctx.loc, RankedTensorType::get(shape, type.getElementType()), v,
      ctx.builder.getDenseI64ArrayAttr(perm));
}

/// Scan-9 semantics: a blade.loop over the scan axis. Returns the final
/// states, then the scan outputs.
FailureOr<SmallVector<Value>> buildScan(NodeContext &ctx,
                                        const onnx::GraphProto &graph,
                                        const ScanSpec &spec) {
  if (spec.inputs.empty())
    return ctx.fail("a Scan needs at least one scan input");
  if (graph.input_size() !=
      static_cast<int>(spec.states.size() + spec.inputs.size()))
    return ctx.fail("the body takes " + Twine(graph.input_size()) +
                    " inputs; expected " +
                    Twine(spec.states.size() + spec.inputs.size()));
  FailureOr<Value> len = dimScalar(ctx, spec.inputs[0], spec.inputAxes[0]);
  if (failed(len))
    return failure();
  auto body = [&](ValueRange args) -> FailureOr<SmallVector<Value>> {
    SmallVector<Value> inputs(args.drop_front(2));
    for (auto [j, x] : llvm::enumerate(spec.inputs)) {
      FailureOr<Value> index =
          scanIndex(ctx, args[0], *len, spec.inputReverse[j]);
      if (failed(index))
        return failure();
      int64_t axis = spec.inputAxes[j];
      auto type = cast<RankedTensorType>(x.getType());
      auto sliceType = RankedTensorType::get(
          inferGatherShape(type.getShape(), {}, axis), type.getElementType());
      inputs.push_back(GatherOp::create(ctx.builder, ctx.loc, sliceType, x,
                                        *index,
                                        ctx.builder.getI64IntegerAttr(axis)));
    }
    SmallVector<Value> outputs{ConstantOp::create(
        ctx.builder, ctx.loc,
        DenseElementsAttr::get(
            RankedTensorType::get({}, ctx.builder.getI1Type()), true))};
    if (failed(ctx.importSubgraph(graph, inputs, outputs)))
      return failure();
    return outputs;
  };
  FailureOr<LoopOp> loop = buildLoop(ctx, *len, Value(), spec.states, body);
  if (failed(loop))
    return failure();
  SmallVector<Value> results(loop->getResults().take_front(spec.states.size()));
  ResultRange scans = loop->getScanOutputs();
  if (scans.size() > spec.outputAxes.size())
    return ctx.fail("more scan outputs than scan_output_axes");
  for (auto [k, v] : llvm::enumerate(scans)) {
    Value out = v;
    if (spec.outputReverse[k])
      out = reverseLeading(ctx, out, *len);
    FailureOr<int64_t> axis = normalizeAxis(
        ctx, spec.outputAxes[k], cast<RankedTensorType>(v.getType()).getRank());
    if (failed(axis))
      return failure();
    results.push_back(moveLeadingTo(ctx, out, *axis));
  }
  return results;
}

/// Reads a per-input int list attribute (default `dflt` for each), with
/// axes normalized against `ranks` when `ranks` is given.
FailureOr<SmallVector<int64_t>> scanList(NodeContext &ctx, StringRef name,
                                         size_t count, ArrayRef<int64_t> ranks,
                                         bool isAxis) {
  SmallVector<int64_t> values =
      ctx.intsAttr(name).value_or(SmallVector<int64_t>(count, 0));
  if (values.size() != count)
    return ctx.fail("'" + name + "' must have " + Twine(count) + " entries");
  for (auto [i, v] : llvm::enumerate(values)) {
    if (!isAxis) {
      if (v != 0 && v != 1)
        return ctx.fail("'" + name + "' entries must be 0 or 1");
      continue;
    }
    FailureOr<int64_t> axis = normalizeAxis(ctx, v, ranks[i]);
    if (failed(axis))
      return failure();
    v = *axis;
  }
  return values;
}

LogicalResult convertScan(NodeContext &ctx) {
  FailureOr<const onnx::GraphProto *> graph = graphAttr(ctx, "body");
  std::optional<int64_t> numScanInputs = ctx.intAttr("num_scan_inputs");
  if (failed(graph))
    return failure();
  if (!numScanInputs)
    return ctx.fail("missing attribute 'num_scan_inputs'");
  bool batched = ctx.opset < 9; // Scan-8: sequence_lens, then batch dim 0.
  unsigned first = batched ? 1 : 0;
  if (batched && ctx.input(0))
    return ctx.fail("sequence_lens is not supported");
  if (*numScanInputs < 1 ||
      first + *numScanInputs > static_cast<int64_t>(ctx.numInputs()))
    return ctx.fail("num_scan_inputs is out of range");
  unsigned numStates = ctx.numInputs() - first - *numScanInputs;
  unsigned numScanOutputs = (*graph)->output_size() - numStates;
  if ((*graph)->output_size() < static_cast<int>(numStates))
    return ctx.fail("the body has fewer outputs than states");
  ScanSpec spec;
  for (unsigned i = first; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    (i < first + numStates ? spec.states : spec.inputs).push_back(*v);
  }
  SmallVector<int64_t> inputRanks, outputRanks;
  for (Value v : spec.inputs)
    inputRanks.push_back(cast<RankedTensorType>(v.getType()).getRank() -
                         (batched ? 1 : 0));
  if (batched) {
    FailureOr<SmallVector<int64_t>> dirs =
        scanList(ctx, "directions", spec.inputs.size(), {}, false);
    if (failed(dirs))
      return failure();
    spec.inputReverse = *dirs;
    spec.inputAxes.assign(spec.inputs.size(), 0);
    spec.outputAxes.assign(numScanOutputs, 0);
    spec.outputReverse.assign(numScanOutputs, 0);
  } else {
    FailureOr<SmallVector<int64_t>> inAxes =
        scanList(ctx, "scan_input_axes", spec.inputs.size(), inputRanks, true);
    FailureOr<SmallVector<int64_t>> inDirs =
        scanList(ctx, "scan_input_directions", spec.inputs.size(), {}, false);
    FailureOr<SmallVector<int64_t>> outDirs =
        scanList(ctx, "scan_output_directions", numScanOutputs, {}, false);
    if (failed(inAxes) || failed(inDirs) || failed(outDirs))
      return failure();
    spec.inputAxes = *inAxes;
    spec.inputReverse = *inDirs;
    spec.outputReverse = *outDirs;
    // Output axes are normalized against the stacked rank (buildScan).
    spec.outputAxes = ctx.intsAttr("scan_output_axes")
                          .value_or(SmallVector<int64_t>(numScanOutputs, 0));
    if (spec.outputAxes.size() != numScanOutputs)
      return ctx.fail("'scan_output_axes' must have " + Twine(numScanOutputs) +
                      " entries");
  }
  if (!batched) {
    FailureOr<SmallVector<Value>> results = buildScan(ctx, **graph, spec);
    if (failed(results))
      return failure();
    return ctx.setOutputs(*results);
  }
  // Scan-8: an outer loop over the batch runs one scan per batch entry and
  // stacks its final states and scan outputs.
  FailureOr<Value> batch = dimScalar(ctx, spec.inputs[0], 0);
  if (failed(batch))
    return failure();
  auto body = [&](ValueRange args) -> FailureOr<SmallVector<Value>> {
    ScanSpec inner = spec;
    for (SmallVector<Value> *list : {&inner.states, &inner.inputs})
      for (Value &v : *list) {
        auto type = cast<RankedTensorType>(v.getType());
        auto sliceType = RankedTensorType::get(
            inferGatherShape(type.getShape(), {}, 0), type.getElementType());
        v = GatherOp::create(ctx.builder, ctx.loc, sliceType, v, args[0],
                             ctx.builder.getI64IntegerAttr(0));
      }
    FailureOr<SmallVector<Value>> results = buildScan(ctx, **graph, inner);
    if (failed(results))
      return failure();
    SmallVector<Value> yields{args[1]};
    llvm::append_range(yields, *results);
    return yields;
  };
  FailureOr<LoopOp> loop = buildLoop(ctx, *batch, Value(), {}, body);
  if (failed(loop))
    return failure();
  return ctx.setOutputs(SmallVector<Value>(loop->getResults()));
}

} // namespace

void registerControlFlowConverters(ConverterRegistry &registry) {
  registry.add("If", 1, convertIf);
  registry.add("Loop", 1, convertLoop);
  registry.add("Scan", 8, convertScan);
}

} // namespace blade::onnx_import
