/* Calls a model library's raw C-interface entry through the header
 * blade-compile generated for it (libmatmul.h: Y = X @ W, X [N, 4], W [4, 3]),
 * without the Blade runtime's help; emit-lib.test builds and runs it. */
#include "libmatmul.h"

#include <stdio.h>
#include <stdlib.h>

static float x[8] = {1, 2, 3, 4, 0, 0, 0, 1};
static float w[12] = {1, 1, 0, 2, 1, 0, 3, 1, 0, 4, 1, 0};

int main(void) {
  matmul_input0_memref X = {x, x, 0, {2, 4}, {4, 1}};
  matmul_input1_memref W = {w, w, 0, {4, 3}, {3, 1}};
  matmul_results results;
  int64_t i, j;
  _mlir_ciface_main_graph(&results, &X, &W);
  printf("%s: [%d, %d]", MATMUL_OUTPUT0_NAME, (int)results.output0.sizes[0],
         (int)results.output0.sizes[1]);
  for (i = 0; i < results.output0.sizes[0]; ++i)
    for (j = 0; j < results.output0.sizes[1]; ++j)
      printf(" %g", (double)results.output0.aligned
                        [results.output0.offset +
                         i * results.output0.strides[0] +
                         j * results.output0.strides[1]]);
  printf("\n");
  blade_rt_free(results.output0.allocated);
  return 0;
}
