// C = A·B then sum(C), n = 256: the gradient with respect to A and B through matrix nodes
// against the Eigen primal (one product and a sum).
#include <Eigen/Core>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "matrix_ab.hpp"

int main(int argc, char** argv) {
  using Eigen::MatrixXd;
  const Eigen::Index n = argc > 1 ? std::atol(argv[1]) : 256;
  const int pairs = argc > 2 ? std::atoi(argv[2]) : 21;
  std::srand(2);
  const MatrixXd A = MatrixXd::Random(n, n);
  const MatrixXd B = MatrixXd::Random(n, n);
  MatrixXd C(n, n);
  double s = 0.0;
  auto primal = [&] {
    C.noalias() = A * B;
    s = C.sum();
    nabla::bench::keep(s);
  };
  auto f = [](const nabla::Mat& a, const nabla::Mat& b) { return nabla::sum(a * b); };
  std::array<MatrixXd, 2> g;
  auto grad = [&] {
    g = nabla::gradients(f, A, B);
    nabla::bench::keep(g);
  };
  primal();
  grad();
  // Closed form: ∂/∂A = 1·Bᵀ, ∂/∂B = Aᵀ·1.
  const MatrixXd ones = MatrixXd::Ones(n, n);
  fmt::print("matmul-sum n = {}: gradient error {:.2e}\n", n,
             std::max((g[0] - ones * B.transpose()).cwiseAbs().maxCoeff(),
                      (g[1] - A.transpose() * ones).cwiseAbs().maxCoeff()));
  nabla::bench::print_header("matmul then sum");
  nabla::bench::print_row(fmt::format("n={}", n), "Eigen primal A·B, sum",
                          "nabla gradient wrt A and B",
                          nabla::bench::interleave(primal, grad, pairs));
  return 0;
}
