/* A hand-written model library (ABI 2) whose entry calls the runtime's
 * blade_rt_parallel_for, as compiled parallel loops do, and returns the
 * number of chunks it ran: the thread count of the run, which only the
 * RunScope of the loading runtime can have set. library-runtime-calls.test
 * builds it with clang -shared against libblade_runtime. */
#include <stdint.h>

void blade_rt_parallel_for(int64_t n, int64_t costPerIter,
                           void (*body)(int64_t, int64_t, void *), void *ctx);
/* Results come from the runtime's allocator, as in compiled models. */
void *blade_rt_alloc(uint64_t size);

typedef struct {
  int64_t *allocated;
  int64_t *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
} Result;

static void countChunk(int64_t begin, int64_t end, void *ctx) {
  if (begin < end)
    __atomic_fetch_add((int64_t *)ctx, 1, __ATOMIC_RELAXED);
}

void packed_entry(void **args) {
  Result *result = *(Result **)args[0];
  int64_t *chunks = blade_rt_alloc(sizeof(int64_t));
  *chunks = 0;
  blade_rt_parallel_for(1024, 1 << 20, countChunk, chunks);
  result->allocated = result->aligned = chunks;
  result->offset = 0;
  result->sizes[0] = 1;
  result->strides[0] = 1;
}

const char *blade_model_info(void) {
  return "blade-model-library 2\n"
         "entry 12:packed_entry\n"
         "target 4:test 0:\n"
         "output 6:chunks i64 1 1 0:\n"
         "end\n";
}
