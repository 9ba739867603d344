#include <nabla/autodiff/teaching/format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace nabla {

std::string format_number(double v, int precision) {
  if (precision <= 0) return fmt::format("{}", v);
  // Rounded display: −0 (from −10.2 × 0) reads as 0; exact mode keeps the sign bit.
  return fmt::format("{:.{}g}", v == 0.0 ? 0.0 : v, precision);
}

std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;  // not a continuation byte
  return n;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string format_matrix(const Eigen::MatrixXd& m, int indent, int precision) {
  std::vector<std::string> cells(static_cast<std::size_t>(m.size()));
  std::size_t width = 1;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      auto& c = cells[static_cast<std::size_t>(i * m.cols() + j)];
      c = format_number(m(i, j), precision);
      width = std::max(width, c.size());
    }
  std::string out;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    out += fmt::format("{:{}}[", "", indent);
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      out += fmt::format(" {:>{}}", cells[static_cast<std::size_t>(i * m.cols() + j)], width);
    out += " ]\n";
  }
  return out;
}

void format_value(const Eigen::MatrixXd& m, const ExplainOptions& options, int indent,
                  std::string& inline_text, std::string& block) {
  block.clear();
  if (m.rows() > options.max_matrix || m.cols() > options.max_matrix) {
    inline_text = m.size() == 0 ? fmt::format("{}×{} (empty)", m.rows(), m.cols())
                                : fmt::format("{}×{}: min {}, max {}, mean {}", m.rows(), m.cols(),
                                              format_number(m.minCoeff(), options.precision),
                                              format_number(m.maxCoeff(), options.precision),
                                              format_number(m.mean(), options.precision));
    return;
  }
  if (m.rows() == 1) {
    const std::string row = format_matrix(m, 0, options.precision);
    inline_text = fmt::format("{}×{} {}", m.rows(), m.cols(), row.substr(0, row.size() - 1));
    return;
  }
  inline_text = fmt::format("{}×{}", m.rows(), m.cols());
  block = format_matrix(m, indent, options.precision);
}

}  // namespace nabla
