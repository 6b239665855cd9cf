//===- ThreadPool.h - libgomp's C ABI, the runtime's thread pool -*- C++ -*-===//
//
// Debian's oneDNN runs on libgomp. The runtime calls the same library through
// its stable C entry points (no OpenMP compiler support needed), so parallel
// loops of compiled code and oneDNN primitives share one pool of threads.
//
//===----------------------------------------------------------------------===//

#ifndef BLADE_RT_LIB_THREADPOOL_H
#define BLADE_RT_LIB_THREADPOOL_H

extern "C" {
int omp_get_num_procs(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_in_parallel(void);
void omp_set_num_threads(int);
/// Runs fn(data) on num_threads threads (the caller is thread 0) and joins.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads,
                   unsigned flags);
}

#endif // BLADE_RT_LIB_THREADPOOL_H
