//===- OutlineParallelLoops.cpp - The blade-outline-parallel-loops pass ---===//
//
// Outermost scf.parallel loops become calls of the runtime's parallel-for
// with an outlined body function and a struct of the values it captures.
//
//===----------------------------------------------------------------------===//

#include "blade/Transforms/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace blade {
#define GEN_PASS_DEF_BLADEOUTLINEPARALLELLOOPSPASS
#include "blade/Transforms/Passes.h.inc"
} // namespace blade

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kParallelFor = "blade_rt_parallel_for";
/// Trip count assumed for a loop whose extent is only known at run time.
constexpr int64_t kDynamicTripGuess = 64;

/// Iterations of a loop dimension, kDynamicTripGuess unless its bounds and
/// step are constants.
int64_t tripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb),
                         u = getConstantIntValue(ub),
                         s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return kDynamicTripGuess;
  return std::max<int64_t>((*u - *l + *s - 1) / *s, 0);
}

/// Scalar operations of one run of `region`, estimated from the static trip
/// counts of its loops and the lengths of the vectors it computes on.
int64_t estimateCost(Region &region) {
  int64_t cost = 0;
  for (Block &block : region) {
    for (Operation &op : block) {
      std::optional<int64_t> trips;
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        trips = tripCount(loop.getLowerBound(), loop.getUpperBound(),
                          loop.getStep());
      } else if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
        trips = 1;
        for (auto [lb, ub, step] : llvm::zip(
                 loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
          *trips *= tripCount(lb, ub, step);
      }
      if (trips) {
        cost += *trips * std::max<int64_t>(estimateCost(op.getRegion(0)), 1);
        continue;
      }
      int64_t lanes = 1;
      for (Type t : op.getResultTypes())
        if (auto vec = dyn_cast<VectorType>(t))
          lanes = std::max<int64_t>(lanes, vec.getNumElements());
      int64_t nested = 0;
      for (Region &r : op.getRegions())
        nested += estimateCost(r);
      cost += lanes + nested;
    }
  }
  return cost;
}

/// Buffers of static size an iteration allocates and frees (per-row values
/// of a stitched fusion group, partial sums) become one stack buffer per
/// thread in the body function's entry block, instead of an allocation per
/// iteration from the run's shared arena.
void hoistScratchBuffers(func::FuncOp body) {
  constexpr int64_t kMaxScratchBytes = 16 * 1024;
  SmallVector<memref::AllocOp> allocs;
  body.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
  Block &entry = body.getBody().front();
  for (memref::AllocOp alloc : allocs) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
        !type.getElementType().isIntOrFloat() ||
        type.getNumElements() * type.getElementTypeBitWidth() / 8 >
            kMaxScratchBytes)
      continue;
    SmallVector<memref::DeallocOp> deallocs;
    bool plain = true;
    for (Operation *user : alloc->getUsers()) {
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user))
        deallocs.push_back(dealloc);
      else if (isa<func::ReturnOp, func::CallOp>(user))
        plain = false; // Escapes or is passed on.
    }
    if (!plain || deallocs.size() != 1)
      continue;
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    auto alloca = memref::AllocaOp::create(b, alloc.getLoc(), type,
                                           alloc.getAlignmentAttr());
    alloc.replaceAllUsesWith(alloca.getResult());
    deallocs.front().erase();
    alloc.erase();
  }
}

/// Whether `v` can be rebuilt in the outlined function instead of captured.
bool isRematerializable(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>() &&
         def->getNumOperands() == 0;
}

struct BladeOutlineParallelLoopsPass
    : blade::impl::BladeOutlineParallelLoopsPassBase<
          BladeOutlineParallelLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<scf::ParallelOp> loops;
    module.walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          loop.getNumResults() == 0)
        loops.push_back(loop);
    });
    if (loops.empty())
      return;
    LLVMTypeConverter converter(&getContext());
    SymbolTable symbols(module);
    unsigned counter = 0;
    for (scf::ParallelOp loop : loops)
      if (failed(outline(loop, converter, symbols, counter)))
        return signalPassFailure();
  }

  func::FuncOp getOrDeclareParallelFor(SymbolTable &symbols, Location loc) {
    ModuleOp module = getOperation();
    if (auto fn = symbols.lookup<func::FuncOp>(kParallelFor))
      return fn;
    MLIRContext *ctx = &getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto index = IndexType::get(ctx);
    auto bodyType = FunctionType::get(ctx, {index, index, ptr}, {});
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto fn = func::FuncOp::create(
        b, loc, kParallelFor,
        FunctionType::get(ctx, {i64, i64, bodyType, ptr}, {}));
    fn.setPrivate();
    symbols.insert(fn);
    return fn;
  }

  LogicalResult outline(scf::ParallelOp loop, LLVMTypeConverter &converter,
                        SymbolTable &symbols, unsigned &counter) {
    MLIRContext *ctx = &getContext();
    Location loc = loop.getLoc();
    auto parent = loop->getParentOfType<func::FuncOp>();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto index = IndexType::get(ctx);

    // Values the body uses from outside, and the loop bounds.
    SetVector<Value> used;
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    for (Value v : llvm::concat<Value>(loop.getLowerBound(), loop.getStep()))
      used.insert(v);
    SmallVector<Value> captured, rebuilt;
    for (Value v : used)
      (isRematerializable(v) ? rebuilt : captured).push_back(v);
    // The trip counts, computed before the loop, travel with the captured
    // values (upper bounds are only needed for them).
    OpBuilder cb(loop);
    SmallVector<Value> outerTrips;
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      Value span = arith::SubIOp::create(cb, loc, ub, lb);
      outerTrips.push_back(arith::CeilDivSIOp::create(cb, loc, span, step));
    }
    unsigned firstTrip = captured.size();
    llvm::append_range(captured, outerTrips);
    SmallVector<Type> fieldTypes;
    for (Value v : captured) {
      Type t = converter.convertType(v.getType());
      if (!t)
        return loop.emitError("cannot pass a value of type ")
               << v.getType() << " to a parallel loop body";
      fieldTypes.push_back(t);
    }
    auto structType = LLVM::LLVMStructType::getLiteral(ctx, fieldTypes);

    // The body: for lin in [begin, end): delinearize, run the original body.
    OpBuilder mb = OpBuilder::atBlockEnd(getOperation().getBody());
    std::string name;
    do {
      name = (parent.getSymName() + "_parallel_" + Twine(counter++)).str();
    } while (symbols.lookup(name));
    auto bodyType = FunctionType::get(ctx, {index, index, ptr}, {});
    auto body = func::FuncOp::create(mb, loc, name, bodyType);
    body.setPrivate();
    symbols.insert(body);
    Block *entry = body.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    for (Value v : rebuilt)
      mapping.map(v, b.clone(*v.getDefiningOp())->getResult(0));
    Value packed =
        LLVM::LoadOp::create(b, loc, structType, entry->getArgument(2));
    SmallVector<Value> trips;
    for (auto [i, v] : llvm::enumerate(captured)) {
      Value value = LLVM::ExtractValueOp::create(b, loc, packed, i);
      if (value.getType() != v.getType())
        value = UnrealizedConversionCastOp::create(b, loc, v.getType(), value)
                    .getResult(0);
      if (i >= firstTrip)
        trips.push_back(value);
      else
        mapping.map(v, value);
    }
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto forOp = scf::ForOp::create(b, loc, entry->getArgument(0),
                                    entry->getArgument(1), one);
    func::ReturnOp::create(b, loc);
    b.setInsertionPointToStart(forOp.getBody());
    Value rest = forOp.getInductionVar();
    SmallVector<Value> ivs(loop.getNumLoops());
    for (int d = loop.getNumLoops() - 1; d >= 0; --d) {
      Value pos =
          d == 0 ? rest : arith::RemSIOp::create(b, loc, rest, trips[d]);
      if (d > 0)
        rest = arith::DivSIOp::create(b, loc, rest, trips[d]);
      Value scaled =
          arith::MulIOp::create(b, loc, pos, mapping.lookup(loop.getStep()[d]));
      ivs[d] = arith::AddIOp::create(b, loc, scaled,
                                     mapping.lookup(loop.getLowerBound()[d]));
    }
    for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
      mapping.map(iv, value);
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, mapping);
    hoistScratchBuffers(body);

    // The call site: pack the captured values into a stack slot of the
    // function (allocated once, in its entry block), call the runtime.
    Value structValue = LLVM::UndefOp::create(cb, loc, structType);
    for (auto [i, v] : llvm::enumerate(captured)) {
      Value field =
          fieldTypes[i] == v.getType()
              ? v
              : UnrealizedConversionCastOp::create(cb, loc, fieldTypes[i], v)
                    .getResult(0);
      structValue = LLVM::InsertValueOp::create(cb, loc, structValue, field, i);
    }
    Value slot = [&] {
      OpBuilder eb = OpBuilder::atBlockBegin(&parent.getBody().front());
      Value count = LLVM::ConstantOp::create(eb, loc, eb.getI64Type(),
                                             eb.getI64IntegerAttr(1));
      return LLVM::AllocaOp::create(eb, loc, ptr, structType, count)
          .getResult();
    }();
    LLVM::StoreOp::create(cb, loc, structValue, slot);
    Value total = arith::ConstantIndexOp::create(cb, loc, 1);
    for (Value t : outerTrips)
      total = arith::MulIOp::create(cb, loc, total, t);
    Value total64 = arith::IndexCastOp::create(cb, loc, cb.getI64Type(), total);
    Value cost = arith::ConstantIntOp::create(
        cb, loc, cb.getI64Type(),
        std::max<int64_t>(estimateCost(loop.getRegion()), 1));
    Value fnRef =
        func::ConstantOp::create(cb, loc, bodyType, SymbolRefAttr::get(body));
    func::FuncOp parallelFor = getOrDeclareParallelFor(symbols, loc);
    func::CallOp::create(cb, loc, parallelFor,
                         ValueRange{total64, cost, fnRef, slot});
    loop.erase();
    return success();
  }
};

} // namespace
