// scikit-learn's train_test_split(range(n), test_size=f, random_state=seed), index for index:
// numpy's legacy RandomState(seed).permutation(n) (MT19937 seeded by init_genrand, a
// Fisher–Yates shuffle drawing with masked rejection), the first ⌈f·n⌉ indices for test, the
// rest for training. A split made in Python is the same split here.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace nabla::optim {

struct Split {
  std::vector<Eigen::Index> train;
  std::vector<Eigen::Index> test;
};

// numpy.random.RandomState(seed).permutation(n).
std::vector<Eigen::Index> numpy_permutation(Eigen::Index n, std::uint32_t seed);

// train_test_split with test_size = test_fraction in (0, 1) and shuffle=True.
Split train_test_split(Eigen::Index n, double test_fraction, std::uint32_t seed);

}  // namespace nabla::optim
