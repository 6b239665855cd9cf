//===- SymbolicDims.cpp - Equalities between dynamic dims -----------------===//

#include "blade/Dialect/Blade/Analysis/SymbolicDims.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

#include <limits>

using namespace mlir;
using namespace blade;

namespace {

RankedTensorType ranked(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

/// A 1-D integer tensor short enough to be a shape.
bool isShapeTensor(Value v) {
  RankedTensorType t = ranked(v);
  return t && t.getRank() == 1 && t.hasStaticShape() && t.getDimSize(0) <= 16 &&
         isa<IntegerType>(t.getElementType());
}

} // namespace

SymbolicDims::SymbolicDims(Operation *root) {
  root->walk([&](func::FuncOp fn) {
    // Graph inputs sharing an ONNX dim_param share a symbol.
    llvm::StringMap<int> named;
    for (BlockArgument arg : fn.getArguments()) {
      auto names = fn.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(),
                                                  "blade.dim_names");
      RankedTensorType t = ranked(arg);
      if (!names || !t || names.size() != static_cast<size_t>(t.getRank()))
        continue;
      for (auto [i, a] : llvm::enumerate(names)) {
        auto name = dyn_cast<StringAttr>(a);
        if (!name || name.getValue().empty() || !t.isDynamicDim(i))
          continue;
        int node = dimOfOrCreate(arg, i).node;
        auto [it, inserted] = named.try_emplace(name.getValue(), node);
        if (!inserted)
          unite(it->second, node);
      }
    }
    fn.walk([&](Operation *op) { visit(op); });
  });
}

int SymbolicDims::newNode() {
  nodes.push_back({static_cast<int>(nodes.size()), std::nullopt, -1});
  return nodes.size() - 1;
}

int SymbolicDims::find(int n) const {
  while (nodes[n].parent != n)
    n = nodes[n].parent;
  return n;
}

void SymbolicDims::unite(int a, int b) {
  a = find(a);
  b = find(b);
  if (a == b)
    return;
  // The smaller id is the root: symbols print in order of first use.
  if (b < a)
    std::swap(a, b);
  nodes[b].parent = a;
  if (nodes[a].size < 0)
    nodes[a].size = nodes[b].size;
}

bool SymbolicDims::sameSymbol(int a, int b) const { return find(a) == find(b); }

bool SymbolicDims::broadcastEqual(int a, int b) const {
  if (sameSymbol(a, b))
    return true;
  // min(x, D) against x: equal unless the broadcast rule fails.
  for (int n = 0, e = nodes.size(); n < e; ++n) {
    if (!nodes[n].minOf)
      continue;
    int of = nodes[n].minOf->first;
    if ((sameSymbol(n, a) && sameSymbol(of, b)) ||
        (sameSymbol(n, b) && sameSymbol(of, a)))
      return true;
  }
  return false;
}

SymbolicDims::Dim SymbolicDims::dimOf(Value v, int64_t i) const {
  RankedTensorType t = ranked(v);
  if (!t || i < 0 || i >= t.getRank())
    return {};
  if (!t.isDynamicDim(i))
    return {t.getDimSize(i), -1};
  auto it = dims.find({v, i});
  if (it == dims.end())
    return {};
  return {nodes[find(it->second)].size, it->second};
}

std::optional<int64_t> SymbolicDims::staticSize(Value v, int64_t i) const {
  Dim d = dimOf(v, i);
  if (d.size < 0)
    return std::nullopt;
  return d.size;
}

SymbolicDims::Dim SymbolicDims::dimOfOrCreate(Value v, int64_t i) {
  Dim d = dimOf(v, i);
  if (d.known() || !ranked(v) || i < 0 || i >= ranked(v).getRank())
    return d;
  int n = newNode();
  dims[{v, i}] = n;
  return {-1, n};
}

void SymbolicDims::setDim(Value v, int64_t i, Dim d) {
  RankedTensorType t = ranked(v);
  if (!t || i < 0 || i >= t.getRank() || !t.isDynamicDim(i))
    return;
  if (d.node < 0) {
    // A static size for a dim the type leaves dynamic.
    if (d.size < 0)
      return;
    d.node = newNode();
    nodes[d.node].size = d.size;
  }
  auto it = dims.find({v, i});
  if (it == dims.end())
    dims[{v, i}] = d.node;
  else
    unite(it->second, d.node);
}

std::optional<SmallVector<SymbolicDims::Dim>>
SymbolicDims::shapeOf(Value v) const {
  auto it = shapes.find(v);
  if (it == shapes.end())
    return std::nullopt;
  return it->second;
}

bool SymbolicDims::equal(Value a, int64_t i, Value b, int64_t j) const {
  Dim x = dimOf(a, i), y = dimOf(b, j);
  if (x.size >= 0 || y.size >= 0)
    return x.size >= 0 && x.size == y.size;
  return x.node >= 0 && y.node >= 0 && sameSymbol(x.node, y.node);
}

std::string SymbolicDims::describe(Value v, int64_t i) const {
  Dim d = dimOf(v, i);
  if (d.size >= 0)
    return std::to_string(d.size);
  if (d.node < 0)
    return "?";
  return "s" + std::to_string(find(d.node));
}

void SymbolicDims::broadcastDim(Value result, int64_t i,
                                ArrayRef<Dim> operandDims) {
  SmallVector<int> symbols;
  for (Dim d : operandDims) {
    // Against a static size the dynamic dims must match it or be 1: the
    // result dim is static then.
    if (d.size > 1)
      return;
    if (d.node >= 0)
      symbols.push_back(d.node);
  }
  // With symbols only, the result dim is theirs when they are all equal,
  // else a symbol of its own (lowering checks at run time).
  if (symbols.empty() ||
      !llvm::all_of(symbols,
                    [&](int s) { return broadcastEqual(symbols[0], s); }))
    return;
  for (int s : symbols)
    unite(symbols[0], s);
  setDim(result, i, {-1, symbols[0]});
}

void SymbolicDims::visitBroadcast(Operation *op) {
  Value result = op->getResult(0);
  RankedTensorType rt = ranked(result);
  if (!rt || !llvm::all_of(op->getOperands(),
                           [](Value v) { return bool(ranked(v)); }))
    return;
  int64_t rank = rt.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    SmallVector<Dim> aligned;
    for (Value operand : op->getOperands()) {
      int64_t j = i - (rank - ranked(operand).getRank());
      if (j >= 0)
        aligned.push_back(dimOfOrCreate(operand, j));
    }
    broadcastDim(result, i, aligned);
  }
}

void SymbolicDims::inferReshapeDim(Operation *reshape, ArrayRef<Dim> entries) {
  Value operand = reshape->getOperand(0), result = reshape->getResult(0);
  RankedTensorType in = ranked(operand);
  if (!in || llvm::count_if(entries, [](Dim e) { return e.inferred; }) != 1)
    return;
  // Element count of the operand over that of the other entries: static
  // products, and symbols that cancel.
  int64_t inProduct = 1, outProduct = 1;
  SmallVector<int> symbols;
  for (int64_t i = 0; i < in.getRank(); ++i) {
    Dim d = dimOf(operand, i);
    if (d.size >= 0)
      inProduct *= d.size;
    else if (d.node >= 0)
      symbols.push_back(find(d.node));
    else
      return;
  }
  int64_t inferredAt = -1;
  for (auto [i, e] : llvm::enumerate(entries)) {
    if (e.inferred) {
      inferredAt = i;
      continue;
    }
    Dim d = dimOf(result, i);
    if (d.size >= 0) {
      outProduct *= d.size;
      continue;
    }
    auto it = d.node >= 0 ? llvm::find(symbols, find(d.node)) : symbols.end();
    if (it == symbols.end())
      return;
    symbols.erase(it);
  }
  if (outProduct == 0 || inProduct % outProduct != 0)
    return;
  int64_t ratio = inProduct / outProduct;
  if (symbols.empty())
    setDim(result, inferredAt, {ratio, -1});
  else if (symbols.size() == 1 && ratio == 1)
    setDim(result, inferredAt, {-1, symbols.front()});
}

void SymbolicDims::visit(Operation *op) {
  if (isa<AddOp, SubOp, MulOp, DivOp, MinOp, MaxOp, PowOp, RemOp, ModOp,
          ShiftLeftOp, ShiftRightOp, AndOp, OrOp, XorOp, CompareOp, SelectOp>(
          op)) {
    visitBroadcast(op);
    return;
  }
  if (((op->hasTrait<OpTrait::SameOperandsAndResultType>() ||
        op->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
        isa<ConvertOp>(op)) &&
       op->getNumOperands() == 1) ||
      isa<BatchNormOp, InstanceNormOp, LRNOp, MeanVarianceNormOp>(op)) {
    // (Same static types do not make several operands' dynamic sizes
    // equal: only one-operand ops pass their dims on. Normalisations keep
    // their operand's shape; their other operands are parameters.)
    Value in = op->getOperand(0);
    for (Value r : op->getResults())
      if (RankedTensorType t = ranked(r))
        for (int64_t i = 0; i < t.getRank(); ++i)
          setDim(r, i, dimOfOrCreate(in, i));
    return;
  }
  if (auto fusion = dyn_cast<FusionOp>(op)) {
    // A fusion group returns what its region yields.
    auto yield = cast<YieldOp>(fusion.getBody().front().getTerminator());
    for (auto [r, y] : llvm::zip(op->getResults(), yield.getValues()))
      if (RankedTensorType t = ranked(r))
        for (int64_t i = 0; i < t.getRank(); ++i)
          setDim(r, i, dimOfOrCreate(y, i));
    return;
  }
  if (auto reduce = dyn_cast<ReduceOp>(op)) {
    // Dims not reduced stay (kept reduced dims are 1s).
    RankedTensorType t = ranked(reduce.getResult());
    RankedTensorType in = ranked(reduce.getOperand());
    if (!t || !in)
      return;
    ArrayRef<int64_t> axes = reduce.getAxes();
    for (int64_t i = 0, r = 0; i < in.getRank(); ++i) {
      bool reduced = llvm::is_contained(axes, i);
      if (!reduced)
        setDim(reduce.getResult(), r, dimOfOrCreate(reduce.getOperand(), i));
      if (!reduced || reduce.getKeepdims())
        ++r;
    }
    return;
  }
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    // The statistics keep the dims before the axis (the others are 1).
    for (Value r : op->getResults())
      if (RankedTensorType t = ranked(r))
        for (int64_t i = 0; i < t.getRank(); ++i)
          if (r == ln.getResult() || i < ln.getAxis())
            setDim(r, i, dimOfOrCreate(ln.getOperand(), i));
    return;
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    RankedTensorType l = ranked(mm.getLhs()), r = ranked(mm.getRhs()),
                     res = ranked(mm.getResult());
    if (!l || !r || !res || l.getRank() < 2 || r.getRank() < 2)
      return;
    int64_t lr = l.getRank(), rr = r.getRank(), n = res.getRank();
    setDim(mm.getResult(), n - 2, dimOfOrCreate(mm.getLhs(), lr - 2));
    setDim(mm.getResult(), n - 1, dimOfOrCreate(mm.getRhs(), rr - 1));
    // The contraction dims must be equal (a checked shape rule).
    Dim kl = dimOfOrCreate(mm.getLhs(), lr - 1),
        kr = dimOfOrCreate(mm.getRhs(), rr - 2);
    if (kl.node >= 0 && kr.node >= 0)
      unite(kl.node, kr.node);
    // Batch dims broadcast.
    for (int64_t i = 0; i < n - 2; ++i) {
      SmallVector<Dim> aligned;
      for (auto [v, rank] :
           {std::make_pair(mm.getLhs(), lr), std::make_pair(mm.getRhs(), rr)}) {
        int64_t j = i - (n - rank);
        if (j >= 0)
          aligned.push_back(dimOfOrCreate(v, j));
      }
      broadcastDim(mm.getResult(), i, aligned);
    }
    return;
  }
  if (isa<ConvOp, ConvTransposeOp, PoolOp>(op)) {
    // Images keep their batch dim (dim 0 of the input).
    for (Value r : op->getResults())
      if (RankedTensorType t = ranked(r); t && t.getRank() > 0)
        setDim(r, 0, dimOfOrCreate(op->getOperand(0), 0));
    return;
  }
  if (auto sl = dyn_cast<SliceOp>(op)) {
    // A dim sliced from 0 to the end with step 1 is the operand's; a slice
    // of a dim of known size has a known size.
    ArrayRef<int64_t> starts = sl.getStarts(), ends = sl.getEnds(),
                      steps = sl.getSteps();
    for (int64_t i = 0; i < static_cast<int64_t>(starts.size()); ++i) {
      Dim in = dimOfOrCreate(sl.getOperand(), i);
      if (starts[i] == 0 && steps[i] == 1 &&
          ends[i] >= std::numeric_limits<int32_t>::max())
        setDim(sl.getResult(), i, in);
      else if (in.size >= 0 && steps[i] != 0)
        setDim(sl.getResult(), i,
               {inferSliceDim(in.size, starts[i], ends[i], steps[i]), -1});
    }
    return;
  }
  if (auto rs = dyn_cast<ReshapeOp>(op)) {
    // One dynamic dim on each side and equal static products: the result's
    // dynamic dim is the operand's (it holds the same element count).
    RankedTensorType in = ranked(rs.getOperand()), out = ranked(rs.getResult());
    if (!in || !out || in.getNumDynamicDims() != 1 ||
        out.getNumDynamicDims() != 1)
      return;
    auto staticProduct = [](RankedTensorType t) {
      int64_t p = 1;
      for (int64_t d : t.getShape())
        if (!ShapedType::isDynamic(d))
          p *= d;
      return p;
    };
    if (staticProduct(in) != staticProduct(out))
      return;
    auto dynamicIndex = [](RankedTensorType t) {
      return static_cast<int64_t>(
          llvm::find_if(t.getShape(), ShapedType::isDynamic) -
          t.getShape().begin());
    };
    setDim(rs.getResult(), dynamicIndex(out),
           dimOfOrCreate(rs.getOperand(), dynamicIndex(in)));
    return;
  }
  if (auto tr = dyn_cast<TransposeOp>(op)) {
    for (auto [i, p] : llvm::enumerate(tr.getPermutation()))
      setDim(tr.getResult(), i, dimOfOrCreate(tr.getOperand(), p));
    return;
  }
  if (auto g = dyn_cast<GatherOp>(op)) {
    RankedTensorType d = ranked(g.getData()), ix = ranked(g.getIndices());
    int64_t axis = g.getAxis();
    if (!d || !ix || axis < 0 || axis >= d.getRank())
      return;
    int64_t k = 0;
    for (int64_t i = 0; i < axis; ++i)
      setDim(g.getResult(), k++, dimOfOrCreate(g.getData(), i));
    for (int64_t i = 0; i < ix.getRank(); ++i)
      setDim(g.getResult(), k++, dimOfOrCreate(g.getIndices(), i));
    for (int64_t i = axis + 1; i < d.getRank(); ++i)
      setDim(g.getResult(), k++, dimOfOrCreate(g.getData(), i));
    return;
  }
  if (auto s = dyn_cast<ShapeOfOp>(op)) {
    SmallVector<Dim> elems;
    for (int64_t i = s.getStart(); i < s.getEnd(); ++i)
      elems.push_back(dimOfOrCreate(s.getOperand(), i));
    shapes[s.getResult()] = elems;
    return;
  }
  if (auto c = dyn_cast<ConstantOp>(op)) {
    auto values = dyn_cast<DenseIntElementsAttr>(c.getValue());
    if (!values || !isShapeTensor(c.getResult()))
      return;
    SmallVector<Dim> elems;
    for (const APInt &v : values.getValues<APInt>()) {
      int64_t x = v.getSExtValue();
      elems.push_back(x >= 0 ? Dim{x, -1} : Dim{-1, -1, x == -1});
    }
    shapes[c.getResult()] = elems;
    return;
  }
  if (auto c = dyn_cast<ConcatOp>(op)) {
    if (isShapeTensor(c.getResult())) {
      SmallVector<Dim> elems;
      for (Value in : c.getInputs()) {
        std::optional<SmallVector<Dim>> part = shapeOf(in);
        if (!part)
          return;
        elems.append(*part);
      }
      shapes[c.getResult()] = elems;
      return;
    }
    // Every dim but the axis is the same in the inputs and the result.
    RankedTensorType t = ranked(c.getResult());
    if (!t)
      return;
    int64_t total = 0;
    for (Value in : c.getInputs()) {
      Dim d = dimOf(in, c.getAxis());
      total = d.size >= 0 && total >= 0 ? total + d.size : -1;
    }
    if (total >= 0)
      setDim(c.getResult(), c.getAxis(), {total, -1});
    for (int64_t i = 0; i < t.getRank(); ++i) {
      if (i == c.getAxis())
        continue;
      Dim first = dimOfOrCreate(c.getResult(), i);
      for (Value in : c.getInputs()) {
        Dim d = dimOfOrCreate(in, i);
        if (first.node >= 0 && d.node >= 0)
          unite(first.node, d.node);
      }
    }
    return;
  }
  if (auto r = dyn_cast<DynamicReshapeOp>(op)) {
    std::optional<SmallVector<Dim>> elems = shapeOf(r.getShape());
    RankedTensorType t = ranked(r.getResult());
    if (!elems || !t || static_cast<int64_t>(elems->size()) != t.getRank())
      return;
    for (auto [i, e] : llvm::enumerate(*elems)) {
      // Without allow_zero, 0 copies the input's dim: a constant 0 is that
      // dim, and a symbol only when it is that dim's own (else it would be
      // wrong in a run where the symbol is 0).
      if (!r.getAllowZero()) {
        Dim in = dimOfOrCreate(r.getOperand(), i);
        if (e.size == 0)
          e = in;
        else if (e.node >= 0 && !(in.node >= 0 && sameSymbol(e.node, in.node)))
          continue;
      }
      setDim(r.getResult(), i, e);
    }
    inferReshapeDim(r, *elems);
    return;
  }
  if (auto s = dyn_cast<DynamicSliceOp>(op)) {
    std::optional<SmallVector<Dim>> starts = shapeOf(s.getStarts()),
                                    ends = shapeOf(s.getEnds()),
                                    axes = shapeOf(s.getAxes()),
                                    steps = shapeOf(s.getSteps());
    RankedTensorType t = ranked(s.getOperand());
    if (!starts || !ends || !axes || !steps || !t)
      return;
    int64_t rank = t.getRank();
    SmallVector<bool> sliced(rank, false);
    for (size_t k = 0; k < axes->size(); ++k) {
      int64_t a = (*axes)[k].size;
      if (a < 0 || a >= rank || k >= starts->size() || k >= ends->size() ||
          k >= steps->size())
        return;
      sliced[a] = true;
      Dim start = (*starts)[k], end = (*ends)[k], step = (*steps)[k];
      Dim in = dimOfOrCreate(s.getOperand(), a);
      if (in.size >= 0 && start.size >= 0 && end.size >= 0 && step.size > 0) {
        setDim(s.getResult(), a,
               {inferSliceDim(in.size, start.size, end.size, step.size), -1});
        continue;
      }
      if (start.size != 0 || step.size != 1)
        continue;
      if (end.size >= std::numeric_limits<int32_t>::max()) {
        setDim(s.getResult(), a, in); // to the end
      } else if (end.node >= 0 && in.node >= 0) {
        if (sameSymbol(end.node, in.node))
          setDim(s.getResult(), a, in);
      } else if (end.node >= 0 && in.size >= 0) {
        // The first `end` rows of a static dim: min(end, D).
        int n = newNode();
        nodes[n].minOf = std::make_pair(end.node, in.size);
        setDim(s.getResult(), a, {-1, n});
      }
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!sliced[i])
        setDim(s.getResult(), i, dimOfOrCreate(s.getOperand(), i));
    return;
  }
}
