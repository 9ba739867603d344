// The chain of Jacobians: stage Jacobians, both accumulation orders, their multiply-add counts
// (rows·inner·cols per product, counted by hand below) and agreement with jacobian().
#include <doctest/doctest.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/teaching/chain.hpp>
#include <string>

using nabla::Var;
using nabla::VectorXv;

TEST_CASE("the lecture's MSE chain: ∇ₓl = A_l·A_y = (2(y₁−1), 4(y₁−1) − 2y₂)") {
  Eigen::Matrix2d a;
  a << 1, 2, 0, -1;
  const std::vector<nabla::Stage> stages = {
      {"y", [&](const VectorXv& x) { return VectorXv(a * x); }},
      {"l", [](const VectorXv& y) { return (y[0] - 1) * (y[0] - 1) + y[1] * y[1]; }},
  };
  const Eigen::Vector2d x(2, 1);  // y = (4, −1)
  const nabla::ChainOfJacobians c = nabla::chain_of_jacobians(stages, x);
  CAPTURE(c.text);
  CHECK(c.jacobians[0] == Eigen::MatrixXd(a));
  CHECK(c.jacobians[1](0, 0) == 2 * (4 - 1));
  CHECK(c.jacobians[1](0, 1) == 2 * -1);
  CHECK(c.from_left.back()(0, 0) == 6.0);
  CHECK(c.from_left.back()(0, 1) == 4 * 3 - 2 * -1);
  CHECK(c.from_right.back() == c.from_left.back());
  CHECK(c.max_difference == 0.0);
  CHECK(c.left_multiply_adds == 4);   // (1×2)(2×2)
  CHECK(c.right_multiply_adds == 4);  // the same single product
  CHECK(c.text.find("A_l · A_y") != std::string::npos);
  CHECK(c.text.find("A_l · A_y =\n    [  6 14 ]") != std::string::npos);
}

TEST_CASE("three stages R³ → R⁴ → R⁵ → R: reverse order is cheaper for one output") {
  const std::vector<nabla::Stage> stages = {
      {"k",
       [](const VectorXv& x) {
         VectorXv y(4);
         y << x[0] * x[1], sin(x[2]), x[0] + x[2], exp(x[1]);
         return y;
       }},
      {"g",
       [](const VectorXv& y) {
         VectorXv z(5);
         for (int i = 0; i < 5; ++i) z[i] = tanh(y[i % 4] + 0.5 * i * y[(i + 1) % 4]);
         return z;
       }},
      {"f", [](const VectorXv& z) { return z.squaredNorm() + z[0] * z[4]; }},
  };
  const Eigen::Vector3d x(0.3, -0.7, 1.1);
  const nabla::ChainOfJacobians c = nabla::chain_of_jacobians(stages, x);
  // Left: (1×5)(5×4) = 20, then (1×4)(4×3) = 12. Right: (5×4)(4×3) = 60, then (1×5)(5×3) = 15.
  CHECK(c.left_multiply_adds == 32);
  CHECK(c.right_multiply_adds == 75);
  auto composite = [&](const VectorXv& v) {
    VectorXv cur = v;
    for (const auto& s : stages) cur = s.f(cur);
    return cur[0];
  };
  const Eigen::VectorXd g = nabla::gradient(composite, x);
  CHECK((c.from_left.back().row(0).transpose() - g).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((c.from_right.back().row(0).transpose() - g).cwiseAbs().maxCoeff() < 1e-14);
  CHECK(c.max_difference < 1e-14);
  CHECK(c.text.find("cost: 32 multiply-adds") != std::string::npos);
  CHECK(c.text.find("cost: 75 multiply-adds") != std::string::npos);
}

TEST_CASE("no stages is an error") {
  CHECK_THROWS_AS(nabla::chain_of_jacobians({}, Eigen::Vector2d(1, 2)), nabla::Error);
}

TEST_CASE("matrix stages: l(W) = ‖W·x − y‖², A_r = xᵀ ⊗ I and the product is vec(2(Wx − y)xᵀ)ᵀ") {
  Eigen::MatrixXd w(2, 3);
  w << 1, 0, -1, 0.5, 2, 0;
  const Eigen::MatrixXd x = Eigen::Vector3d(1, 2, -1);
  const Eigen::MatrixXd y = Eigen::Vector2d(0.5, 3);
  const std::vector<nabla::MatStage> stages = {
      {"r", [&](const nabla::Mat& m) { return m * x - nabla::Mat(y); }},
      {"l", [](const nabla::Mat& r) { return nabla::squared_norm(r); }},
  };
  const nabla::ChainOfJacobians c = nabla::chain_of_jacobians(stages, w);
  CAPTURE(c.text);
  // xᵀ ⊗ I₂ written out: column block j of the 2×6 Jacobian is x_j·I₂.
  Eigen::MatrixXd kron = Eigen::MatrixXd::Zero(2, 6);
  for (int j = 0; j < 3; ++j) kron.block(0, 2 * j, 2, 2) = x(j) * Eigen::Matrix2d::Identity();
  CHECK(c.jacobians[0] == kron);
  const Eigen::MatrixXd r = w * x - y;
  CHECK(c.jacobians[1] == Eigen::MatrixXd(2.0 * r.transpose()));
  const Eigen::MatrixXd g = 2.0 * r * x.transpose();
  CHECK(c.from_left.back().transpose() == g.reshaped());
  CHECK(c.from_right.back() == c.from_left.back());
  CHECK(c.max_difference == 0.0);
  CHECK(c.left_multiply_adds == 1 * 2 * 6);
  CHECK(c.right_multiply_adds == 1 * 2 * 6);
  CHECK(c.rows == std::vector<Eigen::Index>{2, 2, 1});
  CHECK(c.text.find("with respect to vec") != std::string::npos);
}

TEST_CASE("matrix stages: the Jacobian of X ↦ A·X is I ⊗ A") {
  Eigen::MatrixXd a(2, 3);
  a << 0.2, -3, 2, 0, 0, 5;
  const std::vector<nabla::MatStage> stages = {
      {"Y", [&](const nabla::Mat& m) { return nabla::Mat(a) * m; }},
  };
  const nabla::ChainOfJacobians c = nabla::chain_of_jacobians(stages, Eigen::MatrixXd::Ones(3, 4));
  Eigen::MatrixXd kron = Eigen::MatrixXd::Zero(8, 12);
  for (int j = 0; j < 4; ++j) kron.block(2 * j, 3 * j, 2, 3) = a;
  CHECK(c.jacobians[0] == kron);
  CHECK(c.direct == kron);
}
