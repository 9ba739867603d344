// Options::penalty as the run adds it to every method's objective: l1‖w‖₁ + l2‖w‖² over the
// coordinates not excluded; the L1 part's subgradient uses sign(0) = 0.
#pragma once

#include <Eigen/Core>

#include <cmath>

#include <nabla/optim/run/options.hpp>

namespace nabla::optim::detail {

inline double penalty_value(const Penalty& p, const Eigen::VectorXd& x) {
  if (p.l1 == 0.0 && p.l2 == 0.0) return 0.0;
  double v = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (p.exclude && *p.exclude == i) continue;
    v += p.l1 * std::abs(x[i]) + p.l2 * x[i] * x[i];
  }
  return v;
}

inline void add_penalty_gradient(const Penalty& p, const Eigen::VectorXd& x, Eigen::VectorXd& g) {
  if (p.l1 == 0.0 && p.l2 == 0.0) return;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (p.exclude && *p.exclude == i) continue;
    const double sign = x[i] > 0.0 ? 1.0 : (x[i] < 0.0 ? -1.0 : 0.0);
    g[i] += p.l1 * sign + 2.0 * p.l2 * x[i];
  }
}

// The L2 part's Hessian, 2·l2 on the diagonal (the L1 part has none away from 0).
inline void add_penalty_hessian_vector(const Penalty& p, const Eigen::VectorXd& v,
                                       Eigen::VectorXd& hv) {
  if (p.l2 == 0.0) return;
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (p.exclude && *p.exclude == i) continue;
    hv[i] += 2.0 * p.l2 * v[i];
  }
}

}  // namespace nabla::optim::detail
