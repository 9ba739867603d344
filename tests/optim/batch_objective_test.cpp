// Parameter blocks and the mini-batch objective over matrix losses: gradients against central
// differences, against the same loss written per sample on the scalar path (FiniteSum), chunked
// full evaluations against one batch, and exact save/load of the blocks.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using nabla::Mat;
using nabla::Var;
using nabla::VectorXv;

namespace {

opt::RowMatrixXd design(Eigen::Index rows, Eigen::Index cols) {
  opt::RowMatrixXd X(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j)
      X(i, j) = std::sin(static_cast<double>(1 + 2 * i + 5 * j)) + 0.1 * static_cast<double>(j);
  return X;
}

opt::Parameters mlp_blocks() {
  opt::Parameters p;
  Eigen::MatrixXd w1(3, 4), b1(1, 4), w2(4, 2), b2(1, 2);
  for (Eigen::Index i = 0; i < w1.size(); ++i) w1.reshaped()[i] = 0.3 * std::cos(1.0 + i);
  for (Eigen::Index i = 0; i < b1.size(); ++i) b1.reshaped()[i] = 0.1 * i;
  for (Eigen::Index i = 0; i < w2.size(); ++i) w2.reshaped()[i] = 0.2 * std::sin(2.0 + i);
  b2 << 0.05, -0.05;
  p.add("W1", w1).add("b1", b1).add("W2", w2).add("b2", b2);
  return p;
}

auto model = [](const opt::Blocks& p, const Mat& X) {
  return nabla::tanh(X * p["W1"] + p["b1"]) * p["W2"] + p["b2"];
};
auto ce_loss = [](const opt::Blocks& p, const Mat& X, const Eigen::VectorXi& y) {
  return nabla::cross_entropy(model(p, X), y);
};

Eigen::VectorXi labels(Eigen::Index n) {
  Eigen::VectorXi y(n);
  for (Eigen::Index i = 0; i < n; ++i) y[i] = static_cast<int>((i * 7) % 2);
  return y;
}

}  // namespace

TEST_CASE("an MLP's batch gradient matches central differences") {
  opt::BatchObjective Q(mlp_blocks(), design(12, 3), labels(12), ce_loss);
  const Eigen::VectorXd w = Q.x0();
  CHECK(w.size() == 3 * 4 + 4 + 4 * 2 + 2);
  CHECK(Q.dimension() == w.size());
  const std::vector<std::int64_t> batch{3, 0, 7, 11, 5};
  Eigen::VectorXd g, scratch;
  const double q = Q.batch_value_gradient(w, batch, g);
  const double h = 1e-6;
  for (Eigen::Index j = 0; j < w.size(); ++j) {
    Eigen::VectorXd a = w, b = w;
    a[j] += h;
    b[j] -= h;
    const double fd =
        (Q.batch_value_gradient(a, batch, scratch) - Q.batch_value_gradient(b, batch, scratch)) /
        (2 * h);
    CHECK(g[j] == doctest::Approx(fd).epsilon(1e-7));
  }
  // The batch loss is the mean over its samples: the mean of the five one-sample losses.
  double mean = 0.0;
  for (const std::int64_t i : batch) mean += Q.batch_value_gradient(w, std::span(&i, 1), scratch);
  CHECK(q == doctest::Approx(mean / 5.0).epsilon(1e-14));
}

TEST_CASE("full evaluations in chunks of rows equal one batch of every row") {
  // 5000 rows: three chunks of at most 2048.
  opt::BatchObjective Q(mlp_blocks(), design(5000, 3), labels(5000), ce_loss);
  const Eigen::VectorXd w = Q.x0();
  std::vector<std::int64_t> every(5000);
  for (std::int64_t i = 0; i < 5000; ++i) every[static_cast<std::size_t>(i)] = i;
  Eigen::VectorXd g_one, g_chunks;
  const double one = Q.batch_value_gradient(w, every, g_one);
  CHECK(Q.value_gradient(w, g_chunks) == doctest::Approx(one).epsilon(1e-13));
  CHECK((g_chunks - g_one).cwiseAbs().maxCoeff() <= 1e-13);
  CHECK(Q.value(w) == doctest::Approx(one).epsilon(1e-13));
}

TEST_CASE("Adam on mini-batches: the matrix loss over blocks runs as the per-sample FiniteSum") {
  // Linear least squares y ≈ X·w + c written twice: on blocks (w 3×1, c 1×1) with Mat and per
  // sample with dot. Same data, seed and batches: the iterates agree to rounding.
  const opt::RowMatrixXd X = design(40, 3);
  Eigen::VectorXd y(40);
  for (Eigen::Index i = 0; i < 40; ++i) y[i] = 1.0 + X(i, 0) - 2.0 * X(i, 2);
  opt::Parameters p;
  p.add("w", Eigen::MatrixXd::Zero(3, 1)).add("c", Eigen::MatrixXd::Zero(1, 1));
  auto matrix_loss = [](const opt::Blocks& b, const Mat& Xb, const Eigen::VectorXd& yb) {
    return nabla::mse(Xb * b["w"] + b["c"], nabla::constant(Eigen::MatrixXd(yb)));
  };
  opt::BatchObjective blocks(p, X, y, matrix_loss);
  auto sample_loss = [](const VectorXv& w, const auto& x, double t) {
    const Var r = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + w[3] - t;
    return r * r;
  };
  opt::FiniteSum per_sample(X, y, sample_loss);
  const opt::Options o{
      .batching = opt::Batching::mini_batch(8), .stop = {.max_epochs = 20}, .seed = 3};
  const auto a = opt::minimize(blocks, blocks.x0(), opt::Adam{.lr = 0.05}, o);
  const auto b = opt::minimize(per_sample, Eigen::VectorXd::Zero(4), opt::Adam{.lr = 0.05}, o);
  CHECK(a.iterations == b.iterations);
  CHECK((a.x - b.x).cwiseAbs().maxCoeff() <= 1e-12);
  CHECK(a.evaluations.batch_calls == 100);
  const opt::Parameters fitted = blocks.parameters(a.x);
  CHECK(fitted["w"].rows() == 3);
  CHECK(fitted["c"](0, 0) == a.x[3]);
}

TEST_CASE("parameter blocks: packing, names, exact save and load, and their errors") {
  const opt::Parameters p = mlp_blocks();
  CHECK(p.count() == 4);
  CHECK(p.name(2) == "W2");
  CHECK(p.offset(2) == 16);
  const Eigen::VectorXd x = p.pack();
  CHECK(x[p.offset(1) + 3] == p["b1"](0, 3));
  CHECK(x[p.offset(2) + 5] == p["W2"](1, 1));  // column-major: entry 5 of a 4×2 block is (1, 1)
  Eigen::VectorXd y = x * 1.0 / 3.0;
  const opt::Parameters q = p.with(y);
  opt::Parameters loaded = mlp_blocks();
  loaded.load(q.save());
  CHECK(loaded.pack() == y);  // hexadecimal doubles: exact
  CHECK_THROWS_WITH_AS((void)p["W3"],
                       doctest::Contains("no block is called 'W3' (blocks: W1, b1, W2, b2)"),
                       nabla::Error);
  opt::Parameters twice;
  twice.add("W", Eigen::MatrixXd::Ones(2, 2));
  CHECK_THROWS_WITH_AS(twice.add("W", Eigen::MatrixXd::Ones(1, 1)),
                       doctest::Contains("already called 'W'"), nabla::Error);
  opt::Parameters other;
  other.add("W1", Eigen::MatrixXd::Zero(2, 4));
  CHECK_THROWS_WITH_AS(other.load(p.save()),
                       doctest::Contains("block 'W1' is 3×4 in the file but 2×4"), nabla::Error);
  CHECK_THROWS_AS(loaded.assign(Eigen::VectorXd::Zero(3)), nabla::ShapeError);
}

TEST_CASE("x0 of the wrong size for a block objective is an error before any evaluation") {
  opt::BatchObjective Q(mlp_blocks(), design(12, 3), labels(12), ce_loss);
  CHECK_THROWS_WITH_AS(opt::minimize(Q, Eigen::VectorXd::Zero(5), opt::Adam{}),
                       doctest::Contains("x0 has size 5 but the objective has 26 parameters"),
                       nabla::ShapeError);
  CHECK_THROWS_WITH_AS(opt::BatchObjective(mlp_blocks(), design(12, 3), labels(11), ce_loss),
                       doctest::Contains("X has 12 rows but the targets have 11"),
                       nabla::ShapeError);
}
