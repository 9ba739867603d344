// OWL-QN and proximal gradient (ISTA/FISTA) on a Lasso, against scikit-learn's coordinate descent
// (reference/lasso_reference.py printed lasso_reference.txt): the same support — exact zeros,
// which a subgradient step with sign(0) = 0 never produces — and an objective within 1e-8.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

constexpr Eigen::Index rows = 100, cols = 20;
constexpr double alpha = 0.05;

struct Lasso {
  Eigen::MatrixXd X{rows, cols};
  VectorXd y{rows};
  Lasso() {
    VectorXd w_true = VectorXd::Zero(cols);
    w_true[0] = 3.0;
    w_true[1] = -2.0;
    w_true[4] = 1.5;
    for (Eigen::Index i = 0; i < rows; ++i)
      for (Eigen::Index j = 0; j < cols; ++j)
        X(i, j) = std::cos(0.7 * double(i) + 1.3 * double(j) + 0.01 * double(i) * double(j));
    for (Eigen::Index i = 0; i < rows; ++i) y[i] = X.row(i).dot(w_true) + 0.3 * std::sin(3.0 * i);
  }
  // The smooth part 1/(2n)‖y − Xw‖²; α‖w‖₁ comes from Options::penalty.l1.
  [[nodiscard]] auto loss() const {
    return [this](const VectorXv& w) {
      Var s = 0.0;
      for (Eigen::Index i = 0; i < rows; ++i) {
        Var r = -y[i];
        for (Eigen::Index j = 0; j < cols; ++j) r += X(i, j) * w[j];
        s += r * r;
      }
      return s * (0.5 / double(rows));
    };
  }
  [[nodiscard]] double objective(const VectorXd& w) const {
    return 0.5 / double(rows) * (y - X * w).squaredNorm() + alpha * w.lpNorm<1>();
  }
};

struct Reference {
  double objective = 0.0;
  VectorXd w{cols};
};

Reference reference() {
  std::ifstream in(NABLA_REFERENCE_DIR "/lasso_reference.txt");
  REQUIRE(in.good());
  Reference r;
  std::string line, word;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    words >> word;
    if (word == "objective") words >> r.objective;
    if (word == "w")
      for (Eigen::Index j = 0; j < cols; ++j) words >> r.w[j];
  }
  return r;
}

void check_against_coordinate_descent(const opt::Method& method, const std::string& name) {
  const Lasso lasso;
  const Reference ref = reference();
  const opt::Result r =
      opt::minimize(lasso.loss(), VectorXd::Zero(cols), method,
                    {.stop = {.max_iterations = 20000}, .penalty = {.l1 = alpha}});
  INFO(name << ": " << r.message);
  MESSAGE(name << ": " << r.iterations << " iterations, " << r.evaluations.values
               << " evaluations, objective − coordinate descent's = " << r.value - ref.objective);
  CHECK(r.success());
  for (Eigen::Index j = 0; j < cols; ++j) {
    INFO("w[" << j << "] = " << r.x[j] << ", coordinate descent " << ref.w[j]);
    CHECK((r.x[j] == 0.0) == (ref.w[j] == 0.0));
  }
  CHECK(std::abs(r.value - ref.objective) <= 1e-8);
  CHECK(r.value == doctest::Approx(lasso.objective(r.x)).epsilon(1e-14));
  CHECK((r.x - ref.w).lpNorm<Eigen::Infinity>() <= 1e-5);
}

}  // namespace

TEST_CASE("OWL-QN on a Lasso: coordinate descent's support and objective") {
  check_against_coordinate_descent(opt::OWLQN{.gtol = 1e-10, .ftol = 0.0}, "OWL-QN");
}

TEST_CASE("FISTA and ISTA on a Lasso: coordinate descent's support and objective") {
  check_against_coordinate_descent(opt::ProximalGradient{.gtol = 1e-9}, "FISTA");
  check_against_coordinate_descent(opt::ProximalGradient{.accelerated = false, .gtol = 1e-9},
                                   "ISTA");
}

TEST_CASE("the subgradient step of the L1 penalty never reaches an exact zero") {
  // The contrast the proximal methods exist for: L-BFGS on the same penalised objective (its
  // sign(0) = 0 subgradient) leaves the zero coefficients small but not zero.
  const Lasso lasso;
  const opt::Result r =
      opt::minimize(lasso.loss(), VectorXd::Zero(cols), opt::LBFGS{}, {.penalty = {.l1 = alpha}});
  int exact_zeros = 0;
  for (Eigen::Index j = 0; j < cols; ++j) exact_zeros += r.x[j] == 0.0 ? 1 : 0;
  CHECK(exact_zeros < 16);
  const opt::Result o =
      opt::minimize(lasso.loss(), VectorXd::Zero(cols), opt::OWLQN{}, {.penalty = {.l1 = alpha}});
  int owl_zeros = 0;
  for (Eigen::Index j = 0; j < cols; ++j) owl_zeros += o.x[j] == 0.0 ? 1 : 0;
  CHECK(owl_zeros == 16);
}

TEST_CASE("ProximalGradient with a known Lipschitz constant takes steps 1/L") {
  // L = λ_max(XᵀX)/n for the Lasso's smooth part.
  const Lasso lasso;
  const Eigen::MatrixXd XtX = lasso.X.transpose() * lasso.X / double(rows);
  const double L = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(XtX).eigenvalues().maxCoeff();
  const opt::Result r = opt::minimize(
      lasso.loss(), VectorXd::Zero(cols), opt::ProximalGradient{.gtol = 1e-9, .lipschitz = L},
      {.stop = {.max_iterations = 20000}, .penalty = {.l1 = alpha}});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(std::abs(r.value - reference().objective) <= 1e-8);
  REQUIRE(r.history.rows.size() > 2);
  CHECK(r.history.rows[1].step_size == doctest::Approx(1.0 / L));
}
