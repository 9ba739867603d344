#!/usr/bin/python3
"""scipy 1.10's Nelder-Mead at its defaults (xatol = fatol = 1e-4, 200·n evaluations and
iterations) on 2-D Rosenbrock from (-1.2, 1) and on scipy's own 5-D case
(test_optimize.py: rosen from [1.3, 0.7, 0.8, 1.9, 1.2]), both with the standard and with Gao &
Han's adaptive coefficients, and golden section (scipy.optimize.golden, its default tol) on
(x - 2)^2 + 1 bracketed by (0, 5). Prints: problem method nit nfev f x...
Regenerate with:
  /usr/bin/python3 tests/optim/reference/scipy_zero_order.py > tests/optim/reference/scipy_zero_order.txt
"""
import numpy as np
import scipy
from scipy.optimize import minimize, rosen, golden

print(f"# scipy {scipy.__version__}, numpy {np.__version__}")
for name, x0 in [("rosenbrock2", [-1.2, 1.0]), ("rosenbrock5", [1.3, 0.7, 0.8, 1.9, 1.2])]:
    for method, adaptive in [("nelder_mead", False), ("nelder_mead_adaptive", True)]:
        r = minimize(rosen, np.array(x0), method="Nelder-Mead", options={"adaptive": adaptive})
        print(name, method, r.nit, r.nfev, f"{r.fun:.17g}", " ".join(f"{v:.17g}" for v in r.x))

calls = [0]


def parabola(x):
    calls[0] += 1
    return (x - 2.0) ** 2 + 1.0


x, fx, nfev = golden(parabola, brack=(0.0, 5.0), full_output=True)
print("parabola golden", 0, nfev, f"{fx:.17g}", f"{x:.17g}")
