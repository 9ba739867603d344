#include <nabla/autodiff/scalar/eigen_support.hpp>

namespace nabla {

VectorXv variables(const Eigen::VectorXd& x) {
  VectorXv v(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) v[i] = variable(x[i]);
  return v;
}

Eigen::VectorXd values(const VectorXv& v) {
  return v.unaryExpr([](const Var& e) { return e.value(); });
}

Eigen::MatrixXd values(const MatrixXv& m) {
  return m.unaryExpr([](const Var& e) { return e.value(); });
}

}  // namespace nabla
