// A 784–128–10 tanh MLP with softmax cross-entropy, batch 256: one forward + backward (loss and
// the gradients of W1, b1, W2, b2) through matrix nodes against a hand-written Eigen backward,
// and replay against re-recording (parameters packed in one vector for Function).
#include <Eigen/Core>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/functional/replay.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <vector>

#include "matrix_ab.hpp"

using Eigen::MatrixXd;
using Eigen::RowVectorXd;
using Eigen::VectorXd;

int main(int argc, char** argv) {
  const int pairs = argc > 1 ? std::atoi(argv[1]) : 21;
  const Eigen::Index m = 256, d = 784, h = 128, k = 10;
  std::srand(4);
  const MatrixXd X = MatrixXd::Random(m, d);
  std::vector<int> labels(static_cast<std::size_t>(m));
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int>(i % k);
  const MatrixXd W1 = MatrixXd::Random(d, h) * 0.05;
  const MatrixXd b1 = MatrixXd::Random(1, h) * 0.05;
  const MatrixXd W2 = MatrixXd::Random(h, k) * 0.05;
  const MatrixXd b2 = MatrixXd::Random(1, k) * 0.05;

  // Hand-written forward and backward.
  MatrixXd Z1(m, h), H(m, h), Z2(m, k), P(m, k), dZ2(m, k), dH(m, h), gW1(d, h), gW2(h, k);
  RowVectorXd gb1(h), gb2(k);
  double loss_hand = 0.0;
  auto hand = [&] {
    Z1.noalias() = X * W1;
    Z1.rowwise() += b1.row(0);
    H = Z1.array().tanh();
    Z2.noalias() = H * W2;
    Z2.rowwise() += b2.row(0);
    const VectorXd mx = Z2.rowwise().maxCoeff();
    P = (Z2.colwise() - mx).array().exp();
    const VectorXd z = P.rowwise().sum();
    P.array().colwise() /= z.array();
    loss_hand = 0.0;
    for (Eigen::Index i = 0; i < m; ++i)
      loss_hand -= std::log(P(i, labels[static_cast<std::size_t>(i)]));
    loss_hand /= static_cast<double>(m);
    dZ2 = P / static_cast<double>(m);
    for (Eigen::Index i = 0; i < m; ++i)
      dZ2(i, labels[static_cast<std::size_t>(i)]) -= 1.0 / static_cast<double>(m);
    gW2.noalias() = H.transpose() * dZ2;
    gb2 = dZ2.colwise().sum();
    dH.noalias() = dZ2 * W2.transpose();
    dH.array() *= 1.0 - H.array().square();
    gW1.noalias() = X.transpose() * dH;
    gb1 = dH.colwise().sum();
    nabla::bench::keep(gW1);
  };

  const nabla::Mat Xc = nabla::constant(X);
  auto loss = [&](const nabla::Mat& w1, const nabla::Mat& c1, const nabla::Mat& w2,
                  const nabla::Mat& c2) {
    const nabla::Mat hidden = nabla::tanh(Xc * w1 + c1);
    return nabla::cross_entropy(hidden * w2 + c2, labels);
  };
  std::pair<double, std::array<MatrixXd, 4>> res;
  auto tape = [&] {
    res = nabla::value_and_gradients(loss, W1, b1, W2, b2);
    nabla::bench::keep(res);
  };

  // Packed parameters for record-once replay.
  VectorXd p(d * h + h + h * k + k);
  p << W1.reshaped(), b1.reshaped(), W2.reshaped(), b2.reshaped();
  auto packed = [&](const nabla::Mat& q) {
    const nabla::Mat w1 = nabla::reshape(q.segment(0, d * h), d, h);
    const nabla::Mat c1 = nabla::reshape(q.segment(d * h, h), 1, h);
    const nabla::Mat w2 = nabla::reshape(q.segment(d * h + h, h * k), h, k);
    const nabla::Mat c2 = nabla::reshape(q.segment(d * h + h + h * k, k), 1, k);
    return loss(w1, c1, w2, c2);
  };
  VectorXd g_packed;
  auto packed_tape = [&] {
    g_packed = nabla::gradient(packed, p);
    nabla::bench::keep(g_packed);
  };
  nabla::Function fn(packed, p);
  VectorXd g_replay;
  auto replay = [&] {
    g_replay = fn.gradient(p);
    nabla::bench::keep(g_replay);
  };

  hand();
  tape();
  replay();
  fmt::print(
      "MLP 784-128-10 batch 256: loss {:.6f} vs hand {:.6f}; |gW1 − hand|∞ = {:.2e}, "
      "replay |g − hand|∞ = {:.2e}\n",
      res.first, loss_hand, (res.second[0] - gW1).cwiseAbs().maxCoeff(),
      (g_replay.head(d * h) - gW1.reshaped()).cwiseAbs().maxCoeff());
  nabla::bench::print_header("MLP forward + backward");
  const std::string wl = "784-128-10, batch 256";
  nabla::bench::print_row(wl, "hand-written Eigen", "nabla value_and_gradients",
                          nabla::bench::interleave(hand, tape, pairs));
  nabla::bench::print_row(wl, "nabla record+reverse (packed)", "nabla Function replay (packed)",
                          nabla::bench::interleave(packed_tape, replay, pairs));
  return 0;
}
