#include <nabla/autodiff/matrix/blas.hpp>

#include <fmt/format.h>

#ifdef NABLA_HAVE_OPENBLAS
// OpenBLAS's own entry points (its cblas.h; declared here so that no BLAS header meets Eigen's
// declarations of the same routines).
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
int openblas_get_parallel(void);
char* openblas_get_config(void);
}
#endif

namespace nabla {

#ifdef NABLA_HAVE_OPENBLAS
namespace {
// At load time (a shared library's dependencies are initialised first, so OpenBLAS is ready):
// one BLAS thread, whatever OPENBLAS_NUM_THREADS says.
[[maybe_unused]] const bool one_blas_thread = [] {
  openblas_set_num_threads(1);
  return true;
}();
}  // namespace

std::string blas_backend() {
  const int parallel = openblas_get_parallel();
  return fmt::format("OpenBLAS ({}), {}, {} thread{}", openblas_get_config(),
                     parallel == 0   ? "sequential"
                     : parallel == 1 ? "pthreads"
                                     : "OpenMP",
                     openblas_get_num_threads(), openblas_get_num_threads() == 1 ? "" : "s");
}
bool uses_blas() noexcept { return true; }
int blas_threads() noexcept { return openblas_get_num_threads(); }
bool blas_thread_safe() noexcept { return openblas_get_parallel() != 0; }
#else
std::string blas_backend() { return "Eigen's own products (no BLAS)"; }
bool uses_blas() noexcept { return false; }
int blas_threads() noexcept { return 1; }
bool blas_thread_safe() noexcept { return true; }
#endif

}  // namespace nabla
