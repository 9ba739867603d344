// What the global methods (DualAnnealing, DifferentialEvolution, GeneticAlgorithm, RandomWalk)
// share: the box lower ≤ x ≤ upper the user gives (size n, or size 1 for every coordinate),
// validated once with a message naming the method; a budgeted evaluator that counts NaN as +∞,
// remembers the best point seen and ends the search (by throwing OutOfBudget, caught in the
// method's solve) when the method's own budget or StopCriteria::max_evaluations / max_seconds is
// spent; and the bounded local search of annealing and of DE's polish: L-BFGS-B in the box with
// the objective's gradient when it has one, else with forward differences (scipy's choice), each
// evaluation counted in the same run.
#pragma once

#include <Eigen/Core>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff/core/error.hpp>

#include <nabla/optim/objectives/objective.hpp>
#include <nabla/optim/run/options.hpp>
#include <nabla/optim/solvers/lbfgsb.hpp>
#include <nabla/optim/solvers/solver_run.hpp>

namespace nabla::optim::detail {

inline std::string box_text(const Eigen::VectorXd& v) {
  return fmt::format(
      "({})",
      fmt::join(std::span<const double>(v.data(), static_cast<std::size_t>(v.size())), ", "));
}

struct Box {
  Eigen::VectorXd lower, upper;  // both of size n
  [[nodiscard]] Eigen::VectorXd width() const { return upper - lower; }
  [[nodiscard]] bool contains(const Eigen::VectorXd& x) const {
    return (x.array() >= lower.array()).all() && (x.array() <= upper.array()).all();
  }
};

// The box broadcast to size n. `required` false: an empty box means none (an empty Box).
inline Box validated_box(std::string_view method, const Eigen::VectorXd& lower,
                         const Eigen::VectorXd& upper, const Eigen::VectorXd& x0,
                         bool required = true) {
  const Eigen::Index n = x0.size();
  if (lower.size() == 0 && upper.size() == 0) {
    if (!required) return {};
    throw Error(fmt::format(
        "nabla::optim::{}: needs the box lower, upper (size n = {} or 1): a global search "
        "samples inside it; none was given",
        method, n));
  }
  auto sized = [&](const Eigen::VectorXd& v, std::string_view which) {
    if (v.size() == n) return v;
    if (v.size() == 1) return Eigen::VectorXd::Constant(n, v[0]).eval();
    throw Error(fmt::format("nabla::optim::{}: {} has size {}; it must have size n = {} or 1",
                            method, which, v.size(), n));
  };
  Box box{sized(lower, "lower"), sized(upper, "upper")};
  for (Eigen::Index i = 0; i < n; ++i)
    if (!std::isfinite(box.lower[i]) || !std::isfinite(box.upper[i]) ||
        !(box.lower[i] < box.upper[i]))
      throw Error(
          fmt::format("nabla::optim::{}: lower = {} must be finite and < upper = {} "
                      "(coordinate {})",
                      method, box_text(box.lower), box_text(box.upper), i));
  for (Eigen::Index i = 0; i < n; ++i)
    if (!(x0[i] >= box.lower[i] && x0[i] <= box.upper[i]))
      throw Error(fmt::format(
          "nabla::optim::{}: x0 = {} is outside the box [lower, upper] at coordinate {} "
          "({} not in [{}, {}])",
          method, box_text(x0), i, x0[i], box.lower[i], box.upper[i]));
  return box;
}

// Thrown by BoxEvaluator when a budget is spent; the method's solve catches it.
struct OutOfBudget {};

// Counted evaluations through the run, NaN as +∞, the best point seen, and the budgets.
class BoxEvaluator {
 public:
  // budget: the method's own evaluation budget (counted by this evaluator), > 0.
  BoxEvaluator(SolverRun& run, std::int64_t budget) : run_(run), budget_(budget) {}

  double operator()(const Eigen::VectorXd& x) {
    before();
    return remember(x, run_.value(x));
  }
  double value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    before();
    return remember(x, run_.value_gradient(x, g));
  }
  [[nodiscard]] const Eigen::VectorXd& best_x() const noexcept { return best_x_; }
  [[nodiscard]] double best_value() const noexcept { return best_f_; }
  [[nodiscard]] std::int64_t count() const noexcept { return count_; }
  [[nodiscard]] std::int64_t budget() const noexcept { return budget_; }
  [[nodiscard]] SolverRun& run() noexcept { return run_; }

  // The best so far as one iteration (callbacks, history, criteria); true when the run is over.
  bool report() {
    reported_ = best_f_;
    return run_.accept(best_x_, best_f_, Eigen::VectorXd(), 0.0);
  }
  // After OutOfBudget: make the result the best point, and name the budget that was spent.
  void stop_out_of_budget(std::string_view own_budget) {
    if (best_f_ < reported_ && report()) return;
    if (!run_.stopped())
      run_.stop(StopReason::MaxEvaluations,
                fmt::format("{} evaluations, the method's budget ({})", count_, own_budget));
  }

 private:
  void before() {
    if (count_ >= budget_ || run_.out_of_budget()) throw OutOfBudget{};
    ++count_;
  }
  double remember(const Eigen::VectorXd& x, double v) {
    if (std::isnan(v)) v = std::numeric_limits<double>::infinity();
    if (v < best_f_ || best_x_.size() == 0) {
      best_f_ = v;
      best_x_ = x;
    }
    return v;
  }

  SolverRun& run_;
  std::int64_t budget_;
  std::int64_t count_ = 0;
  Eigen::VectorXd best_x_;
  double best_f_ = std::numeric_limits<double>::infinity();
  double reported_ = std::numeric_limits<double>::infinity();
};

// The objective a nested L-BFGS-B run sees: every evaluation goes through the evaluator (the
// outer run's counts and budgets); the gradient is the objective's own when it has one, else
// forward differences with scipy's step √ε·max(1, |xᵢ|), taken backwards at the upper bound.
class BoxLocalObjective final : public Objective {
 public:
  BoxLocalObjective(BoxEvaluator& eval, const Box& box, bool has_gradient)
      : eval_(eval), box_(box), has_gradient_(has_gradient) {}
  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] Capabilities capabilities() const override {
    return Capability::Value | Capability::Gradient;
  }
  double value(const Eigen::VectorXd& w) override { return eval_(w); }
  double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    if (has_gradient_) {
      const double q = eval_.value_gradient(w, g);
      if (!std::isfinite(q)) g.setZero();
      return q;
    }
    const double q = eval_(w);
    g.resize(w.size());
    Eigen::VectorXd y = w;
    const double root_eps = std::sqrt(std::numeric_limits<double>::epsilon());
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      double h = root_eps * std::max(1.0, std::abs(w[i]));
      if (w[i] + h > box_.upper[i]) h = -h;
      y[i] = w[i] + h;
      const double qi = eval_(y);
      g[i] = std::isfinite(qi) && std::isfinite(q) ? (qi - q) / h : 0.0;
      y[i] = w[i];
    }
    return q;
  }
  double batch_value_gradient(const Eigen::VectorXd&, std::span<const std::int64_t>,
                              Eigen::VectorXd&) override {
    throw Error("nabla::optim: the local search's objective has no batches");
  }

 private:
  BoxEvaluator& eval_;
  const Box& box_;
  bool has_gradient_;
};

struct LocalMinimum {
  Eigen::VectorXd x;
  double value = std::numeric_limits<double>::infinity();
};

// L-BFGS-B in the box from x for at most max_iterations iterations; evaluations through eval
// (OutOfBudget propagates). The result is the best point the local run accepted.
inline LocalMinimum box_local_search(BoxEvaluator& eval, const Box& box, bool has_gradient,
                                     const Eigen::VectorXd& x, std::int64_t max_iterations) {
  BoxLocalObjective objective(eval, box, has_gradient);
  Options inner;
  inner.stop.max_iterations = max_iterations;
  inner.history.enabled = false;
  SolverRun local(objective, x, "lbfgsb", Capability::Value | Capability::Gradient, inner, true);
  LBFGSB{.lower = box.lower, .upper = box.upper}.solve(local);
  Result r = local.finish();
  LocalMinimum m;
  m.x = std::move(r.best_x);
  m.value = std::isnan(r.best_value) ? std::numeric_limits<double>::infinity() : r.best_value;
  if (!m.x.allFinite() || !box.contains(m.x)) m.value = std::numeric_limits<double>::infinity();
  return m;
}

}  // namespace nabla::optim::detail
