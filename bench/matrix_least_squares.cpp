// Least squares Q(w) = (1/l)‖Xw − y‖², l = 10⁵, d = 100: the gradient through matrix nodes
// against the hand-written two-pass (2/l)·Xᵀ(Xw − y), and replay against re-recording.
// Single thread; see bench/README.md for the libtorch side.
#include <Eigen/Core>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>

#include "matrix_ab.hpp"

int main(int argc, char** argv) {
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  const Eigen::Index l = argc > 1 ? std::atol(argv[1]) : 100000;
  const Eigen::Index d = 100;
  const int pairs = argc > 2 ? std::atoi(argv[2]) : 21;
  std::srand(1);
  const MatrixXd X = MatrixXd::Random(l, d);
  const VectorXd y = X * VectorXd::Random(d) + 0.1 * VectorXd::Random(l);
  const VectorXd w = VectorXd::Random(d);

  VectorXd g_hand(d);
  double q_hand = 0.0;
  VectorXd r(l);
  auto hand = [&] {
    r.noalias() = X * w;
    r -= y;
    q_hand = r.squaredNorm() / static_cast<double>(l);
    g_hand.noalias() = (2.0 / static_cast<double>(l)) * X.transpose() * r;
    nabla::bench::keep(g_hand);
  };
  const nabla::Mat Xc = nabla::constant(X);
  const nabla::Mat yc = nabla::constant(y);
  auto loss = [&](const nabla::Mat& v) { return nabla::mse(Xc * v, yc); };
  VectorXd g_nabla(d);
  auto tape = [&] {
    g_nabla = nabla::gradient(loss, w);
    nabla::bench::keep(g_nabla);
  };
  nabla::Function fn(loss, w);
  VectorXd g_replay(d);
  auto replay = [&] {
    g_replay = fn.gradient(w);
    nabla::bench::keep(g_replay);
  };
  hand();
  tape();
  replay();
  fmt::print("least squares l = {}, d = {}: |g_nabla − g_hand|∞ = {:.2e}, replay {:.2e}\n", l, d,
             (g_nabla - g_hand).cwiseAbs().maxCoeff(), (g_replay - g_hand).cwiseAbs().maxCoeff());
  nabla::bench::print_header("least squares gradient");
  const std::string wl = fmt::format("l={}, d={}", l, d);
  nabla::bench::print_row(wl, "hand-written 2/l·Xᵀ(Xw−y)", "nabla Mat record+reverse",
                          nabla::bench::interleave(hand, tape, pairs));
  nabla::bench::print_row(wl, "hand-written 2/l·Xᵀ(Xw−y)", "nabla Function replay",
                          nabla::bench::interleave(hand, replay, pairs));
  nabla::bench::print_row(wl, "nabla record+reverse", "nabla Function replay",
                          nabla::bench::interleave(tape, replay, pairs));
  return 0;
}
