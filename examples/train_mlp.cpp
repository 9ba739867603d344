// A softmax-cross-entropy MLP (64-32-10, tanh) on scikit-learn's digits, trained with Adam on
// mini-batches through nabla::optim: the model is written once on matrix nodes, the parameters
// are named blocks, no Objective subclass, no packing, no second forward pass in plain Eigen.
//
//   train_mlp [PATH/digits.csv.gz] [--seed N] [--progress]
//
// PATH defaults to Debian's python3-sklearn copy. The 80/20 split is fixed by seed 0, 10 % of
// the training part is held out for per-epoch validation, the test 20 % is used once, at the end;
// both splits are scikit-learn's train_test_split(…, random_state=0), index for index.
//
// Then lecture 004's batch-normalisation tip, measured: the same MLP with and without a batch
// norm layer before the tanh (Parameters::add_batch_norm, Blocks::batch_norm), trained with
// plain mini-batch SGD at growing learning rates, and the largest rate each tolerates (no
// divergence, validation accuracy ≥ 90 % after 5 epochs). Evaluation (validation, forward())
// uses the running statistics; the optimizer updates them once per step.
#include <fmt/format.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/optim.hpp>

namespace opt = nabla::optim;

namespace {

struct Digits {
  opt::RowMatrixXd X;  // 1797 × 64 pixels in 0…16
  Eigen::VectorXi y;   // labels 0…9
};

// digits.csv.gz: 65 comma-separated numbers per line, the label last.
Digits read_digits(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw std::runtime_error("cannot open " + path + " (python3-sklearn)");
  std::string text;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  std::vector<double> v;
  const char* p = text.c_str();
  char* end = nullptr;
  for (double x = std::strtod(p, &end); end != p; x = std::strtod(p, &end)) {
    v.push_back(x);
    p = end + (*end == ',' || *end == '\n' ? 1 : 0);
  }
  const Eigen::Index rows = static_cast<Eigen::Index>(v.size() / 65);
  if (rows == 0 || v.size() % 65 != 0) throw std::runtime_error(path + ": not 65 numbers per line");
  Digits d{opt::RowMatrixXd(rows, 64), Eigen::VectorXi(rows)};
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < 64; ++j) d.X(i, j) = v[static_cast<std::size_t>(i * 65 + j)];
    d.y[i] = static_cast<int>(v[static_cast<std::size_t>(i * 65 + 64)]);
  }
  return d;
}

// Rows `idx` of the data.
Digits take(const Digits& d, const std::vector<Eigen::Index>& idx) {
  Digits out{opt::RowMatrixXd(static_cast<Eigen::Index>(idx.size()), d.X.cols()),
             Eigen::VectorXi(static_cast<Eigen::Index>(idx.size()))};
  for (std::size_t k = 0; k < idx.size(); ++k) {
    out.X.row(static_cast<Eigen::Index>(k)) = d.X.row(idx[k]);
    out.y[static_cast<Eigen::Index>(k)] = d.y[idx[k]];
  }
  return out;
}

// torch.nn.Linear's default initialisation: weights and bias uniform in ±1/√fan_in.
Eigen::MatrixXd uniform(Eigen::Index rows, Eigen::Index cols, Eigen::Index fan_in, opt::Rng& rng) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.reshaped()[i] = bound * (2.0 * rng.uniform() - 1.0);
  return m;
}

double accuracy(const Eigen::MatrixXd& logits, const Eigen::VectorXi& labels) {
  int correct = 0;
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    Eigen::Index k = 0;
    logits.row(i).maxCoeff(&k);
    correct += static_cast<int>(k == labels[i]);
  }
  return static_cast<double>(correct) / static_cast<double>(logits.rows());
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
  std::uint64_t seed = 0;
  bool progress = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--seed" && i + 1 < argc)
      seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--progress")
      progress = true;
    else
      path = a;
  }
  Digits all = read_digits(path);
  all.X /= 16.0;
  // scikit-learn's train_test_split(test_size=0.2, random_state=0), then 10 % of the training
  // part held out for validation the same way (optim/tools/split.hpp: the same indices).
  const opt::Split split = opt::train_test_split(all.X.rows(), 0.2, 0);
  const Digits test = take(all, split.test);
  const Digits fit = take(all, split.train);
  const opt::Split held = opt::train_test_split(fit.X.rows(), 0.1, 0);
  const Digits valid = take(fit, held.test);
  const Digits train = take(fit, held.train);

  // From the loaded matrices to the printed test accuracy.
  opt::Rng init(seed);
  opt::Parameters params;
  params.add("W1", uniform(64, 32, 64, init)).add("b1", uniform(1, 32, 64, init));
  params.add("W2", uniform(32, 10, 32, init)).add("b2", uniform(1, 10, 32, init));
  auto model = [](const opt::Blocks& p, const nabla::Mat& X) {
    return nabla::tanh(X * p["W1"] + p["b1"]) * p["W2"] + p["b2"];
  };
  auto loss = [&](const opt::Blocks& p, const nabla::Mat& X, const Eigen::VectorXi& labels) {
    return nabla::cross_entropy(model(p, X), labels);
  };
  opt::BatchObjective Q(params, train.X, train.y, loss);
  opt::Options o{.batching = opt::Batching::mini_batch(32), .stop = {.max_epochs = 30}};
  o.seed = seed;
  o.progress_bar = progress;
  // The validation accuracy as the run's metric: in the history and in every epoch's callback.
  o.stop.metric = [&](const Eigen::VectorXd& x) {
    return accuracy(Q.forward(x, valid.X, model), valid.y);
  };
  o.on_epoch = [&](const opt::Progress& p) {
    if (!progress)
      fmt::print("epoch {:2}  loss {:.4f}  validation accuracy {:.1f} %\n", p.epoch, p.loss,
                 100.0 * p.metric);
    return false;
  };
  const opt::Result r = opt::minimize(Q, Q.x0(), opt::Adam{.lr = 1e-3}, o);
  const double test_accuracy = accuracy(Q.forward(r.x, test.X, model), test.y);
  fmt::print("{}\ntest accuracy: {:.1f} %\n", r.message, 100.0 * test_accuracy);

  // With and without batch norm: the largest SGD learning rate each tolerates.
  auto bn_model = [](const opt::Blocks& p, const nabla::Mat& X) {
    return nabla::tanh(p.batch_norm("bn1", X * p["W1"] + p["b1"])) * p["W2"] + p["b2"];
  };
  auto bn_loss = [&](const opt::Blocks& p, const nabla::Mat& X, const Eigen::VectorXi& labels) {
    return nabla::cross_entropy(bn_model(p, X), labels);
  };
  opt::Parameters bn_params = params;
  bn_params.add_batch_norm("bn1", 32);
  const std::vector<double> rates{0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0};
  fmt::print("\nmini-batch SGD, 5 epochs: validation accuracy by learning rate\n{:>14}", "lr");
  for (const double lr : rates) fmt::print(" {:>7g}", lr);
  fmt::print("   largest tolerated\n");
  double largest_plain = 0.0, largest_bn = 0.0;
  // A fresh objective per run: batch-norm statistics start at (0, 1) every time.
  auto sweep = [&](const char* name, const opt::Parameters& start, auto&& lf, auto&& net,
                   double& largest) {
    fmt::print("{:>14}", name);
    for (const double lr : rates) {
      opt::BatchObjective q(start, train.X, train.y, lf);
      opt::Options so{.batching = opt::Batching::mini_batch(32), .stop = {.max_epochs = 5}};
      so.seed = seed;
      const opt::Result sr = opt::minimize(q, q.x0(), opt::GradientDescent{.lr = lr}, so);
      const bool diverged = sr.diverged() || !sr.x.allFinite();
      const double acc = diverged ? 0.0 : accuracy(q.forward(sr.x, valid.X, net), valid.y);
      if (diverged)
        fmt::print(" {:>7}", "diverge");
      else
        fmt::print(" {:>6.1f}%", 100.0 * acc);
      if (!diverged && acc >= 0.9) largest = lr;
    }
    fmt::print("   {:g}\n", largest);
  };
  sweep("plain", params, loss, model, largest_plain);
  sweep("batch norm", bn_params, bn_loss, bn_model, largest_bn);
  return test_accuracy > 0.9 && largest_bn > 0.0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
