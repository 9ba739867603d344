// Which BLAS carries the large matrix products. With OpenBLAS installed the build links it by
// default (meson option `blas`, `auto`) and Eigen's products call dgemm/dgemv; otherwise they
// use Eigen's own kernels. A threaded OpenBLAS is set to ONE thread when the library loads, so
// that its threads never compete with nabla's own (optim's thread pool, data-parallel sums);
// call openblas_set_num_threads yourself afterwards to change that.
#pragma once

#include <string>

namespace nabla {

// "Eigen's own products (no BLAS)" or, e.g., "OpenBLAS (OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY
// Haswell MAX_THREADS=64), sequential, 1 thread": what a benchmark prints beside its figures.
[[nodiscard]] std::string blas_backend();

// True when Eigen's large products call a BLAS in this build.
[[nodiscard]] bool uses_blas() noexcept;

// The number of threads the BLAS uses for one product (1 without a BLAS).
[[nodiscard]] int blas_threads() noexcept;

// False when two threads must not multiply at once: OpenBLAS's sequential build (Debian's
// libopenblas-serial, no USE_LOCKING) gave 219 wrong products of 40000 from two threads. optim's
// thread pools then run on one thread (and say so once on stderr). True without a BLAS.
[[nodiscard]] bool blas_thread_safe() noexcept;

}  // namespace nabla
