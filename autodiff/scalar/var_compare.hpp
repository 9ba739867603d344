// Comparisons of Vars compare values. When an operand is active on the active tape, the
// comparison and its outcome are kept on the tape, so that a replay at a new point can tell
// whether code that branched on it would still take the same branch.
#pragma once

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/core/var.hpp>

namespace nabla {

namespace detail {

inline bool compare_values(Comparison::Relation rel, double a, double b) noexcept {
  switch (rel) {
    case Comparison::Relation::Less: return a < b;
    case Comparison::Relation::LessEqual: return a <= b;
    case Comparison::Relation::Greater: return a > b;
    case Comparison::Relation::GreaterEqual: return a >= b;
    case Comparison::Relation::Equal: return a == b;
    case Comparison::Relation::NotEqual: return a != b;
  }
  return false;
}

inline bool compare(Comparison::Relation rel, const Var& a, const Var& b) {
  const bool outcome = compare_values(rel, a.value(), b.value());
  if (a.is_constant() && b.is_constant()) return outcome;
  Tape* t = Tape::active();
  const std::uint32_t stamp = a.is_constant() ? b.stamp() : a.stamp();
  // Only comparisons on the active recording matter for its replay.
  if (t == nullptr || t->stamp() != stamp || (!b.is_constant() && b.stamp() != stamp) ||
      (!a.is_constant() && a.stamp() != stamp))
    return outcome;
  Comparison c{};
  c.position = static_cast<std::uint32_t>(t->size());
  c.relation = rel;
  c.lhs_constant = a.is_constant();
  c.rhs_constant = b.is_constant();
  c.lhs = a.is_constant() ? t->push_constant(a.value()) : a.index();
  c.rhs = b.is_constant() ? t->push_constant(b.value()) : b.index();
  c.outcome = outcome;
  t->push_comparison(c);
  return outcome;
}

}  // namespace detail

#define NABLA_VAR_COMPARISON(symbol, relation)                         \
  inline bool operator symbol(const Var& a, const Var& b) {            \
    return detail::compare(Comparison::Relation::relation, a, b);      \
  }                                                                    \
  inline bool operator symbol(const Var& a, double b) {                \
    return detail::compare(Comparison::Relation::relation, a, Var(b)); \
  }                                                                    \
  inline bool operator symbol(double a, const Var& b) {                \
    return detail::compare(Comparison::Relation::relation, Var(a), b); \
  }
NABLA_VAR_COMPARISON(<, Less)
NABLA_VAR_COMPARISON(<=, LessEqual)
NABLA_VAR_COMPARISON(>, Greater)
NABLA_VAR_COMPARISON(>=, GreaterEqual)
NABLA_VAR_COMPARISON(==, Equal)
NABLA_VAR_COMPARISON(!=, NotEqual)
#undef NABLA_VAR_COMPARISON

}  // namespace nabla
