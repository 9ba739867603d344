// The optim thread pool: every task runs once; worker slots are distinct per thread; a call from
// inside a task runs inline (multistart over a threaded objective uses T threads, not T²; this
// test runs under the sanitizers in CI); the lowest task's exception is rethrown after all tasks.
#include <doctest/doctest.h>

#include <Eigen/Cholesky>

#include <atomic>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nabla/autodiff/matrix/blas.hpp>
#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::VectorXd;

TEST_CASE("parallel_for runs every task once and names distinct worker slots per thread") {
  opt::ThreadPool pool(4);
  for (const std::size_t n : {1u, 3u, 4u, 1000u}) {
    std::vector<std::atomic<int>> runs(n);
    std::mutex m;
    std::set<std::pair<unsigned, std::thread::id>> slots;
    pool.parallel_for(n, [&](std::size_t task, unsigned worker) {
      runs[task].fetch_add(1);
      CHECK(opt::ThreadPool::in_task());
      const std::lock_guard lock(m);
      slots.emplace(worker, std::this_thread::get_id());
    });
    for (const auto& r : runs) CHECK(r.load() == 1);
    std::set<unsigned> workers;
    std::set<std::thread::id> threads;
    for (const auto& [w, t] : slots) {
      workers.insert(w);
      threads.insert(t);
      CHECK(w < pool.size());
    }
    CHECK(workers.size() == threads.size());  // one slot, one thread
  }
  CHECK(pool.threads_started() == pool.size() - 1);  // 3, or 0 with a BLAS unsafe across threads
  CHECK_FALSE(opt::ThreadPool::in_task());
}

TEST_CASE("max_workers caps the slots; a pool of one runs inline") {
  opt::ThreadPool pool(4);
  std::atomic<unsigned> highest{0};
  pool.parallel_for(
      64,
      [&](std::size_t, unsigned worker) {
        unsigned seen = highest.load();
        while (worker > seen && !highest.compare_exchange_weak(seen, worker)) {
        }
      },
      2);
  CHECK(highest.load() <= 1);
  opt::ThreadPool one(1);
  std::set<std::thread::id> threads;
  one.parallel_for(10, [&](std::size_t, unsigned) { threads.insert(std::this_thread::get_id()); });
  CHECK(threads == std::set<std::thread::id>{std::this_thread::get_id()});
  CHECK(one.threads_started() == 0);
}

TEST_CASE("a call from inside a task of another pool runs inline, on the task's thread") {
  // Not the busy-pool fallback (the inner pool is idle): the in-task rule alone keeps nested
  // parallelism at the outer pool's threads.
  opt::ThreadPool outer(4), inner(4);
  if (outer.size() < 2) return;  // a BLAS unsafe across threads: nothing runs in parallel
  std::mutex m;
  std::set<std::thread::id> outer_threads;
  bool every_inner_call_inline = true;
  outer.parallel_for(8, [&](std::size_t, unsigned) {
    const auto me = std::this_thread::get_id();
    std::set<std::thread::id> seen;
    std::set<unsigned> slots;
    std::mutex local;
    inner.parallel_for(16, [&](std::size_t, unsigned worker) {
      const std::lock_guard lock(local);
      seen.insert(std::this_thread::get_id());
      slots.insert(worker);
    });
    const std::lock_guard lock(m);
    outer_threads.insert(me);
    every_inner_call_inline =
        every_inner_call_inline && seen == std::set{me} && slots == std::set{0u};
  });
  CHECK(every_inner_call_inline);
  CHECK(outer_threads.size() <= outer.size());
  CHECK(inner.threads_started() == 0);  // never woke: every call ran inline
  // Outside any task the inner pool does use its threads.
  std::set<std::thread::id> threads;
  std::mutex t;
  inner.parallel_for(1000, [&](std::size_t, unsigned) {
    const std::lock_guard lock(t);
    threads.insert(std::this_thread::get_id());
  });
  CHECK(inner.threads_started() == inner.size() - 1);
}

TEST_CASE("the lowest task's exception is rethrown after every task has run") {
  opt::ThreadPool pool(3);
  std::atomic<int> ran{0};
  CHECK_THROWS_WITH_AS(
      pool.parallel_for(50,
                        [&](std::size_t task, unsigned) {
                          ran.fetch_add(1);
                          if (task == 17 || task == 40)
                            throw std::runtime_error("task " + std::to_string(task));
                        }),
      "task 17", std::runtime_error);
  CHECK(ran.load() == 50);
  // The pool still works afterwards.
  std::atomic<int> again{0};
  pool.parallel_for(10, [&](std::size_t, unsigned) { again.fetch_add(1); });
  CHECK(again.load() == 10);
}

namespace {
// A threaded finite sum in miniature: Q(w) = (1/l) Σᵢ (w·xᵢ − yᵢ)², its chunks summed on the
// shared pool, each chunk's partial kept and folded in chunk order (the same bits for any
// thread count). It records which threads evaluated chunks.
class ThreadedLeastSquares final : public opt::Objective {
 public:
  ThreadedLeastSquares(opt::ThreadPool& pool, std::mutex& m, std::set<std::thread::id>& threads)
      : pool_(pool), m_(m), threads_(threads) {
    X_.resize(4000, 2);
    y_.resize(4000);
    for (Eigen::Index i = 0; i < X_.rows(); ++i) {
      X_(i, 0) = std::sin(0.1 * static_cast<double>(i));
      X_(i, 1) = std::cos(0.37 * static_cast<double>(i));
      y_[i] = 2.0 * X_(i, 0) - X_(i, 1) + 0.01 * std::sin(static_cast<double>(i));
    }
  }
  [[nodiscard]] std::int64_t samples() const override { return 0; }
  [[nodiscard]] std::optional<Eigen::Index> dimension() const override { return 2; }
  [[nodiscard]] std::unique_ptr<opt::Objective> clone() const override {
    return std::make_unique<ThreadedLeastSquares>(pool_, m_, threads_);
  }
  double value(const VectorXd& w) override {
    VectorXd g;
    return value_gradient(w, g);
  }
  double value_gradient(const VectorXd& w, VectorXd& g) override {
    constexpr Eigen::Index chunk = 500;
    const Eigen::Index chunks = X_.rows() / chunk;
    std::vector<double> q(static_cast<std::size_t>(chunks));
    std::vector<VectorXd> gs(static_cast<std::size_t>(chunks));
    pool_.parallel_for(static_cast<std::size_t>(chunks), [&](std::size_t c, unsigned) {
      {
        const std::lock_guard lock(m_);
        threads_.insert(std::this_thread::get_id());
      }
      const auto rows = Eigen::seqN(static_cast<Eigen::Index>(c) * chunk, chunk);
      const VectorXd r = X_(rows, Eigen::all) * w - y_(rows);
      q[c] = r.squaredNorm();
      gs[c] = 2.0 * X_(rows, Eigen::all).transpose() * r;
    });
    double total = 0.0;
    g.setZero(2);
    for (std::size_t c = 0; c < q.size(); ++c) {
      total += q[c];
      g += gs[c];
    }
    const double l = static_cast<double>(X_.rows());
    g /= l;
    return total / l;
  }
  double batch_value_gradient(const VectorXd&, std::span<const std::int64_t>, VectorXd&) override {
    throw nabla::Error("no batches");
  }

 private:
  opt::ThreadPool& pool_;
  std::mutex& m_;
  std::set<std::thread::id>& threads_;
  Eigen::MatrixXd X_;
  VectorXd y_;
};
}  // namespace

TEST_CASE("multistart over a threaded objective uses the pool's T threads, not T squared") {
  opt::ThreadPool pool(3);
  std::mutex m;
  std::set<std::thread::id> threads;
  ThreadedLeastSquares f(pool, m, threads);
  // Alone, the objective spreads its chunks over the pool's threads.
  VectorXd g;
  (void)f.value_gradient(Eigen::Vector2d(0.5, 0.5), g);
  CHECK(threads.size() >= 1);
  CHECK(threads.size() <= pool.size());
  threads.clear();
  const auto r = opt::multistart(f, opt::LBFGS{.gtol = 1e-12, .ftol = 0.0},
                                 {.starts = 9,
                                  .lower = VectorXd::Constant(1, -4.0),
                                  .upper = VectorXd::Constant(1, 4.0),
                                  .pool = &pool},
                                 {.stop = {.gradient_norm = 1e-10}});
  CHECK(r.threads == pool.size());  // 3, or 1 with a BLAS unsafe across threads
  // The starts took the pool's threads; the objective's chunks ran inline on them.
  CHECK(threads.size() <= pool.size());
  CHECK(pool.threads_started() == pool.size() - 1);
  REQUIRE(r.minima.size() == 1);
  // The closed form: the normal equations of the same data.
  Eigen::MatrixXd X(4000, 2);
  VectorXd y(4000);
  for (Eigen::Index i = 0; i < 4000; ++i) {
    X(i, 0) = std::sin(0.1 * static_cast<double>(i));
    X(i, 1) = std::cos(0.37 * static_cast<double>(i));
    y[i] = 2.0 * X(i, 0) - X(i, 1) + 0.01 * std::sin(static_cast<double>(i));
  }
  const VectorXd w = (X.transpose() * X).ldlt().solve(X.transpose() * y);
  CHECK((r.x - w).lpNorm<Eigen::Infinity>() <= 1e-8);
}

TEST_CASE("a pool runs on one thread when the BLAS is not safe to call from two") {
  // With OpenBLAS's sequential build (libopenblas-serial) two threads multiplying at once get
  // wrong products (autodiff/matrix/blas); the pool then keeps to one thread.
  opt::ThreadPool pool(4);
  CHECK(pool.size() == (nabla::blas_thread_safe() ? 4u : 1u));
  std::atomic<int> done{0};
  pool.parallel_for(8, [&](std::size_t, unsigned) { ++done; });
  CHECK(done == 8);
}
