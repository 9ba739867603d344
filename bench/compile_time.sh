#!/usr/bin/env bash
# Compile time of the pinned probes at -O2 (compile only, median of 5): the cost of including
# nabla over a file that includes only <Eigen/Core>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cxx=${CXX:-g++}
flags=(-std=c++20 -O2 -DEIGEN_DONT_PARALLELIZE -I"$root/include" -isystem /usr/include/eigen3 -c -o /dev/null)
measure() {
  local file=$1 times=()
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s.%N)
    "$cxx" "${flags[@]}" "$file"
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
eigen=$(measure "$here/compile/eigen_only.cpp")
full=$(measure "$here/compile/hello_gradient.cpp")
scalar=$(measure "$here/compile/hello_scalar.cpp")
printf '| probe | median s (of 5) | over Eigen/Core only |\n|---|---:|---:|\n'
printf '| eigen_only.cpp (<Eigen/Core>) | %.2f | — |\n' "$eigen"
printf '| hello_gradient.cpp (<nabla/autodiff.hpp>) | %.2f | %+.2f s |\n' "$full" "$(echo "$full - $eigen" | bc -l)"
printf '| hello_scalar.cpp (<nabla/autodiff/scalar.hpp>, no Eigen) | %.2f | — |\n' "$scalar"
