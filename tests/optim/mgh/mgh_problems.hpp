// The 18 unconstrained-minimization problems of J. J. Moré, B. S. Garbow and K. E. Hillstrom,
// "Testing unconstrained optimization software", ACM TOMS 7(1) (1981) 17–41, section 3, list III
// ("unconstrained minimization"), in that list's order, with the paper's problem numbers, its
// standard starting points x0 and the minimum values f* it lists. Each f is the sum of squares
// f(x) = Σᵢ fᵢ(x)² of the paper's residuals fᵢ, written with nabla's scalar Var operations. The
// sizes follow the paper's list (m = 13 for Biggs EXP6, 10 for Box, 20 for Brown–Dennis, 99 for
// Gulf, m = n for Chebyquad) and the authors' own Fortran (Algorithm 566, OBJFCN), which also
// fixes the helical valley's θ at x₁ = 0. Where a dimension is the user's choice: n = 10 for the
// variably dimensioned, penalty I and II, trigonometric and extended Rosenbrock functions, 12 for
// extended Powell, 8 for Chebyquad, 6 for Watson (the paper lists f* for n = 6, 9 and 12).
//
// f_star lists every minimum value the paper gives for the chosen sizes. The paper prints six
// significant digits followed by "…"; those digits are kept and extended to double precision
// from independent minimizations (tests/optim/reference/mgh_reference.py, scipy's BFGS and
// L-BFGS-B at gtol 1e-10, which agree with gonum's optimize/functions to 13+ digits), because
// the tolerance below is finer than six digits: Brown–Dennis's printed 85822.2 lies 1.6e-3 below
// its minimum 85822.2016…, more than 1e-8·85822. A run has "solved" a problem when it ends with
//   f − f* ≤ 1e-8·max(1, |f*|)   for ANY listed f*   (solved() below).
// tests/optim/reference/mgh_reference.py writes the same functions in numpy; mgh_test.cpp checks
// f(x0) against it.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <numbers>
#include <string_view>
#include <utility>
#include <vector>

#include <nabla/autodiff.hpp>

namespace mgh {

using nabla::Var;
using nabla::VectorXv;

struct MghProblem {
  std::string_view name;
  int number;  // the paper's
  Eigen::Index n;
  std::function<Var(const VectorXv&)> f;
  Eigen::VectorXd x0;
  std::vector<double> f_star;
};

// f − f* ≤ 1e-8·max(1, |f*|) for one of the listed f*.
inline bool solved(double f, const std::vector<double>& f_star) {
  return std::any_of(f_star.begin(), f_star.end(),
                     [f](double s) { return f - s <= 1e-8 * std::max(1.0, std::abs(s)); });
}

// (7) Helical valley (Fletcher & Powell), n = m = 3: a curved valley winding around the x₃ axis.
// f₁ = 10(x₃ − 10θ), f₂ = 10(√(x₁² + x₂²) − 1), f₃ = x₃, with 2πθ = atan(x₂/x₁) for x₁ > 0 and
// atan(x₂/x₁) + π for x₁ < 0 (at x₁ = 0, θ = ±1/4 by x₂'s sign, as in the authors' Fortran).
inline Var helical_valley(const VectorXv& x) {
  const double two_pi = 2.0 * std::numbers::pi;
  Var theta = x[1].value() >= 0.0 ? 0.25 : -0.25;
  if (x[0].value() > 0.0) theta = atan(x[1] / x[0]) / two_pi;
  if (x[0].value() < 0.0) theta = atan(x[1] / x[0]) / two_pi + 0.5;
  const Var f1 = 10.0 * (x[2] - 10.0 * theta);
  const Var f2 = 10.0 * (sqrt(x[0] * x[0] + x[1] * x[1]) - 1.0);
  return f1 * f1 + f2 * f2 + x[2] * x[2];
}

// (18) Biggs EXP6, n = 6, m = 13: fᵢ = x₃e^(−tᵢx₁) − x₄e^(−tᵢx₂) + x₆e^(−tᵢx₅) − yᵢ, tᵢ = i/10,
// yᵢ = e^(−tᵢ) − 5e^(−10tᵢ) + 3e^(−4tᵢ).
inline Var biggs_exp6(const VectorXv& x) {
  Var f = 0.0;
  for (int i = 1; i <= 13; ++i) {
    const double t = 0.1 * i;
    const double y = std::exp(-t) - 5.0 * std::exp(-10.0 * t) + 3.0 * std::exp(-4.0 * t);
    const Var r = x[2] * exp(-t * x[0]) - x[3] * exp(-t * x[1]) + x[5] * exp(-t * x[4]) - y;
    f += r * r;
  }
  return f;
}

// (9) Gaussian, n = 3, m = 15: fᵢ = x₁ exp(−x₂(tᵢ − x₃)²/2) − yᵢ, tᵢ = (8 − i)/2, yᵢ the
// paper's table (symmetric about i = 8).
inline Var gaussian(const VectorXv& x) {
  static constexpr double y[15] = {0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989,
                                   0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009};
  Var f = 0.0;
  for (int i = 1; i <= 15; ++i) {
    const double t = (8.0 - i) / 2.0;
    const Var d = t - x[2];
    const Var r = x[0] * exp(-x[1] * d * d / 2.0) - y[i - 1];
    f += r * r;
  }
  return f;
}

// (3) Powell badly scaled, n = m = 2: f₁ = 10⁴x₁x₂ − 1, f₂ = e^(−x₁) + e^(−x₂) − 1.0001.
inline Var powell_badly_scaled(const VectorXv& x) {
  const Var f1 = 1e4 * x[0] * x[1] - 1.0;
  const Var f2 = exp(-x[0]) + exp(-x[1]) - 1.0001;
  return f1 * f1 + f2 * f2;
}

// (12) Box three-dimensional, n = 3, m = 10: fᵢ = e^(−tᵢx₁) − e^(−tᵢx₂) − x₃(e^(−tᵢ) − e^(−10tᵢ)),
// tᵢ = i/10. f = 0 at (1, 10, 1), (10, 1, −1) and wherever x₁ = x₂, x₃ = 0.
inline Var box_3d(const VectorXv& x) {
  Var f = 0.0;
  for (int i = 1; i <= 10; ++i) {
    const double t = 0.1 * i;
    const Var r = exp(-t * x[0]) - exp(-t * x[1]) - x[2] * (std::exp(-t) - std::exp(-10.0 * t));
    f += r * r;
  }
  return f;
}

// (25) Variably dimensioned, m = n + 2: fᵢ = xᵢ − 1 (i ≤ n), f_{n+1} = Σⱼ j(xⱼ − 1),
// f_{n+2} = (Σⱼ j(xⱼ − 1))².
inline Var variably_dimensioned(const VectorXv& x) {
  Var f = 0.0, s = 0.0;
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    f += (x[j] - 1.0) * (x[j] - 1.0);
    s += static_cast<double>(j + 1) * (x[j] - 1.0);
  }
  const Var s2 = s * s;
  return f + s2 + s2 * s2;
}

// (20) Watson, 2 ≤ n ≤ 31, m = 31: for i ≤ 29, tᵢ = i/29,
// fᵢ = Σ_{j=2..n} (j − 1)xⱼtᵢ^(j−2) − (Σ_{j=1..n} xⱼtᵢ^(j−1))² − 1; f₃₀ = x₁, f₃₁ = x₂ − x₁² − 1.
inline Var watson(const VectorXv& x) {
  const Eigen::Index n = x.size();
  Var f = 0.0;
  for (int i = 1; i <= 29; ++i) {
    const double t = i / 29.0;
    Var s1 = 0.0, s2 = 0.0;
    for (Eigen::Index j = 2; j <= n; ++j)
      s1 += static_cast<double>(j - 1) * std::pow(t, static_cast<double>(j - 2)) * x[j - 1];
    for (Eigen::Index j = 1; j <= n; ++j) s2 += std::pow(t, static_cast<double>(j - 1)) * x[j - 1];
    const Var r = s1 - s2 * s2 - 1.0;
    f += r * r;
  }
  const Var f31 = x[1] - x[0] * x[0] - 1.0;
  return f + x[0] * x[0] + f31 * f31;
}

// (23) Penalty I, m = n + 1, a = 1e-5: fᵢ = √a (xᵢ − 1) (i ≤ n), f_{n+1} = Σⱼ xⱼ² − 1/4.
inline Var penalty_1(const VectorXv& x) {
  const double sqrt_a = std::sqrt(1e-5);
  Var f = 0.0, s = 0.0;
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    const Var r = sqrt_a * (x[j] - 1.0);
    f += r * r;
    s += x[j] * x[j];
  }
  return f + (s - 0.25) * (s - 0.25);
}

// (24) Penalty II, m = 2n, a = 1e-5: f₁ = x₁ − 0.2;
// fᵢ = √a (e^(xᵢ/10) + e^(x_{i−1}/10) − yᵢ), yᵢ = e^(i/10) + e^((i−1)/10), for 2 ≤ i ≤ n;
// fᵢ = √a (e^(x_{i−n+1}/10) − e^(−1/10)) for n < i < 2n;  f_{2n} = Σⱼ (n − j + 1)xⱼ² − 1.
inline Var penalty_2(const VectorXv& x) {
  const Eigen::Index n = x.size();
  const double sqrt_a = std::sqrt(1e-5);
  Var f = (x[0] - 0.2) * (x[0] - 0.2);
  for (Eigen::Index i = 2; i <= n; ++i) {
    const double y =
        std::exp(static_cast<double>(i) / 10.0) + std::exp(static_cast<double>(i - 1) / 10.0);
    const Var r = sqrt_a * (exp(x[i - 1] / 10.0) + exp(x[i - 2] / 10.0) - y);
    f += r * r;
  }
  for (Eigen::Index i = n + 1; i < 2 * n; ++i) {
    const Var r = sqrt_a * (exp(x[i - n] / 10.0) - std::exp(-0.1));
    f += r * r;
  }
  Var s = 0.0;
  for (Eigen::Index j = 1; j <= n; ++j) s += static_cast<double>(n - j + 1) * x[j - 1] * x[j - 1];
  return f + (s - 1.0) * (s - 1.0);
}

// (4) Brown badly scaled, n = 2, m = 3: f₁ = x₁ − 10⁶, f₂ = x₂ − 2·10⁻⁶, f₃ = x₁x₂ − 2.
inline Var brown_badly_scaled(const VectorXv& x) {
  const Var f1 = x[0] - 1e6, f2 = x[1] - 2e-6, f3 = x[0] * x[1] - 2.0;
  return f1 * f1 + f2 * f2 + f3 * f3;
}

// (16) Brown and Dennis, n = 4, m = 20: fᵢ = (x₁ + tᵢx₂ − e^tᵢ)² + (x₃ + x₄ sin tᵢ − cos tᵢ)²,
// tᵢ = i/5 (a large-residual problem: f* ≈ 85822.2).
inline Var brown_dennis(const VectorXv& x) {
  Var f = 0.0;
  for (int i = 1; i <= 20; ++i) {
    const double t = i / 5.0;
    const Var a = x[0] + t * x[1] - std::exp(t);
    const Var b = x[2] + std::sin(t) * x[3] - std::cos(t);
    const Var r = a * a + b * b;
    f += r * r;
  }
  return f;
}

// (11) Gulf research and development, n = 3, m = 99 (the paper's list III and Algorithm 566):
// fᵢ = exp(−|yᵢ − x₂|^x₃ / x₁) − tᵢ, tᵢ = i/100, yᵢ = 25 + (−50 ln tᵢ)^(2/3). (The paper prints
// "yᵢ mi x₂"; "mi" is a minus sign: with it f = 0 at (50, 25, 1.5).)
inline Var gulf(const VectorXv& x) {
  Var f = 0.0;
  for (int i = 1; i <= 99; ++i) {
    const double t = i / 100.0;
    const double y = 25.0 + std::pow(-50.0 * std::log(t), 2.0 / 3.0);
    const Var r = exp(-pow(abs(y - x[1]), x[2]) / x[0]) - t;
    f += r * r;
  }
  return f;
}

// (26) Trigonometric, m = n: fᵢ = n − Σⱼ cos xⱼ + i(1 − cos xᵢ) − sin xᵢ.
inline Var trigonometric(const VectorXv& x) {
  const Eigen::Index n = x.size();
  Var cos_sum = 0.0;
  for (Eigen::Index j = 0; j < n; ++j) cos_sum += cos(x[j]);
  Var f = 0.0;
  for (Eigen::Index i = 1; i <= n; ++i) {
    const Var r = static_cast<double>(n) - cos_sum +
                  static_cast<double>(i) * (1.0 - cos(x[i - 1])) - sin(x[i - 1]);
    f += r * r;
  }
  return f;
}

// (21) Extended Rosenbrock, n even, m = n: f_{2i−1} = 10(x_{2i} − x_{2i−1}²), f_{2i} = 1 − x_{2i−1}
// (n/2 uncoupled copies of Rosenbrock's function).
inline Var extended_rosenbrock(const VectorXv& x) {
  Var f = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); i += 2) {
    const Var a = 10.0 * (x[i + 1] - x[i] * x[i]), b = 1.0 - x[i];
    f += a * a + b * b;
  }
  return f;
}

// (22) Extended Powell singular, n a multiple of 4, m = n: f_{4i−3} = x_{4i−3} + 10x_{4i−2},
// f_{4i−2} = √5 (x_{4i−1} − x_{4i}), f_{4i−1} = (x_{4i−2} − 2x_{4i−1})²,
// f_{4i} = √10 (x_{4i−3} − x_{4i})²; the Hessian is singular at the minimum 0.
inline Var extended_powell(const VectorXv& x) {
  Var f = 0.0;
  for (Eigen::Index i = 0; i + 3 < x.size(); i += 4) {
    const Var f1 = x[i] + 10.0 * x[i + 1];
    const Var f2 = std::sqrt(5.0) * (x[i + 2] - x[i + 3]);
    const Var d3 = x[i + 1] - 2.0 * x[i + 2];
    const Var d4 = x[i] - x[i + 3];
    const Var f3 = d3 * d3;
    const Var f4 = std::sqrt(10.0) * (d4 * d4);
    f += f1 * f1 + f2 * f2 + f3 * f3 + f4 * f4;
  }
  return f;
}

// (5) Beale, n = 2, m = 3: fᵢ = yᵢ − x₁(1 − x₂ⁱ), y = (1.5, 2.25, 2.625).
inline Var beale(const VectorXv& x) {
  const Var f1 = 1.5 - x[0] * (1.0 - x[1]);
  const Var f2 = 2.25 - x[0] * (1.0 - x[1] * x[1]);
  const Var f3 = 2.625 - x[0] * (1.0 - x[1] * x[1] * x[1]);
  return f1 * f1 + f2 * f2 + f3 * f3;
}

// (14) Wood, n = 4, m = 6: f₁ = 10(x₂ − x₁²), f₂ = 1 − x₁, f₃ = √90 (x₄ − x₃²), f₄ = 1 − x₃,
// f₅ = √10 (x₂ + x₄ − 2), f₆ = (x₂ − x₄)/√10.
inline Var wood(const VectorXv& x) {
  const Var f1 = 10.0 * (x[1] - x[0] * x[0]);
  const Var f2 = 1.0 - x[0];
  const Var f3 = std::sqrt(90.0) * (x[3] - x[2] * x[2]);
  const Var f4 = 1.0 - x[2];
  const Var f5 = std::sqrt(10.0) * (x[1] + x[3] - 2.0);
  const Var f6 = (x[1] - x[3]) / std::sqrt(10.0);
  return f1 * f1 + f2 * f2 + f3 * f3 + f4 * f4 + f5 * f5 + f6 * f6;
}

// (35) Chebyquad (Fletcher), m = n here: fᵢ = (1/n) Σⱼ Tᵢ(2xⱼ − 1) − ∫₀¹ Tᵢ(2s − 1) ds, Tᵢ the
// Chebyshev polynomial of degree i; the integral is 0 for odd i and −1/(i² − 1) for even i.
inline Var chebyquad(const VectorXv& x) {
  const Eigen::Index n = x.size();
  std::vector<Var> sum(static_cast<std::size_t>(n), Var(0.0));
  for (Eigen::Index j = 0; j < n; ++j) {
    const Var y = 2.0 * x[j] - 1.0;
    Var t_prev = 1.0, t = y;  // T₀, T₁
    for (Eigen::Index i = 1; i <= n; ++i) {
      if (i > 1) {
        const Var next = 2.0 * y * t - t_prev;
        t_prev = t;
        t = next;
      }
      sum[static_cast<std::size_t>(i - 1)] += t;
    }
  }
  Var f = 0.0;
  for (Eigen::Index i = 1; i <= n; ++i) {
    const double integral = i % 2 == 0 ? -1.0 / static_cast<double>(i * i - 1) : 0.0;
    const Var r = sum[static_cast<std::size_t>(i - 1)] / static_cast<double>(n) - integral;
    f += r * r;
  }
  return f;
}

// The table, in the order of the paper's list III. x0 as the paper (and INITPT) gives it; f_star
// with the paper's printed digits in the comments.
inline std::vector<MghProblem> mgh_problems() {
  const auto vec = [](std::initializer_list<double> v) {
    Eigen::VectorXd x(static_cast<Eigen::Index>(v.size()));
    std::copy(v.begin(), v.end(), x.data());
    return x;
  };
  const auto fill = [](Eigen::Index n, auto&& xj) {  // x_j = xj(j), j = 1..n
    Eigen::VectorXd x(n);
    for (Eigen::Index j = 1; j <= n; ++j) x[j - 1] = xj(static_cast<double>(j));
    return x;
  };
  const auto problem = [](std::string_view name, int number, Var (*f)(const VectorXv&),
                          Eigen::VectorXd x0, std::vector<double> f_star) {
    const Eigen::Index n = x0.size();
    return MghProblem{name, number, n, f, std::move(x0), std::move(f_star)};
  };
  constexpr Eigen::Index n =
      10;  // of the variable-dimension problems but Watson, Powell, Chebyquad
  const auto powell_x0 = [](double j) {
    static constexpr double block[4] = {3.0, -1.0, 0.0, 1.0};
    return block[(static_cast<int>(j) - 1) % 4];
  };
  return {
      problem("helical_valley", 7, helical_valley, vec({-1.0, 0.0, 0.0}), {0.0}),
      // 5.65565…e-3 (m = 13), and f = 0 at (1, 10, 1, 5, 4, 3).
      problem("biggs_exp6", 18, biggs_exp6, vec({1.0, 2.0, 1.0, 1.0, 1.0, 1.0}),
              {5.655649925499929e-3, 0.0}),
      // 1.12793…e-8.
      problem("gaussian", 9, gaussian, vec({0.4, 1.0, 0.0}), {1.12793276961912e-8}),
      problem("powell_badly_scaled", 3, powell_badly_scaled, vec({0.0, 1.0}), {0.0}),
      problem("box_3d", 12, box_3d, vec({0.0, 10.0, 20.0}), {0.0}),
      problem("variably_dimensioned", 25, variably_dimensioned,
              fill(n, [](double j) { return 1.0 - j / static_cast<double>(n); }), {0.0}),
      // n = 6: 2.28767…e-3 (n = 9: 1.39976…e-6, n = 12: 4.72238…e-10).
      problem("watson", 20, watson, Eigen::VectorXd::Zero(6), {2.2876700535523838e-3}),
      // n = 10: 7.08765…e-5 (n = 4: 2.24997…e-5).
      problem("penalty_1", 23, penalty_1, fill(n, [](double j) { return j; }),
              {7.087651467090369e-5}),
      // n = 10: 2.93660…e-4 (n = 4: 9.37629…e-6).
      problem("penalty_2", 24, penalty_2, Eigen::VectorXd::Constant(n, 0.5),
              {2.9366053745674594e-4}),
      problem("brown_badly_scaled", 4, brown_badly_scaled, vec({1.0, 1.0}), {0.0}),
      // m = 20: 85822.2…
      problem("brown_dennis", 16, brown_dennis, vec({25.0, 5.0, -5.0, -1.0}), {85822.20162635634}),
      problem("gulf", 11, gulf, vec({5.0, 2.5, 0.15}), {0.0}),
      // The paper lists f = 0 only; from x0 the methods here end at a local minimum 2.79506e-5.
      problem("trigonometric", 26, trigonometric, Eigen::VectorXd::Constant(n, 1.0 / n), {0.0}),
      problem("extended_rosenbrock", 21, extended_rosenbrock,
              fill(n, [](double j) { return std::fmod(j, 2.0) == 1.0 ? -1.2 : 1.0; }), {0.0}),
      problem("extended_powell", 22, extended_powell, fill(12, powell_x0), {0.0}),
      problem("beale", 5, beale, vec({1.0, 1.0}), {0.0}),
      problem("wood", 14, wood, vec({-3.0, -1.0, -3.0, -1.0}), {0.0}),
      // m = n = 8: 3.51687…e-3 (f = 0 for n ≤ 7 and n = 9; 6.50395…e-3 for n = 10).
      problem("chebyquad", 35, chebyquad, fill(8, [](double j) { return j / 9.0; }),
              {3.5168737256779e-3}),
  };
}

}  // namespace mgh
