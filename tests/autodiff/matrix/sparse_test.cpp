#include <doctest/doctest.h>

#include <memory>
#include <nabla/autodiff/matrix/sparse.hpp>
#include <vector>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using nabla::Mat;

TEST_CASE("sparse design matrix times a matrix node equals the dense product") {
  std::vector<Eigen::Triplet<double>> t{{0, 0, 1.5}, {1, 2, -2.0}, {2, 1, 0.5},
                                        {3, 3, 4.0}, {4, 0, -1.0}, {4, 3, 2.0}};
  nabla::SparseMatrixD s(5, 4);
  s.setFromTriplets(t.begin(), t.end());
  const MatrixXd dense(s);
  const auto shared = std::make_shared<const nabla::SparseMatrixD>(s);
  std::srand(7);
  const MatrixXd w = MatrixXd::Random(4, 2);
  const MatrixXd y = MatrixXd::Random(5, 2);
  auto sparse_loss = [&](const Mat& m) { return nabla::mse(shared * m, y); };
  auto dense_loss = [&](const Mat& m) { return nabla::mse(dense * m, y); };
  const auto [v1, g1] = nabla::value_and_gradient(sparse_loss, w);
  const auto [v2, g2] = nabla::value_and_gradient(dense_loss, w);
  CHECK(v1 == doctest::Approx(v2).epsilon(1e-14));
  CHECK((g1 - g2).norm() <= 1e-14);
  CHECK(mat_check::fd_error([&](const Mat& m) { return nabla::sum(nabla::tanh(s * m)); }, w) <=
        1e-7);
  CHECK_THROWS_AS((void)(s * Mat(MatrixXd::Ones(3, 1))), nabla::ShapeError);
}
