// The run history and its CSV export.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;

TEST_CASE("one row per iteration, CSV with a header, every n-th row") {
  auto f = [](const nabla::VectorXv& x) { return 0.5 * x[0] * x[0]; };
  opt::Options o;
  o.stop.max_iterations = 3;
  o.history.record_x = true;
  const auto r =
      opt::minimize(f, Eigen::VectorXd::Constant(1, 1.0), opt::GradientDescent{.lr = 0.5}, o);
  REQUIRE(r.history.rows.size() == 4);  // x_0 … x_3
  CHECK(r.history.rows[2].loss == 0.5 * 0.0625);
  CHECK(r.history.rows[2].gradient_norm == 0.25);
  CHECK(r.history.rows[2].step_norm == 0.25);
  CHECK(r.history.rows[2].step_size == 0.5);
  const std::string csv = r.history.to_csv();
  CHECK(csv.rfind("iteration,epoch,loss,gradient_norm,step_size,step_norm,x0\n0,0,0.5,1,0,0,1\n",
                  0) == 0);
  const std::string path = "optim_history_test.csv";
  r.history.save_csv(path);
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  CHECK(buf.str() == csv);
  std::remove(path.c_str());
  CHECK_THROWS_AS(r.history.save_csv("/nonexistent-dir/x.csv"), nabla::Error);
  o.stop.max_iterations = 10;
  o.history.every = 4;
  const auto r4 =
      opt::minimize(f, Eigen::VectorXd::Constant(1, 1.0), opt::GradientDescent{.lr = 0.5}, o);
  REQUIRE(r4.history.rows.size() == 4);  // 0, 4, 8 and the last (10)
  CHECK(r4.history.rows.back().iteration == 10);
}
