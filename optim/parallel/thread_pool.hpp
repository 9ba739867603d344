// The one thread pool of nabla::optim, shared by every parallel method (multistart, batches of
// search trials in tune(), grid_search_cv's fits; the data-parallel finite sums will take theirs
// from it too). The population methods evaluate serially today (differential evolution's
// immediate updating makes each trial depend on the one before; the genetic algorithm's
// offspring could go in parallel). `ThreadPool::shared()` is created on
// first use with NABLA_THREADS threads (the environment variable; std::thread's
// hardware_concurrency when unset), the calling thread counted as one of them.
//
// parallel_for(n, body) runs body(task, worker) for task = 0 … n − 1 and returns when all are
// done; worker ∈ [0, size()) names the thread slot, so a caller can keep one objective copy per
// slot and never call one copy from two threads. A call made from inside a pool task, or while
// another thread's call holds the pool, runs inline on the calling thread as worker 0 of its own:
// multistart over a threaded finite sum uses T threads, not T². The first exception (lowest task)
// is rethrown once every task has finished.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nabla::optim {

class ThreadPool {
 public:
  using Body = std::function<void(std::size_t task, unsigned worker)>;

  // `threads` counts the caller: ThreadPool(1) runs everything inline. One thread, whatever
  // `threads` says, when the BLAS is not safe to call from two (nabla::blas_thread_safe()).
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  static ThreadPool& shared();

  [[nodiscard]] unsigned size() const noexcept { return size_; }
  // True on a thread that is running a task of any pool (parallel_for then runs inline).
  [[nodiscard]] static bool in_task() noexcept;
  // Threads this pool has started so far (size() − 1 at most): for tests that count them.
  [[nodiscard]] unsigned threads_started() const noexcept;

  // At most `max_workers` slots take part (0: all of them).
  void parallel_for(std::size_t n, const Body& body, unsigned max_workers = 0);

 private:
  void start_workers();
  void worker_loop(unsigned slot);
  void run_tasks(unsigned slot);

  unsigned size_;
  std::vector<std::thread> workers_;
  std::mutex call_mutex_;  // one parallel_for at a time; another caller runs inline
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const Body* body_ = nullptr;
  std::size_t tasks_ = 0, next_ = 0, finished_ = 0;
  unsigned active_slots_ = 0;
  std::size_t generation_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::size_t error_task_ = 0;
};

// The number of threads NABLA_THREADS asks for (hardware_concurrency when unset or invalid).
[[nodiscard]] unsigned default_thread_count();

}  // namespace nabla::optim
