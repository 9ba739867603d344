// A method that needs the Hessian, on a FiniteSum (which has none): with both types known to
// minimize, a compile-time error naming the capability.
#include <nabla/optim.hpp>

namespace opt = nabla::optim;

struct NeedsHessian {
  static constexpr opt::Capabilities needs =
      opt::Capability::Value | opt::Capability::Gradient | opt::Capability::Hessian;
  void solve(opt::SolverRun& run) const {
    Eigen::MatrixXd h;
    run.hessian(run.x0(), h);
  }
};

struct NeedsGradient {
  void solve(opt::SolverRun& /*run*/) const {}
};

int main() {
  auto q = [](const nabla::VectorXv& w, const auto& x, double y) {
    const nabla::Var r = w[0] * x[0] - y;
    return r * r;
  };
  opt::FiniteSum data(opt::RowMatrixXd::Ones(3, 1), Eigen::VectorXd::Ones(3), q);
#ifdef NABLA_EXPECT_OK
  opt::minimize(data, Eigen::VectorXd::Zero(1), NeedsGradient{});
#else
  opt::minimize(data, Eigen::VectorXd::Zero(1), NeedsHessian{});
#endif
}
