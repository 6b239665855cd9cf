//===- Epilogues.cpp - Post-ops of matmul and conv kernels ----------------===//

#include "blade/Dialect/Blade/Analysis/Epilogues.h"
#include "blade/Dialect/Blade/IR/BladeOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

bool blade::isTransposeBy(Operation *op, ArrayRef<int64_t> perm) {
  auto t = dyn_cast_if_present<TransposeOp>(op);
  return t && t.getPermutation() == perm;
}

Value blade::peelToNCHW(Value v) {
  auto t = v.getDefiningOp<TransposeOp>();
  return t && t.getPermutation() == ArrayRef<int64_t>(kToNCHW) ? t.getOperand()
                                                               : Value();
}

bool blade::definedBefore(Value v, Operation *op) {
  if (Operation *def = v.getDefiningOp())
    return def->getBlock() != op->getBlock() || def->isBeforeInBlock(op);
  auto arg = cast<BlockArgument>(v);
  return arg.getOwner() == op->getBlock() ||
         arg.getOwner()->getParent()->isAncestor(op->getParentRegion());
}

std::optional<float> blade::splatF32(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !attr.getElementType().isF32())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToFloat();
}

namespace {

/// The only user of `v`, if it is in `anchor`'s block.
Operation *onlyUser(Value v, Operation *anchor) {
  if (!v.hasOneUse())
    return nullptr;
  Operation *user = *v.user_begin();
  return user->getBlock() == anchor->getBlock() ? user : nullptr;
}

} // namespace

blade::Epilogue blade::matchMatMulEpilogue(Operation *matmul, bool postOps) {
  Epilogue epi;
  auto mm = dyn_cast<MatMulOp>(matmul);
  if (!mm || !postOps)
    return epi;
  // The kernel fills zeros for empty sums instead of applying the bias:
  // the contracted dim must be static and non-zero.
  auto lhsType = cast<RankedTensorType>(mm.getLhs().getType());
  int64_t k = lhsType.getDimSize(lhsType.getRank() - 1);
  if (ShapedType::isDynamic(k) || k == 0)
    return epi;
  Value cur = mm.getResult();
  if (auto add = dyn_cast_if_present<AddOp>(onlyUser(cur, matmul));
      add && add.getType() == mm.getType()) {
    Value other = add.getLhs() == cur ? add.getRhs() : add.getLhs();
    auto type = cast<RankedTensorType>(other.getType());
    if (other != cur && type.getElementType().isF32() &&
        type.getRank() <= mm.getType().getRank() && type.getRank() > 0 &&
        definedBefore(other, matmul)) {
      epi.ops.push_back(add);
      epi.addend = other;
      cur = add.getResult();
    }
  }
  Operation *user = onlyUser(cur, matmul);
  if (!user || user->getResultTypes() != TypeRange{cur.getType()})
    return epi;
  if (isa<ReluOp>(user))
    epi.activation = Epilogue::Activation::Relu;
  else if (auto gelu = dyn_cast<GeluOp>(user))
    epi.activation = gelu.getApproximate() == "tanh"
                         ? Epilogue::Activation::GeluTanh
                         : Epilogue::Activation::GeluErf;
  if (epi.activation != Epilogue::Activation::None)
    epi.ops.push_back(user);
  return epi;
}

blade::Epilogue blade::matchConvEpilogue(Operation *conv, bool postOps) {
  Epilogue epi;
  Value cur = conv->getResult(0);
  auto rank = cast<RankedTensorType>(cur.getType()).getRank();
  auto take = [&](Operation *op) {
    epi.ops.push_back(op);
    cur = op->getResult(0);
  };
  if (rank == 4 && isTransposeBy(onlyUser(cur, conv), kToNHWC)) {
    epi.nhwc = true;
    take(onlyUser(cur, conv));
  }
  if (!postOps)
    return epi;
  if (auto add = dyn_cast_if_present<AddOp>(onlyUser(cur, conv))) {
    Value other = add.getLhs() == cur ? add.getRhs() : add.getLhs();
    if (other != cur && other.getType() == cur.getType() &&
        add.getType() == cur.getType() && definedBefore(other, conv)) {
      epi.addend = other;
      take(add);
    }
  }
  auto clipBy = [&](Operation *user, bool isMax) {
    if (!user || user->getResult(0).getType() != cur.getType())
      return false;
    Value other =
        user->getOperand(0) == cur ? user->getOperand(1) : user->getOperand(0);
    std::optional<float> bound = splatF32(other);
    if (other == cur || !bound || std::isnan(*bound))
      return false;
    (isMax ? epi.lo : epi.hi) = *bound;
    epi.clip = true;
    take(user);
    return true;
  };
  Operation *user = onlyUser(cur, conv);
  if (isa_and_present<ReluOp>(user) &&
      user->getResult(0).getType() == cur.getType()) {
    epi.lo = 0;
    epi.clip = true;
    take(user);
  } else if (isa_and_present<MaxOp>(user) && clipBy(user, true)) {
    if (isa_and_present<MinOp>(onlyUser(cur, conv)))
      clipBy(onlyUser(cur, conv), false);
  } else if (isa_and_present<MinOp>(user)) {
    clipBy(user, false);
  }
  return epi;
}
