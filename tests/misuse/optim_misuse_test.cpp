// Misuse of the optim module: each case does one wrong thing and checks the documented answer
// (an exception type and a message naming what and where, or a stop reason and its message), in
// a child process of its own (harness.hpp). docs/optimizers.md and optim/*.hpp document them.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <nabla/nabla.hpp>

#include "harness.hpp"

using misuse::expect_return;
using misuse::expect_throw;
using nabla::Var;
using nabla::VectorXv;
namespace optim = nabla::optim;

namespace {

// (w₀ − 1)² + w₁²: minimum at (1, 0).
auto bowl = [](const VectorXv& w) { return (w[0] - 1.0) * (w[0] - 1.0) + w[1] * w[1]; };

auto squared_error = [](const VectorXv& w, const auto& x, double y) {
  const Var r = nabla::dot(w, x) - y;
  return r * r;
};

optim::RowMatrixXd design(Eigen::Index rows, Eigen::Index cols) {
  optim::RowMatrixXd X(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) X(i, j) = std::sin(static_cast<double>(1 + i + 3 * j));
  return X;
}

auto data_sum() {
  return optim::FiniteSum(design(10, 2), Eigen::VectorXd::Ones(10), squared_error);
}

std::string stopped(const optim::Result& r) {
  return fmt::format("{}: {} | x finite {}", r.stop_reason, r.message, r.x.allFinite());
}

std::string run(const optim::Method& m, const optim::Options& o = {},
                Eigen::VectorXd x0 = Eigen::Vector2d(0, 1)) {
  return stopped(optim::minimize(bowl, x0, m, o));
}

}  // namespace

// ---- step sizes (driver.cpp: "a negative or non-finite step size would run, silently, away
// from the minimum") --------------------------------------------------------------------------

TEST_CASE("minimize with lr = 0") {
  expect_throw<nabla::Error>(
      [] { return run(optim::GradientDescent{.lr = 0.0}); },
      {"nabla::optim::minimize", "GradientDescent.lr = 0", "must be positive and finite"});
}

TEST_CASE("minimize with a negative lr") {
  expect_throw<nabla::Error>([] { return run(optim::Adam{.lr = -0.1}); },
                             {"nabla::optim::minimize", "Adam.lr = -0.1", "positive"});
}

TEST_CASE("minimize with lr = NaN") {
  expect_throw<nabla::Error>(
      [] { return run(optim::Momentum{.lr = std::numeric_limits<double>::quiet_NaN()}); },
      {"Momentum.lr = nan", "positive and finite"});
}

TEST_CASE("minimize with lr = inf") {
  expect_throw<nabla::Error>(
      [] { return run(optim::RMSprop{.lr = std::numeric_limits<double>::infinity()}); },
      {"RMSprop.lr = inf", "positive and finite"});
}

// ---- start points --------------------------------------------------------------------------

TEST_CASE("minimize from an empty x0") {
  expect_throw<nabla::ShapeError>(
      [] { return run(optim::GradientDescent{.lr = 0.1}, {}, Eigen::VectorXd()); },
      {"nabla::optim::minimize", "x0 is empty"});
}

TEST_CASE("minimize from a NaN x0 stops as diverged and says to check the start point") {
  expect_return(
      [] {
        return run(optim::GradientDescent{.lr = 0.1}, {},
                   Eigen::Vector2d(std::numeric_limits<double>::quiet_NaN(), 0));
      },
      {"diverged", "not finite at x0", "check the start point"});
}

TEST_CASE("minimize from a point where the objective is not finite") {
  expect_return(
      [] {
        auto f = [](const VectorXv& w) { return log(w[0]) + w[1] * w[1]; };
        return stopped(optim::minimize(f, Eigen::Vector2d(-1, 0), optim::Adam{.lr = 0.1}));
      },
      {"diverged", "not finite at x0", "nan", "check the start point"});
}

TEST_CASE("a finite-sum run from a NaN x0 stops as diverged") {
  expect_return(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(Q, Eigen::Vector2d(std::nan(""), 0),
                                       optim::GradientDescent{.lr = 0.1},
                                       {.batching = optim::Batching::stochastic()}));
      },
      {"diverged", "not finite at x0"});
}

TEST_CASE("a finite sum with a NaN in the data stops as diverged") {
  expect_return(
      [] {
        optim::RowMatrixXd X = design(10, 2);
        X(4, 1) = std::numeric_limits<double>::quiet_NaN();
        auto Q = optim::FiniteSum(X, Eigen::VectorXd::Ones(10), squared_error);
        return stopped(
            optim::minimize(Q, Eigen::Vector2d(0, 0), optim::GradientDescent{.lr = 0.1}));
      },
      {"diverged", "not finite", "check the start point"});
}

// ---- divergence ----------------------------------------------------------------------------

TEST_CASE("a run whose lr is far too large stops as diverged, with the last finite x") {
  expect_return(
      [] { return run(optim::GradientDescent{.lr = 10.0}, {.stop = {.max_iterations = 100000}}); },
      {"diverged: diverged at iteration", "lower the learning rate", "lr = 10", "x finite true"});
}

TEST_CASE("a run whose loss turns NaN stops as diverged and says NaN") {
  expect_return(
      [] {
        // sqrt(w₀) turns NaN once w₀ < 0, which lr = 1 reaches at the first step.
        auto f = [](const VectorXv& w) { return sqrt(w[0]) + 2.0 * w[0]; };
        return stopped(optim::minimize(f, Eigen::VectorXd::Constant(1, 1.0),
                                       optim::GradientDescent{.lr = 1.0}));
      },
      {"diverged", "the loss became NaN", "lower the learning rate", "x finite true"});
}

TEST_CASE("a stochastic run with a too large lr stops as diverged") {
  expect_return(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(
            Q, Eigen::Vector2d(0, 0), optim::GradientDescent{.lr = 50},
            {.batching = optim::Batching::stochastic(), .stop = {.max_iterations = 100000}}));
      },
      {"diverged", "lower the learning rate", "x finite true"});
}

// ---- batching and variance reduction -------------------------------------------------------

TEST_CASE("stochastic batching on a full (not finite-sum) objective") {
  expect_throw<nabla::Error>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1}, {.batching = optim::Batching::stochastic()});
      },
      {"nabla::optim::minimize", "needs a finite-sum objective"});
}

TEST_CASE("mini-batch batching on a full objective") {
  expect_throw<nabla::Error>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1}, {.batching = optim::Batching::mini_batch(4)});
      },
      {"nabla::optim::minimize", "finite-sum objective"});
}

TEST_CASE("SAG without stochastic batching") {
  expect_throw<nabla::Error>(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(Q, Eigen::Vector2d(0, 0), optim::GradientDescent{.lr = 0.1},
                                       {.variance_reduction = optim::VarianceReduction::SAG}));
      },
      {"SAG/SAGA/SVRG need Batching::stochastic()"});
}

TEST_CASE("SVRG on a full objective") {
  expect_throw<nabla::Error>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1},
                   {.variance_reduction = optim::VarianceReduction::SVRG});
      },
      {"SAG/SAGA/SVRG need"});
}

TEST_CASE("Batching::mini_batch(0)") {
  expect_throw<nabla::Error>(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(Q, Eigen::Vector2d(0, 0), optim::GradientDescent{.lr = 0.1},
                                       {.batching = optim::Batching::mini_batch(0)}));
      },
      {"mini_batch(k) needs k > 0"});
}

TEST_CASE("Batching::mini_batch(-3)") {
  expect_throw<nabla::Error>(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(Q, Eigen::Vector2d(0, 0), optim::GradientDescent{.lr = 0.1},
                                       {.batching = optim::Batching::mini_batch(-3)}));
      },
      {"mini_batch(k) needs k > 0"});
}

TEST_CASE("Batching.shuffle = false with a conflicting order") {
  expect_throw<nabla::Error>(
      [] {
        auto Q = data_sum();
        optim::Batching b = optim::Batching::stochastic();
        b.shuffle = false;
        b.order = optim::Batching::Order::Reshuffled;
        return stopped(optim::minimize(Q, Eigen::Vector2d(0, 0), optim::GradientDescent{.lr = 0.1},
                                       {.batching = b}));
      },
      {"Batching.shuffle = false", "Order::Sequential", "set only Batching.order"});
}

TEST_CASE("Batching.shuffle = false with Order::Sequential is consistent and runs") {
  expect_return(
      [] {
        auto Q = data_sum();
        optim::Batching b = optim::Batching::stochastic();
        b.shuffle = false;
        b.order = optim::Batching::Order::Sequential;
        return stopped(optim::minimize(Q, Eigen::Vector2d(0, 0), optim::GradientDescent{.lr = 0.05},
                                       {.batching = b, .stop = {.max_iterations = 50}}));
      },
      {"max_iterations", "x finite true"});
}

TEST_CASE("history.every = 0") {
  expect_throw<nabla::Error>(
      [] { return run(optim::GradientDescent{.lr = 0.1}, {.history = {.every = 0}}); },
      {"nabla::optim::minimize", "history.every must be > 0"});
}

TEST_CASE("resuming from the state of another step rule") {
  expect_throw<nabla::Error>(
      [] {
        const optim::Result first =
            optim::minimize(bowl, Eigen::Vector2d(0, 1), optim::GradientDescent{.lr = 0.1},
                            {.stop = {.max_iterations = 5}});
        return run(optim::Adam{.lr = 0.1}, {.resume_from = &first.state});
      },
      {"the saved state belongs to another method", "('gradient_descent', not 'adam')"});
}

TEST_CASE("an objective that keeps a Var from its previous evaluation") {
  expect_throw<nabla::TapeMismatchError>(
      [] {
        Var previous(0.0);
        auto f = [&](const VectorXv& w) {
          const Var q = w[0] * w[0] + previous;
          previous = q;
          return q;
        };
        return stopped(optim::minimize(f, Eigen::VectorXd::Ones(1), optim::Adam{.lr = 0.1}));
      },
      // The previous Var is of this tape before its clear(); the binary-operation message calls
      // that "two tapes" and shows both stamps (docs/design.md).
      {"'add'", "mixes variables of two tapes", "stamp"});
}

// ---- finite sums ---------------------------------------------------------------------------

TEST_CASE("FiniteSum with X and y of different lengths") {
  expect_throw<nabla::ShapeError>(
      [] {
        auto Q = optim::FiniteSum(design(10, 2), Eigen::VectorXd::Ones(9), squared_error);
        return fmt::format("{}", Q.samples());
      },
      {"nabla::optim::FiniteSum", "X has 10 rows but y has 9 entries"});
}

TEST_CASE("FiniteSum with no samples") {
  expect_throw<nabla::ShapeError>(
      [] {
        auto Q = optim::FiniteSum(design(0, 2), Eigen::VectorXd(), squared_error);
        return fmt::format("{}", Q.samples());
      },
      {"nabla::optim::FiniteSum", "no samples"});
}

TEST_CASE("a FiniteSum minimised from an x0 of the wrong size") {
  expect_throw<nabla::ShapeError>(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(Q, Eigen::Vector3d(0, 0, 0), optim::Adam{.lr = 0.1}));
      },
      {"nabla::dot", "variables of size 3", "data of size 2"});
}

// ---- penalties -----------------------------------------------------------------------------

// Fixed (issue 16, found here): Penalty::exclude outside 0..n−1 is not checked; the run
// silently penalises every coordinate.
TEST_CASE("a penalty whose excluded index is outside x") {
  expect_throw<nabla::ShapeError>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1},
                   {.stop = {.max_iterations = 10}, .penalty = {.l2 = 0.1, .exclude = 7}});
      },
      {"exclude", "7"});
}

// ---- schedules (schedule.cpp) --------------------------------------------------------------

TEST_CASE("Schedule::power with a negative power") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::power(-1).rate(1, 1)); },
      {"nabla::optim::Schedule", "power(p) needs p >= 0"});
}

TEST_CASE("Schedule::vowpal with s = 0") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::vowpal(0, 1).rate(1, 1)); },
      {"nabla::optim::Schedule", "vowpal(s, p) needs s > 0"});
}

TEST_CASE("Schedule::exponential with gamma = 0") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::exponential(0).rate(1, 1)); },
      {"nabla::optim::Schedule", "exponential(gamma) needs gamma > 0"});
}

TEST_CASE("Schedule::step with a zero step size") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::step(0, 0.5).rate(1, 1)); },
      {"nabla::optim::Schedule", "step(step_size, gamma) needs step_size > 0"});
}

TEST_CASE("Schedule::cosine with a warm-up longer than the run") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::cosine(10, 20).rate(1, 1)); },
      {"nabla::optim::Schedule", "cosine(total, warmup, eta_min)", "warmup <= total"});
}

TEST_CASE("Schedule::reduce_on_plateau with a factor above 1") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::reduce_on_plateau(1.5).rate(1, 1)); },
      {"nabla::optim::Schedule", "reduce_on_plateau needs 0 < factor < 1"});
}

TEST_CASE("Schedule::reduce_on_plateau with a negative patience") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::reduce_on_plateau(0.5, -1).rate(1, 1)); },
      {"nabla::optim::Schedule", "patience >= 0"});
}

TEST_CASE("Schedule::custom without a callable") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::Schedule::custom({}, "none").rate(1, 1)); },
      {"nabla::optim::Schedule", "custom() needs a callable"});
}

// ---- least squares, standardisation, initialisation, certificates --------------------------

TEST_CASE("least_squares with X and y of different lengths") {
  expect_throw<nabla::ShapeError>(
      [] {
        return fmt::format("{}", optim::least_squares(design(5, 2), Eigen::VectorXd::Ones(4))[0]);
      },
      {"nabla::optim::least_squares", "X has 5 rows but y has 4 entries"});
}

TEST_CASE("least_squares with a negative ridge") {
  expect_throw<nabla::Error>(
      [] {
        return fmt::format("{}",
                           optim::least_squares(design(5, 2), Eigen::VectorXd::Ones(5), -1)[0]);
      },
      {"nabla::optim::least_squares", "ridge must be >= 0"});
}

TEST_CASE("least_squares with a rank-deficient X and no ridge") {
  expect_throw<nabla::Error>(
      [] {
        Eigen::MatrixXd X(4, 2);
        X << 1, 2, 2, 4, 3, 6, 4, 8;
        return fmt::format("{}", optim::least_squares(X, Eigen::VectorXd::Ones(4))[0]);
      },
      {"nabla::optim::least_squares", "X (4x2) has rank 1 < 2 columns", "use ridge > 0"});
}

TEST_CASE("Standardizer fitted on an empty matrix") {
  expect_throw<nabla::ShapeError>(
      [] {
        const optim::Standardizer s{Eigen::MatrixXd(0, 3)};
        return fmt::format("{}", s.mean().size());
      },
      {"nabla::optim::Standardizer::fit", "empty 0x3 matrix"});
}

TEST_CASE("Standardizer::transform with another column count") {
  expect_throw<nabla::ShapeError>(
      [] {
        const optim::Standardizer s{Eigen::MatrixXd(design(5, 3))};
        return fmt::format("{}", s.transform(Eigen::MatrixXd(design(5, 2)))(0, 0));
      },
      {"nabla::optim::Standardizer::transform", "fitted on 3 columns, got 2"});
}

TEST_CASE("Standardizer with a zero-variance column: scale 1, centred, no division by zero") {
  expect_return(
      [] {
        Eigen::MatrixXd X(3, 2);
        X << 1, 5, 2, 5, 3, 5;
        const optim::Standardizer s{X};
        const Eigen::MatrixXd Z = s.transform(X);
        return fmt::format("scale {} column {} {} {} finite {}", s.scale()[1], Z(0, 1), Z(1, 1),
                           Z(2, 1), Z.allFinite());
      },
      {"scale 1 column 0 0 0 finite true"});
}

TEST_CASE("initialize with a negative size") {
  expect_throw<nabla::ShapeError>([] { return fmt::format("{}", optim::initialize(-2).size()); },
                                  {"nabla::optim::initialize", "negative size -2"});
}

TEST_CASE("initialize with the bias index outside the vector") {
  expect_throw<nabla::ShapeError>(
      [] { return fmt::format("{}", optim::initialize(3, {.zero_bias = 5}).size()); },
      {"nabla::optim::initialize", "zero_bias index 5 outside 0..2"});
}

TEST_CASE("hinge_certificate with theta of the wrong size") {
  expect_throw<nabla::ShapeError>(
      [] {
        const auto c = optim::hinge_certificate(design(4, 2), Eigen::Vector4d(1, -1, 1, -1), 0.1,
                                                Eigen::Vector3d(0, 0, 0));
        return fmt::format("{}", c.norm);
      },
      {"nabla::optim::hinge_certificate", "X is 4x2", "theta has 3"});
}

TEST_CASE("hinge_certificate with reg = 0") {
  expect_throw<nabla::Error>(
      [] {
        const auto c = optim::hinge_certificate(design(4, 2), Eigen::Vector4d(1, -1, 1, -1), 0.0,
                                                Eigen::Vector2d(0, 0));
        return fmt::format("{}", c.norm);
      },
      {"nabla::optim::hinge_certificate", "reg must be > 0"});
}

TEST_CASE("hinge_certificate with more than 12 kinks at once") {
  expect_throw<nabla::Error>(
      [] {
        // x̃ = (1), y = 1, θ = 1: every margin 1 − y·x̃·θ is 0, a kink.
        const Eigen::MatrixXd X = Eigen::MatrixXd::Ones(13, 1);
        const auto c =
            optim::hinge_certificate(X, Eigen::VectorXd::Ones(13), 0.1, Eigen::VectorXd::Ones(1));
        return fmt::format("{}", c.norm);
      },
      {"nabla::optim::hinge_certificate", "13 kinks at once", "limited to 12"});
}

// ---- saved runs and history files ----------------------------------------------------------

TEST_CASE("load_state of text that is not a run state") {
  expect_throw<nabla::Error>(
      [] { return fmt::format("{}", optim::load_state("hello world\n").iteration); },
      {"nabla::optim::load_state", "not a nabla run state"});
}

TEST_CASE("load_state of a truncated run state") {
  expect_throw<nabla::Error>(
      [] {
        const optim::Result r = optim::minimize(bowl, Eigen::Vector2d(0, 1), optim::Adam{.lr = 0.1},
                                                {.stop = {.max_iterations = 3}});
        const std::string text = optim::save_state(r.state);
        return fmt::format("{}", optim::load_state(text.substr(0, text.size() / 2)).iteration);
      },
      {"nabla::optim::load_state"});
}

TEST_CASE("load_state_file of a file that does not exist") {
  expect_throw<nabla::Error>(
      [] {
        return fmt::format("{}",
                           optim::load_state_file("/nonexistent/nabla-misuse/state.txt").iteration);
      },
      {"nabla::optim::load_state_file", "cannot open '/nonexistent/nabla-misuse/state.txt'"});
}

TEST_CASE("History::save_csv into a directory that does not exist") {
  expect_throw<nabla::Error>(
      [] {
        const optim::Result r = optim::minimize(bowl, Eigen::Vector2d(0, 1), optim::Adam{.lr = 0.1},
                                                {.stop = {.max_iterations = 3}});
        r.history.save_csv("/nonexistent/nabla-misuse/history.csv");
        return std::string();
      },
      {"nabla::optim::History::save_csv", "cannot open '/nonexistent/nabla-misuse/history.csv'"});
}

// ---- options the driver accepts without a check (each reported on issue 16) ---------------

// Fixed (issue 16, found here): a negative Clipping::max_norm flips the gradient; the run climbs
// away from the minimum with no error (driver.cpp rejects a negative lr for this very reason).
TEST_CASE("gradient clipping with a negative max_norm") {
  expect_throw<nabla::Error>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1},
                   {.stop = {.max_iterations = 20}, .clip = {.max_norm = -1.0}});
      },
      {"max_norm"});
}

// Fixed (issue 16, found here): a schedule whose rate is negative makes every step an ascent step,
// silently.
TEST_CASE("a custom schedule that returns a negative rate") {
  expect_throw<nabla::Error>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1},
                   {.schedule = optim::Schedule::custom([](std::int64_t, double) { return -0.1; },
                                                        "negative"),
                    .stop = {.max_iterations = 20}});
      },
      {"negative"});
}

TEST_CASE("a custom schedule that returns NaN is an error naming the schedule") {
  expect_throw<nabla::Error>(
      [] {
        return run(
            optim::GradientDescent{.lr = 0.1},
            {.schedule = optim::Schedule::custom(
                 [](std::int64_t, double) { return std::numeric_limits<double>::quiet_NaN(); },
                 "nan"),
             .stop = {.max_iterations = 20}});
      },
      {"schedule 'nan'", "step size nan at iteration 1"});
}

// Fixed (issue 16, found here): a negative l2 penalty makes the objective unbounded below; the run
// drifts off (x₀ = 40 after 200 steps) and reports max_iterations, not an error or a divergence.
TEST_CASE("a negative l2 penalty") {
  expect_throw<nabla::Error>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1},
                   {.stop = {.max_iterations = 200}, .penalty = {.l2 = -1.0}});
      },
      {"l2"});
}

// Fixed (issue 16, found here): a negative iteration budget is taken as 0: "reached the iteration
// budget (-5)".
TEST_CASE("a negative max_iterations") {
  expect_throw<nabla::Error>(
      [] { return run(optim::GradientDescent{.lr = 0.1}, {.stop = {.max_iterations = -5}}); },
      {"max_iterations"});
}

// Fixed (issue 16, found here): resume_from ignores x0 without comparing sizes, so an objective of
// 3 variables is called with the saved 2-vector (out-of-range reads in the user's code: UB in a
// release build, an Eigen assertion in a debug one). The objective here checks its input instead.
TEST_CASE("resuming a saved run for a problem of another size") {
  expect_throw<nabla::ShapeError>(
      [] {
        const optim::Result first =
            optim::minimize(bowl, Eigen::Vector2d(0, 1), optim::GradientDescent{.lr = 0.1},
                            {.stop = {.max_iterations = 5}});
        auto three = [](const VectorXv& w) {
          if (w.size() != 3) throw std::logic_error("the objective got a vector of another size");
          return w.squaredNorm();
        };
        return stopped(
            optim::minimize(three, Eigen::Vector3d(0, 1, 2), optim::GradientDescent{.lr = 0.1},
                            {.stop = {.max_iterations = 20}, .resume_from = &first.state}));
      },
      {"resume", "3"});
}

// A default-constructed RunState was reported as "another step rule (method index -1 vs 0)";
// now the message says the state holds no run (issue 16).
TEST_CASE("resuming from an empty RunState") {
  expect_throw<nabla::Error>(
      [] {
        const optim::RunState empty;
        return run(optim::GradientDescent{.lr = 0.1}, {.resume_from = &empty});
      },
      {"nabla::optim::minimize", "the saved state", "holds no run"});
}

// Adam with β₁ = 1 stopped as "diverged at iteration 1 ... lower the learning rate": β₁ was the
// cause (issue 16). A rule's own hyper-parameters are checked by name before the first step.
TEST_CASE("Adam with beta1 = 1") {
  expect_throw<nabla::Error>(
      [] { return run(optim::Adam{.lr = 0.1, .beta1 = 1.0}, {.stop = {.max_iterations = 20}}); },
      {"nabla::optim::minimize", "Adam.beta1 = 1", "[0, 1)"});
}

TEST_CASE("RMSprop with a negative alpha") {
  expect_throw<nabla::Error>([] { return run(optim::RMSprop{.lr = 0.1, .alpha = -0.5}); },
                             {"RMSprop.alpha = -0.5", "[0, 1)"});
}

TEST_CASE("Momentum with beta = 1") {
  expect_throw<nabla::Error>([] { return run(optim::Momentum{.lr = 0.1, .beta = 1.0}); },
                             {"Momentum.beta = 1", "[0, 1)"});
}

TEST_CASE("Adagrad with a negative eps") {
  expect_throw<nabla::Error>([] { return run(optim::Adagrad{.lr = 0.1, .eps = -1e-10}); },
                             {"Adagrad.eps = -1e-10", "[0, inf)"});
}

TEST_CASE("AdamW with an infinite weight_decay") {
  expect_throw<nabla::Error>(
      [] {
        return run(
            optim::AdamW{.lr = 0.1, .weight_decay = std::numeric_limits<double>::infinity()});
      },
      {"AdamW.weight_decay = inf", "finite"});
}

TEST_CASE("a callback that throws: the user's exception reaches the caller unchanged") {
  expect_throw<std::invalid_argument>(
      [] {
        return run(optim::GradientDescent{.lr = 0.1},
                   {.on_iteration = [](const optim::Progress& p) -> bool {
                     if (p.iteration == 3) throw std::invalid_argument("callback at iteration 3");
                     return false;
                   }});
      },
      {"callback at iteration 3"});
}

TEST_CASE("an objective that throws mid-run: the exception reaches the caller unchanged") {
  expect_throw<std::domain_error>(
      [] {
        int calls = 0;
        auto f = [&](const VectorXv& w) {
          if (++calls == 5) throw std::domain_error("objective failed at call 5");
          return w.squaredNorm();
        };
        return stopped(optim::minimize(f, Eigen::Vector2d(1, 1), optim::Adam{.lr = 0.1}));
      },
      {"objective failed at call 5"});
}

// ---- the method interface (issue 10) -------------------------------------------------------

// Adam at lr = 1000 pushed the loss from 2.3 to 23456 and ended "reached the epoch budget".
// Growth is judged on the full objective once per epoch, never on a batch loss.
TEST_CASE("a mini-batch run whose loss grows by orders of magnitude stops as diverged") {
  expect_return(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(
            Q, Eigen::Vector2d(0, 0), optim::Adam{.lr = 1000},
            {.batching = optim::Batching::mini_batch(3), .stop = {.max_epochs = 30}}));
      },
      {"diverged: diverged at epoch", "the loss grew from 1 to", "lower the learning rate",
       "lr = 1000", "x finite true"});
}

TEST_CASE("x0 of the wrong size for a lambda, with Options.dimension") {
  expect_throw<nabla::ShapeError>(
      [] { return run(optim::Adam{.lr = 0.1}, {.dimension = 3}); },
      {"nabla::optim::minimize", "x0 has size 2 but Options.dimension is 3"});
}

// A bare lambda's reads are invisible to the library: without Options.dimension, a lambda that
// reads w[2] of a 2-vector reads past the end (docs/optimizers.md says so). Under
// AddressSanitizer the read is caught (by ASan, or first by Eigen's bounds assertion when
// assertions are on); in every build the case checks that Options.dimension makes it an error.
TEST_CASE("a lambda that reads past the end of x0") {
  auto reads_three = [](const VectorXv& w) { return w[0] * w[0] + w[1] * w[1] + w[2] * w[2]; };
#if defined(__SANITIZE_ADDRESS__)
  const misuse::Outcome o = misuse::run_isolated([&] {
    return stopped(optim::minimize(reads_three, Eigen::Vector2d(1, 1), optim::Adam{.lr = 0.1}));
  });
  INFO(misuse::describe(o));
  CHECK(o.kind == misuse::Outcome::Kind::Crashed);
#if defined(NDEBUG)
  CHECK(o.stderr_.find("heap-buffer-overflow") != std::string::npos);
#else  // Eigen's own bounds assertion fires first in a build with assertions (CI's ASan build)
  CHECK((o.stderr_.find("heap-buffer-overflow") != std::string::npos ||
         o.stderr_.find("index < size()") != std::string::npos));
#endif
#endif
  expect_throw<nabla::ShapeError>(
      [&] {
        return stopped(optim::minimize(reads_three, Eigen::Vector2d(1, 1), optim::Adam{.lr = 0.1},
                                       {.dimension = 3}));
      },
      {"x0 has size 2 but Options.dimension is 3"});
}

TEST_CASE("a method name that does not exist") {
  expect_throw<nabla::Error>([] { return run(optim::method_from_name("adamm")); },
                             {"method_from_name", "no method is called 'adamm'", "adam, adamw"});
}

TEST_CASE("a method parameter that does not exist, or does not parse") {
  expect_throw<nabla::Error>(
      [] {
        return run(optim::method_from_name("rmsprop", {{"beta2", "0.9"}}));
      },
      {"rmsprop has no parameter 'beta2'", "its parameters: lr, alpha"});
  expect_throw<nabla::Error>(
      [] {
        return run(optim::method_from_name("rmsprop", {{"centered", "maybe"}}));
      },
      {"rmsprop.centered = 'maybe' is not true or false"});
}

TEST_CASE("a solver asked to take mini-batches") {
  expect_throw<nabla::Error>(
      [] {
        auto Q = data_sum();
        return stopped(optim::minimize(Q, Eigen::Vector2d(0, 0), optim::SteepestDescent{},
                                       {.batching = optim::Batching::mini_batch(3)}));
      },
      {"steepest_descent evaluates the full objective", "batching"});
}

namespace {
// A solver that needs a Hessian; as a Method its type is hidden, so the check is at run time.
struct NeedsHessian {
  static constexpr std::string_view name = "needs_hessian";
  static constexpr optim::Capabilities needs =
      optim::Capability::Value | optim::Capability::Gradient | optim::Capability::Hessian;
  void solve(optim::SolverRun& run) const {
    Eigen::MatrixXd h;
    run.hessian(run.x0(), h);
  }
};
}  // namespace

TEST_CASE("a method that needs the Hessian on a finite sum, which has none") {
  expect_throw<nabla::Error>(
      [] {
        auto Q = data_sum();
        const optim::Method m = NeedsHessian{};
        return stopped(optim::minimize(Q, Eigen::Vector2d(0, 0), m));
      },
      {"needs_hessian needs the Hessian, which this objective does not provide"});
}

TEST_CASE("Options.evaluate_every = 0 and StopCriteria.divergence_growth = 0") {
  expect_throw<nabla::Error>([] { return run(optim::Adam{.lr = 0.1}, {.evaluate_every = 0}); },
                             {"Options.evaluate_every = 0 must be > 0"});
  expect_throw<nabla::Error>(
      [] { return run(optim::Adam{.lr = 0.1}, {.stop = {.divergence_growth = 0.0}}); },
      {"StopCriteria.divergence_growth = 0 must be > 0"});
}

TEST_CASE("a backtracking search with c1 outside (0, 1)") {
  expect_throw<nabla::Error>(
      [] {
        return run(
            optim::SteepestDescent{.line_search = optim::LineSearch::backtracking({.c1 = 2.0})});
      },
      {"Backtracking.c1 = 2 must be in (0, 1)"});
}

TEST_CASE("resuming a solver from a step rule's saved state") {
  expect_throw<nabla::Error>(
      [] {
        const optim::Result first = optim::minimize(
            bowl, Eigen::Vector2d(0, 1), optim::Adam{.lr = 0.1}, {.stop = {.max_iterations = 5}});
        return run(optim::SteepestDescent{}, {.resume_from = &first.state});
      },
      {"the saved state belongs to another method ('adam', not 'steepest_descent')"});
}

namespace {
// A two-block least-squares model on BatchObjective: y ≈ X·W + b.
auto blocks_objective() {
  optim::Parameters p;
  p.add("W", Eigen::MatrixXd::Zero(2, 1)).add("b", Eigen::MatrixXd::Zero(1, 1));
  auto loss = [](const optim::Blocks& q, const nabla::Mat& X, const Eigen::VectorXd& y) {
    return nabla::mse(X * q["W"] + q["b"], Eigen::MatrixXd(y));
  };
  return optim::BatchObjective(p, design(10, 2), Eigen::VectorXd(Eigen::VectorXd::Ones(10)), loss);
}
std::string run_groups(std::vector<optim::ParameterGroup> groups) {
  auto Q = blocks_objective();
  optim::Options o{.stop = {.max_iterations = 3}};
  o.groups = std::move(groups);
  return stopped(optim::minimize(Q, Q.x0(), optim::Adam{.lr = 0.1}, o));
}
// A user rule without a weight_decay field.
struct PlainStep {
  static constexpr std::string_view name = "plain_step";
  double lr = 0.1;
  void init(optim::StepState& s, Eigen::Index n) const { s.buffers.assign(0, Eigen::VectorXd(n)); }
  void step(optim::StepState& /*s*/, Eigen::VectorXd& x, const Eigen::VectorXd& g,
            double eta) const {
    x -= eta * g;
  }
};
}  // namespace

TEST_CASE("parameter groups naming a block that does not exist, or one twice") {
  expect_throw<nabla::Error>(
      [] {
        return run_groups({{.blocks = {"W", "c"}}});
      },
      {"Options.groups[0]", "'c'", "W, b"});
  expect_throw<nabla::Error>(
      [] {
        return run_groups({{.blocks = {"W"}}, {.blocks = {"b", "W"}, .frozen = true}});
      },
      {"Options.groups[1]: block 'W' is already in Options.groups[0]"});
  expect_throw<nabla::Error>([] { return run_groups({{.blocks = {}}}); },
                             {"Options.groups[0]: names no block"});
}

TEST_CASE("parameter groups with a negative lr_scale or weight_decay, or every block frozen") {
  expect_throw<nabla::Error>([] { return run_groups({{.blocks = {"b"}, .lr_scale = -1.0}}); },
                             {"Options.groups[0]: lr_scale = -1 must be >= 0 and finite"});
  expect_throw<nabla::Error>([] { return run_groups({{.blocks = {"W"}, .weight_decay = -0.5}}); },
                             {"Options.groups[0]: weight_decay = -0.5 must be >= 0 and finite"});
  expect_throw<nabla::Error>(
      [] {
        return run_groups({{.blocks = {"W", "b"}, .frozen = true}});
      },
      {"Options.groups freezes every block: nothing to train"});
}

TEST_CASE(
    "parameter groups on an objective without blocks, with a solver, or a rule without "
    "weight_decay") {
  expect_throw<nabla::Error>(
      [] {
        optim::Options o;
        o.groups = {{.blocks = {"W"}, .frozen = true}};
        return run(optim::Adam{.lr = 0.1}, o);
      },
      {"Options.groups names parameter blocks, but this objective has none"});
  expect_throw<nabla::Error>(
      [] {
        auto Q = blocks_objective();
        optim::Options o;
        o.groups = {{.blocks = {"b"}, .frozen = true}};
        return stopped(optim::minimize(Q, Q.x0(), optim::SteepestDescent{}, o));
      },
      {"Options.groups", "apply to step rules; steepest_descent is a solver"});
  expect_throw<nabla::Error>(
      [] {
        auto Q = blocks_objective();
        optim::Options o{.stop = {.max_iterations = 2}};
        o.groups = {{.blocks = {"b"}, .weight_decay = 0.0}};
        return stopped(optim::minimize(Q, Q.x0(), PlainStep{}, o));
      },
      {"Options.groups sets a weight_decay", "'plain_step' has no weight_decay field"});
}

TEST_CASE("resuming a grouped run with other groups") {
  expect_throw<nabla::Error>(
      [] {
        auto Q = blocks_objective();
        optim::Options o{.stop = {.max_iterations = 2}};
        o.groups = {{.blocks = {"b"}, .lr_scale = 0.5}};
        const optim::Result first = optim::minimize(Q, Q.x0(), optim::Adam{.lr = 0.1}, o);
        optim::Options again{.stop = {.max_iterations = 4}};
        again.resume_from = &first.state;
        return stopped(optim::minimize(Q, Eigen::VectorXd(), optim::Adam{.lr = 0.1}, again));
      },
      {"the saved state has 2 parameter-group states but Options.groups makes 0"});
}
