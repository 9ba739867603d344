// The watched reverse sweep: local_partials of each record against closed forms, and the
// steps watched_reverse reports adding up to the adjoints of the plain reverse sweep.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/sweeps/watched.hpp>
#include <vector>

using nabla::Tape;
using nabla::TapeScope;
using nabla::Var;

TEST_CASE("local_partials are the operation's partial derivatives") {
  Tape tape;
  const TapeScope scope(tape);
  const Var a = tape.variable(2.0);
  const Var b = tape.variable(5.0);
  const Var q = a / b;        // ∂/∂a = 1/b, ∂/∂b = −a/b²
  const Var s = sqrt(q);      // ∂/∂q = 1/(2√q)
  const Var p = pow(a, 3.0);  // against a constant: ∂/∂a = 3a²
  std::vector<nabla::LocalPartial> out;
  nabla::local_partials(tape, q.index(), out);
  REQUIRE(out.size() == 2);
  std::map<std::uint32_t, double> d;
  for (const auto& lp : out) d[lp.input] = lp.partial;
  CHECK(d[a.index()] == doctest::Approx(1.0 / 5.0).epsilon(1e-15));
  CHECK(d[b.index()] == doctest::Approx(-2.0 / 25.0).epsilon(1e-15));
  nabla::local_partials(tape, s.index(), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].partial == doctest::Approx(0.5 / std::sqrt(0.4)).epsilon(1e-15));
  double constant = 0.0;
  nabla::local_partials(tape, p.index(), out, &constant);
  REQUIRE(out.size() == 1);
  CHECK(out[0].partial == doctest::Approx(12.0).epsilon(1e-15));
  CHECK(constant == 3.0);
}

TEST_CASE("watched_reverse reports every contribution; they sum to the plain adjoints") {
  Tape tape;
  const TapeScope scope(tape);
  const Var x = tape.variable(0.3);
  const Var y = tape.variable(-1.2);
  const Var t = x * y;
  const Var f = sin(t) + t * x;  // t is used twice: two contributions reach it
  std::map<std::uint32_t, double> summed;
  int steps = 0;
  nabla::watched_reverse(tape, f.index(), 1.0, [&](const nabla::ReverseStep& s) {
    ++steps;
    for (const nabla::LocalPartial& p : *s.partials) summed[p.input] += s.adjoint * p.partial;
  });
  CHECK(steps == 6);  // f, sin(t), t·x, t, and the inputs x and y
  tape.reverse(f);
  for (const Var& v : {x, y, t}) CHECK(summed[v.index()] == doctest::Approx(tape.adjoint(v)));
  // ∂f/∂x = y·cos(xy) + 2xy, ∂f/∂y = x·cos(xy) + x²
  CHECK(tape.adjoint(x) == doctest::Approx(-1.2 * std::cos(-0.36) + 2.0 * 0.3 * -1.2));
  CHECK(tape.adjoint(y) == doctest::Approx(0.3 * std::cos(-0.36) + 0.09));
}
