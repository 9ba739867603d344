#include <nabla/autodiff/matrix/dropout.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/core/mode.hpp>
#include <nabla/autodiff/matrix/node.hpp>

namespace nabla {

namespace {

using detail::MatNode;
using detail::MatOperand;

std::uint64_t splitmix64(std::uint64_t z) noexcept {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Output = mask ⊙ X with mask entries 0 or 1/(1 − p): linear, so every order is the same
// product.
class DropoutNode final : public MatNode {
 public:
  DropoutNode(MatOperand a, Eigen::MatrixXd mask) : a_(std::move(a)), mask_(std::move(mask)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "dropout"; }
  bool describe(std::vector<detail::OperandView>& inputs) const override {
    inputs.push_back(detail::view("A", a_));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "C = M ⊙ A with the step's mask M (entries 0 or 1/(1 − p)): dA += M ⊙ dC";
  }
  void evaluate(const Tape* /*tape*/) override {
    shape(a_.value().rows(), a_.value().cols());
    value_ = a_.value().cwiseProduct(mask_);
  }
  void backward(Tape& /*tape*/) override { a_.add_adjoint(adjoint_.cwiseProduct(mask_)); }

 protected:
  void forward_tangent(const detail::ScalarTangents& /*st*/) override {
    tangent_ = a_.tangent().cwiseProduct(mask_);
  }
  void backward_dual(Dual* /*adjoints*/) override {
    a_.add_dual_adjoint(dual_adjoint_v_.cwiseProduct(mask_), dual_adjoint_t_.cwiseProduct(mask_));
  }

 private:
  MatOperand a_;
  Eigen::MatrixXd mask_;
};

}  // namespace

bool dropout_keeps(double p, std::uint64_t seed, std::uint64_t step, std::uint64_t batch,
                   std::uint64_t k) noexcept {
  const std::uint64_t h = splitmix64(splitmix64(splitmix64(splitmix64(seed) ^ step) ^ batch) ^ k);
  // The top 53 bits as a uniform double in [0, 1): exact, so identical on every compiler.
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  return u >= p;
}

Mat dropout(const Mat& X, double p, std::uint64_t seed) {
  if (!(p >= 0.0 && p < 1.0))
    throw Error(fmt::format("nabla::dropout: p = {} must be in [0, 1)", p));
  if (p == 0.0 || current_train_mode() == TrainMode::Evaluation) return X;
  const StepContext ctx = current_step();
  const Eigen::Index rows = X.rows(), cols = X.cols();
  Eigen::MatrixXd mask(rows, cols);
  const double scale = 1.0 / (1.0 - p);
  for (Eigen::Index k = 0; k < rows * cols; ++k)
    mask(k) =
        dropout_keeps(p, seed, ctx.step, ctx.batch, static_cast<std::uint64_t>(k)) ? scale : 0.0;
  Tape* t = detail::tape_of("dropout", X);
  return detail::finish(t, std::make_unique<DropoutNode>(X.operand("dropout", t), std::move(mask)));
}

}  // namespace nabla
