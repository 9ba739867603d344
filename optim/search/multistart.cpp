#include <nabla/optim/search/multistart.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {

Eigen::Index dimension_of(const Objective& objective, const MultistartOptions& s,
                          const Options& options) {
  if (s.lower.size() > 1) return s.lower.size();
  if (s.upper.size() > 1) return s.upper.size();
  if (s.sample) return -1;  // the first sample's size
  if (const auto d = objective.dimension()) return *d;
  if (options.dimension) return *options.dimension;
  throw Error(
      "nabla::optim::multistart: the dimension is unknown: give the box as vectors of size n, "
      "a `sample` function, or Options::dimension");
}

Eigen::VectorXd broadcast(const Eigen::VectorXd& v, Eigen::Index n) {
  return v.size() == 1 ? Eigen::VectorXd::Constant(n, v[0]) : v;
}

std::vector<Eigen::VectorXd> draw_starts(const MultistartOptions& s, Eigen::Index n) {
  // n < 0: known only from the samples.
  Rng rng(s.seed);
  std::vector<Eigen::VectorXd> points;
  points.reserve(static_cast<std::size_t>(s.starts));
  if (s.sample) {
    for (int k = 0; k < s.starts; ++k) {
      Eigen::VectorXd x = s.sample(rng);
      if (n < 0) n = x.size();
      if (x.size() != n || n == 0)
        throw ShapeError(fmt::format(
            "nabla::optim::multistart: sample() returned a point of size {} for start {}, "
            "expected {}",
            x.size(), k, n));
      if (!x.allFinite())
        throw Error(
            fmt::format("nabla::optim::multistart: sample() returned a non-finite "
                        "point for start {}",
                        k));
      points.push_back(std::move(x));
    }
    return points;
  }
  const auto size_ok = [&](const Eigen::VectorXd& v) { return v.size() == 1 || v.size() == n; };
  if (s.lower.size() == 0 || s.upper.size() == 0 || !size_ok(s.lower) || !size_ok(s.upper))
    throw ShapeError(fmt::format(
        "nabla::optim::multistart: the start box needs lower and upper of size 1 or n = {} "
        "(got {} and {}), or a `sample` function",
        n, s.lower.size(), s.upper.size()));
  const Eigen::VectorXd lo = broadcast(s.lower, n), hi = broadcast(s.upper, n);
  for (Eigen::Index i = 0; i < n; ++i)
    if (!std::isfinite(lo[i]) || !std::isfinite(hi[i]) || !(lo[i] <= hi[i]))
      throw Error(fmt::format(
          "nabla::optim::multistart: the start box needs finite lower <= upper; coordinate {} "
          "has [{}, {}]",
          i, lo[i], hi[i]));
  for (int k = 0; k < s.starts; ++k) {
    Eigen::VectorXd x(n);
    for (Eigen::Index i = 0; i < n; ++i) x[i] = lo[i] + (hi[i] - lo[i]) * rng.uniform();
    points.push_back(std::move(x));
  }
  return points;
}

void add(Evaluations& total, const Evaluations& e) {
  total.values += e.values;
  total.gradients += e.gradients;
  total.hessian_vectors += e.hessian_vectors;
  total.hessians += e.hessians;
  total.batch_calls += e.batch_calls;
  total.batch_samples += e.batch_samples;
}

// Groups the runs' end points into distinct minima, in start order; best first.
std::vector<LocalMinimum> distinct_minima(const std::vector<Result>& runs, double tolerance) {
  std::vector<LocalMinimum> minima;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const Result& r = runs[k];
    if (!std::isfinite(r.value) || !r.x.allFinite()) continue;
    auto same = [&](const LocalMinimum& m) {
      return (r.x - m.x).lpNorm<Eigen::Infinity>() <=
             tolerance * std::max(1.0, m.x.lpNorm<Eigen::Infinity>());
    };
    const auto it = std::find_if(minima.begin(), minima.end(), same);
    if (it == minima.end()) {
      minima.push_back({r.x, r.value, {static_cast<int>(k)}});
      continue;
    }
    it->starts.push_back(static_cast<int>(k));
    if (r.value < it->value) {
      it->x = r.x;
      it->value = r.value;
    }
  }
  std::stable_sort(minima.begin(), minima.end(),
                   [](const LocalMinimum& a, const LocalMinimum& b) { return a.value < b.value; });
  return minima;
}

// Wraps a callback so that it runs under `lock`: a user callback never sees two threads.
std::function<bool(const Progress&)> serialised(std::function<bool(const Progress&)> f,
                                                std::shared_ptr<std::mutex> lock) {
  if (!f) return f;
  return [f = std::move(f), lock = std::move(lock)](const Progress& p) {
    const std::lock_guard guard(*lock);
    return f(p);
  };
}

}  // namespace

MultistartResult multistart(Objective& objective, const Method& method, const MultistartOptions& s,
                            const Options& options) {
  if (s.starts < 1)
    throw Error(fmt::format("nabla::optim::multistart: starts = {} must be >= 1", s.starts));
  if (!(s.distinct_tolerance >= 0.0))
    throw Error(fmt::format("nabla::optim::multistart: distinct_tolerance = {} must be >= 0",
                            s.distinct_tolerance));
  if (options.resume_from != nullptr)
    throw Error(
        "nabla::optim::multistart: Options::resume_from resumes one run, not a "
        "multistart; resume the run of one start with minimize instead");
  const Eigen::Index n = dimension_of(objective, s, options);
  MultistartResult out;
  out.start_points = draw_starts(s, n);
  out.runs.resize(out.start_points.size());

  ThreadPool& pool = s.pool != nullptr ? *s.pool : ThreadPool::shared();
  unsigned workers = std::min<unsigned>(s.threads == 0 ? pool.size() : s.threads, pool.size());
  workers = std::min<unsigned>(workers, static_cast<unsigned>(s.starts));
  if (ThreadPool::in_task()) workers = 1;  // nested: runs inline on this thread
  // One objective per worker: the caller's for worker 0, copies for the others.
  std::vector<std::unique_ptr<Objective>> copies;
  for (unsigned w = 1; w < workers; ++w) {
    std::unique_ptr<Objective> c = objective.clone();
    if (!c) {
      copies.clear();
      workers = 1;
      out.notice =
          "nabla::optim::multistart: the objective cannot be copied (Objective::clone), so "
          "its starts run one after another on one thread";
      std::fprintf(stderr, "%s\n", out.notice.c_str());
      break;
    }
    copies.push_back(std::move(c));
  }
  out.threads = workers;

  Options run_options = options;
  run_options.progress_bar = options.progress_bar && workers == 1;
  auto lock = std::make_shared<std::mutex>();
  run_options.on_iteration = serialised(options.on_iteration, lock);
  run_options.on_epoch = serialised(options.on_epoch, lock);
  pool.parallel_for(
      out.start_points.size(),
      [&](std::size_t k, unsigned worker) {
        Objective& f = worker == 0 ? objective : *copies[worker - 1];
        Options o = run_options;
        o.seed = options.seed + k;
        out.runs[k] = run(f, out.start_points[k], method, o);
      },
      workers);

  for (std::size_t k = 0; k < out.runs.size(); ++k) {
    const Result& r = out.runs[k];
    add(out.evaluations, r.evaluations);
    if (std::isfinite(r.value) && (out.best_start < 0 || r.value < out.value)) {
      out.best_start = static_cast<int>(k);
      out.value = r.value;
      out.x = r.x;
    }
  }
  if (out.best_start < 0) {
    out.value = std::numeric_limits<double>::quiet_NaN();
    out.x = out.runs.front().x;
  }
  out.minima = distinct_minima(out.runs, s.distinct_tolerance);
  return out;
}

}  // namespace nabla::optim
