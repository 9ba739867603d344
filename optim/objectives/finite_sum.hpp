// A finite-sum objective Q(w) = (1/l) Σᵢ q(w, xᵢ, yᵢ) from data: a design matrix X (one sample
// per row), targets y and a per-sample loss written with nabla, e.g.
//
//   auto q = [](const nabla::VectorXv& w, const auto& x, double y) {
//     nabla::Var r = nabla::dot(w, x) - y;   // one tape record for w·x
//     return r * r;
//   };
//   auto Q = nabla::optim::FiniteSum(X, y, q);
//
// x arrives as an Eigen::Map<const Eigen::VectorXd> over the sample's row (no copy). Batches are
// recorded on one reused tape; the full objective is evaluated in chunks so the tape stays small.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <type_traits>
#include <utility>
#include <vector>

#include <nabla/autodiff.hpp>

#include <nabla/optim/objectives/objective.hpp>

namespace nabla::optim {

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using SampleView = Eigen::Map<const Eigen::VectorXd>;

template <class Loss>
class FiniteSum final : public Objective {
 public:
  static_assert(
      std::is_same_v<std::invoke_result_t<Loss&, const VectorXv&, const SampleView&, double>, Var>,
      "nabla::optim::FiniteSum: the loss must be callable as "
      "q(const nabla::VectorXv& w, const auto& x, double y) and return nabla::Var");

  static constexpr Capabilities static_capabilities =
      Capability::Value | Capability::Gradient | Capability::FiniteSum;
  FiniteSum(RowMatrixXd X, Eigen::VectorXd y, Loss loss)
      : X_(std::move(X)), y_(std::move(y)), loss_(std::move(loss)) {
    if (X_.rows() != y_.size())
      throw ShapeError(fmt::format("nabla::optim::FiniteSum: X has {} rows but y has {} entries",
                                   X_.rows(), y_.size()));
    if (X_.rows() == 0) throw ShapeError("nabla::optim::FiniteSum: no samples");
    all_.resize(static_cast<std::size_t>(X_.rows()));
    std::iota(all_.begin(), all_.end(), std::int64_t{0});
  }

  [[nodiscard]] std::int64_t samples() const override { return X_.rows(); }
  // A copy for another thread: its own tape, and a copy of the data.
  [[nodiscard]] std::unique_ptr<Objective> clone() const override {
    if constexpr (std::is_copy_constructible_v<Loss>)
      return std::make_unique<FiniteSum>(X_, y_, loss_);
    else
      return nullptr;
  }
  [[nodiscard]] Eigen::Index features() const { return X_.cols(); }
  [[nodiscard]] const RowMatrixXd& X() const { return X_; }
  [[nodiscard]] const Eigen::VectorXd& y() const { return y_; }

  double batch_value_gradient(const Eigen::VectorXd& w, std::span<const std::int64_t> batch,
                              Eigen::VectorXd& g) override {
    tape_.clear();
    TapeScope scope(tape_);
    const Eigen::Index d = w.size();
    if (wv_.size() != d) wv_.resize(d);
    tape_.variables(w.data(), static_cast<std::size_t>(d), wv_.data());
    if (batch.size() > 1) prefetch_row(batch[1]);
    Var total = term(batch[0]);
    for (std::size_t k = 1; k < batch.size(); ++k) {
      if (k + 1 < batch.size()) prefetch_row(batch[k + 1]);
      total = total + term(batch[k]);
    }
    if (batch.size() > 1) total = total * (1.0 / static_cast<double>(batch.size()));
    g.resize(d);
    if (total.is_constant()) {
      g.setZero();
      return total.value();
    }
    // The inputs are the first d records of the cleared tape and propagate nothing: the sweep
    // stops where they begin (tape_.reverse keeps the checks for anything unusual).
    if (total.stamp() == tape_.stamp() && total.index() >= static_cast<std::uint32_t>(d))
      tape_.reverse_from(total.index(), 1.0, static_cast<std::uint32_t>(d));
    else
      tape_.reverse(total);
    // wv_ are records 0..d−1 of the cleared tape (variables() above).
    for (Eigen::Index j = 0; j < d; ++j) g[j] = tape_.adjoint_at(static_cast<std::size_t>(j));
    return total.value();
  }

  void prefetch(std::span<const std::int64_t> batch) override {
    for (const std::int64_t i : batch) prefetch_row(i);
  }

  double value_gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    g.setZero(w.size());
    double q = 0.0;
    const std::size_t l = all_.size();
    for (std::size_t start = 0; start < l; start += chunk) {
      const std::size_t n = std::min(chunk, l - start);
      const double part = batch_value_gradient(w, std::span(all_).subspan(start, n), chunk_g_);
      const double weight = static_cast<double>(n) / static_cast<double>(l);
      q += weight * part;
      g += weight * chunk_g_;
    }
    return q;
  }

  double value(const Eigen::VectorXd& w) override {
    tape_.clear();
    TapeScope scope(tape_);
    const Eigen::Index d = w.size();
    if (wv_.size() != d) wv_.resize(d);
    double q = 0.0;
    for (std::size_t i = 0; i < all_.size(); ++i) {
      if (i % chunk == 0) {
        tape_.clear();
        tape_.variables(w.data(), static_cast<std::size_t>(d), wv_.data());
      }
      q += term(static_cast<std::int64_t>(i)).value();
    }
    return q / static_cast<double>(all_.size());
  }

 private:
  static constexpr std::size_t chunk = 256;
  // Shuffled rows come from memory in random order: ask for the next sample's row and target
  // while this one is differentiated. Every cache line the row touches (a row need not start
  // on a line boundary), and y_[i], which misses too once X has streamed through the cache.
  void prefetch_row(std::int64_t i) const {
    constexpr std::uintptr_t line = 64;
    const auto first = reinterpret_cast<std::uintptr_t>(X_.data() + i * X_.cols()) & ~(line - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(X_.data() + (i + 1) * X_.cols());
    for (std::uintptr_t a = first; a < end; a += line)
      // NOLINTNEXTLINE(performance-no-int-to-ptr): an address to prefetch, never dereferenced
      __builtin_prefetch(reinterpret_cast<const void*>(a));
    __builtin_prefetch(y_.data() + i);
  }
  Var term(std::int64_t i) {
    const SampleView x(X_.data() + i * X_.cols(), X_.cols());
    return loss_(std::as_const(wv_), x, y_[i]);
  }

  RowMatrixXd X_;
  Eigen::VectorXd y_;
  Loss loss_;
  Tape tape_;
  VectorXv wv_;
  Eigen::VectorXd chunk_g_;
  std::vector<std::int64_t> all_;
};

}  // namespace nabla::optim
