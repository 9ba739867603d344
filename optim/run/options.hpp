// Everything about a run except the objective, the start point and the step rule: batching,
// variance reduction, schedule, stopping, noise, clipping, penalties, averaging, callbacks,
// history, progress, seeding and resuming. An aggregate: set what you need with designated
// initialisers, e.g. {.schedule = Schedule::inverse_time(), .stop = {.max_iterations = 500}}.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include <nabla/optim/run/parameter_groups.hpp>
#include <nabla/optim/run/schedule.hpp>
#include <nabla/optim/run/stop_criteria.hpp>

namespace nabla::optim {

struct RunState;

// How many samples of a finite sum each update sees.
struct Batching {
  enum class Kind { Full, Stochastic, MiniBatch };
  // The order an epoch draws its l samples in (each update takes the next 1 or k of them):
  //   WithReplacement  l independent uniform draws: a sample may repeat or be missed. What SAG
  //                    and SAGA assume (000_…txt: "a random term is chosen"; scikit-learn's
  //                    sag/saga): reshuffled epochs can make SAG diverge at its 1/L step.
  //   Reshuffled       a new random permutation every epoch: each sample exactly once.
  //   Sequential       0, 1, …, l − 1 every epoch.
  //   Auto             WithReplacement for SAG and SAGA, Reshuffled for everything else
  //                    (Sequential when `shuffle` is false).
  enum class Order { Auto, WithReplacement, Reshuffled, Sequential };
  Kind kind = Kind::Full;
  Eigen::Index size = 0;  // samples per update for MiniBatch
  bool shuffle = true;    // nabla 0.1's switch: false means Order::Sequential
  Order order = Order::Auto;

  static Batching full() { return {}; }
  static Batching stochastic() { return {Kind::Stochastic, 1, true}; }
  static Batching mini_batch(Eigen::Index k) { return {Kind::MiniBatch, k, true}; }
};

// Variance-reduced gradient estimates for finite sums (used with Stochastic/MiniBatch):
//   SAG  (000_…txt): keep the last gradient zᵢ of every sample (zᵢ = 0 until first seen, the
//        lecture's lazy initialisation); the estimate is the mean of the zᵢ seen so far.
//   SAGA: ∇qᵢ(w) − zᵢ + mean(z), zᵢ initialised by one full pass at w₀ (unbiased).
//   SVRG: every epoch a snapshot w̃ and its full gradient μ; ∇q_B(w) − ∇q_B(w̃) + μ.
enum class VarianceReduction { None, SAG, SAGA, SVRG };

// g ← g + N(0, σ_t²), σ_t² = eta / (1 + t)^gamma (004_…txt); off when eta = 0.
struct GradientNoise {
  double eta = 0.0;
  double gamma = 0.55;
};

// Gradient clipping: by global norm (rescale when ‖g‖ > max_norm) and/or by value.
struct Clipping {
  std::optional<double> max_norm = {};
  std::optional<double> max_value = {};
};

// Penalty added to the objective: l1‖w‖₁ + l2‖w‖² (the lecture's 0.1‖θ‖² is l2 = 0.1).
// elastic_net(α, ρ) = α(ρ‖w‖₁ + (1−ρ)/2‖w‖²), scikit-learn's convention. Coordinates listed
// in `exclude` (e.g. the bias) are not penalised. The L1 part uses sign(0) = 0.
struct Penalty {
  double l1 = 0.0;
  double l2 = 0.0;
  std::optional<Eigen::Index> exclude = {};
  static Penalty elastic_net(double alpha, double l1_ratio) {
    return {alpha * l1_ratio, alpha * (1.0 - l1_ratio) / 2.0, std::nullopt};
  }
};

// Iterate averaging, reported beside the last iterate (Result::averaged_x):
//   Uniform  — Polyak–Ruppert mean of the iterates after `start` updates;
//   Weighted — weights ∝ t (Lacoste-Julien et al.), O(1/t) on strongly convex non-smooth losses.
struct Averaging {
  enum class Kind { None, Uniform, Weighted };
  Kind kind = Kind::None;
  std::int64_t start = 0;
};

// What a callback sees. Return true from a callback to stop the run (StopReason::Callback).
struct Progress {
  std::int64_t iteration = 0;
  std::int64_t epoch = 0;
  double loss = 0.0;  // batch loss (per-iteration callbacks) or Q(w) (per-epoch)
  double step_size = 0.0;
  const Eigen::VectorXd* x = nullptr;
  // StopCriteria::validation and ::metric at x, in per-epoch callbacks (per iteration in full
  // batch) when they are set and were evaluated there; NaN otherwise.
  double validation = std::numeric_limits<double>::quiet_NaN();
  double metric = std::numeric_limits<double>::quiet_NaN();
};

struct HistoryOptions {
  bool enabled = true;
  std::int64_t every = 1;  // keep every n-th row (the last row is always kept)
  bool record_x = false;
  // The ‖∇Q‖ column of stochastic runs' per-epoch rows costs a full gradient per evaluation,
  // so it is off by default there (NaN, and the evaluation is value only); full-batch runs
  // have the gradient anyway and always fill it.
  bool gradient_norm = false;
};

struct Options {
  Schedule schedule = Schedule::constant();
  Batching batching = Batching::full();
  VarianceReduction variance_reduction = VarianceReduction::None;
  StopCriteria stop = {};
  std::uint64_t seed = 0;  // shuffling and noise; same seed ⇒ bit-identical run
  GradientNoise noise = {};
  Clipping clip = {};
  Penalty penalty = {};
  Averaging averaging = {};
  bool track_best = true;  // keep the best iterate seen (Result::best_x)
  // Evaluate the full objective at the end of each epoch (history, criteria, best) and at
  // the end (Result::value). Switch off only to time the raw update loop.
  bool evaluate = true;
  // Stochastic runs: evaluate the full objective every n-th epoch (the last one always).
  // The evaluation is value only unless a gradient is needed: StopCriteria::gradient_norm, or
  // the history's gradient-norm column (HistoryOptions::gradient_norm).
  std::int64_t evaluate_every = 1;
  // The number of parameters, when the objective cannot say (a lambda): x0 is checked against
  // it before the first evaluation. A lambda that reads past x's end cannot be seen from here.
  std::optional<Eigen::Index> dimension = {};
  HistoryOptions history = {};
  std::function<bool(const Progress&)> on_iteration = {};
  std::function<bool(const Progress&)> on_epoch = {};
  bool progress_bar = false;  // a one-line progress bar on stderr
  // Continue a saved run (optim/run_state.hpp) instead of starting at x0.
  const RunState* resume_from = nullptr;
  // Step rules on an objective with named blocks: per-block lr multipliers, weight decay and
  // frozen blocks, as torch's parameter groups (run/parameter_groups.hpp).
  std::vector<ParameterGroup> groups = {};
};

}  // namespace nabla::optim
