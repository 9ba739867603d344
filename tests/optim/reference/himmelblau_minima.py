# The four minima of Himmelblau's function f(x, y) = (x² + y − 11)² + (x + y² − 7)², the roots
# of ∇f found by scipy.optimize.fsolve from points near each (f = 0 at all four), printed to 16
# digits for tests/optim/multistart_test.cpp. Run: /usr/bin/python3 himmelblau_minima.py
import numpy as np
from scipy.optimize import fsolve


def grad(p):
    x, y = p
    a, b = x * x + y - 11.0, x + y * y - 7.0
    return [4.0 * a * x + 2.0 * b, 2.0 * a + 4.0 * b * y]


for guess in [(3.0, 2.0), (-2.8, 3.1), (-3.8, -3.3), (3.6, -1.8)]:
    x = fsolve(grad, guess, xtol=1e-15)
    f = (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2
    print(f"{x[0]:.16g} {x[1]:.16g} {f:.3g}")
