// libtorch autograd on the issue-3 workloads, interleaved with nabla and the hand-written Eigen
// gradients in one process: least squares (l = 10⁵, d = 100), the 784–128–10 tanh MLP with
// softmax cross-entropy (batch 256) and batch normalization forward + backward (256 × 1024,
// training mode; issue 13). Not built by meson (libtorch headers take ~30 s to compile);
// the command is in bench/README.md. Run single-threaded with the serial OpenBLAS.
#include <torch/torch.h>

#include <Eigen/Core>
#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix.hpp>
#include <vector>

#include "batch_norm_workload.hpp"
#include "matrix_ab.hpp"

using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

torch::Tensor to_tensor(const MatrixXd& m) {
  // Eigen is column-major: build the transpose's row-major view, then transpose back.
  auto t = torch::from_blob(const_cast<double*>(m.data()), {m.cols(), m.rows()}, torch::kFloat64);
  return t.t().contiguous().clone();  // own the data: m may be a temporary
}

}  // namespace

int main(int argc, char** argv) {
  torch::set_num_threads(1);
  const int pairs = argc > 1 ? std::atoi(argv[1]) : 21;
  {
    const Eigen::Index l = 100000, d = 100;
    std::srand(1);
    const MatrixXd X = MatrixXd::Random(l, d);
    const VectorXd y = X * VectorXd::Random(d) + 0.1 * VectorXd::Random(l);
    const VectorXd w = VectorXd::Random(d);
    VectorXd r(l), g_hand(d);
    auto hand = [&] {
      r.noalias() = X * w;
      r -= y;
      g_hand.noalias() = (2.0 / static_cast<double>(l)) * X.transpose() * r;
      nabla::bench::keep(g_hand);
    };
    const nabla::Mat Xc = nabla::constant(X);
    const nabla::Mat yc = nabla::constant(y);
    VectorXd g_nabla;
    auto tape = [&] {
      g_nabla = nabla::gradient([&](const nabla::Mat& v) { return nabla::mse(Xc * v, yc); }, w);
      nabla::bench::keep(g_nabla);
    };
    const torch::Tensor Xt = to_tensor(X);
    const torch::Tensor yt = to_tensor(y).reshape({l});
    const torch::Tensor w0 = to_tensor(w).reshape({d});
    torch::Tensor g_torch;
    auto torch_grad = [&] {
      auto wt = w0.clone().set_requires_grad(true);
      auto loss = (torch::mv(Xt, wt) - yt).pow(2).mean();
      loss.backward();
      g_torch = wt.grad();
    };
    hand();
    tape();
    torch_grad();
    double err = 0.0;
    for (Eigen::Index k = 0; k < d; ++k)
      err = std::max(err, std::abs(g_torch[k].item<double>() - g_hand[k]));
    fmt::print("least squares: |g_torch − g_hand|∞ = {:.2e}\n", err);
    nabla::bench::print_header("least squares gradient vs libtorch");
    nabla::bench::print_row("l=1e5, d=100", "hand-written", "libtorch autograd",
                            nabla::bench::interleave(hand, torch_grad, pairs));
    nabla::bench::print_row("l=1e5, d=100", "nabla Mat", "libtorch autograd",
                            nabla::bench::interleave(tape, torch_grad, pairs));
  }
  {
    const Eigen::Index m = 256, d = 784, h = 128, k = 10;
    std::srand(4);
    const MatrixXd X = MatrixXd::Random(m, d);
    std::vector<int> labels(static_cast<std::size_t>(m));
    std::vector<std::int64_t> labels64(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i)
      labels64[i] = labels[i] = static_cast<int>(i % k);
    const MatrixXd W1 = MatrixXd::Random(d, h) * 0.05, b1 = MatrixXd::Random(1, h) * 0.05;
    const MatrixXd W2 = MatrixXd::Random(h, k) * 0.05, b2 = MatrixXd::Random(1, k) * 0.05;
    const nabla::Mat Xc = nabla::constant(X);
    auto loss = [&](const nabla::Mat& w1, const nabla::Mat& c1, const nabla::Mat& w2,
                    const nabla::Mat& c2) {
      return nabla::cross_entropy(nabla::tanh(Xc * w1 + c1) * w2 + c2, labels);
    };
    std::pair<double, std::array<MatrixXd, 4>> res;
    auto tape = [&] {
      res = nabla::value_and_gradients(loss, W1, b1, W2, b2);
      nabla::bench::keep(res);
    };
    // Hand-written Eigen forward + backward.
    MatrixXd Z1(m, h), H(m, h), Z2(m, k), P(m, k), dZ2(m, k), dH(m, h), gW1(d, h), gW2(h, k);
    Eigen::RowVectorXd gb1(h), gb2(k);
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
    const torch::Tensor Xt = to_tensor(X);
    const torch::Tensor yt = torch::tensor(labels64, torch::kInt64);
    const torch::Tensor W1t = to_tensor(W1), b1t = to_tensor(b1), W2t = to_tensor(W2),
                        b2t = to_tensor(b2);
    torch::Tensor gw1_torch;
    auto torch_step = [&] {
      auto w1 = W1t.clone().set_requires_grad(true);
      auto c1 = b1t.clone().set_requires_grad(true);
      auto w2 = W2t.clone().set_requires_grad(true);
      auto c2 = b2t.clone().set_requires_grad(true);
      auto out = torch::tanh(torch::mm(Xt, w1) + c1).mm(w2) + c2;
      auto l = torch::nn::functional::cross_entropy(out, yt);
      l.backward();
      gw1_torch = w1.grad();
    };
    hand();
    tape();
    torch_step();
    fmt::print("MLP: |gW1_torch − hand|∞ = {:.2e}, |gW1_nabla − hand|∞ = {:.2e}\n",
               (torch::abs(gw1_torch - to_tensor(gW1))).max().item<double>(),
               (res.second[0] - gW1).cwiseAbs().maxCoeff());
    nabla::bench::print_header("MLP step vs libtorch");
    nabla::bench::print_row("784-128-10, b=256", "hand-written", "libtorch autograd",
                            nabla::bench::interleave(hand, torch_step, pairs));
    nabla::bench::print_row("784-128-10, b=256", "nabla Mat", "libtorch autograd",
                            nabla::bench::interleave(tape, torch_step, pairs));
  }
  {
    nabla::bench::BatchNormWorkload w;
    const torch::Tensor Xt = to_tensor(w.X), Gt = to_tensor(w.G);
    const torch::Tensor gt = to_tensor(w.gamma).reshape({w.c}),
                        bt = to_tensor(w.beta).reshape({w.c});
    torch::Tensor rm = torch::zeros({w.c}, torch::kFloat64),
                  rv = torch::ones({w.c}, torch::kFloat64);
    torch::Tensor gx_torch;
    auto torch_bn = [&] {
      auto x = Xt.clone().set_requires_grad(true);
      auto g = gt.clone().set_requires_grad(true);
      auto b = bt.clone().set_requires_grad(true);
      auto y = torch::batch_norm(x, g, b, rm, rv, /*training=*/true, 0.1, w.eps, false);
      (y * Gt).sum().backward();
      gx_torch = x.grad();
    };
    w.hand();
    w.tape();
    torch_bn();
    fmt::print("batch norm: |gX_torch − hand|∞ = {:.2e}, |gX_nabla − hand|∞ = {:.2e}\n",
               (torch::abs(gx_torch - to_tensor(w.gx))).max().item<double>(),
               (w.g_nabla[0] - w.gx).cwiseAbs().maxCoeff());
    nabla::bench::print_header("batch norm forward + backward vs libtorch");
    nabla::bench::print_row("256×1024 training", "hand-written", "libtorch autograd",
                            nabla::bench::interleave([&] { w.hand(); }, torch_bn, pairs));
    nabla::bench::print_row("256×1024 training", "nabla Mat", "libtorch autograd",
                            nabla::bench::interleave([&] { w.tape(); }, torch_bn, pairs));
  }
  return 0;
}
