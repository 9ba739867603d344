// train_test_split reproduces scikit-learn's indices (tests/optim/reference/split_reference.py
// printed the numbers below) and numpy's RandomState(seed).permutation.
#include <doctest/doctest.h>

#include <numeric>
#include <vector>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Indices = std::vector<Eigen::Index>;

TEST_CASE("the digits split of examples/train_mlp is scikit-learn's, index for index") {
  const opt::Split s = opt::train_test_split(1797, 0.2, 0);
  CHECK(s.test.size() == 360);
  CHECK(s.train.size() == 1437);
  CHECK(Indices(s.test.begin(), s.test.begin() + 12) ==
        Indices{1081, 1707, 927, 713, 262, 182, 303, 895, 933, 1266, 788, 1410});
  CHECK(Indices(s.train.begin(), s.train.begin() + 12) ==
        Indices{1109, 940, 192, 260, 1148, 966, 1720, 554, 308, 512, 655, 360});
  CHECK(Indices(s.train.end() - 4, s.train.end()) == Indices{1216, 1653, 559, 684});
  CHECK(std::accumulate(s.test.begin(), s.test.end(), Eigen::Index{0}) == 310906);
  const opt::Split v = opt::train_test_split(1437, 0.1, 0);
  CHECK(v.test.size() == 144);
  CHECK(v.train.size() == 1293);
  CHECK(Indices(v.test.begin(), v.test.begin() + 12) ==
        Indices{52, 34, 987, 1334, 517, 233, 487, 1273, 1364, 1224, 798, 333});
  CHECK(std::accumulate(v.test.begin(), v.test.end(), Eigen::Index{0}) == 105900);
}

TEST_CASE("a permutation holds every index once; a bad fraction is an error") {
  Indices p = opt::numpy_permutation(1000, 12345);
  std::sort(p.begin(), p.end());
  Indices every(1000);
  std::iota(every.begin(), every.end(), Eigen::Index{0});
  CHECK(p == every);
  CHECK_THROWS_WITH_AS(opt::train_test_split(10, 1.0, 0),
                       doctest::Contains("test_fraction = 1 must be in (0, 1)"), nabla::Error);
}
