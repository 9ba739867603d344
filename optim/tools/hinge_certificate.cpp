#include <nabla/optim/tools/hinge_certificate.hpp>

#include <fmt/format.h>

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

// min ‖c − Bλ‖ over λ ∈ [0, u]^K by enumerating the faces of the box: on each face (some λ at
// 0, some at u, the rest free) the free part is an unconstrained least-squares problem; the
// optimum lies in the relative interior of some face, where it is that problem's solution.
Eigen::VectorXd box_least_squares(const Eigen::VectorXd& c, const Eigen::MatrixXd& B, double u) {
  const int K = static_cast<int>(B.cols());
  if (K == 0) return Eigen::VectorXd();
  if (K > 12)
    throw Error(
        fmt::format("nabla::optim::hinge_certificate: {} kinks at once; the exact "
                    "enumeration is limited to 12",
                    K));
  int faces = 1;
  for (int k = 0; k < K; ++k) faces *= 3;
  double best = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_lambda = Eigen::VectorXd::Zero(K);
  std::vector<int> code(static_cast<std::size_t>(K));
  for (int f = 0; f < faces; ++f) {
    int r = f;
    std::vector<int> free;
    Eigen::VectorXd lambda = Eigen::VectorXd::Zero(K);
    for (int k = 0; k < K; ++k) {
      code[static_cast<std::size_t>(k)] = r % 3;
      r /= 3;
      if (code[static_cast<std::size_t>(k)] == 1) lambda[k] = u;
      if (code[static_cast<std::size_t>(k)] == 2) free.push_back(k);
    }
    Eigen::VectorXd rhs = c - B * lambda;
    if (!free.empty()) {
      Eigen::MatrixXd Bf(B.rows(), static_cast<Eigen::Index>(free.size()));
      for (std::size_t j = 0; j < free.size(); ++j)
        Bf.col(static_cast<Eigen::Index>(j)) = B.col(free[j]);
      const Eigen::VectorXd sol = Bf.completeOrthogonalDecomposition().solve(rhs);
      bool inside = true;
      for (std::size_t j = 0; j < free.size(); ++j) {
        const double v = sol[static_cast<Eigen::Index>(j)];
        if (v < -1e-14 * u || v > u * (1.0 + 1e-14)) inside = false;
        lambda[free[j]] = std::clamp(v, 0.0, u);
      }
      if (!inside) continue;
    }
    const double res = (c - B * lambda).norm();
    if (res < best) {
      best = res;
      best_lambda = lambda;
    }
  }
  return best_lambda;
}

}  // namespace

HingeCertificate hinge_certificate(const Eigen::MatrixXd& Xt, const Eigen::VectorXd& y, double reg,
                                   const Eigen::VectorXd& theta, double kink_tol) {
  if (Xt.rows() != y.size() || Xt.cols() != theta.size())
    throw ShapeError(
        fmt::format("nabla::optim::hinge_certificate: X is {}x{}, y has {} entries, "
                    "theta has {}",
                    Xt.rows(), Xt.cols(), y.size(), theta.size()));
  if (!(reg > 0.0)) throw Error("nabla::optim::hinge_certificate: reg must be > 0");
  const Eigen::Index N = Xt.rows();
  const double u = 1.0 / static_cast<double>(N);
  const Eigen::VectorXd margin = Eigen::VectorXd::Ones(N) - y.cwiseProduct(Xt * theta);
  HingeCertificate cert;
  cert.kink_tol = kink_tol;
  cert.loss = reg * theta.squaredNorm() + u * margin.cwiseMax(0.0).sum();
  cert.weights = Eigen::VectorXd::Zero(N);
  Eigen::VectorXd c = 2.0 * reg * theta;
  for (Eigen::Index i = 0; i < N; ++i) {
    if (std::abs(margin[i]) <= kink_tol) {
      cert.kinks.push_back(static_cast<int>(i));
    } else if (margin[i] > 0.0) {
      cert.weights[i] = u;
      c -= u * y[i] * Xt.row(i).transpose();
    }
  }
  Eigen::MatrixXd B(Xt.cols(), static_cast<Eigen::Index>(cert.kinks.size()));
  for (std::size_t k = 0; k < cert.kinks.size(); ++k)
    B.col(static_cast<Eigen::Index>(k)) = y[cert.kinks[k]] * Xt.row(cert.kinks[k]).transpose();
  const Eigen::VectorXd lambda = box_least_squares(c, B, u);
  double slack = 0.0;
  for (std::size_t k = 0; k < cert.kinks.size(); ++k) {
    const int i = cert.kinks[k];
    const double a = lambda[static_cast<Eigen::Index>(k)];
    cert.weights[i] = a;
    slack += u * std::max(0.0, margin[i]) - a * margin[i];
  }
  cert.subgradient = B.cols() > 0 ? Eigen::VectorXd(c - B * lambda) : c;
  cert.norm = cert.subgradient.norm();
  cert.gap_bound = cert.norm * cert.norm / (4.0 * reg) + std::max(0.0, slack);
  cert.distance_bound = std::sqrt(cert.gap_bound / reg);
  return cert;
}

HingeCertificate best_hinge_certificate(const Eigen::MatrixXd& Xt, const Eigen::VectorXd& y,
                                        double reg, const Eigen::VectorXd& theta) {
  HingeCertificate best = hinge_certificate(Xt, y, reg, theta, 0.0);
  for (int e = -15; e <= -3; ++e) {
    HingeCertificate c = hinge_certificate(Xt, y, reg, theta, std::pow(10.0, e));
    if (c.gap_bound < best.gap_bound) best = std::move(c);
  }
  return best;
}

}  // namespace nabla::optim
