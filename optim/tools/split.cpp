#include <nabla/optim/tools/split.hpp>

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

std::vector<Eigen::Index> numpy_permutation(Eigen::Index n, std::uint32_t seed) {
  std::vector<Eigen::Index> a(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) a[static_cast<std::size_t>(i)] = i;
  // std::mt19937's seeding is MT19937's init_genrand, which RandomState(int) uses.
  std::mt19937 mt(seed);
  for (Eigen::Index i = n - 1; i > 0; --i) {
    // numpy's rk_interval(i): the smallest all-ones mask covering i, redraw above i.
    auto mask = static_cast<std::uint64_t>(i);
    for (int s = 1; s <= 32; s <<= 1) mask |= mask >> s;
    std::uint64_t v = 0;
    do {
      v = static_cast<std::uint64_t>(mt()) & mask;
    } while (v > static_cast<std::uint64_t>(i));
    std::swap(a[static_cast<std::size_t>(i)], a[static_cast<std::size_t>(v)]);
  }
  return a;
}

Split train_test_split(Eigen::Index n, double test_fraction, std::uint32_t seed) {
  if (!(test_fraction > 0.0 && test_fraction < 1.0) || n < 2)
    throw Error(fmt::format(
        "nabla::optim::train_test_split: test_fraction = {} must be in (0, 1) and n = {} >= 2",
        test_fraction, n));
  // scikit-learn: n_test = ceil(test_size·n), n_train = n − n_test.
  const auto n_test = static_cast<Eigen::Index>(std::ceil(test_fraction * static_cast<double>(n)));
  const std::vector<Eigen::Index> p = numpy_permutation(n, seed);
  Split s;
  s.test.assign(p.begin(), p.begin() + n_test);
  s.train.assign(p.begin() + n_test, p.end());
  return s;
}

}  // namespace nabla::optim
