#!/usr/bin/python3
"""scipy's counts on Rosenbrock from (-1.2, 1) and on scipy's own CheckOptimize entropy problem,
the ceilings of tests/optim/line_search_solvers_test.cpp. gtol 1e-5 in the infinity norm (scipy's
default norm for BFGS and CG; L-BFGS-B's pgtol is the projected gradient's infinity norm);
L-BFGS-B with m = 10 and ftol = 0 (so that gtol decides); Newton-CG with the exact Hessian and
its default xtol (it has no gradient test). Prints one line per run:
  problem method nit nfev njev nhev f
Regenerate with:
  /usr/bin/python3 tests/optim/reference/scipy_rosenbrock.py > tests/optim/reference/scipy_rosenbrock.txt
"""
import numpy as np
import scipy
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess

print(f"# scipy {scipy.__version__}, numpy {np.__version__}")
x0 = np.array([-1.2, 1.0])
runs = {
    "bfgs": dict(method="BFGS", jac=rosen_der, options=dict(gtol=1e-5)),
    "lbfgsb": dict(method="L-BFGS-B", jac=rosen_der, options=dict(gtol=1e-5, maxcor=10, ftol=0.0)),
    "cg": dict(method="CG", jac=rosen_der, options=dict(gtol=1e-5)),
    "newton_cg": dict(method="Newton-CG", jac=rosen_der, hess=rosen_hess),  # xtol 1e-5: no gtol
}
for name, kw in runs.items():
    r = minimize(rosen, x0, **kw)
    print("rosenbrock", name, r.nit, r.nfev, r.get("njev", 0), r.get("nhev", 0), f"{r.fun:.17g}")

# scipy/optimize/tests/test_optimize.py, CheckOptimize: a maximum-entropy problem.
F = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 1], [1, 0, 0], [1, 0, 0]], dtype=float)
K = np.array([1.0, 0.3, 0.5])


def entropy(x):
    log_pdot = F @ x
    logZ = np.log(np.sum(np.exp(log_pdot)))
    return logZ - x @ K


def entropy_grad(x):
    log_pdot = F @ x
    p = np.exp(log_pdot - np.log(np.sum(np.exp(log_pdot))))
    return F.T @ p - K


for name, method in [("cg", "CG"), ("bfgs", "BFGS"), ("lbfgsb", "L-BFGS-B")]:
    r = minimize(entropy, np.zeros(3), jac=entropy_grad, method=method)
    print("entropy", name, r.nit, r.nfev, r.get("njev", 0), 0, f"{r.fun:.17g}")
