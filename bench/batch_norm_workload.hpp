// The batch-norm workload shared by bench/batch_norm.cpp and bench/matrix_libtorch.cpp:
// Y = batch_norm(X; γ, β) in training mode on a 256 × 1024 batch, loss Σ G ⊙ Y, gradients of
// X, γ and β. The hand-written version is the closed form of nabla's node
// (autodiff/matrix/normalization.cpp) written as a user would with Eigen, into preallocated
// buffers.
#pragma once

#include <Eigen/Core>
#include <array>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <nabla/autodiff/matrix/normalization.hpp>

namespace nabla::bench {

struct BatchNormWorkload {
  Eigen::Index n = 256, c = 1024;
  double eps = 1e-5;
  Eigen::MatrixXd X, G, gamma, beta;
  // Hand-written buffers and results.
  Eigen::MatrixXd xhat, y, gx;
  double loss = 0.0;
  Eigen::RowVectorXd mean, inv_s, ggamma, gbeta;
  // nabla's results.
  std::array<Eigen::MatrixXd, 3> g_nabla;
  nabla::BatchNormStats stats{1024};
  nabla::Mat Gc;  // the constant G, shared by reference count (made once, as a user would)

  BatchNormWorkload() {
    std::srand(13);
    X = Eigen::MatrixXd::Random(n, c) * 2.0 + Eigen::MatrixXd::Constant(n, c, 0.5);
    G = Eigen::MatrixXd::Random(n, c);
    gamma = Eigen::MatrixXd::Random(1, c) + Eigen::MatrixXd::Constant(1, c, 1.5);
    beta = Eigen::MatrixXd::Random(1, c);
    Gc = nabla::constant(G);
    xhat.resize(n, c);
    y.resize(n, c);
    gx.resize(n, c);
  }

  void hand() {
    const auto m = static_cast<double>(n);
    mean = X.colwise().mean();
    xhat = X.rowwise() - mean;
    inv_s = ((xhat.array().square().colwise().sum() / m) + eps).sqrt().inverse().matrix();
    xhat = xhat * inv_s.asDiagonal();
    y = xhat * gamma.row(0).asDiagonal();
    y.rowwise() += beta.row(0);
    loss = G.cwiseProduct(y).sum();
    gbeta = G.colwise().sum();
    ggamma = G.cwiseProduct(xhat).colwise().sum();
    const Eigen::RowVectorXd scale = inv_s.cwiseProduct(gamma.row(0));
    const Eigen::RowVectorXd mean_g = gbeta / m, mean_gx = ggamma / m;
    gx = ((G.rowwise() - mean_g) - xhat * mean_gx.asDiagonal()) * scale.asDiagonal();
  }

  void tape() {
    auto loss = [&](const nabla::Mat& x, const nabla::Mat& g, const nabla::Mat& b) {
      return nabla::dot(Gc, nabla::batch_norm(x, g, b, stats));
    };
    g_nabla = nabla::value_and_gradients(loss, X, gamma, beta).second;
  }
};

}  // namespace nabla::bench
