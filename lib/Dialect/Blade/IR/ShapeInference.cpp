//===- ShapeInference.cpp - Shape rules of the shape and indexing ops -----===//

#include "blade/Dialect/Blade/IR/TypeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlir;

namespace blade {

std::pair<int64_t, int64_t> clampSliceBounds(int64_t dim, int64_t start,
                                             int64_t end, int64_t step) {
  auto normalize = [&](int64_t v, int64_t lo, int64_t hi) {
    if (v < 0)
      v = v < -dim ? lo : v + dim; // far below: clamps to lo, no overflow
    return std::clamp(v, lo, hi);
  };
  if (step > 0)
    return {normalize(start, 0, dim), normalize(end, 0, dim)};
  return {normalize(start, -1, dim - 1), normalize(end, -1, dim - 1)};
}

int64_t inferSliceDim(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (ShapedType::isDynamic(dim) || step == 0)
    return ShapedType::kDynamic;
  auto [s, e] = clampSliceBounds(dim, start, end, step);
  int64_t n = step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step;
  return std::max<int64_t>(n, 0);
}

FailureOr<SmallVector<int64_t>>
inferConcatShape(ArrayRef<SmallVector<int64_t>> shapes, int64_t axis,
                 std::optional<Location> loc) {
  auto fail = [&](const Twine &message) -> FailureOr<SmallVector<int64_t>> {
    if (loc)
      emitError(*loc) << message;
    return failure();
  };
  if (shapes.empty())
    return fail("concat needs at least one input");
  int64_t rank = shapes.front().size();
  if (axis < 0 || axis >= rank)
    return fail("concat axis " + Twine(axis) + " is out of range for rank " +
                Twine(rank));
  SmallVector<int64_t> result(shapes.front());
  result[axis] = 0;
  for (ArrayRef<int64_t> shape : shapes) {
    if (static_cast<int64_t>(shape.size()) != rank)
      return fail("concat inputs " + shapeToString(shapes.front()) + " and " +
                  shapeToString(shape) + " differ in rank");
    for (int64_t i = 0; i < rank; ++i) {
      int64_t d = shape[i];
      if (i == axis) {
        result[i] = ShapedType::isDynamic(d) || ShapedType::isDynamic(result[i])
                        ? ShapedType::kDynamic
                        : result[i] + d;
        continue;
      }
      if (ShapedType::isDynamic(result[i])) {
        result[i] = d;
      } else if (!ShapedType::isDynamic(d) && d != result[i]) {
        return fail("concat inputs " + shapeToString(shapes.front()) + " and " +
                    shapeToString(shape) + " differ in dim " + Twine(i));
      }
    }
  }
  return result;
}

SmallVector<int64_t> inferGatherShape(ArrayRef<int64_t> data,
                                      ArrayRef<int64_t> indices, int64_t axis) {
  SmallVector<int64_t> result(data.take_front(axis));
  llvm::append_range(result, indices);
  llvm::append_range(result, data.drop_front(axis + 1));
  return result;
}

FailureOr<SmallVector<int64_t>>
inferGatherNDShape(ArrayRef<int64_t> data, ArrayRef<int64_t> indices,
                   int64_t batchDims, std::optional<Location> loc) {
  auto fail = [&](const Twine &message) -> FailureOr<SmallVector<int64_t>> {
    if (loc)
      emitError(*loc) << message;
    return failure();
  };
  int64_t r = data.size(), q = indices.size();
  if (q < 1 || r < 1 || batchDims < 0 || batchDims >= std::min(r, q))
    return fail("gather_nd needs batch_dims < min(rank(data), rank(indices))");
  int64_t m = indices.back();
  if (ShapedType::isDynamic(m) || m < 1 || batchDims + m > r)
    return fail("gather_nd index tuples of length " +
                (ShapedType::isDynamic(m) ? Twine("?") : Twine(m)) +
                " do not fit data " + shapeToString(data));
  SmallVector<int64_t> result(indices.drop_back());
  llvm::append_range(result, data.drop_front(batchDims + m));
  return result;
}

} // namespace blade
