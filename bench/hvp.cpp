// Hessian–vector product vs gradient: time of nabla::hvp(f, x, v) (record + forward and
// reverse sweeps on dual numbers) over the time of nabla::gradient(f, x) (record + reverse),
// on the extended Rosenbrock function (n = 10⁵, element by element) and a least-squares loss
// written with VectorXv. Medians of repeated runs; the target is a ratio of at most 5.
#include <fmt/format.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <random>
#include <vector>

#include "timing.hpp"

namespace {

using nabla::Var;
using nabla::VectorXv;

struct Row {
  const char* name;
  std::size_t records;
  double gradient_ms;
  double hvp_ms;
};

template <class F>
Row measure(const char* name, F f, const Eigen::VectorXd& x, const Eigen::VectorXd& v, int runs) {
  std::vector<double> tg, th;
  for (int r = 0; r < runs; ++r) {
    tg.push_back(nabla::bench::milliseconds([&] { nabla::bench::keep(nabla::gradient(f, x)); }));
    th.push_back(nabla::bench::milliseconds([&] { nabla::bench::keep(nabla::hvp(f, x, v)); }));
  }
  nabla::Tape tape;
  {
    const nabla::TapeScope scope(tape);
    const VectorXv xv = nabla::variables(x);
    nabla::bench::keep(f(xv));
  }
  return {name, tape.size(), nabla::bench::median(tg), nabla::bench::median(th)};
}

}  // namespace

int main() {
  std::mt19937 rng(1);
  std::normal_distribution<double> normal;
  std::vector<Row> rows;

  const Eigen::Index n = 100000;
  Eigen::VectorXd x(n), v(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    x[i] = 0.5 * normal(rng);
    v[i] = normal(rng);
  }
  auto rosenbrock = [](const VectorXv& w) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i + 1 < w.size(); ++i)
      s += 100.0 * square(w[i + 1] - w[i] * w[i]) + square(1.0 - w[i]);
    return s;
  };
  rows.push_back(measure("Rosenbrock n=1e5 (scalar Var)", rosenbrock, x, v, 11));

  const Eigen::Index l = 2000, d = 100;
  Eigen::MatrixXd data(l, d);
  Eigen::VectorXd y(l), w(d), u(d);
  for (Eigen::Index i = 0; i < l; ++i) {
    y[i] = normal(rng);
    for (Eigen::Index j = 0; j < d; ++j) data(i, j) = normal(rng);
  }
  for (Eigen::Index j = 0; j < d; ++j) {
    w[j] = normal(rng);
    u[j] = normal(rng);
  }
  auto least_squares = [&](const VectorXv& p) {
    return VectorXv(data * p - y).squaredNorm() / static_cast<double>(l);
  };
  rows.push_back(measure("least squares 2000x100 (VectorXv)", least_squares, w, u, 11));

  // A dense Hessian: 400 HVPs on one recording of ½xᵀAx (the size another library crashes at).
  const Eigen::Index m = 400;
  Eigen::MatrixXd b(m, m);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < m; ++j) b(i, j) = normal(rng);
  const Eigen::MatrixXd a = b + b.transpose();
  const Eigen::VectorXd z = Eigen::VectorXd::Random(m);
  auto form = [&](const VectorXv& p) { return 0.5 * p.dot(VectorXv(a * p)); };
  std::vector<double> th;
  double err = 0.0;
  for (int r = 0; r < 3; ++r)
    th.push_back(nabla::bench::milliseconds([&] {
      const Eigen::MatrixXd h = nabla::hessian(form, z);
      err = (h - a).cwiseAbs().maxCoeff();
    }));
  const double tgrad = nabla::bench::median(std::vector<double>{
      nabla::bench::milliseconds([&] { nabla::bench::keep(nabla::gradient(form, z)); }),
      nabla::bench::milliseconds([&] { nabla::bench::keep(nabla::gradient(form, z)); }),
      nabla::bench::milliseconds([&] { nabla::bench::keep(nabla::gradient(form, z)); })});
  fmt::print(
      "dense Hessian 400x400 of 0.5 x'Ax: {:.0f} ms (median of 3; gradient {:.1f} ms), "
      "max |H - A| = {}\n\n",
      nabla::bench::median(th), tgrad, err);

  fmt::print("{:<36} {:>10} {:>14} {:>12} {:>12}\n", "function", "records", "gradient ms", "hvp ms",
             "hvp/grad");
  for (const Row& r : rows)
    fmt::print("{:<36} {:>10} {:>14.2f} {:>12.2f} {:>12.2f}\n", r.name, r.records, r.gradient_ms,
               r.hvp_ms, r.hvp_ms / r.gradient_ms);
  return 0;
}
