// Named parameter blocks of any shapes (W1, b1, W2, b2, …): what a model's loss is written on.
// The library packs them into the one vector a method updates and unpacks the result; the user
// never sees the packing. Blocks are stored in the order they were added, each column-major.
//
//   opt::Parameters p;
//   p.add("W1", opt::initialize_matrix(64, 32, …)).add("b1", Eigen::RowVectorXd::Zero(32));
//   … minimize …
//   const opt::Parameters fitted = p.with(r.x);   // fitted["W1"] is the trained 64×32 block
//
// A batch-norm layer is two blocks (name.gamma, ones; name.beta, zeros; both 1×C) and its
// running statistics, which are model state, not parameters: the optimizer updates them once
// per step (autodiff/core/mode.hpp), with(), save() and load() carry them, and a run state
// saves them (RunState::model_state).
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff.hpp>
#include <nabla/autodiff/matrix/normalization.hpp>

namespace nabla::optim {

class Parameters {
 public:
  // Adds a block; a name used twice or an empty block is a nabla::Error.
  Parameters& add(std::string name, Eigen::MatrixXd value);
  // Adds a batch-norm layer over `channels` columns: blocks name.gamma (ones) and name.beta
  // (zeros), 1×channels, and running statistics (mean 0, variance 1, PyTorch's momentum 0.1
  // and eps 1e-5 unless given; momentum nullopt = cumulative average).
  Parameters& add_batch_norm(std::string name, Eigen::Index channels,
                             std::optional<double> momentum = 0.1, double eps = 1e-5);
  // The running statistics of a batch-norm layer; an unknown name is a nabla::Error.
  [[nodiscard]] BatchNormStats& stats(std::string_view name);
  [[nodiscard]] const BatchNormStats& stats(std::string_view name) const;
  [[nodiscard]] std::size_t batch_norm_count() const noexcept { return norms_.size(); }
  [[nodiscard]] const std::string& batch_norm_name(std::size_t k) const {
    return norms_.at(k).name;
  }
  // Every layer's statistics as one vector (batches_tracked, running mean, running variance per
  // layer, in the order added) and back: what a run state saves.
  [[nodiscard]] Eigen::VectorXd statistics() const;
  void set_statistics(const Eigen::VectorXd& packed);

  [[nodiscard]] std::size_t count() const noexcept { return blocks_.size(); }
  [[nodiscard]] Eigen::Index size() const noexcept { return size_; }  // all entries
  [[nodiscard]] const std::string& name(std::size_t k) const { return blocks_.at(k).name; }
  [[nodiscard]] Eigen::Index offset(std::size_t k) const { return blocks_.at(k).offset; }
  // The block's index; a name that is not here is a nabla::Error listing the names.
  [[nodiscard]] std::size_t index(std::string_view name) const;
  [[nodiscard]] const Eigen::MatrixXd& operator[](std::string_view name) const {
    return blocks_[index(name)].value;
  }
  [[nodiscard]] const Eigen::MatrixXd& operator[](std::size_t k) const {
    return blocks_.at(k).value;
  }

  // Every block's entries in one vector (the x0 of a run) and back.
  [[nodiscard]] Eigen::VectorXd pack() const;
  void assign(const Eigen::VectorXd& x);
  // A copy holding the values of x (e.g. a Result's x).
  [[nodiscard]] Parameters with(const Eigen::VectorXd& x) const;

  // Saves as text ("name rows cols v v …" per block, then "batch_norm name C tracked mean…
  // var…" per layer; doubles in hexadecimal: exact) and loads into blocks and layers of the same
  // names and shapes.
  [[nodiscard]] std::string save() const;
  void load(std::string_view text);

 private:
  struct Block {
    std::string name;
    Eigen::MatrixXd value;
    Eigen::Index offset = 0;
  };
  struct Norm {
    std::string name;
    BatchNormStats stats;
  };
  [[nodiscard]] std::size_t norm_index(std::string_view name) const;
  std::vector<Block> blocks_;
  std::vector<Norm> norms_;
  Eigen::Index size_ = 0;
};

// What a model's loss is written on: each block as a Mat — a variable on the tape during a
// minimize evaluation, a constant in forward() — looked up by name or by position, and the
// batch-norm layers applied by name.
class Blocks {
 public:
  Blocks(Parameters& shapes, std::vector<Mat> mats) : shapes_(shapes), mats_(std::move(mats)) {}
  [[nodiscard]] const Mat& operator[](std::string_view name) const {
    return mats_[shapes_.index(name)];
  }
  [[nodiscard]] const Mat& operator[](std::size_t k) const { return mats_.at(k); }
  [[nodiscard]] std::size_t count() const noexcept { return mats_.size(); }
  // nabla::batch_norm(X, name.gamma, name.beta, stats(name)): training or evaluation by the
  // thread's TrainMode (the optimizer switches it for validation and forward()).
  [[nodiscard]] Mat batch_norm(std::string_view name, const Mat& X) const;
  [[nodiscard]] BatchNormStats& stats(std::string_view name) const { return shapes_.stats(name); }

 private:
  Parameters& shapes_;
  std::vector<Mat> mats_;
};

}  // namespace nabla::optim
