//===- ControlFlow.cpp - blade.if, blade.loop, blade.fusion to scf --------===//
//
// blade.if becomes scf.if with the branches moved over. blade.loop becomes
// an scf.while over (iteration, condition, loop-carried values, scan
// accumulators); its body moves into an scf.execute_region in the loop's
// "after" region, and each iteration appends its scan elements to
// accumulators that grow by one row. blade.yield becomes scf.yield, casting
// to the enclosing op's types. blade.fusion becomes an scf.execute_region
// marked with the group's kind.
//
//===----------------------------------------------------------------------===//

#include "PatternsPrivate.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace blade;
using namespace blade::detail;

namespace {

/// The single element of `t` (all indices 0).
Value extractOnly(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<Value> indices(type.getRank(),
                             arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, t, indices);
}

/// `v` with type `type` (a tensor.cast when they differ).
Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  return tensor::CastOp::create(b, loc, type, v);
}

struct IfOpLowering : OpConversionPattern<IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IfOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op.getResultTypes(), types)))
      return rewriter.notifyMatchFailure(op, "cannot convert result types");
    Location loc = op.getLoc();
    Value cond = extractOnly(rewriter, loc, adaptor.getCondition());
    auto ifOp = scf::IfOp::create(rewriter, loc, types, cond,
                                  /*addThenBlock=*/false,
                                  /*addElseBlock=*/false);
    rewriter.inlineRegionBefore(op.getThenRegion(), ifOp.getThenRegion(),
                                ifOp.getThenRegion().end());
    rewriter.inlineRegionBefore(op.getElseRegion(), ifOp.getElseRegion(),
                                ifOp.getElseRegion().end());
    rewriter.replaceOp(op, ifOp.getResults());
    return success();
  }
};

/// Appends `element` as a new last row of `acc` (type `accType`, dims after
/// the first those of the element).
Value appendRow(OpBuilder &b, Location loc, Value acc, Value element,
                RankedTensorType accType) {
  Value rows = tensor::DimOp::create(b, loc, acc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<OpFoldResult> elementSizes =
      tensor::getMixedSizes(b, loc, element);
  SmallVector<OpFoldResult> sizes{
      OpFoldResult(arith::AddIOp::create(b, loc, rows, one).getResult())};
  llvm::append_range(sizes, elementSizes);
  Value grown =
      tensor::EmptyOp::create(b, loc, sizes, accType.getElementType());
  int64_t rank = accType.getRank();
  SmallVector<OpFoldResult> zeros(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> ones(rank, b.getIndexAttr(1));
  // The old rows (their own dims: before the first append, the empty start
  // value need not have the element's dims).
  grown = tensor::InsertSliceOp::create(
      b, loc, acc, grown, zeros, tensor::getMixedSizes(b, loc, acc), ones);
  SmallVector<OpFoldResult> offsets(zeros);
  offsets[0] = rows;
  SmallVector<OpFoldResult> rowSizes{b.getIndexAttr(1)};
  llvm::append_range(rowSizes, elementSizes);
  grown = tensor::InsertSliceOp::create(b, loc, element, grown, offsets,
                                        rowSizes, ones);
  return castTo(b, loc, grown, accType);
}

struct LoopOpLowering : OpConversionPattern<LoopOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LoopOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    Location loc = op.getLoc();
    SmallVector<Type> resultTypes, yieldTypes;
    auto yield = cast<YieldOp>(op.getBody().front().getTerminator());
    if (failed(converter.convertTypes(op.getResultTypes(), resultTypes)) ||
        failed(
            converter.convertTypes(yield.getValues().getTypes(), yieldTypes)))
      return rewriter.notifyMatchFailure(op, "cannot convert types");
    unsigned numCarried = op.getNumCarried();
    Type i64 = rewriter.getI64Type(), i1 = rewriter.getI1Type();

    // Initial state: iteration 0, the condition, the loop-carried values,
    // empty accumulators (tensor<?x...>; their other dims start at 0).
    SmallVector<Value> inits{
        arith::ConstantIntOp::create(rewriter, loc, 0, 64)};
    inits.push_back(
        adaptor.getCondition()
            ? extractOnly(rewriter, loc, adaptor.getCondition())
            : arith::ConstantIntOp::create(rewriter, loc, 1, 1).getResult());
    for (auto [v, t] : llvm::zip(adaptor.getInit(), resultTypes))
      inits.push_back(castTo(rewriter, loc, v, t));
    SmallVector<RankedTensorType> accTypes;
    for (Type t : ArrayRef<Type>(resultTypes).drop_front(numCarried)) {
      auto type = cast<RankedTensorType>(t);
      SmallVector<int64_t> shape(type.getShape());
      shape[0] = ShapedType::kDynamic;
      accTypes.push_back(type.clone(shape));
      SmallVector<int64_t> empty(shape);
      for (int64_t &d : empty)
        d = ShapedType::isDynamic(d) ? 0 : d;
      empty[0] = 0;
      Value start =
          tensor::EmptyOp::create(rewriter, loc, empty, type.getElementType());
      inits.push_back(castTo(rewriter, loc, start, accTypes.back()));
    }
    Value maxTrips = adaptor.getMaxTripCount()
                         ? extractOnly(rewriter, loc, adaptor.getMaxTripCount())
                         : Value();

    TypeRange stateTypes = ValueRange(inits).getTypes();
    SmallVector<Location> locs(inits.size(), loc);
    auto whileOp = scf::WhileOp::create(rewriter, loc, stateTypes, inits);
    Block *before =
        rewriter.createBlock(&whileOp.getBefore(), {}, stateTypes, locs);
    Value go = before->getArgument(1);
    if (maxTrips)
      go = arith::AndIOp::create(
          rewriter, loc, go,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt,
                                before->getArgument(0), maxTrips));
    scf::ConditionOp::create(rewriter, loc, go, before->getArguments());

    Block *after =
        rewriter.createBlock(&whileOp.getAfter(), {}, stateTypes, locs);
    Value iter = after->getArgument(0), cond = after->getArgument(1);
    SmallVector<Value> bodyArgs{
        tensor::FromElementsOp::create(rewriter, loc,
                                       RankedTensorType::get({}, i64), iter),
        tensor::FromElementsOp::create(rewriter, loc,
                                       RankedTensorType::get({}, i1), cond)};
    llvm::append_range(bodyArgs, after->getArguments().slice(2, numCarried));
    auto exec = scf::ExecuteRegionOp::create(rewriter, loc, yieldTypes);
    Block *execBlock = rewriter.createBlock(&exec.getRegion());
    FailureOr<Block *> body =
        rewriter.convertRegionTypes(&op.getBody(), converter);
    if (failed(body))
      return rewriter.notifyMatchFailure(op, "cannot convert the body");
    rewriter.mergeBlocks(*body, execBlock, bodyArgs);

    rewriter.setInsertionPointAfter(exec);
    ResultRange out = exec.getResults();
    SmallVector<Value> next{arith::AddIOp::create(
        rewriter, loc, iter,
        arith::ConstantIntOp::create(rewriter, loc, 1, 64))};
    next.push_back(adaptor.getCondition() ? extractOnly(rewriter, loc, out[0])
                                          : cond);
    for (unsigned i = 0; i < numCarried; ++i)
      next.push_back(castTo(rewriter, loc, out[i + 1], resultTypes[i]));
    for (auto [k, accType] : llvm::enumerate(accTypes))
      next.push_back(appendRow(rewriter, loc,
                               after->getArgument(2 + numCarried + k),
                               out[1 + numCarried + k], accType));
    scf::YieldOp::create(rewriter, loc, next);

    rewriter.setInsertionPointAfter(whileOp);
    SmallVector<Value> results;
    for (auto [v, t] :
         llvm::zip(whileOp.getResults().drop_front(2), resultTypes))
      results.push_back(castTo(rewriter, loc, v, t));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// A fusion group stays a region until blade-fuse-groups compiles it as one
/// kernel: an scf.execute_region (no_inline, so canonicalization keeps it)
/// carrying the group's kind in `blade.fusion`.
struct FusionOpLowering : OpConversionPattern<FusionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FusionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op.getResultTypes(), types)))
      return rewriter.notifyMatchFailure(op, "cannot convert result types");
    auto region = scf::ExecuteRegionOp::create(rewriter, op.getLoc(), types);
    region.setNoInline(true);
    region->setAttr(kFusionAttr, op.getKindAttr());
    if (IntegerAttr rows = op.getRowsAttr())
      region->setAttr(kFusionRowsAttr, rows);
    rewriter.inlineRegionBefore(op.getBody(), region.getRegion(),
                                region.getRegion().end());
    rewriter.replaceOp(op, region.getResults());
    return success();
  }
};

struct YieldOpLowering : OpConversionPattern<YieldOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(YieldOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Operation *parent = op->getParentOp();
    if (!isa<scf::IfOp, scf::ExecuteRegionOp>(parent))
      return rewriter.notifyMatchFailure(op, "enclosing op not lowered yet");
    SmallVector<Value> values;
    for (auto [v, t] : llvm::zip(adaptor.getValues(), parent->getResultTypes()))
      values.push_back(castTo(rewriter, op.getLoc(), v, t));
    rewriter.replaceOpWithNewOp<scf::YieldOp>(op, values);
    return success();
  }
};

} // namespace

void blade::detail::populateControlFlowPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns) {
  patterns.add<IfOpLowering, LoopOpLowering, FusionOpLowering, YieldOpLowering>(
      converter, patterns.getContext());
}
