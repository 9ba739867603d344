#include <doctest/doctest.h>

#include <array>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix/user_function.hpp>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using nabla::Mat;

TEST_CASE("a custom matrix operation records like a built-in") {
  const auto softsign = nabla::matrix_function<1>(
      "softsign", [](const MatrixXd& a) -> MatrixXd { return a.array() / (1.0 + a.array().abs()); },
      [](const MatrixXd& dc, const MatrixXd& /*c*/, const MatrixXd& a) -> MatrixXd {
        return dc.array() / (1.0 + a.array().abs()).square();
      });
  std::srand(8);
  const MatrixXd x = MatrixXd::Random(3, 4);
  const MatrixXd r = MatrixXd::Random(3, 4);
  auto custom = [&](const Mat& m) { return nabla::dot(softsign(m * 2.0), r); };
  auto builtin = [&](const Mat& m) {
    const Mat a = m * 2.0;
    return nabla::dot(a / (nabla::abs(a) + 1.0), r);
  };
  const auto [v1, g1] = nabla::value_and_gradient(custom, x);
  const auto [v2, g2] = nabla::value_and_gradient(builtin, x);
  CHECK(v1 == doctest::Approx(v2).epsilon(1e-14));
  CHECK((g1 - g2).norm() <= 1e-13);
  CHECK(mat_check::fd_error(custom, x) <= 1e-7);
  // Replayed like a built-in.
  nabla::Function fn(custom, MatrixXd::Zero(3, 4));
  CHECK((fn.gradient(x) - g1).norm() <= 1e-15);
}

TEST_CASE("a custom operation of two inputs, and a wrong VJP shape is reported") {
  const auto abt = nabla::matrix_function<2>(
      "a_bt", [](const MatrixXd& a, const MatrixXd& b) -> MatrixXd { return a * b.transpose(); },
      [](const MatrixXd& dc, const MatrixXd& /*c*/, const MatrixXd& a, const MatrixXd& b) {
        return std::array<MatrixXd, 2>{dc * b, dc.transpose() * a};
      });
  std::srand(9);
  const MatrixXd a = MatrixXd::Random(2, 3);
  const MatrixXd b = MatrixXd::Random(4, 3);
  auto f = [&](const Mat& x, const Mat& y) { return nabla::squared_norm(abt(x, y)); };
  auto g = [&](const Mat& x, const Mat& y) { return nabla::squared_norm(x * nabla::transpose(y)); };
  const auto ga = nabla::gradients(f, a, b);
  const auto gb = nabla::gradients(g, a, b);
  CHECK((ga[0] - gb[0]).norm() <= 1e-13);
  CHECK((ga[1] - gb[1]).norm() <= 1e-13);
  const auto bad = nabla::matrix_function<1>(
      "bad", [](const MatrixXd& m) -> MatrixXd { return m; },
      [](const MatrixXd& dc, const MatrixXd&, const MatrixXd&) -> MatrixXd {
        return dc.transpose();
      });
  CHECK_THROWS_AS((void)nabla::gradient([&](const Mat& m) { return nabla::sum(bad(m)); }, a),
                  nabla::ShapeError);
}
