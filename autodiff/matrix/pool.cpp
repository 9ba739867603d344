// The per-thread pool of big matrix buffers behind matrix records (declared in matrix_node.hpp).
#include <cstddef>
#include <utility>
#include <vector>

#include <nabla/autodiff/matrix/node.hpp>

namespace nabla::detail {

namespace {

// Below this many entries malloc serves from its arenas without page faults: not worth pooling.
constexpr Eigen::Index min_pooled_entries = 16384;
constexpr std::size_t max_pooled_buffers = 64;
constexpr std::size_t max_pooled_bytes = std::size_t{512} << 20;

enum class PoolState : unsigned char { Unborn, Alive, Dead };
// Trivially destructible, so it stays readable while thread-local objects are destroyed.
thread_local PoolState pool_state = PoolState::Unborn;

struct MatrixPool {
  std::vector<Eigen::MatrixXd> free;
  std::size_t bytes = 0;
  MatrixPool() { pool_state = PoolState::Alive; }
  MatrixPool(const MatrixPool&) = delete;
  MatrixPool& operator=(const MatrixPool&) = delete;
  ~MatrixPool() { pool_state = PoolState::Dead; }
};

MatrixPool* pool() {
  if (pool_state == PoolState::Dead) return nullptr;
  thread_local MatrixPool p;
  return &p;
}

}  // namespace

void pooled_resize(Eigen::MatrixXd& m, Eigen::Index rows, Eigen::Index cols) {
  const Eigen::Index n = rows * cols;
  if (m.size() == n) {
    if (m.rows() != rows) m.resize(rows, cols);  // same size: no reallocation
    return;
  }
  if (n >= min_pooled_entries) {
    if (MatrixPool* p = pool()) {
      for (std::size_t k = p->free.size(); k-- > 0;) {
        if (p->free[k].size() != n) continue;
        recycle(m);
        m.swap(p->free[k]);
        p->free[k].swap(p->free.back());
        p->free.pop_back();
        p->bytes -= static_cast<std::size_t>(n) * sizeof(double);
        m.resize(rows, cols);
        return;
      }
    }
  }
  m.resize(rows, cols);
}

void recycle(Eigen::MatrixXd& m) noexcept {
  if (m.size() < min_pooled_entries) return;
  MatrixPool* p = pool();
  const std::size_t bytes = static_cast<std::size_t>(m.size()) * sizeof(double);
  if (p == nullptr || p->free.size() >= max_pooled_buffers || p->bytes + bytes > max_pooled_bytes)
    return;
  try {
    p->free.emplace_back();
  } catch (...) {
    return;
  }
  p->free.back().swap(m);
  p->bytes += bytes;
}

}  // namespace nabla::detail
