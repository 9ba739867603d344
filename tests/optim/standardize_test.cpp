// Feature standardisation: fitted on training data, applied unchanged to test data.
#include <doctest/doctest.h>

#include <nabla/optim/tools/standardize.hpp>

namespace opt = nabla::optim;

TEST_CASE("fit on train, apply to test") {
  Eigen::MatrixXd train(4, 2);
  train << 1, 10, 2, 10, 3, 10, 4, 10;  // column 0: mean 2.5, std √1.25; column 1 constant
  const opt::Standardizer s(train);
  CHECK(s.mean()[0] == 2.5);
  CHECK(s.scale()[0] == doctest::Approx(std::sqrt(1.25)));
  CHECK(s.scale()[1] == 1.0);  // constant column: centred only
  const Eigen::MatrixXd z = s.transform(train);
  CHECK(z.col(0).mean() == doctest::Approx(0.0));
  CHECK(z.col(0).squaredNorm() / 4 == doctest::Approx(1.0));
  CHECK(z.col(1).norm() == 0.0);
  Eigen::MatrixXd test(1, 2);
  test << 5, 11;
  const Eigen::MatrixXd zt = s.transform(test);
  CHECK(zt(0, 0) == doctest::Approx(2.5 / std::sqrt(1.25)));  // train statistics, not refitted
  CHECK(zt(0, 1) == 1.0);
  CHECK_THROWS_AS(static_cast<void>(s.transform(Eigen::MatrixXd(1, 3))), nabla::ShapeError);
  CHECK_THROWS_AS(opt::Standardizer(Eigen::MatrixXd(0, 2)), nabla::ShapeError);
}
