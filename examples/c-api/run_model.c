/* run_model.c - compile an ONNX model through the Blade C API and run it.
 *
 *   run_model MODEL.onnx [BATCH]
 *
 * Prints every input and output (name, dtype, dims; -1 for dynamic ones),
 * runs the model on float inputs whose dynamic dims are BATCH (default 2)
 * and whose elements are 0.01 * (i % 100) in row-major order, and prints
 * each output's shape and its first elements. Exits 1 with Blade's message
 * on any error. */
#include "blade-c/Blade.h"

#include <stdio.h>
#include <stdlib.h>

static int failed(BladeStatus *status) {
  if (!status)
    return 0;
  fprintf(stderr, "error: %s\n", bladeStatusMessage(status));
  bladeStatusFree(status);
  return 1;
}

static void printSpec(const char *kind, const char *name, BladeDType dtype,
                      int64_t rank, const BladeModel *model, size_t index,
                      int isInput) {
  int64_t d;
  printf("%s %s: dtype %d, dims [", kind, name, (int)dtype);
  for (d = 0; d < rank; ++d)
    printf("%s%.0f", d ? ", " : "",
           (double)(isInput ? bladeModelInputDim(model, index, (size_t)d)
                            : bladeModelOutputDim(model, index, (size_t)d)));
  printf("]\n");
}

int main(int argc, char **argv) {
  BladeModel *model = NULL;
  BladeTensor **inputs, **outputs;
  float **buffers;
  size_t numInputs, numOutputs, i;
  long batch = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
  int status = 1;

  if (argc < 2 || batch < 0) {
    fprintf(stderr, "usage: %s MODEL.onnx [BATCH]\n", argv[0]);
    return 2;
  }
  if (bladeApiVersion() < BLADE_API_VERSION) {
    fprintf(stderr, "error: libblade_c has ABI %u, this program needs %d\n",
            bladeApiVersion(), BLADE_API_VERSION);
    return 1;
  }
  if (failed(bladeModelCompileFile(argv[1], NULL, &model)))
    return 1;

  numInputs = bladeModelNumInputs(model);
  numOutputs = bladeModelNumOutputs(model);
  inputs = calloc(numInputs + 1, sizeof(*inputs));
  buffers = calloc(numInputs + 1, sizeof(*buffers));
  outputs = calloc(numOutputs + 1, sizeof(*outputs));
  for (i = 0; i < numInputs; ++i)
    printSpec("input", bladeModelInputName(model, i),
              bladeModelInputDType(model, i), bladeModelInputRank(model, i),
              model, i, 1);
  for (i = 0; i < numOutputs; ++i)
    printSpec("output", bladeModelOutputName(model, i),
              bladeModelOutputDType(model, i), bladeModelOutputRank(model, i),
              model, i, 0);

  for (i = 0; i < numInputs; ++i) {
    int64_t shape[8], count = 1, d, rank = bladeModelInputRank(model, i), e;
    if (bladeModelInputDType(model, i) != BLADE_F32 || rank > 8) {
      fprintf(stderr, "error: this example feeds float inputs of rank <= 8\n");
      goto done;
    }
    for (d = 0; d < rank; ++d) {
      shape[d] = bladeModelInputDim(model, i, (size_t)d);
      if (shape[d] < 0)
        shape[d] = batch;
      count *= shape[d];
    }
    buffers[i] = malloc((size_t)(count ? count : 1) * sizeof(float));
    for (e = 0; e < count; ++e)
      buffers[i][e] = 0.01f * (float)(e % 100);
    if (failed(bladeTensorWrap(BLADE_F32, shape, (size_t)rank, buffers[i],
                               &inputs[i])))
      goto done;
  }

  if (failed(bladeModelRun(model, (const BladeTensor *const *)inputs, numInputs,
                           outputs, numOutputs)))
    goto done;
  for (i = 0; i < numOutputs; ++i) {
    size_t d, e, count = bladeTensorByteSize(outputs[i]) / sizeof(float);
    const float *values = bladeTensorData(outputs[i]);
    printf("%s: [", bladeModelOutputName(model, i));
    for (d = 0; d < bladeTensorRank(outputs[i]); ++d)
      printf("%s%.0f", d ? ", " : "", (double)bladeTensorDim(outputs[i], d));
    printf("]");
    if (bladeTensorDType(outputs[i]) == BLADE_F32)
      for (e = 0; e < count && e < 4; ++e)
        printf(" %.6f", values[e]);
    printf("\n");
  }
  status = 0;

done:
  for (i = 0; i < numOutputs; ++i)
    bladeTensorFree(outputs[i]);
  for (i = 0; i < numInputs; ++i) {
    bladeTensorFree(inputs[i]);
    free(buffers[i]);
  }
  free(inputs);
  free(outputs);
  free(buffers);
  bladeModelFree(model);
  return status;
}
