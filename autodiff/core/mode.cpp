// Per-thread storage behind TrainModeScope, StatisticsCapture and StepScope.
#include <nabla/autodiff/core/mode.hpp>

#include <algorithm>

namespace nabla {
namespace {

thread_local TrainMode tls_mode = TrainMode::Training;
thread_local bool tls_capture = false;
thread_local StatisticsUpdates* tls_updates = nullptr;
thread_local StepContext tls_step{};

}  // namespace

TrainMode current_train_mode() noexcept { return tls_mode; }

TrainModeScope::TrainModeScope(TrainMode mode) noexcept : previous_(tls_mode) { tls_mode = mode; }
TrainModeScope::~TrainModeScope() { tls_mode = previous_; }

bool statistics_capture_active() noexcept { return tls_capture; }

StatisticsCapture::StatisticsCapture() noexcept
    : previous_(tls_capture), previous_updates_(tls_updates) {
  tls_capture = true;
  tls_updates = nullptr;
}
StatisticsCapture::StatisticsCapture(StatisticsUpdates& updates) noexcept
    : previous_(tls_capture), previous_updates_(tls_updates) {
  tls_capture = true;
  tls_updates = &updates;
}
StatisticsCapture::~StatisticsCapture() {
  tls_capture = previous_;
  tls_updates = previous_updates_;
}

StepStatistics::~StepStatistics() {
  if (updates_ != nullptr) updates_->remove(this);
}

void StepStatistics::captured() {
  StatisticsUpdates* target = tls_updates;
  if (target == nullptr || target == updates_) return;
  if (updates_ != nullptr) updates_->remove(this);
  target->add(this);
}

void StatisticsUpdates::add(StepStatistics* s) {
  members_.push_back(s);
  s->updates_ = this;
}

void StatisticsUpdates::remove(StepStatistics* s) noexcept {
  members_.erase(std::remove(members_.begin(), members_.end(), s), members_.end());
  s->updates_ = nullptr;
}

void StatisticsUpdates::commit() {
  std::vector<StepStatistics*> members;
  members.swap(members_);
  for (StepStatistics* s : members) s->updates_ = nullptr;
  for (StepStatistics* s : members) s->commit();
}

void StatisticsUpdates::discard() noexcept {
  for (StepStatistics* s : members_) {
    s->discard();
    s->updates_ = nullptr;
  }
  members_.clear();
}

StatisticsUpdates::~StatisticsUpdates() { discard(); }

StepContext current_step() noexcept { return tls_step; }

StepScope::StepScope(std::uint64_t step, std::uint64_t batch) noexcept : previous_(tls_step) {
  tls_step = StepContext{step, batch};
}
StepScope::~StepScope() { tls_step = previous_; }

}  // namespace nabla
