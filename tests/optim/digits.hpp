// scikit-learn's digits (1797 rows: 64 pixels in 0…16, then the label) from the copy in Debian's
// python3-sklearn, read with zlib: the data of examples/train_mlp and its PyTorch reference.
#pragma once

#include <zlib.h>

#include <nabla/optim.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace digits {

inline constexpr const char* path =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

struct Data {
  nabla::optim::RowMatrixXd X;  // pixels ÷ 16
  Eigen::VectorXi y;
};

inline Data read(Eigen::Index rows = 1797) {
  gzFile f = gzopen(path, "rb");
  if (f == nullptr)
    throw std::runtime_error(std::string("cannot open ") + path + " (install python3-sklearn)");
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
  if (v.size() != 1797u * 65u) throw std::runtime_error("digits.csv.gz: not 1797 × 65 numbers");
  Data d{nabla::optim::RowMatrixXd(rows, 64), Eigen::VectorXi(rows)};
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < 64; ++j)
      d.X(i, j) = v[static_cast<std::size_t>(i * 65 + j)] / 16.0;
    d.y[i] = static_cast<int>(v[static_cast<std::size_t>(i * 65 + 64)]);
  }
  return d;
}

}  // namespace digits
