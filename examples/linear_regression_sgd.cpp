// Linear regression the ways lecture 000 compares them: the closed form (QR), full-batch
// gradient descent, SGD reshuffled every epoch with a decaying step, mini-batch Adam, and SVRG,
// all on standardised features, from one per-sample loss written with nabla. Also shows the
// quick start of docs/optimizers.md, save/resume and the CSV history.
#include <fmt/format.h>

#include <cstdio>

#include <nabla/optim.hpp>
#include <nabla/optim/tools/least_squares.hpp>

namespace opt = nabla::optim;
using nabla::Var;

int main() {
  {
    // The quick start of docs/optimizers.md.
    auto f = [](const nabla::VectorXv& w) {  // any loss written with nabla
      return (1 - w[0]) * (1 - w[0]) + 5 * (w[1] - w[0] * w[0]) * (w[1] - w[0] * w[0]);
    };
    opt::Result r = opt::minimize(f, Eigen::Vector2d(-1.2, 1.0), opt::GradientDescent{.lr = 0.02},
                                  {.schedule = opt::Schedule::constant(),
                                   .stop = {.max_iterations = 5000, .gradient_norm = 1e-8}});
    fmt::print("{}\n{}\n\n", r, r.message);
    if ((r.x - Eigen::Vector2d(1, 1)).norm() > 1e-6) return 1;
  }

  // Data: y = 3 + 2·x₁ − x₂ + noise, features on very different scales.
  const int l = 2000;
  opt::Rng rng(2024);
  Eigen::MatrixXd raw(l, 2);
  Eigen::VectorXd y(l);
  for (int i = 0; i < l; ++i) {
    raw(i, 0) = 100.0 * rng.normal();
    raw(i, 1) = 0.01 * rng.normal();
    y[i] = 3.0 + 2.0 * raw(i, 0) / 100.0 - raw(i, 1) / 0.01 + 0.1 * rng.normal();
  }
  const opt::Standardizer scaler(raw);  // fit on the training data only
  opt::RowMatrixXd X(l, 3);
  X << scaler.transform(raw), Eigen::VectorXd::Ones(l);  // last column: the bias

  const Eigen::VectorXd w_star = opt::least_squares(X, y);  // the reference
  auto q = [](const nabla::VectorXv& w, const auto& x, double yi) {
    const Var r = nabla::dot(w, x) - yi;
    return r * r;
  };
  opt::FiniteSum Q(X, y, q);
  const Eigen::VectorXd w0 = opt::initialize(3, {.zero_bias = 2, .seed = 1});

  auto report = [&](const char* name, const opt::Result& r) {
    fmt::print("{:<34} {:>6} updates {:>4} epochs  Q = {:.10f}  ‖w − w*‖ = {:.2e}  ({})\n", name,
               r.iterations, r.epochs, r.value, (r.x - w_star).norm(), r.stop_reason);
    return (r.x - w_star).norm();
  };
  fmt::print("closed form (QR): w* = ({:.6f}, {:.6f}, {:.6f}), Q(w*) = {:.10f}\n", w_star[0],
             w_star[1], w_star[2], Q.value(w_star));

  opt::Options gd;
  gd.stop = {.max_iterations = 10000, .gradient_norm = 1e-10};
  const double e1 = report("gradient descent, full batch",
                           opt::minimize(Q, w0, opt::GradientDescent{.lr = 0.4}, gd));

  opt::Options sgd;
  sgd.batching = opt::Batching::stochastic();
  sgd.schedule = opt::Schedule::power(0.6);
  sgd.stop = {.max_iterations = 1'000'000, .max_epochs = 20};
  sgd.seed = 7;
  report("SGD, η = 0.05/t^0.6, reshuffled",
         opt::minimize(Q, w0, opt::GradientDescent{.lr = 0.05}, sgd));

  opt::Options adam = sgd;
  adam.batching = opt::Batching::mini_batch(32);
  adam.schedule = opt::Schedule::cosine(20 * 63, 50);
  report("Adam, batch 32, cosine + warm-up", opt::minimize(Q, w0, opt::Adam{.lr = 0.1}, adam));

  opt::Options sag = sgd;
  sag.schedule = opt::Schedule::constant();
  sag.variance_reduction = opt::VarianceReduction::SVRG;
  sag.stop.max_epochs = 40;
  const opt::Result r_sag = opt::minimize(Q, w0, opt::GradientDescent{.lr = 0.01}, sag);
  const double e2 = report("SVRG, constant η = 0.01", r_sag);

  // Stop SVRG after 10 epochs, save, load and resume: the same bits as the uninterrupted run.
  sag.stop.max_epochs = 10;
  const opt::RunState saved = opt::load_state(
      opt::save_state(opt::minimize(Q, w0, opt::GradientDescent{.lr = 0.01}, sag).state));
  sag.stop.max_epochs = 40;
  sag.resume_from = &saved;
  const opt::Result resumed = opt::minimize(Q, w0, opt::GradientDescent{.lr = 0.01}, sag);
  fmt::print("SVRG stopped at epoch 10, saved, loaded, resumed to epoch 40: {}\n",
             resumed.x == r_sag.x ? "bit-identical to the uninterrupted run" : "DIFFERENT");
  r_sag.history.save_csv("linear_regression_svrg.csv");
  fmt::print("SVRG history (per epoch): linear_regression_svrg.csv\n");
  return (e1 < 1e-8 && e2 < 1e-6 && resumed.x == r_sag.x) ? 0 : 1;
}
