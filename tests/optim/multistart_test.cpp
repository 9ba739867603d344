// Multistart: L-BFGS from 20 seeded starts in [−5, 5]² finds all four minima of Himmelblau's
// function shifted by a seeded s (tests/optim/reference/himmelblau_minima.py: scipy's fsolve on
// ∇f printed the unshifted ones) to 1e-6; the result is bit-identical for 1, 2 and 4 workers; a
// value-only objective works with Nelder–Mead; an objective that cannot be copied runs serially
// with a notice; bad input is named.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::VectorXd;
using nabla::Var;
using nabla::VectorXv;

namespace {

// Himmelblau's four minima moved by a seeded shift s ∈ [−1, 1]² (they stay inside [−5, 5]²).
const Eigen::Vector2d shift = [] {
  opt::Rng rng(42);
  const double a = -1.0 + 2.0 * rng.uniform();
  return Eigen::Vector2d(a, -1.0 + 2.0 * rng.uniform());
}();

Var himmelblau(const VectorXv& p) {
  const Var x = p[0] - shift[0], y = p[1] - shift[1];
  const Var a = x * x + y - 11.0;
  const Var b = x + y * y - 7.0;
  return a * a + b * b;
}

std::vector<VectorXd> reference_minima() {
  std::ifstream in(NABLA_REFERENCE_DIR "/himmelblau_minima.txt");
  REQUIRE(in.good());
  std::vector<VectorXd> out;
  double x = 0.0, y = 0.0, f = 0.0;
  while (in >> x >> y >> f) out.emplace_back(Eigen::Vector2d(x, y) + shift);
  REQUIRE(out.size() == 4);
  return out;
}

const opt::MultistartOptions himmelblau_starts{
    .starts = 20, .lower = Eigen::Vector2d(-5, -5), .upper = Eigen::Vector2d(5, 5), .seed = 7};
const opt::Options tight{.stop = {.gradient_norm = 1e-10}};

}  // namespace

TEST_CASE("multistart L-BFGS finds all four Himmelblau minima to 1e-6") {
  const auto r = opt::multistart(himmelblau, opt::LBFGS{}, himmelblau_starts, tight);
  REQUIRE(r.runs.size() == 20);
  REQUIRE(r.minima.size() == 4);
  int reached = 0;
  for (const VectorXd& m : reference_minima()) {
    bool found = false;
    for (const auto& local : r.minima)
      if ((local.x - m).lpNorm<Eigen::Infinity>() <= 1e-6) {
        found = true;
        CHECK(local.value <= 1e-12);
        reached += static_cast<int>(local.starts.size());
      }
    CHECK_MESSAGE(found, "no start reached the minimum at (" << m[0] << ", " << m[1] << ")");
  }
  CHECK(reached == 20);
  CHECK(r.value <= 1e-12);
  CHECK(r.value == r.runs[static_cast<std::size_t>(r.best_start)].value);
  std::int64_t values = 0;
  for (const auto& run : r.runs) values += run.evaluations.values;
  CHECK(r.evaluations.values == values);
}

TEST_CASE("multistart is bit-identical whatever the number of workers") {
  opt::ThreadPool four(4);
  auto with = [&](unsigned threads) {
    auto s = himmelblau_starts;
    s.pool = &four;
    s.threads = threads;
    return opt::multistart(himmelblau, opt::LBFGS{}, s, tight);
  };
  const auto one = with(1), two = with(2), all = with(0);
  CHECK(one.threads == 1);
  CHECK(all.threads == four.size());  // 4, or 1 with a BLAS unsafe across threads
  for (const auto* other : {&two, &all}) {
    REQUIRE(other->runs.size() == one.runs.size());
    for (std::size_t k = 0; k < one.runs.size(); ++k) {
      CHECK(other->start_points[k] == one.start_points[k]);
      CHECK(other->runs[k].x == one.runs[k].x);
      CHECK(other->runs[k].evaluations == one.runs[k].evaluations);
    }
    CHECK(other->best_start == one.best_start);
  }
}

TEST_CASE("multistart over a value-only function with Nelder-Mead, starts from a distribution") {
  auto bowl = [](const VectorXd& x) { return (x.array() - 1.0).square().sum(); };
  const auto r = opt::multistart(bowl, opt::NelderMead{.xatol = 1e-8, .fatol = 1e-12},
                                 {.starts = 6,
                                  .sample =
                                      [](opt::Rng& rng) {
                                        VectorXd x(3);
                                        for (auto& v : x) v = 4.0 * rng.normal();
                                        return x;
                                      },
                                  .seed = 3});
  REQUIRE(r.minima.size() == 1);
  CHECK(r.minima[0].starts.size() == 6);
  CHECK((r.x.array() - 1.0).abs().maxCoeff() <= 1e-6);
}

namespace {
// An Objective that cannot be copied (clone() returns nullptr, the default).
class Uncopyable final : public opt::Objective {
 public:
  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] std::optional<Eigen::Index> dimension() const override { return 2; }
  double value(const VectorXd& w) override {
    threads.insert(std::this_thread::get_id());
    return (w - Eigen::Vector2d(1, -1)).squaredNorm();
  }
  double value_gradient(const VectorXd& w, VectorXd& g) override {
    g = 2.0 * (w - Eigen::Vector2d(1, -1));
    return value(w);
  }
  double batch_value_gradient(const VectorXd&, std::span<const std::int64_t>, VectorXd&) override {
    throw nabla::Error("no batches");
  }
  std::set<std::thread::id> threads;  // unguarded: only safe because the starts run serially
};
}  // namespace

TEST_CASE("an objective that cannot be copied runs its starts serially, with a notice") {
  Uncopyable f;
  opt::ThreadPool four(4);
  const auto r = opt::multistart(f, opt::LBFGS{},
                                 {.starts = 8,
                                  .lower = VectorXd::Constant(1, -3.0),
                                  .upper = VectorXd::Constant(1, 3.0),
                                  .pool = &four});
  CHECK(r.threads == 1);
  if (four.size() > 1) CHECK(r.notice.find("cannot be copied") != std::string::npos);
  CHECK(f.threads.size() == 1);
  CHECK((r.x - Eigen::Vector2d(1, -1)).norm() <= 1e-6);
}

TEST_CASE("multistart's bad input is named") {
  CHECK_THROWS_WITH_AS(opt::multistart(himmelblau, opt::LBFGS{}, {.starts = 0}),
                       doctest::Contains("starts = 0"), nabla::Error);
  CHECK_THROWS_WITH_AS(
      opt::multistart(himmelblau, opt::LBFGS{},
                      {.lower = Eigen::Vector2d(0, 1), .upper = Eigen::Vector2d(1, 0)}),
      doctest::Contains("coordinate 1 has [1, 0]"), nabla::Error);
  CHECK_THROWS_WITH_AS(opt::multistart(himmelblau, opt::LBFGS{}, {}),
                       doctest::Contains("dimension is unknown"), nabla::Error);
}
