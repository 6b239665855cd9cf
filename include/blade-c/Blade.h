/*===- blade-c/Blade.h - The Blade C API --------------------------*- C -*-===*\
|*                                                                            *|
|* Compile an ONNX model in-process (JIT) or load a model library compiled    *|
|* ahead of time, query its inputs and outputs, and                           *|
|* run it on tensors that wrap the caller's memory. The header is C89 (plus   *|
|* <stdint.h>); every function is callable from C and C++.                    *|
|*                                                                            *|
|* Errors: functions that can fail return a BladeStatus pointer, NULL on      *|
|* success. A non-NULL status holds a one-line message (naming the ONNX node, *|
|* input or dim concerned) and must be freed with bladeStatusFree. Nothing    *|
|* aborts the host process.                                                   *|
|*                                                                            *|
|* Threads: a compiled BladeModel may be run from several threads at once;    *|
|* the other objects must not be used concurrently.                           *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef BLADE_C_BLADE_H
#define BLADE_C_BLADE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. Versions only grow by adding
 * functions (2 added bladeModelLoadLibrary): a library whose
 * bladeApiVersion() is lower than BLADE_API_VERSION lacks some functions
 * declared here; a higher one serves programs built against this header. */
#define BLADE_API_VERSION 2

typedef struct BladeStatus BladeStatus;
typedef struct BladeOptions BladeOptions;
typedef struct BladeModel BladeModel;
typedef struct BladeTensor BladeTensor;

/* Element types (the values are part of the ABI). */
typedef enum BladeDType {
  BLADE_F32 = 0,
  BLADE_F64 = 1,
  BLADE_F16 = 2,
  BLADE_BF16 = 3,
  BLADE_I8 = 4,
  BLADE_I16 = 5,
  BLADE_I32 = 6,
  BLADE_I64 = 7,
  BLADE_U8 = 8,
  BLADE_U16 = 9,
  BLADE_U32 = 10,
  BLADE_U64 = 11,
  BLADE_BOOL = 12
} BladeDType;

/* The ABI version of the library (BLADE_API_VERSION when it was built). */
unsigned bladeApiVersion(void);

/*--- Status -----------------------------------------------------------------*/

/* The message of a failed status. Valid until the status is freed. */
const char *bladeStatusMessage(const BladeStatus *status);
/* Frees a status; NULL is allowed. */
void bladeStatusFree(BladeStatus *status);

/*--- Compile options --------------------------------------------------------*/

/* Default options: LLVM optimisation level 3, code for this machine. */
BladeOptions *bladeOptionsCreate(void);
void bladeOptionsFree(BladeOptions *options);
/* LLVM optimisation level, 0 to 3. */
BladeStatus *bladeOptionsSetOptLevel(BladeOptions *options, int level);
/* The CPU to generate code for, like clang's -mcpu/-mattr: `cpu` a name or
 * "host" (the default; NULL keeps it), `features` a comma-separated list of
 * +name/-name changes (NULL or "" for none). Checked when a model is
 * compiled: unknown names, or features this machine lacks, are an error. */
BladeStatus *bladeOptionsSetTarget(BladeOptions *options, const char *cpu,
                                   const char *features);

/* Threads a run of the model may use: 0 (the default) for one per core, or
 * a count from 1 to 1024. Stored in the compiled model. */
BladeStatus *bladeOptionsSetThreads(BladeOptions *options, int threads);

/*--- Models -----------------------------------------------------------------*/

/* Compiles the ONNX model in `path` (binary protobuf or ONNX text syntax;
 * external data files are read next to it). `options` may be NULL. */
BladeStatus *bladeModelCompileFile(const char *path,
                                   const BladeOptions *options,
                                   BladeModel **model);
/* Compiles a serialized ONNX ModelProto held in memory (`size` bytes).
 * External data is not available to a model compiled from bytes. */
BladeStatus *bladeModelCompileBytes(const void *data, size_t size,
                                    const BladeOptions *options,
                                    BladeModel **model);
/* Loads a model library written by `blade-compile model.onnx -o lib.so`
 * (since version 2). Only the thread count of `options` (may be NULL)
 * applies; the code was generated when the library was compiled. Errors:
 * the file cannot be loaded, is not a Blade model library, or was built for
 * another model library ABI. The library stays loaded until the model is
 * freed; its outputs stay valid after that. */
BladeStatus *bladeModelLoadLibrary(const char *path,
                                   const BladeOptions *options,
                                   BladeModel **model);
/* Frees a model; NULL is allowed. */
void bladeModelFree(BladeModel *model);

/* Inputs and outputs, in the model's order. Names are valid while the model
 * lives. A dim is -1 where the model leaves it dynamic. Out-of-range indices
 * give NULL names, rank -1 and dims 0. */
size_t bladeModelNumInputs(const BladeModel *model);
size_t bladeModelNumOutputs(const BladeModel *model);
const char *bladeModelInputName(const BladeModel *model, size_t i);
const char *bladeModelOutputName(const BladeModel *model, size_t i);
BladeDType bladeModelInputDType(const BladeModel *model, size_t i);
BladeDType bladeModelOutputDType(const BladeModel *model, size_t i);
int64_t bladeModelInputRank(const BladeModel *model, size_t i);
int64_t bladeModelOutputRank(const BladeModel *model, size_t i);
int64_t bladeModelInputDim(const BladeModel *model, size_t i, size_t dim);
int64_t bladeModelOutputDim(const BladeModel *model, size_t i, size_t dim);

/*--- Tensors ----------------------------------------------------------------*/

/* A tensor over the caller's memory, without a copy: `data` must hold a
 * contiguous row-major array of `shape` (`rank` dims) and outlive the
 * tensor; the tensor never frees it. */
BladeStatus *bladeTensorWrap(BladeDType dtype, const int64_t *shape,
                             size_t rank, void *data, BladeTensor **tensor);
/* Frees a tensor (and, for a model's output, its memory); NULL is allowed. */
void bladeTensorFree(BladeTensor *tensor);
BladeDType bladeTensorDType(const BladeTensor *tensor);
size_t bladeTensorRank(const BladeTensor *tensor);
/* Dim `i`, or -1 if `i` is out of range. */
int64_t bladeTensorDim(const BladeTensor *tensor, size_t i);
/* The elements (row-major, contiguous). */
void *bladeTensorData(BladeTensor *tensor);
/* Size of the data in bytes. */
size_t bladeTensorByteSize(const BladeTensor *tensor);

/*--- Running ----------------------------------------------------------------*/

/* Runs the model. `inputs` holds bladeModelNumInputs tensors in the model's
 * order; on success `outputs` (room for bladeModelNumOutputs pointers)
 * receives new tensors owned by the caller (free each with bladeTensorFree).
 * Wrong counts, dtypes, ranks or dims are an error naming the input and dim;
 * on error no outputs are written. */
BladeStatus *bladeModelRun(const BladeModel *model,
                           const BladeTensor *const *inputs, size_t numInputs,
                           BladeTensor **outputs, size_t numOutputs);

#ifdef __cplusplus
}
#endif

#endif /* BLADE_C_BLADE_H */
