#!/usr/bin/python3
"""An independent check of tests/optim/mgh/mgh_problems.hpp: the 18 unconstrained-minimization
problems of Moré, Garbow & Hillstrom, "Testing unconstrained optimization software", ACM TOMS 7(1)
(1981) 17-41, section 3 (III), written again in numpy from the paper (and its authors' Fortran,
Algorithm 566's OBJFCN/INITPT). Gradients by the complex step (exact to rounding, and independent
of nabla's tape). For each problem: f(x0), then the f that scipy's BFGS (gtol 1e-10) and L-BFGS-B
(m = 10, gtol 1e-10, ftol 0) reach from x0. Writes mgh_reference.txt next to this file:
  # scipy …, numpy …; columns: name n f(x0) f_bfgs f_lbfgsb
  name n f(x0) f_bfgs f_lbfgsb
and prints to stdout a check of the f* table against the paper's printed digits and these runs.
Regenerate with:
  /usr/bin/python3 tests/optim/reference/mgh_reference.py
"""
import os

import numpy as np
import scipy
from scipy.optimize import minimize

# --- the problems, as residual vectors r(x) with f = sum r_i^2 -------------------------------


def helical_valley(x):  # (7) n = 3, m = 3
    x1, x2, x3 = x
    if x1.real > 0:
        theta = np.arctan(x2 / x1) / (2 * np.pi)
    elif x1.real < 0:
        theta = np.arctan(x2 / x1) / (2 * np.pi) + 0.5
    else:  # the Fortran's DSIGN(0.25, x2)
        theta = 0.25 if x2.real >= 0 else -0.25
    return np.array([10 * (x3 - 10 * theta), 10 * (np.sqrt(x1 ** 2 + x2 ** 2) - 1), x3])


def biggs_exp6(x):  # (18) n = 6, m = 13
    t = 0.1 * np.arange(1, 14)
    y = np.exp(-t) - 5 * np.exp(-10 * t) + 3 * np.exp(-4 * t)
    return x[2] * np.exp(-t * x[0]) - x[3] * np.exp(-t * x[1]) + x[5] * np.exp(-t * x[4]) - y


GAUSSIAN_Y = np.array([0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521,
                       0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009])


def gaussian(x):  # (9) n = 3, m = 15
    t = (8 - np.arange(1, 16)) / 2
    return x[0] * np.exp(-x[1] * (t - x[2]) ** 2 / 2) - GAUSSIAN_Y


def powell_badly_scaled(x):  # (3) n = 2, m = 2
    return np.array([1e4 * x[0] * x[1] - 1, np.exp(-x[0]) + np.exp(-x[1]) - 1.0001])


def box_3d(x):  # (12) n = 3, m = 10
    t = 0.1 * np.arange(1, 11)
    return np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * (np.exp(-t) - np.exp(-10 * t))


def variably_dimensioned(x):  # (25) n variable, m = n + 2
    j = np.arange(1, len(x) + 1)
    s = np.sum(j * (x - 1))
    return np.concatenate([x - 1, [s, s ** 2]])


def watson(x):  # (20) 2 <= n <= 31, m = 31
    n = len(x)
    r = []
    for i in range(1, 30):
        t = i / 29
        s1 = sum((j - 1) * x[j - 1] * t ** (j - 2) for j in range(2, n + 1))
        s2 = sum(x[j - 1] * t ** (j - 1) for j in range(1, n + 1))
        r.append(s1 - s2 ** 2 - 1)
    r += [x[0], x[1] - x[0] ** 2 - 1]
    return np.array(r)


def penalty_1(x):  # (23) n variable, m = n + 1, a = 1e-5
    return np.concatenate([np.sqrt(1e-5) * (x - 1), [np.sum(x ** 2) - 0.25]])


def penalty_2(x):  # (24) n variable, m = 2n, a = 1e-5
    n = len(x)
    a = np.sqrt(1e-5)
    i = np.arange(2, n + 1)
    y = np.exp(i / 10) + np.exp((i - 1) / 10)
    j = np.arange(1, n + 1)
    return np.concatenate([[x[0] - 0.2],
                           a * (np.exp(x[1:] / 10) + np.exp(x[:-1] / 10) - y),
                           a * (np.exp(x[1:] / 10) - np.exp(-0.1)),
                           [np.sum((n - j + 1) * x ** 2) - 1]])


def brown_badly_scaled(x):  # (4) n = 2, m = 3
    return np.array([x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2])


def brown_dennis(x):  # (16) n = 4, m = 20
    t = np.arange(1, 21) / 5
    return (x[0] + t * x[1] - np.exp(t)) ** 2 + (x[2] + x[3] * np.sin(t) - np.cos(t)) ** 2


def gulf(x):  # (11) n = 3, m = 99 (the paper's "y_i mi x_2" is y_i − x_2)
    t = np.arange(1, 100) / 100
    y = 25 + (-50 * np.log(t)) ** (2 / 3)
    d = y - x[1]
    ad = np.where(d.real >= 0, d, -d)  # |y_i − x_2|, analytic for the complex step
    return np.exp(-(ad ** x[2]) / x[0]) - t


def trigonometric(x):  # (26) n variable, m = n
    n = len(x)
    i = np.arange(1, n + 1)
    return n - np.sum(np.cos(x)) + i * (1 - np.cos(x)) - np.sin(x)


def extended_rosenbrock(x):  # (21) n even, m = n
    r = np.empty(len(x), dtype=x.dtype)
    r[0::2] = 10 * (x[1::2] - x[0::2] ** 2)
    r[1::2] = 1 - x[0::2]
    return r


def extended_powell(x):  # (22) n a multiple of 4, m = n
    r = np.empty(len(x), dtype=x.dtype)
    r[0::4] = x[0::4] + 10 * x[1::4]
    r[1::4] = np.sqrt(5) * (x[2::4] - x[3::4])
    r[2::4] = (x[1::4] - 2 * x[2::4]) ** 2
    r[3::4] = np.sqrt(10) * (x[0::4] - x[3::4]) ** 2
    return r


def beale(x):  # (5) n = 2, m = 3
    y = np.array([1.5, 2.25, 2.625])
    i = np.arange(1, 4)
    return y - x[0] * (1 - x[1] ** i)


def wood(x):  # (14) n = 4, m = 6
    x1, x2, x3, x4 = x
    return np.array([10 * (x2 - x1 ** 2), 1 - x1, np.sqrt(90) * (x4 - x3 ** 2), 1 - x3,
                     np.sqrt(10) * (x2 + x4 - 2), (x2 - x4) / np.sqrt(10)])


def chebyquad(x):  # (35) n variable, m = n: shifted Chebyshev T_i on [0, 1]
    n = len(x)
    y = 2 * x - 1
    t_prev, t = np.ones_like(y), y
    r = []
    for i in range(1, n + 1):
        if i > 1:
            t_prev, t = t, 2 * y * t - t_prev
        r.append(np.mean(t) + (1 / (i * i - 1) if i % 2 == 0 else 0.0))
    return np.array(r)


# name, paper number, residuals, x0, the paper's printed f*, the f* table of mgh_problems.hpp
N = 10
PROBLEMS = [
    ("helical_valley", 7, helical_valley, [-1.0, 0.0, 0.0], ["0"], [0.0]),
    ("biggs_exp6", 18, biggs_exp6, [1.0, 2.0, 1.0, 1.0, 1.0, 1.0], ["5.65565e-3", "0"],
     [5.655649925499929e-3, 0.0]),
    ("gaussian", 9, gaussian, [0.4, 1.0, 0.0], ["1.12793e-8"], [1.12793276961912e-8]),
    ("powell_badly_scaled", 3, powell_badly_scaled, [0.0, 1.0], ["0"], [0.0]),
    ("box_3d", 12, box_3d, [0.0, 10.0, 20.0], ["0"], [0.0]),
    ("variably_dimensioned", 25, variably_dimensioned, [1 - j / N for j in range(1, N + 1)],
     ["0"], [0.0]),
    ("watson", 20, watson, [0.0] * 6, ["2.28767e-3"], [2.2876700535523838e-3]),
    ("penalty_1", 23, penalty_1, [float(j) for j in range(1, N + 1)], ["7.08765e-5"],
     [7.087651467090369e-5]),
    ("penalty_2", 24, penalty_2, [0.5] * N, ["2.93660e-4"], [2.9366053745674594e-4]),
    ("brown_badly_scaled", 4, brown_badly_scaled, [1.0, 1.0], ["0"], [0.0]),
    ("brown_dennis", 16, brown_dennis, [25.0, 5.0, -5.0, -1.0], ["85822.2"],
     [85822.20162635634]),
    ("gulf", 11, gulf, [5.0, 2.5, 0.15], ["0"], [0.0]),
    ("trigonometric", 26, trigonometric, [1 / N] * N, ["0"], [0.0]),
    ("extended_rosenbrock", 21, extended_rosenbrock, [-1.2, 1.0] * (N // 2), ["0"], [0.0]),
    ("extended_powell", 22, extended_powell, [3.0, -1.0, 0.0, 1.0] * 3, ["0"], [0.0]),
    ("beale", 5, beale, [1.0, 1.0], ["0"], [0.0]),
    ("wood", 14, wood, [-3.0, -1.0, -3.0, -1.0], ["0"], [0.0]),
    ("chebyquad", 35, chebyquad, [j / 9 for j in range(1, 9)], ["3.51687e-3"],
     [3.5168737256779e-3]),
]


def objective(res):
    def f(x):
        r = res(np.asarray(x, dtype=float))
        return float(np.sum(r * r))

    def g(x):  # complex step: Im f(x + i h e_k) / h, h = 1e-30
        x = np.asarray(x, dtype=complex)
        out = np.empty(len(x))
        for k in range(len(x)):
            xk = x.copy()
            xk[k] += 1e-30j
            r = res(xk)
            out[k] = np.sum(r * r).imag / 1e-30
        return out

    return f, g


def printed_as(paper, value):
    """Whether value shows as the paper's digits, rounded or truncated at the last one printed."""
    p = float(paper)
    if p == 0.0:
        return value == 0.0
    mantissa = paper.split("e")[0].replace(".", "").lstrip("0")
    unit = 10.0 ** (np.floor(np.log10(abs(p))) - len(mantissa) + 1)
    return abs(value - p) < unit


def solved(f, f_stars):
    return any(f - s <= 1e-8 * max(1.0, abs(s)) for s in f_stars)


def main():
    lines = [f"# scipy {scipy.__version__}, numpy {np.__version__}; "
             "columns: name n f(x0) f_bfgs f_lbfgsb"]
    for name, number, res, x0, paper, table in PROBLEMS:
        x0 = np.array(x0)
        f, g = objective(res)
        b = minimize(f, x0, jac=g, method="BFGS", options=dict(gtol=1e-10, maxiter=20000))
        lb = minimize(f, x0, jac=g, method="L-BFGS-B",
                      options=dict(gtol=1e-10, ftol=0.0, maxcor=10, maxiter=20000,
                                   maxfun=40000))
        lines.append(f"{name} {len(x0)} {f(x0):.17g} {b.fun:.17g} {lb.fun:.17g}")
        # The table's f* must print as the paper does, and scipy's runs are judged against it.
        digits = all(printed_as(p, t) for p, t in zip(paper, table))
        print(f"{name:22s} ({number:2d}) n={len(x0):2d} f(x0)={f(x0):.6e} bfgs={b.fun:.12e} "
              f"[{'solved' if solved(b.fun, table) else 'unsolved'}] "
              f"lbfgsb={lb.fun:.12e} [{'solved' if solved(lb.fun, table) else 'unsolved'}] "
              f"f*={paper} {'ok' if digits else 'DIGITS DIFFER'}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mgh_reference.txt")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
