// Your own step rule and your own solver, run by minimize like the built-in ones; methods by
// name; evaluation counts. docs/optimizers.md ("Step rules and solvers") quotes this file.
#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <cstdlib>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;

// Heavy-ball momentum written by hand: z ← βz + g; w ← w − ηz (lecture 001).
struct HeavyBall {
  static constexpr std::string_view name = "heavy_ball";  // saved run states use it
  double lr = 1e-3;
  double beta = 0.9;
  void init(opt::StepState& s, Eigen::Index n) const {
    s.t = 0;
    s.buffers.assign(1, Eigen::VectorXd::Zero(n));  // saved and resumed with the run
  }
  void step(opt::StepState& s, Eigen::VectorXd& w, const Eigen::VectorXd& g, double eta) const {
    ++s.t;
    s.buffers[0] = beta * s.buffers[0] + g;
    w -= eta * s.buffers[0];
  }
};

// Newton's method with the exact Hessian, damped by a backtracking line search; −∇Q where the
// Hessian is not positive definite. A solver owns its loop and reports to the run.
struct DampedNewton {
  static constexpr std::string_view name = "damped_newton";
  static constexpr opt::Capabilities needs =
      opt::Capability::Value | opt::Capability::Gradient | opt::Capability::Hessian;
  double gtol = 1e-10;
  void solve(opt::SolverRun& run) const {
    Eigen::VectorXd x = run.x0(), g;
    Eigen::MatrixXd h;
    double q = run.value_gradient(x, g);
    if (run.start(x, q, g)) return;
    while (g.lpNorm<Eigen::Infinity>() > gtol) {
      run.hessian(x, h);
      const Eigen::LLT<Eigen::MatrixXd> llt(h);
      const Eigen::VectorXd d =
          llt.info() == Eigen::Success ? Eigen::VectorXd(llt.solve(-g)) : Eigen::VectorXd(-g);
      opt::LineFunction phi(run, x, q, g, d);
      const opt::LineSearchOutcome step = opt::Backtracking{}.search(phi, 1.0);
      if (!step.success) return run.stop(opt::StopReason::LineSearchFailed, step.failure);
      x += step.alpha * d;
      q = run.value_gradient(x, g);
      if (run.accept(x, q, g, step.alpha)) return;  // budgets, criteria, callbacks, divergence
    }
    run.stop(opt::StopReason::Converged, fmt::format("‖∇Q‖∞ <= {:g}", gtol));
  }
};

int main() {
  auto rosenbrock = [](const nabla::VectorXv& x) {
    const nabla::Var a = 1.0 - x[0], b = x[1] - x[0] * x[0];
    return a * a + 100.0 * b * b;
  };
  const Eigen::Vector2d x0(-1.2, 1.0);

  // A user step rule gets everything the driver does: schedules, batching, criteria, history.
  opt::Result r1 = opt::minimize(rosenbrock, x0, HeavyBall{.lr = 1e-3, .beta = 0.9},
                                 {.stop = {.max_iterations = 20000, .gradient_norm = 1e-8}});
  fmt::print("{}: {}\n", r1.method, r1);

  // A user solver; through Method its type is hidden, and minimize checks its needs at run time.
  const opt::Method newton = DampedNewton{};
  opt::Result r2 = opt::minimize(rosenbrock, x0, newton);
  fmt::print("{}: {} in {} iterations: {} values, {} gradients, {} Hessians\n", r2.method,
             r2.message, r2.iterations, r2.evaluations.values, r2.evaluations.gradients,
             r2.evaluations.hessians);

  // Built-in methods by name, with their parameters as text (the command line, saved states).
  const opt::Method adam = opt::method_from_name("adam", {{"lr", "0.02"}});
  for (const auto& [key, value] : opt::method_params(adam))
    fmt::print("adam.{} = {}\n", key, value);
  opt::Result r3 = opt::minimize(rosenbrock, x0, opt::method_from_name("steepest_descent"),
                                 {.stop = {.max_iterations = 20000}});
  fmt::print("{}: {} ({})\n", r3.method, r3, r3.message);

  const bool ok = (r1.x - Eigen::Vector2d(1, 1)).norm() < 1e-6 &&
                  (r2.x - Eigen::Vector2d(1, 1)).norm() < 1e-12 && r2.iterations < 40 &&
                  (r3.x - Eigen::Vector2d(1, 1)).norm() < 1e-4;
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
