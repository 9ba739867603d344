#!/usr/bin/python3
"""The Lasso of tests/optim/l1_solvers_test.cpp solved by scikit-learn's coordinate descent:
min_w 1/(2n)·‖y − Xw‖² + α‖w‖₁ (no intercept) with
  X[i, j] = cos(0.7·i + 1.3·j + 0.01·i·j),  y[i] = Σ_j w_true[j]·X[i, j] + 0.3·sin(3·i),
  w_true = (3, −2, 0, 0, 1.5, 0, …, 0), n = 100 rows, p = 20 columns, α = 0.05.
Prints the objective and the coefficients (a zero is exactly 0).
Regenerate with:
  /usr/bin/python3 tests/optim/reference/lasso_reference.py > tests/optim/reference/lasso_reference.txt
"""
import numpy as np
import sklearn
from sklearn.linear_model import Lasso

n, p, alpha = 100, 20, 0.05
i = np.arange(n)[:, None]
j = np.arange(p)[None, :]
X = np.cos(0.7 * i + 1.3 * j + 0.01 * i * j)
w_true = np.zeros(p)
w_true[[0, 1, 4]] = [3.0, -2.0, 1.5]
y = X @ w_true + 0.3 * np.sin(3.0 * np.arange(n))
model = Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y)
w = model.coef_
objective = 0.5 / n * np.sum((y - X @ w) ** 2) + alpha * np.sum(np.abs(w))
print(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}: Lasso coordinate descent")
print(f"objective {objective:.17g}")
print("w " + " ".join(f"{v:.17g}" for v in w))
