// The train/eval mode and the per-step context that batch_norm and dropout read. Each is held
// per thread by an RAII scope (like the active tape), never process-global, so two threads can
// train and evaluate at the same time. Scopes nest; destruction restores the previous value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nabla {

enum class TrainMode { Training, Evaluation };

// nabla::Mode is the differentiation mode (sweeps/tangent.hpp); this is the model's.
// Training when no TrainModeScope is active on this thread (PyTorch's default).
TrainMode current_train_mode() noexcept;

class TrainModeScope {
 public:
  explicit TrainModeScope(TrainMode mode) noexcept;
  TrainModeScope(const TrainModeScope&) = delete;
  TrainModeScope& operator=(const TrainModeScope&) = delete;
  ~TrainModeScope();

 private:
  TrainMode previous_;
};

// State that a training evaluation updates only when the optimizer takes its step (batch_norm's
// running statistics): an evaluation inside a StatisticsCapture writes a pending value, and
// commit() applies it. Destroying an object removes it from the updates it is registered in,
// so a commit never reaches a destroyed object; a copy starts unregistered.
class StatisticsUpdates;

class StepStatistics {
 public:
  // Applies the pending value (no-op without one).
  virtual void commit() = 0;
  // Forgets the pending value.
  virtual void discard() noexcept = 0;
  [[nodiscard]] virtual bool has_pending() const noexcept = 0;
  virtual ~StepStatistics();

 protected:
  StepStatistics() = default;
  // Copies and moves carry the values (in the derived class), never the registration: each
  // object keeps its own.
  StepStatistics(const StepStatistics& /*other*/) noexcept {}
  StepStatistics(StepStatistics&& /*other*/) noexcept {}
  StepStatistics& operator=(const StepStatistics& other) noexcept {
    if (this == &other) return *this;
    return *this;
  }
  StepStatistics& operator=(StepStatistics&& /*other*/) noexcept { return *this; }
  // Called after writing a pending value: registers this object in the active capture's
  // updates (when the capture has them).
  void captured();

 private:
  friend class StatisticsUpdates;
  StatisticsUpdates* updates_ = nullptr;
};

// The objects whose pending values one optimizer step will apply, in the order they were first
// captured. The optimizer keeps one per step; commit() once the step is taken, discard() when
// it is not (a diverged step).
class StatisticsUpdates {
 public:
  StatisticsUpdates() = default;
  StatisticsUpdates(const StatisticsUpdates&) = delete;
  StatisticsUpdates& operator=(const StatisticsUpdates&) = delete;
  ~StatisticsUpdates();  // discards what was not committed
  void commit();
  void discard() noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return members_.size(); }

 private:
  friend class StepStatistics;
  void add(StepStatistics* s);
  void remove(StepStatistics* s) noexcept;
  std::vector<StepStatistics*> members_;
};

// While active, batch_norm in training mode writes its batch statistics to the stats' pending
// slot (and, given updates, registers the stats there). The optimizer opens it for the one
// evaluation per step that counts; value-only evaluations, line-search trials, gradchecks,
// hvps and replays do not. A pending value is overwritten by a later capture of the same step.
bool statistics_capture_active() noexcept;

class StatisticsCapture {
 public:
  StatisticsCapture() noexcept;  // pending values only: the caller commits each object
  explicit StatisticsCapture(StatisticsUpdates& updates) noexcept;
  StatisticsCapture(const StatisticsCapture&) = delete;
  StatisticsCapture& operator=(const StatisticsCapture&) = delete;
  ~StatisticsCapture();

 private:
  bool previous_;
  StatisticsUpdates* previous_updates_;
};

// The step and batch that dropout's mask depends on (0, 0 when no StepScope is active).
struct StepContext {
  std::uint64_t step = 0;
  std::uint64_t batch = 0;
};

StepContext current_step() noexcept;

class StepScope {
 public:
  StepScope(std::uint64_t step, std::uint64_t batch) noexcept;
  StepScope(const StepScope&) = delete;
  StepScope& operator=(const StepScope&) = delete;
  ~StepScope();

 private:
  StepContext previous_;
};

}  // namespace nabla
