#include <doctest/doctest.h>

#include <Eigen/LU>
#include <cmath>
#include <nabla/autodiff/matrix/solve.hpp>

#include "mat_check.hpp"

using Eigen::MatrixXd;
using nabla::Mat;

TEST_CASE("solve: value, gradients wrt A and B, replay-free reuse of the LU") {
  std::srand(5);
  const MatrixXd a = MatrixXd::Random(4, 4) + 4.0 * MatrixXd::Identity(4, 4);
  const MatrixXd b = MatrixXd::Random(4, 2);
  const MatrixXd r = MatrixXd::Random(4, 2);
  const MatrixXd x = nabla::solve(Mat(a), Mat(b)).value();
  CHECK((a * x - b).norm() <= 1e-13);
  CHECK(mat_check::fd_error([&](const Mat& m) { return nabla::dot(nabla::solve(m, Mat(b)), r); },
                            a) <= 1e-7);
  CHECK(mat_check::fd_error([&](const Mat& m) { return nabla::dot(nabla::solve(Mat(a), m), r); },
                            b) <= 1e-7);
  // Closed form: d/dB ⟨A⁻¹B, R⟩ = A⁻ᵀR.
  const MatrixXd g =
      nabla::gradient([&](const Mat& m) { return nabla::dot(nabla::solve(Mat(a), m), r); }, b);
  CHECK((g - a.transpose().lu().solve(r)).norm() <= 1e-13);
  CHECK_THROWS_AS((void)nabla::solve(Mat(a), Mat(MatrixXd::Ones(3, 1))), nabla::ShapeError);
}

TEST_CASE("log_det: closed form A⁻ᵀ and finite differences") {
  std::srand(6);
  const MatrixXd a = MatrixXd::Random(3, 3) + 3.0 * MatrixXd::Identity(3, 3);
  const double v = nabla::log_det(Mat(a)).value();
  CHECK(v == doctest::Approx(std::log(std::abs(a.determinant()))).epsilon(1e-13));
  const MatrixXd g = nabla::gradient([](const Mat& m) { return nabla::log_det(m); }, a);
  CHECK((g - a.inverse().transpose()).norm() <= 1e-13);
  CHECK(mat_check::fd_error([](const Mat& m) { return nabla::log_det(m * m.transpose()); }, a) <=
        1e-7);
  CHECK_THROWS_AS((void)nabla::log_det(Mat(MatrixXd::Ones(2, 3))), nabla::ShapeError);
}
