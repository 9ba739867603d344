// The acceptance figures of the global methods over 10 seeds (suite `long`, release only; the
// default suite runs a few seeds in global_search_test.cpp): DualAnnealing on the shifted
// Rastrigin to |f − f*| ≤ 1e-6, 2-D within 10⁵ and 10-D within 10⁶ evaluations, 10 of 10 seeds;
// DifferentialEvolution and GeneticAlgorithm on shifted Ackley-2D, shifted Rastrigin-2D and
// shifted Himmelblau to 1e-2 within 10⁵ evaluations in at least 9 of 10 seeds. Each case prints its
// tally (seeds passed, median evaluations): the table of docs/optimizers.md.
#include <doctest/doctest.h>

#include <string>

#include <nabla/optim.hpp>

#include "global/problems.hpp"

namespace opt = nabla::optim;
using Eigen::VectorXd;
using global_test::Tally;

namespace {

VectorXd box(double v) { return VectorXd::Constant(1, v); }

opt::Options seeded(std::uint64_t seed, std::int64_t max_evaluations) {
  opt::Options o;
  o.seed = seed;
  o.stop.max_evaluations = max_evaluations;
  return o;
}

Tally rastrigin_annealing(Eigen::Index n, std::int64_t budget, double tol) {
  Tally t;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const opt::Result r = opt::minimize(global_test::rastrigin(global_test::shift(seed, n)),
                                        global_test::start(seed, n, -5.12, 5.12),
                                        opt::DualAnnealing{.lower = box(-5.12), .upper = box(5.12)},
                                        seeded(seed, budget));
    CHECK(r.evaluations.values <= budget);
    t.add(r, tol);
  }
  return t;
}

opt::Method in_box(const std::string& name, double lo, double hi) {
  if (name == "differential_evolution")
    return opt::DifferentialEvolution{.lower = box(lo), .upper = box(hi)};
  return opt::GeneticAlgorithm{.lower = box(lo), .upper = box(hi)};
}

}  // namespace

TEST_CASE("DualAnnealing: shifted Rastrigin 2-D and 10-D, 10 of 10 seeds to 1e-6") {
  Tally two = rastrigin_annealing(2, 100000, 1e-6);
  MESSAGE("dual_annealing rastrigin-2d: ", two.passed, "/10, median evaluations ", two.median());
  CHECK(two.passed == 10);
  Tally ten = rastrigin_annealing(10, 1000000, 1e-6);
  MESSAGE("dual_annealing rastrigin-10d: ", ten.passed, "/10, median evaluations ", ten.median());
  CHECK(ten.passed == 10);
}

TEST_CASE("DifferentialEvolution and GeneticAlgorithm: 9 of 10 seeds to 1e-2") {
  for (const std::string name : {"differential_evolution", "genetic_algorithm"}) {
    Tally ackley, rastrigin, himmelblau;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const VectorXd s = global_test::shift(seed, 2);
      ackley.add(opt::minimize(global_test::ackley(s), global_test::start(seed, 2, -5, 5),
                               in_box(name, -5, 5), seeded(seed, 100000)),
                 1e-2);
      rastrigin.add(
          opt::minimize(global_test::rastrigin(s), global_test::start(seed, 2, -5.12, 5.12),
                        in_box(name, -5.12, 5.12), seeded(seed, 100000)),
          1e-2);
      himmelblau.add(opt::minimize(global_test::himmelblau_at(global_test::himmelblau_shift(seed)),
                                   global_test::start(seed, 2, -5, 5), in_box(name, -5, 5),
                                   seeded(seed, 100000)),
                     1e-2);
    }
    MESSAGE(name, " ackley-2d: ", ackley.passed, "/10, median evaluations ", ackley.median());
    MESSAGE(name, " rastrigin-2d: ", rastrigin.passed, "/10, median evaluations ",
            rastrigin.median());
    MESSAGE(name, " himmelblau: ", himmelblau.passed, "/10, median evaluations ",
            himmelblau.median());
    CHECK(ackley.passed >= 9);
    CHECK(rastrigin.passed >= 9);
    CHECK(himmelblau.passed >= 9);
  }
}
