// Seconds per epoch of training updates for the MLP of examples/train_mlp (64-32-10, tanh,
// softmax cross-entropy; the first 1437 digits, batches of 32, Adam lr 1e-3, evaluation off):
// nabla's BatchObjective through minimize, against PyTorch (float64, one thread, the same
// batches; bench/train_mlp_torch.py) in the same run. Medians; the ratio is nabla / PyTorch.
//   train_mlp [EPOCHS = 20]
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>

#include "../tests/optim/digits.hpp"
#include "timing.hpp"

namespace opt = nabla::optim;

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 20;
  const digits::Data train = digits::read(1437);
  opt::Rng rng(0);
  auto uniform = [&](Eigen::Index r, Eigen::Index c, double fan_in) {
    Eigen::MatrixXd m(r, c);
    for (Eigen::Index i = 0; i < m.size(); ++i)
      m.reshaped()[i] = (2.0 * rng.uniform() - 1.0) / std::sqrt(fan_in);
    return m;
  };
  opt::Parameters params;
  params.add("W1", uniform(64, 32, 64)).add("b1", uniform(1, 32, 64));
  params.add("W2", uniform(32, 10, 32)).add("b2", uniform(1, 10, 32));
  auto loss = [](const opt::Blocks& p, const nabla::Mat& X, const Eigen::VectorXi& labels) {
    return nabla::cross_entropy(nabla::tanh(X * p["W1"] + p["b1"]) * p["W2"] + p["b2"], labels);
  };
  opt::BatchObjective Q(params, train.X, train.y, loss);
  opt::Options o{.batching = opt::Batching::mini_batch(32), .stop = {.max_epochs = 1}};
  o.batching.order = opt::Batching::Order::Sequential;
  o.evaluate = false;
  o.history.enabled = false;
  o.track_best = false;
  std::vector<double> ms;
  Eigen::VectorXd x = Q.x0();
  for (int e = 0; e < epochs + 2; ++e) {  // two warm-up epochs
    opt::Result r;
    const double t = nabla::bench::milliseconds([&] { r = opt::minimize(Q, x, opt::Adam{}, o); });
    x = r.x;
    if (e >= 2) ms.push_back(t);
  }
  const double nabla_s = nabla::bench::median(ms) / 1e3;
  fmt::print("MLP 64-32-10 on 1437 digits, batches of 32, Adam, float64, one thread, {} epochs\n",
             epochs);
  fmt::print("{:<44} {:>12}\n", "variant", "s / epoch");
  fmt::print("{:<44} {:>12.5f}\n", "nabla BatchObjective + minimize (Adam)", nabla_s);
  const std::string cmd = fmt::format(
      "OMP_NUM_THREADS=1 /usr/bin/python3 {}/train_mlp_torch.py {} > train_mlp_torch.txt",
      NABLA_BENCH_DIR, epochs);
  double torch_s = 0.0;
  if (std::system(cmd.c_str()) == 0) {
    std::FILE* f = std::fopen("train_mlp_torch.txt", "r");
    if (f != nullptr && std::fscanf(f, "%lf", &torch_s) == 1)
      fmt::print("{:<44} {:>12.5f}\n{:<44} {:>12.3f}\n", "PyTorch (set_num_threads(1))", torch_s,
                 "nabla / PyTorch", nabla_s / torch_s);
    if (f != nullptr) std::fclose(f);
  } else {
    fmt::print("(PyTorch not available: {})\n", cmd);
  }
  std::remove("train_mlp_torch.txt");
}
