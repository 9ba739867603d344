// Record once, replay many times: replays must equal fresh recordings, never call f, and
// report branches that flip.
#include <doctest/doctest.h>

#include <cmath>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <random>

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nabla::Mat;
using nabla::Var;
using nabla::VectorXv;

namespace {

VectorXd random_vector(Eigen::Index n, std::mt19937& gen, double lo = -2.0, double hi = 2.0) {
  std::uniform_real_distribution<double> u(lo, hi);
  VectorXd v(n);
  for (Eigen::Index k = 0; k < n; ++k) v[k] = u(gen);
  return v;
}

double relative_error(const VectorXd& a, const VectorXd& b) {
  return (a - b).norm() / std::max(1.0, b.norm());
}

}  // namespace

TEST_CASE("replay at 100 random points equals a fresh recording; f is called once") {
  int calls = 0;
  auto rosenbrock = [&calls](const VectorXv& x) {
    ++calls;
    Var s = 0.0;
    for (Eigen::Index i = 0; i + 1 < x.size(); ++i)
      s += 100.0 * square(x[i + 1] - x[i] * x[i]) + square(1.0 - x[i]);
    return s + 0.1 * sin(x[0]) * exp(x[1] / 4.0) + pow(x[2] * x[2] + 1.0, 0.3);
  };
  std::mt19937 gen(1);
  nabla::Function fn(rosenbrock, random_vector(6, gen));
  CHECK(calls == 1);
  int fresh_calls = 0;
  for (int trial = 0; trial < 100; ++trial) {
    const VectorXd x = random_vector(6, gen);
    const auto [v, g] = fn.value_and_gradient(x);
    const int before = calls;
    const auto [v_ref, g_ref] = nabla::value_and_gradient(rosenbrock, x);
    fresh_calls += calls - before;
    CHECK(std::abs(v - v_ref) <= 1e-14 * std::max(1.0, std::abs(v_ref)));
    CHECK(relative_error(g, g_ref) <= 1e-14);
    CHECK(fn.status().ok());
    CHECK(fn.value(x) == v);
  }
  CHECK(calls == 1 + fresh_calls);  // every call of f was a fresh recording, none a replay
  CHECK(fn.recordings() == 1);
}

TEST_CASE("replay of matrix nodes mixed with scalars") {
  std::mt19937 gen(2);
  const MatrixXd X = MatrixXd::Random(30, 4);
  const VectorXd y = (X * VectorXd::LinSpaced(4, -1.0, 1.0)).array().sign().matrix();
  const Mat Xc = nabla::constant(X);
  int calls = 0;
  auto loss = [&](const Mat& w) {
    ++calls;
    const Mat z = Xc * w;
    const Var reg = 0.01 * nabla::squared_norm(w);
    return nabla::binary_cross_entropy_with_logits(z, MatrixXd((y.array() + 1.0) / 2.0)) + reg +
           nabla::log_sum_exp(nabla::tanh(z)) * w[0] +
           nabla::mse(nabla::softmax(z.transpose()), MatrixXd::Zero(1, 30));
  };
  nabla::Function fn(loss, random_vector(4, gen));
  for (int trial = 0; trial < 100; ++trial) {
    const VectorXd w = random_vector(4, gen);
    const auto [v, g] = fn.value_and_gradient(w);
    const auto [v_ref, g_ref] = nabla::value_and_gradient(loss, w);
    CHECK(std::abs(v - v_ref) <= 1e-13 * std::max(1.0, std::abs(v_ref)));
    CHECK(relative_error(g, g_ref) <= 1e-13);
  }
  CHECK(fn.recordings() == 1);
  CHECK(calls == 1 + 100);  // the 100 calls are the fresh references
}

TEST_CASE("replay re-evaluates custom scalar functions with their partials") {
  const auto log_cosh = nabla::scalar_function<1>(
      "log_cosh", [](double x) { return std::log(std::cosh(x)); },
      [](double x) { return std::tanh(x); });
  auto f = [&](const VectorXv& x) { return log_cosh(x[0] * x[1]) + x[1]; };
  nabla::Function fn(f, VectorXd::Constant(2, 0.5));
  const VectorXd x(VectorXd::LinSpaced(2, 1.5, -0.7));
  const VectorXd g = fn.gradient(x);
  const double t = std::tanh(x[0] * x[1]);
  CHECK(g[0] == doctest::Approx(t * x[1]).epsilon(1e-14));
  CHECK(g[1] == doctest::Approx(t * x[0] + 1.0).epsilon(1e-14));
  // A custom operation called with a constant argument cannot be replayed: said at once.
  const auto scaled = nabla::scalar_function<2>(
      "scaled", [](double a, double b) { return a * b; },
      [](double a, double b) {
        return std::array<double, 2>{b, a};
      });
  auto g2 = [&](const VectorXv& v) { return scaled(v[0], 2.0); };
  CHECK_THROWS_AS(nabla::Function(g2, VectorXd::Ones(1)), nabla::Error);
}

TEST_CASE("a flipped comparison is reported, thrown or re-recorded") {
  int calls = 0;
  auto f = [&calls](const VectorXv& x) {
    ++calls;
    if (x[0] > x[1]) return x[0] * x[1];
    return x[0] - x[1];
  };
  nabla::Function fn(f, VectorXd::LinSpaced(2, 2.0, 1.0));
  const VectorXd same_branch = VectorXd::LinSpaced(2, 3.0, -1.0);
  CHECK(fn.value(same_branch) == doctest::Approx(-3.0));
  CHECK(fn.status().ok());
  const VectorXd other_branch = VectorXd::LinSpaced(2, 1.0, 2.0);
  (void)fn.value(other_branch);  // the recorded branch (x0·x1), not f's value
  CHECK_FALSE(fn.status().ok());
  CHECK(fn.status().flipped_comparisons == 1);
  CHECK(calls == 1);
  fn.set_on_branch_flip(nabla::OnBranchFlip::Throw);
  CHECK_THROWS_AS((void)fn.value(other_branch), nabla::BranchFlipError);
  fn.set_on_branch_flip(nabla::OnBranchFlip::Rerecord);
  const auto [v, g] = fn.value_and_gradient(other_branch);
  CHECK(fn.status().rerecorded);
  CHECK(calls == 2);
  CHECK(v == doctest::Approx(-1.0));
  CHECK(g[0] == doctest::Approx(1.0));
  CHECK(g[1] == doctest::Approx(-1.0));
}

TEST_CASE("kinks recompute exactly but report a flip") {
  auto f = [](const VectorXv& x) { return max(x[0], x[1]) + abs(x[2]) + relu(x[1]); };
  nabla::Function fn(f, VectorXd::LinSpaced(3, 2.0, 1.0));  // (2, 1.5, 1)
  VectorXd x(3);
  x << 1.0, 2.0, -1.0;
  const auto [v, g] = fn.value_and_gradient(x);
  CHECK(v == doctest::Approx(2.0 + 1.0 + 2.0));
  CHECK(g[0] == 0.0);
  CHECK(g[1] == doctest::Approx(2.0));
  CHECK(g[2] == doctest::Approx(-1.0));
  CHECK(fn.status().flipped_kinks == 2);  // max and abs; relu(x1) stays on its side
  // Matrix kinks: every entry that changes side counts.
  auto fm = [](const Mat& w) {
    return nabla::sum(nabla::relu(w)) + nabla::hinge(w, MatrixXd::Ones(3, 1));
  };
  nabla::Function fmn(fm, VectorXd::LinSpaced(3, -1.0, 3.0));  // (-1, 1, 3)
  VectorXd w(3);
  w << 1.0, 0.5, 3.0;
  const auto [vm, gm] = fmn.value_and_gradient(w);
  const auto [vm_ref, gm_ref] = nabla::value_and_gradient(fm, w);
  CHECK(vm == doctest::Approx(vm_ref));
  CHECK(relative_error(gm, gm_ref) <= 1e-15);
  // relu: -1 → 1 flips; hinge margins 1 − w: (2, 0, −2) → (0, 0.5, −2): two flip.
  CHECK(fmn.status().flipped_kinks == 3);
}

TEST_CASE("jacobians by replay") {
  auto f = [](const VectorXv& x) {
    VectorXv y(2);
    y << 5 * x[0] * x[0] + 4 * x[1] + 1, -x[1] * exp(x[0]);
    return y;
  };
  nabla::Function fn(f, VectorXd::Zero(2));
  const VectorXd x = VectorXd::LinSpaced(2, 0.3, -1.2);
  const MatrixXd j = fn.jacobian(x);
  const MatrixXd j_ref = nabla::jacobian(f, x);
  CHECK((j - j_ref).norm() <= 1e-14);
  CHECK(j(0, 0) == doctest::Approx(10 * 0.3));
  const MatrixXd a = MatrixXd::Random(3, 3);
  auto fm = [&](const Mat& m) { return nabla::tanh(m * a); };
  const MatrixXd x0 = MatrixXd::Random(2, 3);
  nabla::Function fmn(fm, x0);
  const MatrixXd x1 = MatrixXd::Random(2, 3);
  CHECK((fmn.jacobian(x1) - nabla::jacobian(fm, x1)).norm() <= 1e-14);
  CHECK((fmn.values(x1) - fm(Mat(x1)).value().reshaped()).norm() <= 1e-15);
  CHECK_THROWS_AS((void)fmn.values(MatrixXd::Ones(3, 2)), nabla::ShapeError);
}

namespace {

// A 3-4-2 tanh network's softmax cross-entropy on 5 samples, on blocks W1, b1, W2, b2; the same
// function of the packed parameters for central differences.
struct BlockNet {
  MatrixXd X = MatrixXd::Random(5, 3);
  Eigen::VectorXi labels = (Eigen::VectorXi(5) << 0, 1, 1, 0, 1).finished();
  Var operator()(const std::vector<Mat>& p) const {
    const Mat h = nabla::tanh(nabla::constant(X) * p[0] + p[1]);
    return nabla::cross_entropy(h * p[2] + p[3], labels) + 0.1 * nabla::sum(nabla::relu(p[2]));
  }
  [[nodiscard]] double plain(const std::vector<MatrixXd>& p) const {
    const MatrixXd h = ((X * p[0]).rowwise() + p[1].row(0)).array().tanh().matrix();
    const MatrixXd z = (h * p[2]).rowwise() + p[3].row(0);
    double loss = 0.0;
    for (Eigen::Index i = 0; i < z.rows(); ++i) {
      const double m = z.row(i).maxCoeff();
      loss += m + std::log((z.row(i).array() - m).exp().sum()) - z(i, labels[i]);
    }
    return loss / static_cast<double>(z.rows()) + 0.1 * p[2].cwiseMax(0.0).sum();
  }
};

std::vector<MatrixXd> random_blocks(std::mt19937& gen) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<MatrixXd> p{MatrixXd(3, 4), MatrixXd(1, 4), MatrixXd(4, 2), MatrixXd(1, 2)};
  for (MatrixXd& b : p)
    for (Eigen::Index k = 0; k < b.size(); ++k) b.reshaped()[k] = u(gen);
  return p;
}

}  // namespace

TEST_CASE("replay on several blocks: value and per-block gradients against a fresh recording") {
  std::srand(3);
  const BlockNet net;
  int calls = 0;
  auto f = [&](const std::vector<Mat>& p) {
    ++calls;
    return net(p);
  };
  std::mt19937 gen(4);
  nabla::Function fn(f, random_blocks(gen));
  CHECK(fn.blocks() == 4);
  CHECK(fn.inputs() == 12 + 4 + 8 + 2);
  for (int trial = 0; trial < 20; ++trial) {
    const std::vector<MatrixXd> p = random_blocks(gen);
    const auto [y, g] = fn.value_and_gradient(p);
    REQUIRE(g.size() == 4);
    // A fresh recording of the same blocks (no replay) on its own tape.
    nabla::Tape tape;
    nabla::TapeScope scope(tape);
    std::vector<Mat> vars;
    for (const MatrixXd& b : p) vars.push_back(nabla::variable(b));
    const Var y_ref = net(vars);
    tape.reverse(y_ref);
    CHECK(std::abs(y - y_ref.value()) <= 1e-14 * std::max(1.0, std::abs(y_ref.value())));
    CHECK(std::abs(y - net.plain(p)) <= 1e-13);
    for (std::size_t k = 0; k < 4; ++k) {
      CHECK(g[k].rows() == p[k].rows());
      CHECK(g[k].cols() == p[k].cols());
      CHECK((g[k] - nabla::gradient_of(vars[k])).norm() <= 1e-14 * std::max(1.0, g[k].norm()));
    }
  }
  CHECK(calls == 1);
}

TEST_CASE("replay on blocks: gradients match central differences of a plain-Eigen loss") {
  std::srand(5);
  const BlockNet net;
  std::mt19937 gen(6);
  std::vector<MatrixXd> p = random_blocks(gen);
  nabla::Function fn([&](const std::vector<Mat>& b) { return net(b); }, p);
  const std::vector<MatrixXd> g = fn.gradient(p);
  const double h = 1e-6;
  for (std::size_t k = 0; k < p.size(); ++k)
    for (Eigen::Index e = 0; e < p[k].size(); ++e) {
      std::vector<MatrixXd> up = p;
      std::vector<MatrixXd> down = p;
      up[k].reshaped()[e] += h;
      down[k].reshaped()[e] -= h;
      const double fd = (net.plain(up) - net.plain(down)) / (2.0 * h);
      CHECK(std::abs(g[k].reshaped()[e] - fd) <= 1e-7);
    }
  // The Jacobian of the one output is the packed gradient: block 0 column-major, then 1, …
  const MatrixXd j = fn.jacobian(p);
  REQUIRE(j.rows() == 1);
  REQUIRE(j.cols() == 26);
  Eigen::Index offset = 0;
  for (const MatrixXd& gk : g) {
    CHECK(j.row(0).segment(offset, gk.size()).transpose() == gk.reshaped());
    offset += gk.size();
  }
}

TEST_CASE("replay on blocks: a Mat output, kinks reported, rerecord, and shape errors") {
  const MatrixXd a = (MatrixXd(2, 2) << 1.0, 2.0, -1.0, 0.5).finished();
  auto f = [&](const std::vector<Mat>& p) { return nabla::relu(p[0] * nabla::constant(a) + p[1]); };
  const std::vector<MatrixXd> p0{(MatrixXd(1, 2) << 1.0, 1.0).finished(),
                                 (MatrixXd(1, 2) << 0.5, 0.5).finished()};
  nabla::Function fn(f, p0);
  // z = p0·a + p1 = (1·1 + 1·(−1), 1·2 + 1·0.5) + 0.5 = (0.5, 3): both positive.
  const VectorXd v = fn.values(p0);
  CHECK(v[0] == doctest::Approx(0.5));
  CHECK(v[1] == doctest::Approx(3.0));
  CHECK(fn.status().ok());
  // d z_j / d p0_i = a(i, j), d z_j / d p1_j = 1 where z_j > 0.
  const MatrixXd j = fn.jacobian(p0);
  CHECK(j.rows() == 2);
  CHECK(j(0, 0) == 1.0);
  CHECK(j(0, 1) == -1.0);
  CHECK(j(1, 0) == 2.0);
  CHECK(j(1, 1) == 0.5);
  CHECK(j(0, 2) == 1.0);
  CHECK(j(1, 3) == 1.0);
  // p0 = (1, −1), p1 = (−3, 0.5): z = (1 + 1, 2 − 0.5) + p1 = (−1, 2); the first entry flips.
  const std::vector<MatrixXd> p1{(MatrixXd(1, 2) << 1.0, -1.0).finished(),
                                 (MatrixXd(1, 2) << -3.0, 0.5).finished()};
  const VectorXd v1 = fn.values(p1);
  CHECK(v1[0] == 0.0);
  CHECK(v1[1] == doctest::Approx(2.0));
  CHECK(fn.status().flipped_kinks == 1);
  fn.rerecord(p1);
  CHECK(fn.recordings() == 2);
  CHECK(fn.values(p1) == v1);
  CHECK(fn.status().ok());
  // Wrong block count or shape, and blocks given to a one-input Function: clear errors.
  CHECK_THROWS_AS(fn.values({p0[0]}), nabla::ShapeError);
  CHECK_THROWS_WITH_AS(fn.values({p0[0], MatrixXd::Zero(2, 1)}),
                       doctest::Contains("block 1 was recorded as 1×2, evaluated as 2×1"),
                       nabla::ShapeError);
  nabla::Function single([](const Mat& m) { return nabla::sum(m); }, MatrixXd::Ones(2, 2));
  CHECK(single.blocks() == 0);
  CHECK_THROWS_AS(single.value(p0), nabla::Error);
  CHECK_THROWS_AS(nabla::Function(f, std::vector<MatrixXd>{}), nabla::Error);
}
