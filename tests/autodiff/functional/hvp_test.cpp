// Hessian–vector products: hvp = hessian·v, closed forms, and no 0·inf from unused kinks.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/hessian.hpp>
#include <nabla/autodiff/functional/hvp.hpp>
#include <string_view>

using nabla::Var;
using nabla::VectorXv;

TEST_CASE("hvp equals hessian·v") {
  auto f = [](const VectorXv& x) {
    Var s = 0.0;
    for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
      s += exp(0.1 * x[i] * x[i + 1]) + log(1.0 + x[i] * x[i]) * sin(x[i + 1]);
    return s / x.size() + x.squaredNorm();
  };
  Eigen::VectorXd x(5), v(5);
  x << 0.2, -1.0, 0.7, 1.3, -0.4;
  v << 1.0, 0.5, -2.0, 0.25, 3.0;
  const Eigen::MatrixXd h = nabla::hessian(f, x);
  const Eigen::VectorXd hv = nabla::hvp(f, x, v);
  CHECK((hv - h * v).cwiseAbs().maxCoeff() < 1e-13 * (1 + (h * v).cwiseAbs().maxCoeff()));
}

TEST_CASE("hvp closed forms: x₀²x₁ and least squares") {
  auto f = [](const VectorXv& x) { return x[0] * x[0] * x[1]; };  // H = [[2x₁, 2x₀], [2x₀, 0]]
  const Eigen::VectorXd hv = nabla::hvp(f, Eigen::Vector2d(1, 2), Eigen::Vector2d(1, 0));
  CHECK(hv[0] == 4.0);
  CHECK(hv[1] == 2.0);
  // ‖Aw − y‖²/l: H = 2AᵀA/l.
  Eigen::MatrixXd a(3, 2);
  a << 1, 2, 0, -1, 3, 0.5;
  const Eigen::Vector3d y(1, 0, -2);
  auto ls = [&](const VectorXv& w) { return VectorXv(a * w - y).squaredNorm() / 3.0; };
  const Eigen::Vector2d v(0.3, -0.7);
  const Eigen::VectorXd expected = 2.0 * a.transpose() * a * v / 3.0;
  CHECK((nabla::hvp(ls, Eigen::Vector2d(0.1, 0.2), v) - expected).cwiseAbs().maxCoeff() < 1e-14);
}

TEST_CASE("an unused infinite partial does not turn H·v into NaN") {
  // sqrt at 0 has an infinite derivative, but its adjoint is zero.
  auto f = [](const VectorXv& x) { return 0.0 * sqrt(x[0]) + x[1] * x[1] * x[0]; };
  const Eigen::VectorXd hv = nabla::hvp(f, Eigen::Vector2d(0, 3), Eigen::Vector2d(0, 1));
  CHECK(hv[0] == 6.0);
  CHECK(hv[1] == 0.0);
}

namespace {

// A two-output extension record, as matrix nodes are: own value a·b, output 0 = sin(a)·b.
// It implements every optional hook, so the forward, dual and watched sweeps can be checked
// against the same function written with scalar operations.
class ProductSine final : public nabla::Extension {
 public:
  ProductSine(std::uint32_t ia, std::uint32_t ib) : ia_(ia), ib_(ib) {}
  std::string_view name() const noexcept override { return "product_sine"; }
  void reverse(double own, nabla::Tape& tape) override {
    const double a = tape.value_at(ia_), b = tape.value_at(ib_);
    tape.add_adjoint_at(ia_, own * b + out_adj_ * std::cos(a) * b);
    tape.add_adjoint_at(ib_, own * a + out_adj_ * std::sin(a));
    out_adj_ = 0.0;
  }
  void add_output_adjoint(std::uint32_t, double w) override { out_adj_ += w; }
  double forward(const nabla::Tape& tape) override {
    out_ = std::sin(tape.value_at(ia_)) * tape.value_at(ib_);
    return tape.value_at(ia_) * tape.value_at(ib_);
  }
  double output_value(std::uint32_t) const override { return out_; }
  double tangent(const nabla::Tape& tape, const double* t) override {
    const double a = tape.value_at(ia_), b = tape.value_at(ib_);
    out_t_ = std::cos(a) * b * t[ia_] + std::sin(a) * t[ib_];
    return t[ia_] * b + a * t[ib_];
  }
  double output_tangent(std::uint32_t) const override { return out_t_; }
  nabla::Dual forward_dual(const nabla::Dual* v) override {
    out_d_ = sin(v[ia_]) * v[ib_];
    return v[ia_] * v[ib_];
  }
  nabla::Dual output_dual(std::uint32_t) const override { return out_d_; }
  void reverse_dual(nabla::Dual own, const nabla::Dual* v, nabla::Dual* adj) override {
    adj[ia_] += own * v[ib_] + out_adj_d_ * cos(v[ia_]) * v[ib_];
    adj[ib_] += own * v[ia_] + out_adj_d_ * sin(v[ia_]);
    out_adj_d_ = nabla::Dual();
  }
  void add_output_adjoint_dual(std::uint32_t, nabla::Dual w) override { out_adj_d_ += w; }

 private:
  std::uint32_t ia_, ib_;
  double out_ = 0.0, out_adj_ = 0.0, out_t_ = 0.0;
  nabla::Dual out_d_, out_adj_d_;
};

// f(x) = (x₀x₁)·x₂ + (sin(x₀)·x₁)², through the extension or through scalar records.
Var through_extension(const VectorXv& x) {
  nabla::Tape& tape = *nabla::Tape::active();
  const double a = x[0].value(), b = x[1].value();
  const Var own =
      tape.push_extension(std::make_unique<ProductSine>(x[0].index(), x[1].index()), a * b);
  const Var out = tape.push_extension_output(own, 0, std::sin(a) * b);
  return own * x[2] + out * out;
}
Var through_scalars(const VectorXv& x) {
  const Var out = sin(x[0]) * x[1];
  return x[0] * x[1] * x[2] + out * out;
}
VectorXv vector_through_extension(const VectorXv& x) {
  nabla::Tape& tape = *nabla::Tape::active();
  const double a = x[0].value(), b = x[1].value();
  const Var own =
      tape.push_extension(std::make_unique<ProductSine>(x[0].index(), x[1].index()), a * b);
  VectorXv y(3);
  y << own, tape.push_extension_output(own, 0, std::sin(a) * b), own * x[2];
  return y;
}

}  // namespace

TEST_CASE("extension records: hvp, hessian and jvp use the optional hooks") {
  const Eigen::Vector3d x(0.4, -1.3, 0.9), v(0.5, 2.0, -1.0);
  const Eigen::MatrixXd h_ext = nabla::hessian(through_extension, x);
  const Eigen::MatrixXd h_ref = nabla::hessian(through_scalars, x);
  CHECK((h_ext - h_ref).cwiseAbs().maxCoeff() < 1e-13);
  CHECK((nabla::hvp(through_extension, x, v) - h_ref * v).cwiseAbs().maxCoeff() < 1e-13);
  const Eigen::MatrixXd j_rev = nabla::jacobian(vector_through_extension, x, nabla::Mode::Reverse);
  const Eigen::MatrixXd j_fwd = nabla::jacobian(vector_through_extension, x, nabla::Mode::Forward);
  CHECK((j_rev - j_fwd).cwiseAbs().maxCoeff() < 1e-14);
  CHECK(j_fwd(1, 0) == doctest::Approx(std::cos(0.4) * -1.3).epsilon(1e-14));
  CHECK((nabla::jvp(vector_through_extension, x, v) - j_rev * v).cwiseAbs().maxCoeff() < 1e-14);
}
