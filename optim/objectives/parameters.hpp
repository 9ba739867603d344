// Named parameter blocks of any shapes (W1, b1, W2, b2, …): what a model's loss is written on.
// The library packs them into the one vector a method updates and unpacks the result; the user
// never sees the packing. Blocks are stored in the order they were added, each column-major.
//
//   opt::Parameters p;
//   p.add("W1", opt::initialize_matrix(64, 32, …)).add("b1", Eigen::RowVectorXd::Zero(32));
//   … minimize …
//   const opt::Parameters fitted = p.with(r.x);   // fitted["W1"] is the trained 64×32 block
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nabla/autodiff.hpp>

namespace nabla::optim {

class Parameters {
 public:
  // Adds a block; a name used twice or an empty block is a nabla::Error.
  Parameters& add(std::string name, Eigen::MatrixXd value);

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

  // Saves as text ("name rows cols v v …" per block, doubles in hexadecimal: exact) and loads
  // into blocks of the same names and shapes.
  [[nodiscard]] std::string save() const;
  void load(std::string_view text);

 private:
  struct Block {
    std::string name;
    Eigen::MatrixXd value;
    Eigen::Index offset = 0;
  };
  std::vector<Block> blocks_;
  Eigen::Index size_ = 0;
};

// What a model's loss is written on: each block as a Mat — a variable on the tape during a
// minimize evaluation, a constant in forward() — looked up by name or by position.
class Blocks {
 public:
  Blocks(const Parameters& shapes, std::vector<Mat> mats)
      : shapes_(shapes), mats_(std::move(mats)) {}
  [[nodiscard]] const Mat& operator[](std::string_view name) const {
    return mats_[shapes_.index(name)];
  }
  [[nodiscard]] const Mat& operator[](std::size_t k) const { return mats_.at(k); }
  [[nodiscard]] std::size_t count() const noexcept { return mats_.size(); }

 private:
  const Parameters& shapes_;
  std::vector<Mat> mats_;
};

}  // namespace nabla::optim
