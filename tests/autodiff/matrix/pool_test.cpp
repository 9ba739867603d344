// The per-thread pool of big matrix buffers (pool.cpp): a recycled buffer is handed to the next
// matrix of the same size, small matrices are left alone, and a same-size reshape never
// reallocates.
#include <doctest/doctest.h>

#include <Eigen/Core>

#include <nabla/autodiff/matrix/node.hpp>

using Eigen::MatrixXd;
using nabla::detail::pooled_resize;
using nabla::detail::recycle;

TEST_CASE("a recycled big buffer is reused by the next matrix of the same size") {
  // 200×100 = 20000 entries: above the pooling threshold (16384).
  MatrixXd big(200, 100);
  const double* storage = big.data();
  recycle(big);
  CHECK(big.size() == 0);
  MatrixXd next;
  pooled_resize(next, 100, 200);  // same number of entries, another shape
  CHECK(next.rows() == 100);
  CHECK(next.cols() == 200);
  CHECK(next.data() == storage);
  recycle(next);
}

TEST_CASE("small matrices are not pooled") {
  MatrixXd small(10, 10);
  small.setConstant(3.0);
  const double* storage = small.data();
  recycle(small);  // below the threshold: left as it is
  CHECK(small.size() == 100);
  CHECK(small.data() == storage);
  CHECK(small(9, 9) == 3.0);
}

TEST_CASE("pooled_resize to the same size reshapes in place") {
  MatrixXd m(6, 4);
  const double* storage = m.data();
  pooled_resize(m, 3, 8);
  CHECK(m.rows() == 3);
  CHECK(m.cols() == 8);
  CHECK(m.data() == storage);
  pooled_resize(m, 2, 5);
  CHECK(m.rows() == 2);
  CHECK(m.cols() == 5);
}
