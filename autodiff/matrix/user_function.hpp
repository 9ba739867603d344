// User-defined matrix operations: the user gives the value and the vector–Jacobian product,
// and the operation records like a built-in (one record; replayable; shapes checked).
//
//   // softsign(A) = A ⊘ (1 + |A|), element-wise
//   const auto softsign = nabla::matrix_function<1>(
//       "softsign",
//       [](const Eigen::MatrixXd& a) -> Eigen::MatrixXd {
//         return a.array() / (1.0 + a.array().abs());
//       },
//       // vjp(dC, C, A): the adjoint of A given the adjoint dC of the output C
//       [](const Eigen::MatrixXd& dc, const Eigen::MatrixXd& /*c*/, const Eigen::MatrixXd& a)
//           -> Eigen::MatrixXd { return dc.array() / (1.0 + a.array().abs()).square(); });
//   nabla::Mat s = softsign(x);
//
// With N > 1 inputs the VJP returns std::array<Eigen::MatrixXd, N>, one adjoint per input in
// order, each of its input's shape (an empty matrix means "no contribution").
#pragma once

#include <fmt/format.h>

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <nabla/autodiff/core/error.hpp>
#include <nabla/autodiff/matrix/mat.hpp>
#include <nabla/autodiff/matrix/node.hpp>

namespace nabla {

namespace detail {

template <std::size_t N>
struct MatrixFunctionImplBase {
  std::string name;
  virtual ~MatrixFunctionImplBase() = default;
  virtual Eigen::MatrixXd value(const std::array<const Eigen::MatrixXd*, N>& in) const = 0;
  virtual std::array<Eigen::MatrixXd, N> vjp(
      const Eigen::MatrixXd& dc, const Eigen::MatrixXd& c,
      const std::array<const Eigen::MatrixXd*, N>& in) const = 0;
};

template <std::size_t N, class ValueFn, class VjpFn>
struct MatrixFunctionImpl final : MatrixFunctionImplBase<N> {
  ValueFn value_fn;
  VjpFn vjp_fn;
  MatrixFunctionImpl(ValueFn v, VjpFn j) : value_fn(std::move(v)), vjp_fn(std::move(j)) {}
  Eigen::MatrixXd value(const std::array<const Eigen::MatrixXd*, N>& in) const override {
    return call_value(in, std::make_index_sequence<N>{});
  }
  std::array<Eigen::MatrixXd, N> vjp(
      const Eigen::MatrixXd& dc, const Eigen::MatrixXd& c,
      const std::array<const Eigen::MatrixXd*, N>& in) const override {
    auto r = call_vjp(dc, c, in, std::make_index_sequence<N>{});
    if constexpr (N == 1 && !std::is_same_v<decltype(r), std::array<Eigen::MatrixXd, 1>>) {
      return {Eigen::MatrixXd(std::move(r))};
    } else {
      return r;
    }
  }

 private:
  template <std::size_t... I>
  Eigen::MatrixXd call_value(const std::array<const Eigen::MatrixXd*, N>& in,
                             std::index_sequence<I...>) const {
    return Eigen::MatrixXd(value_fn(*in[I]...));
  }
  template <std::size_t... I>
  auto call_vjp(const Eigen::MatrixXd& dc, const Eigen::MatrixXd& c,
                const std::array<const Eigen::MatrixXd*, N>& in, std::index_sequence<I...>) const {
    return vjp_fn(dc, c, *in[I]...);
  }
};

template <std::size_t N>
class MatrixFunctionNode final : public MatNode {
 public:
  MatrixFunctionNode(std::shared_ptr<const MatrixFunctionImplBase<N>> impl,
                     std::array<MatOperand, N> in)
      : impl_(std::move(impl)), in_(std::move(in)) {}
  [[nodiscard]] std::string_view name() const noexcept override { return impl_->name; }
  bool describe(std::vector<OperandView>& inputs) const override {
    for (std::size_t k = 0; k < N; ++k)
      inputs.push_back(view(N == 1 ? std::string("A") : fmt::format("A{}", k + 1), in_[k]));
    return true;
  }
  [[nodiscard]] std::string adjoint_rule() const override {
    return "the operation's own vector–Jacobian product (matrix_function)";
  }
  void evaluate(const Tape* /*tape*/) override { value_ = impl_->value(pointers()); }
  void backward(Tape& /*tape*/) override {
    const std::array<Eigen::MatrixXd, N> g = impl_->vjp(adjoint_, value_, pointers());
    for (std::size_t k = 0; k < N; ++k) {
      if (!in_[k].active() || g[k].size() == 0) continue;
      const Eigen::MatrixXd& v = in_[k].value();
      if (g[k].rows() != v.rows() || g[k].cols() != v.cols())
        throw ShapeError(fmt::format(
            "nabla: {}: the vector-Jacobian product returned a {}×{} adjoint for input {} of "
            "shape {}×{}",
            impl_->name, g[k].rows(), g[k].cols(), k, v.rows(), v.cols()));
      in_[k].add_adjoint(g[k]);
    }
  }

 protected:
  // A value and a VJP say nothing about second derivatives, and a JVP from VJPs alone would
  // take one VJP per output entry: forward mode and Hessians refuse, naming the operation.
  void forward_tangent(const ScalarTangents& /*st*/) override { refuse(); }
  void backward_dual(Dual* /*adjoints*/) override { refuse(); }

 private:
  [[noreturn]] void refuse() const {
    throw Error(fmt::format(
        "nabla: the custom matrix operation '{}' (matrix_function) has only a value and a "
        "vector-Jacobian product: forward mode (jvp) and second derivatives (hvp, hessian) "
        "through it are not available",
        impl_->name));
  }
  [[nodiscard]] std::array<const Eigen::MatrixXd*, N> pointers() const {
    std::array<const Eigen::MatrixXd*, N> p{};
    for (std::size_t k = 0; k < N; ++k) p[k] = &in_[k].value();
    return p;
  }
  std::shared_ptr<const MatrixFunctionImplBase<N>> impl_;
  std::array<MatOperand, N> in_;
};

}  // namespace detail

// A user-defined operation of N matrix inputs; call it with N Mats.
template <std::size_t N>
class MatrixFunction {
 public:
  explicit MatrixFunction(std::shared_ptr<const detail::MatrixFunctionImplBase<N>> impl)
      : impl_(std::move(impl)) {}

  template <class... Args>
  requires(sizeof...(Args) == N && (std::is_same_v<std::decay_t<Args>, Mat> && ...)) Mat operator()(
      const Args&... args) const {
    const std::array<const Mat*, N> mats{&args...};
    Tape* tape = nullptr;
    for (const Mat* m : mats) {
      if (m->is_constant()) continue;
      Tape* t = detail::tape_of(impl_->name, *m);
      if (tape != nullptr && t != tape)
        throw TapeMismatchError(
            fmt::format("nabla: {} mixes matrix nodes of two tapes", impl_->name));
      tape = t;
    }
    std::array<detail::MatOperand, N> in;
    for (std::size_t k = 0; k < N; ++k) in[k] = mats[k]->operand(impl_->name, tape);
    return detail::finish(tape,
                          std::make_unique<detail::MatrixFunctionNode<N>>(impl_, std::move(in)));
  }

 private:
  std::shared_ptr<const detail::MatrixFunctionImplBase<N>> impl_;
};

// Makes a recordable matrix operation from `value(const MatrixXd&...) -> MatrixXd` and
// `vjp(dC, C, const MatrixXd&...) -> MatrixXd (N = 1) or std::array<MatrixXd, N>`.
template <std::size_t N, class ValueFn, class VjpFn>
MatrixFunction<N> matrix_function(std::string name, ValueFn value, VjpFn vjp) {
  static_assert(N >= 1, "nabla::matrix_function needs at least one input");
  auto impl = std::make_shared<detail::MatrixFunctionImpl<N, ValueFn, VjpFn>>(std::move(value),
                                                                              std::move(vjp));
  impl->name = std::move(name);
  return MatrixFunction<N>(std::move(impl));
}

}  // namespace nabla
