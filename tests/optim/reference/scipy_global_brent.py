#!/usr/bin/python3
# Brent's method references for tests/optim/global_search_test.cpp (scipy 1.10):
# scipy.optimize.brent (minimize_scalar(method='brent')'s core, xtol 1.48e-8, maxiter 500) on
# three functions of one variable, with the bracket (a, a + 0.3819660 (b - a), b) of an interval
# (nabla's brent(f, a, b) starts from that golden point, so it makes 2 evaluations fewer), and
# with the bracket nabla's bracket_minimum (optim/search/bracket.hpp, replicated below) finds
# from x0 = 0 with step 1. Prints: kind name a b c xmin fmin nfev nit.
import math

from scipy import optimize

FUNCTIONS = {
    "quadratic": (lambda x: (x - 1.5) ** 2 + 0.3, -1.0, 4.0),
    "quartic": (lambda x: x**4 - 3.0 * x**3 + 2.0, 0.0, 4.0),
    "exp_linear": (lambda x: math.exp(x) - 3.0 * x, -2.0, 3.0),
}
GOLDEN = 1.618033988749895


def bracket_minimum(f, x0, step=1.0, max_evaluations=100):
    a, b = x0, x0 + step
    fa, fb = f(a), f(b)
    evaluations = 2
    if fb > fa:
        a, b, fa, fb = b, a, fb, fa
    c = b + GOLDEN * (b - a)
    fc = f(c)
    evaluations += 1
    while fc < fb and evaluations < max_evaluations:
        a, fa, b, fb = b, fb, c, fc
        c = b + GOLDEN * (b - a)
        fc = f(c)
        evaluations += 1
    if a > c:
        a, c = c, a
    return a, b, c, evaluations


for name, (f, lo, hi) in FUNCTIONS.items():
    mid = lo + 0.3819660 * (hi - lo)
    x, fx, nit, nfev = optimize.brent(f, brack=(lo, mid, hi), tol=1.48e-8, full_output=True)
    print(f"interval {name} {lo!r} {mid!r} {hi!r} {x!r} {fx!r} {nfev} {nit}")
    a, b, c, bracket_evaluations = bracket_minimum(f, 0.0)
    x, fx, nit, nfev = optimize.brent(f, brack=(a, b, c), tol=1.48e-8, full_output=True)
    # scipy evaluates the three points of a given bracket: 3 of its nfev.
    print(f"bracket {name} {a!r} {b!r} {c!r} {x!r} {fx!r} {nfev - 3 + bracket_evaluations} {nit}")
