// Which products the build uses, and that they are right: the library's report of its BLAS
// agrees with the compile flag, a threaded OpenBLAS runs one thread, and a product large enough
// for Eigen to hand to dgemm equals the sum written out.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include <nabla/autodiff/matrix.hpp>

TEST_CASE("the reported BLAS is the one this build compiled against, with one thread") {
#ifdef EIGEN_USE_BLAS
  CHECK(nabla::uses_blas());
  CHECK(nabla::blas_backend().find("OpenBLAS") == 0);
#else
  CHECK_FALSE(nabla::uses_blas());
  CHECK(nabla::blas_backend().find("no BLAS") != std::string::npos);
#endif
  CHECK(nabla::blas_threads() == 1);
}

TEST_CASE("a large product through Mat equals the sum written out, and so does its gradient") {
  // 70 × 90 times 90 × 50: above Eigen's threshold for its blocked GEMM (and dgemm).
  Eigen::MatrixXd A(70, 90), B(90, 50);
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < A.cols(); ++j)
      A(i, j) = std::sin(0.37 * double(i) + 1.1 * double(j));
  for (Eigen::Index i = 0; i < B.rows(); ++i)
    for (Eigen::Index j = 0; j < B.cols(); ++j)
      B(i, j) = std::cos(0.23 * double(i) - 0.7 * double(j));
  nabla::Tape tape;
  nabla::TapeScope scope(tape);
  const nabla::Mat a = nabla::variable(A);
  const nabla::Mat c = a * nabla::constant(B);
  const nabla::Var l = nabla::sum(c);
  tape.reverse(l);
  double worst = 0.0, worst_grad = 0.0;
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < B.cols(); ++j) {
      double s = 0.0;
      for (Eigen::Index k = 0; k < A.cols(); ++k) s += A(i, k) * B(k, j);
      worst = std::max(worst, std::abs(c.value()(i, j) - s));
    }
  // d sum(A·B)/dA(i, k) = Σ_j B(k, j).
  const Eigen::MatrixXd g = nabla::gradient_of(a);
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index k = 0; k < A.cols(); ++k) {
      double s = 0.0;
      for (Eigen::Index j = 0; j < B.cols(); ++j) s += B(k, j);
      worst_grad = std::max(worst_grad, std::abs(g(i, k) - s));
    }
  // 90 products of magnitude ≤ 1 per entry: a few ulp of 90 in any summation order.
  CHECK(worst <= 1e-13);
  CHECK(worst_grad <= 1e-13);
}

// The library's own threads (optim's pool) call Eigen's products concurrently. A BLAS that is
// not thread-safe returns wrong products then: Debian's libopenblas-serial (built without
// USE_LOCKING) gave 219 wrong 64×64 products of 40000 from two threads; the pthread build set
// to one thread, 0. Each thread checks its products against one computed before the threads.
// (Unconditional, this check failed with the serial library: 219 wrong of 40000.)
TEST_CASE("products from two threads at once are exact (a thread-safe BLAS)") {
  constexpr int kThreads = 2, kReps = 5000;
  std::vector<Eigen::MatrixXd> a(kThreads), b(kThreads), want(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    a[static_cast<std::size_t>(t)] = Eigen::MatrixXd::Random(64, 64) * (t + 1);
    b[static_cast<std::size_t>(t)] = Eigen::MatrixXd::Random(64, 64);
    want[static_cast<std::size_t>(t)] =
        a[static_cast<std::size_t>(t)] * b[static_cast<std::size_t>(t)];
  }
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const auto k = static_cast<std::size_t>(t);
      for (int r = 0; r < kReps; ++r) {
        const Eigen::MatrixXd c = a[k] * b[k];
        if (c != want[k]) ++wrong[k];
      }
    });
  for (std::thread& th : threads) th.join();
  CAPTURE(nabla::blas_backend());
  // A BLAS that says it is safe across threads must be; one that does not (the sequential build)
  // may race, and optim's pools then keep to one thread (tests/optim/thread_pool_test.cpp).
  if (nabla::blas_thread_safe()) CHECK(wrong[0] + wrong[1] == 0);
}
