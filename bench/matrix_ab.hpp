// Interleaved A/B timing for the matrix benchmarks: the two sides alternate (A B, B A, …) so
// that drifting machine load hits both alike; each pair gives one ratio B/A, and the table
// reports the median of each side and the median ratio with its 10–90 % spread.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "timing.hpp"

namespace nabla::bench {

struct AbResult {
  double a_ms = 0.0;
  double b_ms = 0.0;
  double ratio = 0.0;
  double ratio_lo = 0.0;
  double ratio_hi = 0.0;
};

template <class A, class B>
AbResult interleave(A&& a, B&& b, int pairs = 21, int warmup = 2) {
  for (int k = 0; k < warmup; ++k) {
    a();
    b();
  }
  std::vector<double> ta, tb, r;
  for (int k = 0; k < pairs; ++k) {
    double x = 0.0;
    double y = 0.0;
    if (k % 2 == 0) {
      x = milliseconds(a);
      y = milliseconds(b);
    } else {
      y = milliseconds(b);
      x = milliseconds(a);
    }
    ta.push_back(x);
    tb.push_back(y);
    r.push_back(y / x);
  }
  return {median(ta), median(tb), median(r), quantile(r, 0.1), quantile(r, 0.9)};
}

inline void print_header(const std::string& title) {
  fmt::print("\n## {}\n\n", title);
  fmt::print("| workload | A | B | A median ms | B median ms | B/A median | B/A 10–90 % |\n");
  fmt::print("|---|---|---|---:|---:|---:|---|\n");
}

inline void print_row(const std::string& workload, const std::string& a, const std::string& b,
                      const AbResult& r) {
  fmt::print("| {} | {} | {} | {:.4g} | {:.4g} | {:.3f} | {:.3f}–{:.3f} |\n", workload, a, b,
             r.a_ms, r.b_ms, r.ratio, r.ratio_lo, r.ratio_hi);
  std::fflush(stdout);
}

}  // namespace nabla::bench
