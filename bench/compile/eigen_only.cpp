// Compile-time baseline: a file that only includes <Eigen/Core> and does a little work.
#include <Eigen/Core>

int main() {
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(3, 1.0, 3.0);
  return x.squaredNorm() > 0.0 ? 0 : 1;
}
