// The MLP of examples/train_mlp against PyTorch (float64, one thread): the same data (the first
// 1437 digits in file order), the same starting weights (closed formulas), shuffling off, Adam
// lr 1e-3 on consecutive batches of 32. tests/optim/reference/train_mlp_reference.py printed
// the numbers in train_mlp_reference.txt; this test reads that file, so CI needs no torch.
// Then torch's parameter groups against Options::groups: Adam with weight decay on the weights
// only, b1 at a tenth of the step and b2 frozen; AdamW with decay on the weights only and the
// biases at three times the step.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nabla/autodiff/matrix.hpp>
#include <nabla/optim.hpp>

#include "digits.hpp"

namespace opt = nabla::optim;

namespace {

std::vector<double> reference(const std::string& key) {
  std::ifstream in(NABLA_REFERENCE_DIR "/train_mlp_reference.txt");
  REQUIRE(in.good());
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first != key) continue;
    std::vector<double> v;
    for (double x = 0; words >> x;) v.push_back(x);
    return v;
  }
  FAIL("no '" << key << "' in train_mlp_reference.txt");
  return {};
}

opt::Parameters formula_weights() {
  Eigen::MatrixXd w1(64, 32), b1(1, 32), w2(32, 10), b2(1, 10);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 32; ++j) w1(i, j) = 0.1 * std::sin(1.0 + i + 7.0 * j);
  for (int j = 0; j < 32; ++j) b1(0, j) = 0.05 * std::cos(static_cast<double>(j));
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 10; ++j) w2(i, j) = 0.15 * std::sin(2.0 + 3.0 * i + 5.0 * j);
  for (int j = 0; j < 10; ++j) b2(0, j) = 0.02 * j - 0.1;
  opt::Parameters p;
  p.add("W1", w1).add("b1", b1).add("W2", w2).add("b2", b2);
  return p;
}

}  // namespace

TEST_CASE("the digits MLP reproduces PyTorch's float64 run step by step") {
  const digits::Data train = digits::read(1437);
  auto model = [](const opt::Blocks& p, const nabla::Mat& X) {
    return nabla::tanh(X * p["W1"] + p["b1"]) * p["W2"] + p["b2"];
  };
  auto loss = [&](const opt::Blocks& p, const nabla::Mat& X, const Eigen::VectorXi& labels) {
    return nabla::cross_entropy(model(p, X), labels);
  };
  opt::BatchObjective Q(formula_weights(), train.X, train.y, loss);
  std::vector<double> steps;
  opt::Options o{.batching = opt::Batching::mini_batch(32), .stop = {.max_epochs = 30}};
  o.batching.order = opt::Batching::Order::Sequential;
  o.on_iteration = [&](const opt::Progress& p) {
    if (steps.size() < 45) steps.push_back(p.loss);
    return false;
  };
  const opt::Result r = opt::minimize(Q, Q.x0(), opt::Adam{.lr = 1e-3}, o);
  const std::vector<double> torch_steps = reference("step_losses");
  REQUIRE(torch_steps.size() == 45);
  REQUIRE(steps.size() == 45);
  double worst = 0.0;
  for (std::size_t k = 0; k < 45; ++k)
    worst = std::max(worst, std::abs(steps[k] - torch_steps[k]) / std::abs(torch_steps[k]));
  MESSAGE("largest relative difference over the first 45 steps: " << worst);
  CHECK(worst <= 1e-12);
  CHECK(r.epochs == 30);
  const double torch_final = reference("final_loss").at(0);
  MESSAGE("after 30 epochs: relative difference " << std::abs(r.value - torch_final) / torch_final);
  CHECK(std::abs(r.value - torch_final) <= 1e-6 * std::abs(torch_final));
  const std::vector<double> torch_w1 = reference("final_W1_row10");
  const opt::Parameters fitted = Q.parameters(r.x);
  for (std::size_t j = 0; j < torch_w1.size(); ++j)
    CHECK(std::abs(fitted["W1"](10, static_cast<Eigen::Index>(j)) - torch_w1[j]) <=
          1e-6 * std::max(1.0, std::abs(torch_w1[j])));
}

namespace {

// 5 epochs of `rule` with `groups` on the reference's data and start, against torch's run
// `name` (train_mlp_reference.py).
template <class Rule>
void check_groups(const std::string& name, const Rule& rule,
                  std::vector<opt::ParameterGroup> groups) {
  const digits::Data train = digits::read(1437);
  auto loss = [](const opt::Blocks& p, const nabla::Mat& X, const Eigen::VectorXi& labels) {
    return nabla::cross_entropy(nabla::tanh(X * p["W1"] + p["b1"]) * p["W2"] + p["b2"], labels);
  };
  opt::BatchObjective Q(formula_weights(), train.X, train.y, loss);
  std::vector<double> steps;
  opt::Options o{.batching = opt::Batching::mini_batch(32), .stop = {.max_epochs = 5}};
  o.batching.order = opt::Batching::Order::Sequential;
  o.groups = std::move(groups);
  o.on_iteration = [&](const opt::Progress& p) {
    if (steps.size() < 45) steps.push_back(p.loss);
    return false;
  };
  const opt::Result r = opt::minimize(Q, Q.x0(), rule, o);
  const std::vector<double> torch_steps = reference(name + "_step_losses");
  REQUIRE(steps.size() == 45);
  REQUIRE(torch_steps.size() == 45);
  double worst = 0.0;
  for (std::size_t k = 0; k < 45; ++k)
    worst = std::max(worst, std::abs(steps[k] - torch_steps[k]) / std::abs(torch_steps[k]));
  MESSAGE(name << ": largest relative difference over the first 45 steps: " << worst);
  CHECK(worst <= 1e-12);
  const double torch_final = reference(name + "_final_loss").at(0);
  MESSAGE(name << " after 5 epochs: relative difference "
               << std::abs(r.value - torch_final) / torch_final);
  CHECK(std::abs(r.value - torch_final) <= 1e-9 * torch_final);
  const opt::Parameters fitted = Q.parameters(r.x);
  const std::vector<double> b1 = reference(name + "_final_b1");
  const std::vector<double> w2 = reference(name + "_final_W2_row3");
  for (std::size_t j = 0; j < 8; ++j) {
    const auto c = static_cast<Eigen::Index>(j);
    CHECK(std::abs(fitted["b1"](0, c) - b1[j]) <= 1e-9 * std::max(1.0, std::abs(b1[j])));
    CHECK(std::abs(fitted["W2"](3, c) - w2[j]) <= 1e-9 * std::max(1.0, std::abs(w2[j])));
  }
  if (name == "adam_groups") CHECK(fitted["b2"] == formula_weights()["b2"]);  // frozen
}

}  // namespace

TEST_CASE("Adam with parameter groups reproduces torch.optim.Adam's param groups") {
  check_groups("adam_groups", opt::Adam{.lr = 1e-3},
               {{.blocks = {"W1", "W2"}, .weight_decay = 1e-2},
                {.blocks = {"b1"}, .lr_scale = 0.1},
                {.blocks = {"b2"}, .frozen = true}});
}

TEST_CASE("AdamW with parameter groups reproduces torch.optim.AdamW's param groups") {
  // torch's AdamW defaults to weight_decay 1e-2; every block here has its group's own.
  check_groups("adamw_groups", opt::AdamW{.lr = 1e-3},
               {{.blocks = {"W1", "W2"}, .weight_decay = 0.05},
                {.blocks = {"b1", "b2"}, .lr_scale = 3.0, .weight_decay = 0.0}});
}
