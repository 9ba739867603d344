#include <nabla/optim/run/schedule.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include <nabla/autodiff/core/error.hpp>

namespace nabla::optim {

namespace {
void require(bool ok, const char* what) {
  if (!ok) throw Error(fmt::format("nabla::optim::Schedule: {}", what));
}
}  // namespace

Schedule Schedule::constant() { return {}; }

Schedule Schedule::inverse_time() {
  Schedule s;
  s.kind_ = Kind::InverseTime;
  return s;
}

Schedule Schedule::power(double p) {
  require(p >= 0.0, "power(p) needs p >= 0");
  Schedule s;
  s.kind_ = Kind::Power;
  s.a_ = p;
  return s;
}

Schedule Schedule::vowpal(double sv, double p) {
  require(sv > 0.0 && p >= 0.0, "vowpal(s, p) needs s > 0 and p >= 0");
  Schedule s;
  s.kind_ = Kind::Vowpal;
  s.a_ = sv;
  s.b_ = p;
  return s;
}

Schedule Schedule::exponential(double gamma) {
  require(gamma > 0.0, "exponential(gamma) needs gamma > 0");
  Schedule s;
  s.kind_ = Kind::Exponential;
  s.a_ = gamma;
  return s;
}

Schedule Schedule::step(std::int64_t step_size, double gamma) {
  require(step_size > 0 && gamma > 0.0, "step(step_size, gamma) needs step_size > 0, gamma > 0");
  Schedule s;
  s.kind_ = Kind::Step;
  s.n_ = step_size;
  s.a_ = gamma;
  return s;
}

Schedule Schedule::cosine(std::int64_t total, std::int64_t warmup, double eta_min) {
  require(total > 0 && warmup >= 0 && warmup <= total,
          "cosine(total, warmup, eta_min) needs 0 <= warmup <= total, total > 0");
  Schedule s;
  s.kind_ = Kind::Cosine;
  s.n_ = total;
  s.m_ = warmup;
  s.a_ = eta_min;
  return s;
}

Schedule Schedule::reduce_on_plateau(double factor, int patience, double threshold,
                                     double eta_min) {
  require(factor > 0.0 && factor < 1.0, "reduce_on_plateau needs 0 < factor < 1");
  require(patience >= 0, "reduce_on_plateau needs patience >= 0");
  Schedule s;
  s.kind_ = Kind::Plateau;
  s.a_ = factor;
  s.b_ = threshold;
  s.c_ = eta_min;
  s.n_ = patience;
  return s;
}

Schedule Schedule::custom(std::function<double(std::int64_t, double)> f, std::string name) {
  require(static_cast<bool>(f), "custom() needs a callable");
  Schedule s;
  s.kind_ = Kind::Custom;
  s.custom_ = std::move(f);
  s.name_ = std::move(name);
  return s;
}

double Schedule::rate(std::int64_t t, double lr) const {
  const double td = static_cast<double>(std::max<std::int64_t>(t, 1));
  switch (kind_) {
    case Kind::Constant: return lr;
    case Kind::InverseTime: return lr / td;
    case Kind::Power: return lr / std::pow(td, a_);
    case Kind::Vowpal: return lr * std::pow(a_ / (a_ + td), b_);
    case Kind::Exponential: return lr * std::pow(a_, td - 1.0);
    case Kind::Step: {
      const std::int64_t drops = (std::max<std::int64_t>(t, 1) - 1) / n_;  // ⌊(t−1)/n⌋ on purpose
      return lr * std::pow(a_, static_cast<double>(drops));
    }
    case Kind::Cosine: {
      if (t <= m_) return lr * td / static_cast<double>(m_);
      if (t >= n_) return a_;
      const double progress = static_cast<double>(t - m_) / static_cast<double>(n_ - m_);
      return a_ + 0.5 * (lr - a_) * (1.0 + std::cos(std::numbers::pi * progress));
    }
    case Kind::Plateau: return std::max(lr * plateau_.scale, c_);
    case Kind::Custom: return custom_(t, lr);
  }
  return lr;
}

void Schedule::observe(double loss) {
  if (kind_ != Kind::Plateau || !std::isfinite(loss)) return;
  if (loss < plateau_.best * (1.0 - b_) || !std::isfinite(plateau_.best)) {
    plateau_.best = loss;
    plateau_.bad = 0;
    return;
  }
  if (++plateau_.bad > n_) {
    plateau_.scale *= a_;
    plateau_.bad = 0;
  }
}

std::string Schedule::describe() const {
  switch (kind_) {
    case Kind::Constant: return "constant";
    case Kind::InverseTime: return "lr/t";
    case Kind::Power: return fmt::format("lr/t^{}", a_);
    case Kind::Vowpal: return fmt::format("lr*({}/({}+t))^{}", a_, a_, b_);
    case Kind::Exponential: return fmt::format("lr*{}^(t-1)", a_);
    case Kind::Step: return fmt::format("lr*{}^floor((t-1)/{})", a_, n_);
    case Kind::Cosine: return fmt::format("cosine(total {}, warm-up {})", n_, m_);
    case Kind::Plateau: return fmt::format("reduce-on-plateau(x{}, patience {})", a_, n_);
    case Kind::Custom: return name_;
  }
  return "?";
}

}  // namespace nabla::optim
