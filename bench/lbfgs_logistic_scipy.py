#!/usr/bin/python3
"""scipy's L-BFGS-B on the L2-regularised logistic regression written by bench/lbfgs_logistic:
(1/N) sum log(1 + exp(z_i)) - y_i z_i + (lam/2)|w|^2, z = X w, y in {0, 1}, w0 = 0, with the
same two-pass gradient as the other solvers (z = X @ w, then X.T @ r, X column-major), maxcor =
m, gtol (the infinity norm of the gradient: no bounds), ftol = 0 (off), no iteration budget.

Runs `solves` timed solves and prints one line per solve,
  solve <wall ms> <cpu ms> <nit> <nfev> <f> <|g|inf> <status>
then `eval <median ms of one fun call>` (5 calls at the solution), `blas <kind> <paths>` (the
BLAS and LAPACK shared libraries mapped into this process, read from /proc/self/maps), and writes the
last solution to out_w as float64. Usage:
  lbfgs_logistic_scipy.py data.bin N d lam gtol m solves out_w.bin"""
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit


def loaded_blas():
    paths = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6:
                name = os.path.basename(fields[5])
                if name.startswith("lib") and ("blas" in name or "lapack" in name):
                    paths.add(os.path.realpath(fields[5]))
    paths = sorted(paths)
    if any("openblas" in p for p in paths):
        kind = "openblas"
    elif any("/blas/" in p for p in paths):
        kind = "reference"
    else:
        kind = "unknown"
    return kind, paths


def main():
    path, N, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    lam, gtol, m, solves = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    out_w = sys.argv[8]
    raw = np.fromfile(path, dtype=np.float64)
    X = raw[: N * d].reshape((N, d), order="F")  # column-major, as Eigen wrote it
    y = np.ascontiguousarray(raw[N * d : N * d + N])
    assert X.flags.f_contiguous and y.size == N
    inv_n = 1.0 / N

    def fun(w):
        z = X @ w  # pass 1 over X (dgemv)
        loss = np.logaddexp(0.0, z).sum() - y @ z
        r = expit(z)
        r -= y
        r *= inv_n
        g = X.T @ r  # pass 2 over X (dgemv, transposed)
        g += lam * w
        return loss * inv_n + 0.5 * lam * (w @ w), g

    w0 = np.zeros(d)
    options = {"maxcor": m, "gtol": gtol, "ftol": 0.0, "maxiter": 10**9, "maxfun": 10**9}
    res = None
    for _ in range(solves):
        t0, c0 = time.perf_counter(), time.process_time()
        res = minimize(fun, w0, jac=True, method="L-BFGS-B", options=options)
        wall = (time.perf_counter() - t0) * 1e3
        cpu = (time.process_time() - c0) * 1e3
        f, g = fun(res.x)
        print(f"solve {wall:.3f} {cpu:.3f} {res.nit} {res.nfev} {f:.17g} "
              f"{np.abs(g).max():.6g} {res.status}")
    evals = []
    for _ in range(5):
        t0 = time.perf_counter()
        fun(res.x)
        evals.append((time.perf_counter() - t0) * 1e3)
    print(f"eval {sorted(evals)[2]:.4f}")
    kind, paths = loaded_blas()
    print("blas", kind, ",".join(paths))
    res.x.astype(np.float64).tofile(out_w)


if __name__ == "__main__":
    main()
