// Labels belong to their tape: they name records of one recording, vanish with Tape::clear()
// and with the tape, never leak into another tape, and a Var that is not on the active tape
// cannot be labelled.
#include <doctest/doctest.h>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/teaching/explain.hpp>
#include <nabla/autodiff/teaching/label.hpp>
#include <string>

using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;

TEST_CASE("label names a record of the active tape and returns the Var unchanged") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(3.0);
  const Var& named = nabla::label(x, "x");
  CHECK(&named == &x);
  const Var y = nabla::label(x * x, "y");
  CHECK(y.value() == 9.0);
  CHECK(nabla::label_of(tape, x.index()) == "x");
  CHECK(nabla::label_of(tape, y.index()) == "y");
  CHECK(nabla::label_of(tape, y.index() + 1) == "");  // no such record: no name
  nabla::label(y, "y squared");                       // a second label replaces the first
  CHECK(tape.label(y.index()) == "y squared");
}

TEST_CASE("Tape::clear forgets the labels with the records they named") {
  Tape tape;
  const TapeScope scope(tape);
  nabla::label(tape.variable(1.0), "old");
  tape.clear();
  const Var fresh = tape.variable(2.0);  // record 0 again, on the new recording
  CHECK(fresh.index() == 0);
  CHECK(tape.label(0) == "");
}

TEST_CASE("labels of two tapes are independent, and clear_labels clears the active tape's") {
  Tape a;
  Tape b;
  {
    const TapeScope scope(a);
    nabla::label(a.variable(1.0), "on a");
  }
  {
    const TapeScope scope(b);
    const Var v = b.variable(1.0);  // the same record index as on a
    CHECK(v.index() == 0);
    CHECK(b.label(0) == "");
    nabla::label(v, "on b");
    nabla::clear_labels();
    CHECK(b.label(0) == "");
  }
  CHECK(a.label(0) == "on a");
}

TEST_CASE("a Var that is not on the active tape cannot be labelled") {
  Tape tape;
  Var stale;
  {
    const TapeScope scope(tape);
    stale = tape.variable(1.0);
    tape.clear();
    CHECK_THROWS_AS(nabla::label(stale, "stale"), nabla::TapeMismatchError);
    Tape other;
    const TapeScope inner(other);
    CHECK_THROWS_AS(nabla::label(stale, "other"), nabla::TapeMismatchError);
  }
  CHECK_THROWS_AS(nabla::label(stale, "none"), nabla::NoActiveTapeError);
  CHECK_THROWS_WITH_AS(nabla::label(stale, "none"), doctest::Contains("nabla::label(\"none\")"),
                       nabla::NoActiveTapeError);
  const Var constant = 4.0;
  CHECK(nabla::label(constant, "ignored").value() == 4.0);  // constants have no record
}

TEST_CASE("explain prints the labels of its own recording only") {
  // explain records f on a fresh tape; a label given inside f shows, and a later call records
  // on a cleared tape where the name is gone.
  auto named = [](const nabla::VectorXv& x) { return nabla::label(x[0] * x[1], "product"); };
  auto plain = [](const nabla::VectorXv& x) { return x[0] * x[1]; };
  const Eigen::Vector2d x(2.0, 3.0);
  CHECK(nabla::explain(named, x).find("(product)") != std::string::npos);
  CHECK(nabla::explain(plain, x).find("(product)") == std::string::npos);
}
