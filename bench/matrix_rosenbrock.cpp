// Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)² written with whole-vector operations
// (segments, element-wise ops), n = 10⁵ and 10⁶: the gradient through matrix nodes (recorded
// each call, and replayed) against the plain-double primal and the hand-written gradient.
#include <Eigen/Core>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "matrix_ab.hpp"

namespace {

double primal(const Eigen::VectorXd& x) {
  double s = 0.0;
  const Eigen::Index n = x.size();
  for (Eigen::Index i = 0; i + 1 < n; ++i) {
    const double a = x[i + 1] - x[i] * x[i];
    const double b = 1.0 - x[i];
    s += 100.0 * a * a + b * b;
  }
  return s;
}

double hand_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
  double s = 0.0;
  const Eigen::Index n = x.size();
  g.setZero(n);
  for (Eigen::Index i = 0; i + 1 < n; ++i) {
    const double a = x[i + 1] - x[i] * x[i];
    const double b = 1.0 - x[i];
    s += 100.0 * a * a + b * b;
    g[i] += -400.0 * a * x[i] - 2.0 * b;
    g[i + 1] += 200.0 * a;
  }
  return s;
}

nabla::Var rosenbrock(const nabla::Mat& x) {
  const Eigen::Index m = x.size() - 1;
  const nabla::Mat head = x.head(m);
  const nabla::Mat a = x.tail(m) - nabla::square(head);
  const nabla::Mat b = 1.0 - head;
  return 100.0 * nabla::squared_norm(a) + nabla::squared_norm(b);
}

}  // namespace

int main(int argc, char** argv) {
  const int pairs = argc > 1 ? std::atoi(argv[1]) : 21;
  nabla::bench::print_header("vectorised Rosenbrock");
  for (const Eigen::Index n : {Eigen::Index{100000}, Eigen::Index{1000000}}) {
    std::srand(3);
    const Eigen::VectorXd x = Eigen::VectorXd::Random(n);
    double s = 0.0;
    auto run_primal = [&] {
      s = primal(x);
      nabla::bench::keep(s);
    };
    Eigen::VectorXd g_hand;
    auto run_hand = [&] {
      s = hand_gradient(x, g_hand);
      nabla::bench::keep(g_hand);
    };
    Eigen::VectorXd g;
    auto run_nabla = [&] {
      g = nabla::gradient(rosenbrock, x);
      nabla::bench::keep(g);
    };
    nabla::Function fn(rosenbrock, x);
    Eigen::VectorXd g_replay;
    auto run_replay = [&] {
      g_replay = fn.gradient(x);
      nabla::bench::keep(g_replay);
    };
    run_hand();
    run_nabla();
    run_replay();
    fmt::print("n = {}: |g − g_hand|∞ = {:.2e}, replay {:.2e}\n", n,
               (g - g_hand).cwiseAbs().maxCoeff(), (g_replay - g_hand).cwiseAbs().maxCoeff());
    const std::string wl = fmt::format("n={}", n);
    nabla::bench::print_row(wl, "plain-double primal", "hand-written gradient",
                            nabla::bench::interleave(run_primal, run_hand, pairs));
    nabla::bench::print_row(wl, "plain-double primal", "nabla Mat record+reverse",
                            nabla::bench::interleave(run_primal, run_nabla, pairs));
    nabla::bench::print_row(wl, "plain-double primal", "nabla Function replay",
                            nabla::bench::interleave(run_primal, run_replay, pairs));
    nabla::bench::print_row(wl, "nabla record+reverse", "nabla Function replay",
                            nabla::bench::interleave(run_nabla, run_replay, pairs));
  }
  return 0;
}
