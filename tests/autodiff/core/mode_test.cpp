// Tests of the per-thread train/eval mode, statistics capture and step scopes.
#include <doctest/doctest.h>

#include <thread>

#include <nabla/autodiff/core/mode.hpp>

using nabla::TrainMode;

TEST_CASE("mode: Training by default, scopes nest and restore") {
  CHECK(nabla::current_train_mode() == TrainMode::Training);
  {
    nabla::TrainModeScope eval(TrainMode::Evaluation);
    CHECK(nabla::current_train_mode() == TrainMode::Evaluation);
    {
      nabla::TrainModeScope train(TrainMode::Training);
      CHECK(nabla::current_train_mode() == TrainMode::Training);
    }
    CHECK(nabla::current_train_mode() == TrainMode::Evaluation);
  }
  CHECK(nabla::current_train_mode() == TrainMode::Training);
}

TEST_CASE("mode: per thread") {
  nabla::TrainModeScope eval(TrainMode::Evaluation);
  nabla::StatisticsCapture capture;
  nabla::StepScope step(7, 3);
  TrainMode seen = TrainMode::Evaluation;
  bool capture_seen = true;
  nabla::StepContext step_seen{1, 1};
  std::thread worker([&] {
    seen = nabla::current_train_mode();
    capture_seen = nabla::statistics_capture_active();
    step_seen = nabla::current_step();
  });
  worker.join();
  CHECK(seen == TrainMode::Training);
  CHECK_FALSE(capture_seen);
  CHECK(step_seen.step == 0);
  CHECK(step_seen.batch == 0);
  CHECK(nabla::current_train_mode() == TrainMode::Evaluation);
}

TEST_CASE("mode: statistics capture and step scopes nest and restore") {
  CHECK_FALSE(nabla::statistics_capture_active());
  CHECK(nabla::current_step().step == 0);
  {
    nabla::StatisticsCapture outer;
    nabla::StepScope s1(5, 2);
    CHECK(nabla::statistics_capture_active());
    {
      nabla::StatisticsCapture inner;
      nabla::StepScope s2(6, 9);
      CHECK(nabla::current_step().step == 6);
      CHECK(nabla::current_step().batch == 9);
    }
    CHECK(nabla::statistics_capture_active());
    CHECK(nabla::current_step().step == 5);
    CHECK(nabla::current_step().batch == 2);
  }
  CHECK_FALSE(nabla::statistics_capture_active());
  CHECK(nabla::current_step().step == 0);
  CHECK(nabla::current_step().batch == 0);
}
