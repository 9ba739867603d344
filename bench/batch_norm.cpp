// Batch normalization forward + backward (256 × 1024, double, one thread, training mode):
// nabla's batch_norm record against the same closed form hand-written with Eigen, interleaved
// in one process, medians. libtorch's figure is in bench/matrix_libtorch.cpp (built by hand).
#include <fmt/format.h>

#include <cstdlib>

#include <nabla/autodiff/matrix/blas.hpp>

#include "batch_norm_workload.hpp"
#include "matrix_ab.hpp"

int main(int argc, char** argv) {
  const int pairs = argc > 1 ? std::atoi(argv[1]) : 21;
  fmt::print("products: {}\n", nabla::blas_backend());
  nabla::bench::BatchNormWorkload w;
  w.hand();
  w.tape();
  fmt::print("batch norm: |gX_nabla − gX_hand|∞ = {:.2e}, |gγ| {:.2e}, |gβ| {:.2e}\n",
             (w.g_nabla[0] - w.gx).cwiseAbs().maxCoeff(),
             (w.g_nabla[1] - w.ggamma).cwiseAbs().maxCoeff(),
             (w.g_nabla[2] - w.gbeta).cwiseAbs().maxCoeff());
  nabla::bench::print_header("batch norm forward + backward vs hand-written Eigen");
  nabla::bench::print_row("256×1024 training", "nabla Mat", "hand-written",
                          nabla::bench::interleave(
                              [&] {
                                w.tape();
                                nabla::bench::keep(w.g_nabla);
                              },
                              [&] {
                                w.hand();
                                nabla::bench::keep(w.gx);
                              },
                              pairs));
  return 0;
}
