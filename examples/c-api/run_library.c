/* run_library.c - load a model library compiled ahead of time and run it.
 *
 *   blade-compile model.onnx -o libmodel.so
 *   run_library ./libmodel.so [BATCH] [THREADS]
 *
 * Loads the library through the Blade C API (bladeModelLoadLibrary), prints
 * its inputs and outputs (name, dtype, dims; -1 for dynamic ones), runs it
 * on float inputs whose dynamic dims are BATCH (default 2) and whose
 * elements are 0.01 * (i % 100) in row-major order, on THREADS threads
 * (default 1), and prints each output's shape and first elements. Exits 1
 * with Blade's message on any error. */
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

static void printDims(const BladeModel *model, size_t index, int isInput) {
  int64_t d, rank = isInput ? bladeModelInputRank(model, index)
                            : bladeModelOutputRank(model, index);
  printf("%s %s: dtype %d, dims [", isInput ? "input" : "output",
         isInput ? bladeModelInputName(model, index)
                 : bladeModelOutputName(model, index),
         (int)(isInput ? bladeModelInputDType(model, index)
                       : bladeModelOutputDType(model, index)));
  for (d = 0; d < rank; ++d)
    printf("%s%.0f", d ? ", " : "",
           (double)(isInput ? bladeModelInputDim(model, index, (size_t)d)
                            : bladeModelOutputDim(model, index, (size_t)d)));
  printf("]\n");
}

int main(int argc, char **argv) {
  BladeOptions *options = NULL;
  BladeModel *model = NULL;
  BladeTensor **inputs = NULL, **outputs = NULL;
  float **buffers = NULL;
  size_t numInputs = 0, numOutputs = 0, i;
  long batch = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
  long threads = argc > 3 ? strtol(argv[3], NULL, 10) : 1;
  int status = 1;

  if (argc < 2 || batch < 0 || threads < 0) {
    fprintf(stderr, "usage: %s LIBMODEL.so [BATCH] [THREADS]\n", argv[0]);
    return 2;
  }
  if (bladeApiVersion() < BLADE_API_VERSION) {
    fprintf(stderr, "error: libblade_c has ABI %u, this program needs %d\n",
            bladeApiVersion(), BLADE_API_VERSION);
    return 1;
  }
  options = bladeOptionsCreate();
  if (!options || failed(bladeOptionsSetThreads(options, (int)threads)) ||
      failed(bladeModelLoadLibrary(argv[1], options, &model)))
    goto done;

  numInputs = bladeModelNumInputs(model);
  numOutputs = bladeModelNumOutputs(model);
  inputs = calloc(numInputs + 1, sizeof(*inputs));
  buffers = calloc(numInputs + 1, sizeof(*buffers));
  outputs = calloc(numOutputs + 1, sizeof(*outputs));
  if (!inputs || !buffers || !outputs)
    goto done;
  for (i = 0; i < numInputs; ++i)
    printDims(model, i, 1);
  for (i = 0; i < numOutputs; ++i)
    printDims(model, i, 0);

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
    if (!buffers[i])
      goto done;
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
  for (i = 0; outputs && i < numOutputs; ++i)
    bladeTensorFree(outputs[i]);
  for (i = 0; inputs && buffers && i < numInputs; ++i) {
    bladeTensorFree(inputs[i]);
    free(buffers[i]);
  }
  free(inputs);
  free(outputs);
  free(buffers);
  bladeModelFree(model);
  bladeOptionsFree(options);
  return status;
}
