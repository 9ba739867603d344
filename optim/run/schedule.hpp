// Step-size schedules: η_t for the t-th update (t = 1, 2, …) from the method's initial step
// size η₀ = lr. A Schedule is a value (kind + parameters + the small state reduce-on-plateau
// needs), so it is saved with a run and resumed exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

class Schedule {
 public:
  enum class Kind {
    Constant,
    InverseTime,
    Power,
    Vowpal,
    Exponential,
    Step,
    Cosine,
    Plateau,
    Custom
  };

  // η_t = η₀.
  static Schedule constant();
  // η_t = η₀ / t (000_…txt: η_t = 1/t with η₀ = 1).
  static Schedule inverse_time();
  // η_t = η₀ / t^p (000_…txt: 0.1/t^0.3).
  static Schedule power(double p);
  // η_t = η₀ (s / (s + t))^p (Vowpal Wabbit, 000_…txt).
  static Schedule vowpal(double s, double p);
  // η_t = η₀ γ^(t−1).
  static Schedule exponential(double gamma);
  // η_t = η₀ γ^⌊(t−1)/step_size⌋.
  static Schedule step(std::int64_t step_size, double gamma);
  // Linear warm-up over `warmup` updates from η₀/warmup to η₀, then a half cosine from η₀ to
  // eta_min over the remaining total − warmup updates (η_min after that).
  static Schedule cosine(std::int64_t total, std::int64_t warmup = 0, double eta_min = 0.0);
  // Multiply η by `factor` when the observed loss has not improved by more than
  // `threshold`·|best| for `patience` observations (torch ReduceLROnPlateau, mode min, rel).
  static Schedule reduce_on_plateau(double factor = 0.1, int patience = 10, double threshold = 1e-4,
                                    double eta_min = 0.0);
  // Any callable (t, η₀) → η_t.
  static Schedule custom(std::function<double(std::int64_t t, double lr)> f,
                         std::string name = "custom");

  [[nodiscard]] double rate(std::int64_t t, double lr) const;
  // Feed the loss after an epoch (or a full-batch iteration); only Plateau uses it.
  void observe(double loss);

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] std::string describe() const;

  // Plateau state, exposed for RunState.
  struct PlateauState {
    double scale = 1.0;
    double best = std::numeric_limits<double>::infinity();
    int bad = 0;
  };
  [[nodiscard]] const PlateauState& plateau_state() const noexcept { return plateau_; }
  void set_plateau_state(const PlateauState& s) noexcept { plateau_ = s; }

 private:
  Kind kind_ = Kind::Constant;
  double a_ = 0.0, b_ = 0.0, c_ = 0.0;
  std::int64_t n_ = 0, m_ = 0;
  PlateauState plateau_;
  std::function<double(std::int64_t, double)> custom_;
  std::string name_;
};

}  // namespace nabla::optim
