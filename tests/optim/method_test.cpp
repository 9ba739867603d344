// The method interface: names and parameters that round-trip, user step rules and solvers
// through minimize, the line-search seam, objective capabilities and exact evaluation counts
// (checked by a counting wrapper around the objective).
#include <doctest/doctest.h>

#include <Eigen/Cholesky>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using nabla::Var;
using nabla::VectorXv;

namespace {

// Rosenbrock, minimum 0 at (1, 1); the classic start (−1.2, 1).
auto rosenbrock = [](const VectorXv& x) {
  const Var a = 1.0 - x[0];
  const Var b = x[1] - x[0] * x[0];
  return a * a + 100.0 * b * b;
};
const Eigen::VectorXd rosenbrock_start = Eigen::Vector2d(-1.2, 1.0);

// Counts every call the method makes, forwarding to the objective it wraps.
class Counting final : public opt::Objective {
 public:
  explicit Counting(opt::Objective& inner) : inner_(inner) {}
  [[nodiscard]] std::int64_t samples() const override { return inner_.samples(); }
  [[nodiscard]] opt::Capabilities capabilities() const override { return inner_.capabilities(); }
  double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    ++counts.values;
    ++counts.gradients;
    return inner_.value_gradient(w, g);
  }
  double value(const Eigen::VectorXd& w) override {
    ++counts.values;
    return inner_.value(w);
  }
  double batch_value_gradient(const Eigen::VectorXd& w, std::span<const std::int64_t> batch,
                              Eigen::VectorXd& g) override {
    ++counts.batch_calls;
    counts.batch_samples += static_cast<std::int64_t>(batch.size());
    return inner_.batch_value_gradient(w, batch, g);
  }
  void hessian_vector(const Eigen::VectorXd& w, const Eigen::VectorXd& v,
                      Eigen::VectorXd& hv) override {
    ++counts.hessian_vectors;
    inner_.hessian_vector(w, v, hv);
  }
  void hessian(const Eigen::VectorXd& w, Eigen::MatrixXd& h) override {
    ++counts.hessians;
    inner_.hessian(w, h);
  }
  opt::Evaluations counts;

 private:
  opt::Objective& inner_;
};

// A user's step rule: gradient descent written from scratch, with a name for saved states.
struct MyDescent {
  static constexpr std::string_view name = "my_descent";
  double lr = 1e-3;
  void init(opt::StepState& s, Eigen::Index /*n*/) const { s.t = 0; }
  void step(opt::StepState& s, Eigen::VectorXd& x, const Eigen::VectorXd& g, double eta) const {
    ++s.t;
    x -= eta * g;
  }
};

// A user's solver: Newton's method with the exact Hessian, damped by a backtracking search
// along the Newton direction (falling back to −∇Q where the Hessian is not positive definite).
struct MyNewton {
  static constexpr std::string_view name = "my_newton";
  static constexpr opt::Capabilities needs =
      opt::Capability::Value | opt::Capability::Gradient | opt::Capability::Hessian;
  double gtol = 1e-10;
  void solve(opt::SolverRun& run) const {
    Eigen::VectorXd x = run.x0(), g;
    Eigen::MatrixXd h;
    double q = run.value_gradient(x, g);
    if (run.start(x, q, g)) return;
    const opt::Backtracking search{};
    while (g.lpNorm<Eigen::Infinity>() > gtol) {
      run.hessian(x, h);
      const Eigen::LLT<Eigen::MatrixXd> llt(h);
      const Eigen::VectorXd d =
          llt.info() == Eigen::Success ? Eigen::VectorXd(llt.solve(-g)) : Eigen::VectorXd(-g);
      opt::LineFunction phi(run, x, q, g, d);
      const opt::LineSearchOutcome step = search.search(phi, 1.0);
      if (!step.success) return run.stop(opt::StopReason::LineSearchFailed, step.failure);
      x += step.alpha * d;
      q = run.value_gradient(x, g);
      if (run.accept(x, q, g, step.alpha)) return;
    }
    run.stop(opt::StopReason::Converged, "gradient below gtol");
  }
};

}  // namespace

TEST_CASE("every built-in method round-trips through its name and parameters") {
  const std::vector<std::string_view> names = opt::method_names();
  CHECK(names.size() == 28);
  for (const std::string_view name : names) {
    CAPTURE(name);
    const opt::Method m = opt::method_from_name(name);
    CHECK(opt::method_name(m) == name);
    const opt::MethodParams p = opt::method_params(m);
    CHECK(!p.empty());
    const opt::Method again = opt::method_from_name(opt::method_name(m), p);
    CHECK(opt::method_params(again) == p);
  }
  // The type's name and other spellings find the same method.
  CHECK(opt::method_name(opt::method_from_name("GradientDescent")) == "gradient_descent");
  CHECK(opt::method_name(opt::method_from_name("AdamW")) == "adamw");
  CHECK(opt::method_name(opt::SteepestDescent{}) == "steepest_descent");
}

TEST_CASE("the global methods round-trip with their box and budgets") {
  for (const std::string_view name :
       {"dual_annealing", "differential_evolution", "genetic_algorithm", "random_walk", "brent"})
    CHECK(opt::method_name(opt::method_from_name(name)) == name);
  const opt::Method de =
      opt::method_from_name("differential_evolution", {{"lower", "-1,2.5"},
                                                       {"upper", "1,3"},
                                                       {"max_evaluations", "123456789012"},
                                                       {"polish", "false"},
                                                       {"mutation_min", "0.6"}});
  const opt::DifferentialEvolution* d = de.get_if<opt::DifferentialEvolution>();
  REQUIRE(d != nullptr);
  CHECK(d->lower == Eigen::Vector2d(-1, 2.5));
  CHECK(d->upper == Eigen::Vector2d(1, 3));
  CHECK(d->max_evaluations == 123456789012);
  CHECK(!d->polish);
  CHECK(d->mutation_min == 0.6);
  const opt::Method again = opt::method_from_name(opt::method_name(de), opt::method_params(de));
  CHECK(opt::method_params(again) == opt::method_params(de));
  const opt::Method brent = opt::method_from_name("Brent", {{"lower", "-2"}, {"upper", "3"}});
  REQUIRE(brent.get_if<opt::Brent>() != nullptr);
  CHECK(brent.get_if<opt::Brent>()->lower == -2.0);
  CHECK(opt::method_params(brent).at("upper") == "3");
  CHECK(opt::method_params(opt::DualAnnealing{}).at("visit") == "2.62");
  CHECK_THROWS_WITH_AS(opt::method_from_name("genetic_algorithm", {{"elite", "2.5"}}),
                       doctest::Contains("genetic_algorithm.elite = '2.5' is not an integer"),
                       nabla::Error);
}

TEST_CASE("a solver's line search chosen by name") {
  const opt::Method m = opt::method_from_name(
      "lbfgs", {{"m", "5"}, {"line_search", "armijo"}, {"c1", "0.001"}, {"max_trials", "30"}});
  const opt::LBFGS* l = m.get_if<opt::LBFGS>();
  REQUIRE(l != nullptr);
  CHECK(l->m == 5);
  CHECK(l->line_search.kind == opt::LineSearch::Kind::Armijo);
  CHECK(l->line_search.armijo.c1 == 0.001);
  CHECK(l->line_search.armijo.max_trials == 30);
  CHECK(opt::method_params(m).at("line_search") == "armijo");
  CHECK(opt::method_params(opt::BFGS{}).at("line_search") == "strong_wolfe");
  CHECK(opt::method_params(opt::BFGS{}).at("c2") == "0.9");
  CHECK_THROWS_WITH_AS(
      opt::method_from_name("bfgs", {{"line_search", "wolfe"}}),
      doctest::Contains("bfgs.line_search = 'wolfe' is not strong_wolfe or armijo"), nabla::Error);
  // Armijo L-BFGS still solves Rosenbrock (pairs with sᵀy <= 0 are skipped).
  const auto r = opt::minimize(rosenbrock, rosenbrock_start, m, {.stop = {.max_iterations = 500}});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(r.value <= 1e-9);
}

TEST_CASE("parameters given by name build the same method as the typed fields") {
  const opt::Method m =
      opt::method_from_name("nesterov", {{"lr", "0.05"}, {"beta", "0.8"}, {"form", "lookahead"}});
  const opt::Nesterov* n = m.get_if<opt::Nesterov>();
  REQUIRE(n != nullptr);
  CHECK(n->lr == 0.05);
  CHECK(n->beta == 0.8);
  CHECK(n->form == opt::NesterovForm::Lookahead);
  CHECK(m.get_if<opt::Adam>() == nullptr);
  // Same run, bit for bit.
  const opt::Options o{.stop = {.max_iterations = 40}};
  const auto by_name = opt::minimize(rosenbrock, rosenbrock_start, m, o);
  const auto typed_same = opt::minimize(
      rosenbrock, rosenbrock_start,
      opt::Nesterov{.lr = 0.05, .beta = 0.8, .form = opt::NesterovForm::Lookahead}, o);
  CHECK(by_name.x == typed_same.x);
  CHECK(by_name.method == "nesterov");
  // Every double survives the text form exactly.
  const opt::Method odd = opt::method_from_name("adam", {{"lr", "0.1234567890123456789"}});
  const double lr = odd.get_if<opt::Adam>()->lr;
  CHECK(opt::method_from_name("adam", opt::method_params(odd)).get_if<opt::Adam>()->lr == lr);
}

TEST_CASE("a name or parameter that does not exist is an error listing what does") {
  CHECK_THROWS_WITH_AS(opt::method_from_name("adamm"),
                       doctest::Contains("no method is called 'adamm' (methods: gradient_descent"),
                       nabla::Error);
  CHECK_THROWS_WITH_AS(opt::method_from_name("adam", {{"beta", "0.9"}}),
                       doctest::Contains("adam has no parameter 'beta' (its parameters: lr, beta1"),
                       nabla::Error);
  CHECK_THROWS_WITH_AS(opt::method_from_name("adam", {{"lr", "fast"}}),
                       doctest::Contains("adam.lr = 'fast' is not a number"), nabla::Error);
  CHECK_THROWS_WITH_AS(opt::method_from_name("momentum", {{"form", "heavy"}}),
                       doctest::Contains("one of torch, gradient_velocity, step_velocity"),
                       nabla::Error);
  CHECK_THROWS_WITH_AS(opt::method_lr(opt::SteepestDescent{}),
                       doctest::Contains("is a solver and has no learning rate"), nabla::Error);
}

TEST_CASE("Method is a value: stored in vectors and structs, copied, compared by contents") {
  struct Config {
    opt::Method method = opt::Adam{.lr = 0.1};
  };
  std::vector<opt::Method> methods{opt::Adam{}, opt::SteepestDescent{}, MyDescent{}};
  Config c;
  c.method = methods[1];
  CHECK(opt::method_name(c.method) == "steepest_descent");
  CHECK(!c.method.is_step_rule());
  CHECK(methods[2].is_step_rule());
  CHECK(opt::method_name(methods[2]) == "my_descent");
  CHECK(opt::method_lr(methods[2]) == 1e-3);
}

TEST_CASE("a user step rule runs through minimize directly and inside Method, as the built-in") {
  // MyDescent is plain gradient descent: its iterates equal GradientDescent's bit for bit.
  const opt::Options o{.stop = {.max_iterations = 300}};
  const auto builtin =
      opt::minimize(rosenbrock, rosenbrock_start, opt::GradientDescent{.lr = 1e-3}, o);
  const auto direct = opt::minimize(rosenbrock, rosenbrock_start, MyDescent{.lr = 1e-3}, o);
  const opt::Method wrapped = MyDescent{.lr = 1e-3};
  const auto boxed = opt::minimize(rosenbrock, rosenbrock_start, wrapped, o);
  CHECK(direct.x == builtin.x);
  CHECK(boxed.x == builtin.x);
  CHECK(direct.method == "my_descent");
  // And it minimises Rosenbrock, given enough steps (gradient descent is slow in the valley).
  const auto long_run = opt::minimize(rosenbrock, rosenbrock_start, MyDescent{.lr = 1.9e-3},
                                      {.stop = {.max_iterations = 200000, .gradient_norm = 1e-8}});
  CHECK(long_run.stop_reason == opt::StopReason::GradientNorm);
  CHECK(std::abs(long_run.x[0] - 1.0) < 1e-7);
  CHECK(std::abs(long_run.x[1] - 1.0) < 1e-7);
  // Its state saves by its name and resumes bit for bit.
  const auto part = opt::minimize(rosenbrock, rosenbrock_start, MyDescent{.lr = 1e-3},
                                  {.stop = {.max_iterations = 120}});
  const opt::RunState loaded = opt::load_state(opt::save_state(part.state));
  CHECK(loaded.method == "my_descent");
  const auto resumed = opt::minimize(rosenbrock, Eigen::VectorXd(), MyDescent{.lr = 1e-3},
                                     {.stop = {.max_iterations = 300}, .resume_from = &loaded});
  CHECK(resumed.x == builtin.x);
}

TEST_CASE("a user solver minimises Rosenbrock with exact evaluation counts") {
  nabla::optim::FullObjective f(rosenbrock);
  Counting counted(f);
  const auto direct = opt::minimize(counted, rosenbrock_start, MyNewton{});
  CHECK(direct.stop_reason == opt::StopReason::Converged);
  CHECK(direct.method == "my_newton");
  CHECK(std::abs(direct.x[0] - 1.0) < 1e-12);
  CHECK(std::abs(direct.x[1] - 1.0) < 1e-12);
  CHECK(direct.iterations > 5);
  CHECK(direct.iterations < 40);
  CHECK(direct.evaluations == counted.counts);
  CHECK(direct.evaluations.hessians == direct.iterations);
  CHECK(direct.evaluations.gradients == direct.iterations + 1);
  // The same through Method.
  Counting counted2(f);
  const opt::Method boxed = MyNewton{};
  const auto wrapped = opt::minimize(counted2, rosenbrock_start, boxed);
  CHECK(wrapped.x == direct.x);
  CHECK(wrapped.evaluations == counted2.counts);
}

TEST_CASE("a method that needs a Hessian on an objective without one: an error before any call") {
  opt::RowMatrixXd X(4, 1);
  X << 1, 2, 3, 4;
  auto q = [](const VectorXv& w, const auto& x, double y) {
    const Var r = w[0] * x[0] - y;
    return r * r;
  };
  opt::FiniteSum data(X, Eigen::Vector4d(1, 2, 3, 4), q);
  Counting counted(data);
  const opt::Method newton = MyNewton{};  // the method's type is hidden: checked at run time
  CHECK_THROWS_WITH_AS(opt::minimize(counted, Eigen::VectorXd::Zero(1), newton),
                       doctest::Contains("my_newton needs the Hessian, which this objective does "
                                         "not provide (it has the value and the gradient and "
                                         "batches of a finite sum)"),
                       nabla::Error);
  CHECK(counted.counts == opt::Evaluations{});
}

TEST_CASE("steepest descent with backtracking Armijo: the lecture's numbers by hand") {
  // f = 2x² from x = 1: g = 4, d = −4, φ(α) = 2(1 − 4α)². Armijo (c1 = 1e-4) rejects α = 1
  // (φ = 18) and α = 1/2 (φ = 2 > 2 − 8e-4) and accepts α = 1/4: x₁ = 0, the minimum.
  auto f = [](const VectorXv& x) { return 2.0 * x[0] * x[0]; };
  nabla::optim::FullObjective full(f);
  Counting counted(full);
  const auto r = opt::minimize(counted, Eigen::VectorXd::Constant(1, 1.0), opt::SteepestDescent{});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(r.iterations == 1);
  CHECK(r.x[0] == 0.0);
  CHECK(r.value == 0.0);
  CHECK(r.history.rows.at(1).step_size == 0.25);
  // x₀ (value + gradient), three trials (values), x₁ (value + gradient).
  CHECK(r.evaluations == opt::Evaluations{.values = 5, .gradients = 2});
  CHECK(r.evaluations == counted.counts);
}

TEST_CASE("steepest descent on a quadratic reaches A⁻¹b; each accepted step decreases Q") {
  Eigen::Matrix3d A;
  A << 4, 1, 0, 1, 3, 0.5, 0, 0.5, 2;
  const Eigen::Vector3d b(1, -2, 0.5);
  auto f = [&](const VectorXv& x) {
    Var q = 0.0;
    for (int i = 0; i < 3; ++i) {
      q = q - b[i] * x[i];
      for (int j = 0; j < 3; ++j) q = q + 0.5 * A(i, j) * x[i] * x[j];
    }
    return q;
  };
  const auto r = opt::minimize(f, Eigen::Vector3d::Zero(), opt::SteepestDescent{.gtol = 1e-9});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  const Eigen::Vector3d exact = A.ldlt().solve(b);
  CHECK((r.x - exact).norm() < 1e-9);
  for (std::size_t k = 1; k < r.history.rows.size(); ++k)
    CHECK(r.history.rows[k].loss <= r.history.rows[k - 1].loss);
}

TEST_CASE("a non-finite trial counts as +inf: the search shrinks past it") {
  // f = x² − log(1 − x) is NaN for x > 1; from x = −3 the first trial step lands at x > 1.
  // The minimum solves 2x(1 − x) + 1 = 0: x = (1 − √3)/2.
  auto f = [](const VectorXv& x) { return x[0] * x[0] - nabla::log(1.0 - x[0]); };
  const auto r =
      opt::minimize(f, Eigen::VectorXd::Constant(1, -3.0), opt::SteepestDescent{.gtol = 1e-7});
  CHECK(r.stop_reason == opt::StopReason::Converged);
  CHECK(std::abs(r.x[0] - (1.0 - std::sqrt(3.0)) / 2.0) < 1e-7);
}

TEST_CASE("a line search that cannot decrease Q ends the run with its reason, never a throw") {
  // An objective whose gradient has the wrong sign: −∇ points uphill, no step is accepted.
  auto f = [](const VectorXv& x) { return x[0] * x[0]; };
  nabla::optim::FullObjective inner(f);
  struct Flipped final : opt::Objective {
    opt::Objective& in;
    explicit Flipped(opt::Objective& i) : in(i) {}
    [[nodiscard]] std::int64_t samples() const override { return 0; }
    double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
      const double q = in.value_gradient(w, g);
      g = -g;
      return q;
    }
    double value(const Eigen::VectorXd& w) override { return in.value(w); }
    double batch_value_gradient(const Eigen::VectorXd&, std::span<const std::int64_t>,
                                Eigen::VectorXd&) override {
      return 0.0;
    }
  } flipped(inner);
  const auto r = opt::minimize(flipped, Eigen::VectorXd::Constant(1, 1.0), opt::SteepestDescent{});
  CHECK(r.stop_reason == opt::StopReason::LineSearchFailed);
  // Trials α = 2⁻ᵏ put x at 1 + 2¹⁻ᵏ, where Q > 1: all rejected until k = 54, where 1 + 2⁻⁵³
  // rounds to 1 and the search stops: the start and 55 trials.
  CHECK(r.message.find("no longer changes x, after 54 trials") != std::string::npos);
  CHECK(r.x[0] == 1.0);
  CHECK(r.evaluations.values == 1 + 55);
}

TEST_CASE("evaluation counts of step rules: full batch, mini-batches, value-only epochs") {
  // Full batch: one value and gradient per update, plus the start.
  nabla::optim::FullObjective f(rosenbrock);
  Counting counted(f);
  const auto r = opt::minimize(counted, rosenbrock_start, opt::Adam{.lr = 0.01},
                               {.stop = {.max_iterations = 25}});
  CHECK(r.evaluations == counted.counts);
  CHECK(r.evaluations == opt::Evaluations{.values = 26, .gradients = 26});
  // Mini-batches of 4 over 10 samples (3 calls per epoch), 5 epochs, evaluated every 2nd epoch
  // (and the last), value only: the start, epochs 2, 4 and 5.
  opt::RowMatrixXd X(10, 1);
  for (int i = 0; i < 10; ++i) X(i, 0) = 0.1 * i;
  auto q = [](const VectorXv& w, const auto& x, double y) {
    const Var e = w[0] * x[0] + w[1] - y;
    return e * e;
  };
  opt::FiniteSum data(X, Eigen::VectorXd::LinSpaced(10, 0.0, 1.0), q);
  Counting counted_sum(data);
  const auto s = opt::minimize(
      counted_sum, Eigen::Vector2d::Zero(), opt::Adam{.lr = 0.05},
      {.batching = opt::Batching::mini_batch(4), .stop = {.max_epochs = 5}, .evaluate_every = 2});
  CHECK(s.evaluations == counted_sum.counts);
  CHECK(s.evaluations == opt::Evaluations{.values = 4, .batch_calls = 15, .batch_samples = 50});
  std::vector<std::int64_t> epochs;
  for (const auto& row : s.history.rows) epochs.push_back(row.epoch);
  CHECK(epochs == std::vector<std::int64_t>{0, 2, 4, 5});
  CHECK(std::isnan(s.history.rows.back().gradient_norm));
  // Asking for the history's gradient norm makes the epoch evaluations value and gradient.
  Counting counted_g(data);
  opt::Options with_g{.batching = opt::Batching::mini_batch(4), .stop = {.max_epochs = 5}};
  with_g.history.gradient_norm = true;
  const auto sg = opt::minimize(counted_g, Eigen::Vector2d::Zero(), opt::Adam{.lr = 0.05}, with_g);
  CHECK(sg.evaluations == counted_g.counts);
  CHECK(sg.evaluations.gradients == 6);
  CHECK(std::isfinite(sg.history.rows.back().gradient_norm));
}

TEST_CASE("saved states of nabla 0.1 (format 1) load and resume by the rule's old index") {
  const opt::Options o{.stop = {.max_iterations = 10}};
  const auto part = opt::minimize(rosenbrock, rosenbrock_start, opt::Adam{.lr = 0.01}, o);
  std::string text = opt::save_state(part.state);
  // The same state as nabla 0.1 wrote it: format 1, the rule as Method's index 6 (Adam).
  text.replace(text.find("nabla_run_state 1 2"), 19, "nabla_run_state 1 1");
  text.replace(text.find("method 1 adam"), 13, "method_index 1 6");
  const opt::RunState old = opt::load_state(text);
  CHECK(old.method == "adam");
  const auto resumed = opt::minimize(rosenbrock, Eigen::VectorXd(), opt::Adam{.lr = 0.01},
                                     {.stop = {.max_iterations = 30}, .resume_from = &old});
  const auto full = opt::minimize(rosenbrock, rosenbrock_start, opt::Adam{.lr = 0.01},
                                  {.stop = {.max_iterations = 30}});
  CHECK(resumed.x == full.x);
  text.replace(text.find("method_index 1 6"), 16, "method_index 1 42");
  CHECK_THROWS_WITH_AS(opt::load_state(text), doctest::Contains("names step rule 42"),
                       nabla::Error);
}
