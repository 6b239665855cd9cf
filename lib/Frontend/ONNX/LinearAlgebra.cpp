//===- LinearAlgebra.cpp - ONNX MatMul and Gemm ---------------------------===//

#include "ConverterRegistry.h"

#include "blade/Dialect/Blade/IR/BladeOps.h"
#include "blade/Dialect/Blade/IR/Einsum.h"
#include "blade/Dialect/Blade/IR/TypeInference.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;

namespace blade::onnx_import {
namespace {

FailureOr<Value> buildMatMul(NodeContext &ctx, Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (lhsType.getElementType() != rhsType.getElementType())
    return ctx.fail("operand element types differ");
  FailureOr<SmallVector<int64_t>> shape =
      inferMatMulShape(lhsType.getShape(), rhsType.getShape());
  if (failed(shape))
    return ctx.fail("cannot multiply " + shapeToString(lhsType.getShape()) +
                    " by " + shapeToString(rhsType.getShape()));
  auto type = RankedTensorType::get(*shape, lhsType.getElementType());
  return MatMulOp::create(ctx.builder, ctx.loc, type, lhs, rhs).getResult();
}

} // namespace

/// MatMul with numpy semantics: a 1-D lhs gains a leading 1, a 1-D rhs a
/// trailing 1, and those dims are dropped from the product again.
FailureOr<Value> buildNumpyMatMul(NodeContext &ctx, Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return ctx.fail("MatMul operands must be at least 1-D");
  bool lhsVector = lhsType.getRank() == 1, rhsVector = rhsType.getRank() == 1;
  Value a = lhs, b = rhs;
  if (lhsVector) {
    FailureOr<Value> r = buildReshape(ctx, a, {1, lhsType.getDimSize(0)});
    if (failed(r))
      return failure();
    a = *r;
  }
  if (rhsVector) {
    FailureOr<Value> r = buildReshape(ctx, b, {rhsType.getDimSize(0), 1});
    if (failed(r))
      return failure();
    b = *r;
  }
  FailureOr<Value> product = buildMatMul(ctx, a, b);
  if (failed(product))
    return failure();
  if (!lhsVector && !rhsVector)
    return *product;
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(product->getType()).getShape());
  if (rhsVector)
    shape.erase(shape.end() - 1);
  if (lhsVector)
    shape.erase(shape.end() - (rhsVector ? 1 : 2));
  return buildReshape(ctx, *product, shape);
}

namespace {

LogicalResult convertMatMul(NodeContext &ctx) {
  FailureOr<Value> lhs = ctx.requiredInput(0);
  FailureOr<Value> rhs = ctx.requiredInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> result = buildNumpyMatMul(ctx, *lhs, *rhs);
  if (failed(result))
    return failure();
  return ctx.setOutputs({*result});
}

/// Y = alpha * op(A) * op(B) + beta * C, with op = optional transpose and C
/// broadcast to the product's shape.
LogicalResult convertGemm(NodeContext &ctx) {
  FailureOr<Value> a = ctx.requiredInput(0);
  FailureOr<Value> b = ctx.requiredInput(1);
  if (failed(a) || failed(b))
    return failure();
  for (Value v : {*a, *b})
    if (cast<RankedTensorType>(v.getType()).getRank() != 2)
      return ctx.fail("Gemm operands A and B must be 2-D");
  OpBuilder &builder = ctx.builder;
  auto transpose = [&](Value v) -> Value {
    auto type = cast<RankedTensorType>(v.getType());
    auto resultType = RankedTensorType::get(
        {type.getDimSize(1), type.getDimSize(0)}, type.getElementType());
    return TransposeOp::create(builder, ctx.loc, resultType, v,
                               ArrayRef<int64_t>{1, 0});
  };
  Value lhs = ctx.intAttr("transA", 0) ? transpose(*a) : *a;
  Value rhs = ctx.intAttr("transB", 0) ? transpose(*b) : *b;
  FailureOr<Value> product = buildMatMul(ctx, lhs, rhs);
  if (failed(product))
    return failure();
  auto type = cast<RankedTensorType>(product->getType());
  Type elementType = type.getElementType();
  auto scalar = [&](float value) -> Value {
    auto scalarType = RankedTensorType::get({}, elementType);
    Attribute attr;
    if (isa<FloatType>(elementType))
      attr = builder.getFloatAttr(elementType, value);
    else
      attr = builder.getIntegerAttr(elementType, static_cast<int64_t>(value));
    return ConstantOp::create(builder, ctx.loc,
                              DenseElementsAttr::get(scalarType, attr));
  };
  Value y = *product;
  float alpha = ctx.floatAttr("alpha", 1.0f);
  float beta = ctx.floatAttr("beta", 1.0f);
  if (!isa<FloatType>(elementType) &&
      (alpha != std::trunc(alpha) || beta != std::trunc(beta)))
    return ctx.fail("alpha and beta must be whole numbers for an integer Gemm");
  if (alpha != 1.0f)
    y = MulOp::create(builder, ctx.loc, type, y, scalar(alpha));
  if (Value c = ctx.input(2)) {
    auto cType = cast<RankedTensorType>(c.getType());
    if (ctx.opset < 7 && ctx.intAttr("broadcast", 0) == 0 &&
        failed(verifyCompatibleShape(cType.getShape(), type.getShape())))
      return ctx.fail("C of shape " + shapeToString(cType.getShape()) +
                      " must equal the product's shape " +
                      shapeToString(type.getShape()) + " without broadcast");
    FailureOr<SmallVector<int64_t>> shape =
        inferBroadcastShape(type.getShape(), cType.getShape());
    if (failed(shape) || cType.getRank() > 2 ||
        failed(verifyCompatibleShape(*shape, type.getShape())))
      return ctx.fail("C of shape " + shapeToString(cType.getShape()) +
                      " does not broadcast to the product's shape " +
                      shapeToString(type.getShape()));
    if (beta != 1.0f)
      c = MulOp::create(builder, ctx.loc, cType, c, scalar(beta));
    y = AddOp::create(builder, ctx.loc, type, y, c);
  }
  return ctx.setOutputs({y});
}

LogicalResult convertEinsum(NodeContext &ctx) {
  const onnx::AttributeProto *equation = ctx.attr("equation");
  if (!equation)
    return ctx.fail("missing the equation attribute");
  SmallVector<Value> operands;
  SmallVector<int64_t> ranks;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.requiredInput(i);
    if (failed(v))
      return failure();
    auto type = cast<RankedTensorType>(v->getType());
    if (!operands.empty() &&
        type.getElementType() !=
            cast<RankedTensorType>(operands[0].getType()).getElementType())
      return ctx.fail("operand element types differ");
    operands.push_back(*v);
    ranks.push_back(type.getRank());
    shapes.push_back(type.getShape());
  }
  if (operands.empty())
    return ctx.fail("expects at least one input");
  std::string error;
  FailureOr<EinsumEquation> eq = parseEinsum(equation->s(), ranks, error);
  if (failed(eq))
    return ctx.fail(error);
  FailureOr<SmallVector<int64_t>> shape = einsumResultShape(*eq, shapes, error);
  if (failed(shape))
    return ctx.fail(error);
  auto type = RankedTensorType::get(
      *shape, cast<RankedTensorType>(operands[0].getType()).getElementType());
  return ctx.setOutputs(
      {EinsumOp::create(ctx.builder, ctx.loc, type, operands, eq->str())
           .getResult()});
}

} // namespace

void registerLinearAlgebraConverters(ConverterRegistry &r) {
  r.add("Einsum", 12, convertEinsum);
  r.add("MatMul", 1, convertMatMul);
  // Before opset 7, C broadcast only with `broadcast` = 1, in the same
  // (unidirectional) way numpy broadcasting does; with 0 its shape must
  // equal the product's, which the same check enforces.
  r.add("Gemm", 1, convertGemm);
}

} // namespace blade::onnx_import
