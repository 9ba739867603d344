// Comparisons of Vars compare values, record no operation, and are kept on the tape (with
// their outcome) only when an operand is active on the active tape.
#include <doctest/doctest.h>

#include <nabla/autodiff/scalar.hpp>
#include <vector>

using nabla::Comparison;
using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;

TEST_CASE("all six relations on values, for Var∘Var, Var∘double and double∘Var") {
  Tape tape;
  const TapeScope scope(tape);
  const std::vector<double> values = {-1.5, 0.0, 2.0};
  for (double a : values) {
    for (double b : values) {
      INFO("a = ", a, ", b = ", b);
      const Var va = tape.variable(a);
      const Var vb = tape.variable(b);
      CHECK((va < vb) == (a < b));
      CHECK((va <= vb) == (a <= b));
      CHECK((va > vb) == (a > b));
      CHECK((va >= vb) == (a >= b));
      CHECK((va == vb) == (a == b));
      CHECK((va != vb) == (a != b));
      CHECK((va < b) == (a < b));
      CHECK((va <= b) == (a <= b));
      CHECK((va > b) == (a > b));
      CHECK((va >= b) == (a >= b));
      CHECK((va == b) == (a == b));
      CHECK((va != b) == (a != b));
      CHECK((a < vb) == (a < b));
      CHECK((a <= vb) == (a <= b));
      CHECK((a > vb) == (a > b));
      CHECK((a >= vb) == (a >= b));
      CHECK((a == vb) == (a == b));
      CHECK((a != vb) == (a != b));
      // Constants compare the same way.
      CHECK((Var(a) < Var(b)) == (a < b));
      CHECK((Var(a) == b) == (a == b));
    }
  }
}

TEST_CASE("comparisons record no operation but are kept for replay") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(1.0);
  const Var y = tape.variable(3.0);
  const Var z = x * y;
  const std::size_t size = tape.size();
  CHECK(tape.comparisons().empty());
  const bool lt = x < y;
  const bool gt = z > 5.0;
  const bool eq = 2.0 == x;
  CHECK(lt);
  CHECK_FALSE(gt);
  CHECK_FALSE(eq);
  CHECK(tape.size() == size);  // no records
  REQUIRE(tape.comparisons().size() == 3);
  const Comparison& c0 = tape.comparisons()[0];
  CHECK(c0.relation == Comparison::Relation::Less);
  CHECK(c0.outcome);
  CHECK_FALSE(c0.lhs_constant);
  CHECK_FALSE(c0.rhs_constant);
  CHECK(c0.lhs == x.index());
  CHECK(c0.rhs == y.index());
  CHECK(c0.position == size);
  const Comparison& c1 = tape.comparisons()[1];
  CHECK(c1.relation == Comparison::Relation::Greater);
  CHECK_FALSE(c1.outcome);
  CHECK(c1.lhs == z.index());
  CHECK(c1.rhs_constant);
  CHECK(tape.constant(c1.rhs) == 5.0);
  const Comparison& c2 = tape.comparisons()[2];
  CHECK(c2.relation == Comparison::Relation::Equal);
  CHECK(c2.lhs_constant);
  CHECK(tape.constant(c2.lhs) == 2.0);
  CHECK(c2.rhs == x.index());
  // Derivatives are unaffected by comparisons (branching code differentiates its branch).
  const Var w = x < y ? x * x : y * y;
  tape.reverse(w);
  CHECK(tape.adjoint(x) == 2.0);
  CHECK(tape.adjoint(y) == 0.0);
  // clear() forgets the comparisons with the records.
  tape.clear();
  CHECK(tape.comparisons().empty());
}

TEST_CASE("comparisons outside the active recording never throw and are not kept") {
  Tape t1;
  Tape t2;
  const Var a = t1.variable(1.0);
  const Var b = t2.variable(2.0);
  // No active tape at all.
  CHECK(a < b);
  CHECK(a != 2.0);
  {
    const TapeScope scope(t2);
    // a belongs to t1: comparing it (even with a Var of t2) records nothing on t2.
    CHECK(a < b);
    CHECK(a < 5.0);
    CHECK(t2.comparisons().empty());
    CHECK(t1.comparisons().empty());
    // Constants against constants: nothing.
    CHECK(Var(1.0) < Var(2.0));
    CHECK(t2.comparisons().empty());
    // b is on the active tape: kept.
    CHECK(b >= 2.0);
    CHECK(t2.comparisons().size() == 1);
  }
}
