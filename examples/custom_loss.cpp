// A custom loss and its gradient: mean logistic loss plus a ridge penalty, written with Var and
// Eigen, differentiated by nabla::gradient and checked against finite differences.
#include <fmt/format.h>

#include <nabla/autodiff.hpp>

int main() {
  const Eigen::MatrixXd X{{1.0, 2.0}, {-1.0, 0.5}, {0.3, -1.2}};  // one sample per row
  const Eigen::VectorXd y{{1.0, -1.0, 1.0}};                      // labels ±1

  auto loss = [&](const nabla::VectorXv& w) {
    const nabla::VectorXv margin = y.cwiseProduct(X * w);  // yᵢ·xᵢᵀw, mixed double·Var
    nabla::Var sum = 0.0;
    for (const nabla::Var& m : margin) sum += softplus(-m);  // log(1 + e^(−m)), overflow-safe
    return sum / double(X.rows()) + 0.01 * w.squaredNorm();
  };

  const Eigen::VectorXd w{{0.5, -0.25}};
  const Eigen::VectorXd g = nabla::gradient(loss, w);
  const nabla::GradcheckResult check = nabla::gradcheck(loss, w);
  fmt::print("loss     = {:.6f}\ngradient = ({:.6f}, {:.6f})\n", check.value, g[0], g[1]);
  fmt::print("gradcheck: max error {:.1e} at index {}\n", check.error, check.worst_index);
  return check.passed(1e-8) ? 0 : 1;
}
