// The matrix tape records (node.hpp): adjoint accumulation, the leaf's gradient hand-off, kink
// counting and the operand helpers, each against values worked out by hand.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include <nabla/autodiff/core/tape.hpp>
#include <nabla/autodiff/matrix/node.hpp>

using Eigen::MatrixXd;
using nabla::detail::count_changed;
using nabla::detail::LeafNode;
using nabla::detail::MatOperand;
using nabla::detail::VarOperand;

TEST_CASE("count_changed counts differing branches over the common length") {
  const std::vector<std::int8_t> recorded{1, -1, 0, 1};
  CHECK(count_changed(recorded, {1, -1, 0, 1}) == 0);
  CHECK(count_changed(recorded, {-1, -1, 1, 1}) == 2);
  CHECK(count_changed(recorded, {-1, 1}) == 2);  // only the first two are compared
  CHECK(count_changed({}, {1, 1}) == 0);
}

TEST_CASE("adjoints: the first contribution assigns, later ones add; the leaf takes the sum") {
  nabla::Tape tape;
  MatrixXd x(2, 2);
  x << 1.0, 2.0, 3.0, 4.0;
  LeafNode leaf(x);
  CHECK(!leaf.has_adjoint());
  CHECK((leaf.gradient() == MatrixXd::Zero(2, 2)));  // never reached by a sweep
  leaf.add_adjoint(MatrixXd::Constant(2, 2, 1.5));
  CHECK(leaf.has_adjoint());
  CHECK((leaf.adjoint() == MatrixXd::Constant(2, 2, 1.5)));
  leaf.add_adjoint(x);
  CHECK((leaf.adjoint() == (x.array() + 1.5).matrix()));
  leaf.zeroed_adjoint()(1, 1) += 10.0;  // already has an adjoint: no zero fill
  CHECK(leaf.adjoint()(1, 1) == 15.5);
  leaf.reverse(0.0, tape);
  CHECK(!leaf.has_adjoint());
  MatrixXd expected = (x.array() + 1.5).matrix();
  expected(1, 1) += 10.0;
  CHECK((leaf.gradient() == expected));
  double out[4];
  leaf.copy_gradient(out);
  CHECK(out[1] == expected(1, 0));  // column-major
  CHECK((leaf.take_gradient() == expected));
  CHECK((leaf.gradient() == MatrixXd::Zero(2, 2)));  // taken: forgotten
}

TEST_CASE("zeroed_adjoint zero-fills when nothing was added; element outputs add there") {
  LeafNode leaf(MatrixXd::Ones(2, 3));
  leaf.add_output_adjoint(4, 2.0);  // entry 4 column-major is (0, 2)
  CHECK(leaf.adjoint()(0, 2) == 2.0);
  CHECK(leaf.adjoint().sum() == 2.0);
  leaf.add_adjoint_each(2, 3, [](Eigen::Index k) { return static_cast<double>(k); });
  CHECK(leaf.adjoint()(0, 2) == 6.0);
  CHECK(leaf.adjoint()(1, 2) == 5.0);
}

TEST_CASE("operands: constants are inactive with zero tangents; Var operands read constants") {
  const MatOperand c{nullptr, std::make_shared<const MatrixXd>(MatrixXd::Constant(2, 3, 7.0))};
  CHECK(!c.active());
  CHECK(c.value()(1, 2) == 7.0);
  CHECK((c.tangent() == MatrixXd::Zero(2, 3)));
  c.add_adjoint(MatrixXd::Ones(2, 3));  // ignored, no node
  const VarOperand s{nabla::Var(2.5)};
  CHECK(!s.active);
  CHECK(s.value(nullptr) == 2.5);
}
