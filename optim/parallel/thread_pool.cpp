#include <nabla/optim/parallel/thread_pool.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include <nabla/autodiff/matrix/blas.hpp>

namespace nabla::optim {

namespace {
thread_local bool inside_task = false;

// Marks the current thread as running pool tasks for the lifetime of the guard.
class TaskGuard {
 public:
  TaskGuard() : previous_(inside_task) { inside_task = true; }
  ~TaskGuard() { inside_task = previous_; }
  TaskGuard(const TaskGuard&) = delete;
  TaskGuard& operator=(const TaskGuard&) = delete;

 private:
  bool previous_;
};
}  // namespace

unsigned default_thread_count() {
  if (const char* env = std::getenv("NABLA_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 1 && n <= 1024) return static_cast<unsigned>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

namespace {
// One thread when the BLAS cannot be called from two at once (autodiff/matrix/blas.hpp): a
// wrong product is worse than a slow one.
unsigned safe_thread_count(unsigned threads) {
  threads = std::max(1u, threads);
  if (threads == 1 || blas_thread_safe()) return threads;
  static std::once_flag said;
  std::call_once(said, [] {
    std::fprintf(stderr,
                 "nabla: %s is not safe to call from two threads; optim's thread pools run on one "
                 "thread (install libopenblas-pthread-dev)\n",
                 blas_backend().c_str());
  });
  return 1;
}
}  // namespace

ThreadPool::ThreadPool(unsigned threads) : size_(safe_thread_count(threads)) {}

ThreadPool::~ThreadPool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

ThreadPool& ThreadPool::shared() {
  static ThreadPool pool(default_thread_count());
  return pool;
}

bool ThreadPool::in_task() noexcept { return inside_task; }

unsigned ThreadPool::threads_started() const noexcept {
  return static_cast<unsigned>(workers_.size());
}

void ThreadPool::start_workers() {
  if (!workers_.empty() || size_ == 1) return;
  workers_.reserve(size_ - 1);
  for (unsigned slot = 1; slot < size_; ++slot)
    workers_.emplace_back([this, slot] { worker_loop(slot); });
}

void ThreadPool::worker_loop(unsigned slot) {
  std::size_t seen = 0;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    run_tasks(slot);
  }
}

void ThreadPool::run_tasks(unsigned slot) {
  const TaskGuard guard;
  while (true) {
    const Body* body = nullptr;
    std::size_t task = 0;
    {
      const std::lock_guard lock(mutex_);
      if (body_ == nullptr || next_ >= tasks_ || slot >= active_slots_) return;
      body = body_;
      task = next_++;
    }
    std::exception_ptr error;
    try {
      (*body)(task, slot);
    } catch (...) {
      error = std::current_exception();
    }
    const std::lock_guard lock(mutex_);
    if (error && (!error_ || task < error_task_)) {
      error_ = error;
      error_task_ = task;
    }
    if (++finished_ == tasks_) done_.notify_all();
  }
}

void ThreadPool::parallel_for(std::size_t n, const Body& body, unsigned max_workers) {
  if (n == 0) return;
  const unsigned slots = static_cast<unsigned>(
      std::min<std::size_t>({size_, n, max_workers == 0 ? size_ : max_workers}));
  std::unique_lock call(call_mutex_, std::defer_lock);
  if (slots <= 1 || inside_task || !call.try_lock()) {
    // Inline, with the same contract: every task runs, the lowest task's exception wins.
    const TaskGuard guard;
    std::exception_ptr first;
    for (std::size_t task = 0; task < n; ++task) try {
        body(task, 0);
      } catch (...) {
        if (!first) first = std::current_exception();
      }
    if (first) std::rethrow_exception(first);
    return;
  }
  start_workers();
  {
    const std::lock_guard lock(mutex_);
    body_ = &body;
    tasks_ = n;
    next_ = 0;
    finished_ = 0;
    active_slots_ = slots;
    error_ = nullptr;
    error_task_ = 0;
    ++generation_;
  }
  wake_.notify_all();
  run_tasks(0);
  std::exception_ptr error;
  {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return finished_ == tasks_; });
    body_ = nullptr;
    error = error_;
    error_ = nullptr;
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace nabla::optim
