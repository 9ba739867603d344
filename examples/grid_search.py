# The scikit-learn side of examples/grid_search.cpp: the same generated data set (the same
# formula, evaluated in the same order, so the same doubles), the slide's
# GridSearchCV(SGDRegressor(shuffle=False, random_state=0), {"alpha": [...], "penalty": [...]},
# cv=3), and its cv_results_ as a table. Run: /usr/bin/python3 grid_search.py
import warnings

from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import GridSearchCV
import numpy as np

n, d = 200, 5
w = [1.5, -2.0, 0.5, 3.0, -1.0]
X = [[((i * 7 + j * 13 + i * j) % 23) / 11.5 - 1.0 for j in range(d)] for i in range(n)]
y = []
for i in range(n):
    s = 0.5
    for j in range(d):
        s += X[i][j] * w[j]
    y.append(s + ((i * 37) % 17) / 17.0 - 0.5)

grid = {"alpha": [0.01, 0.1, 1, 10, 100], "penalty": ["l2", "l1", None]}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    gs = GridSearchCV(SGDRegressor(shuffle=False, random_state=0), grid, cv=3)
    gs.fit(np.array(X), np.array(y))
r = gs.cv_results_
params = ["{" + ", ".join(f"'{k}': {v!r}" for k, v in p.items()) + "}" for p in r["params"]]
width = max(6, max(len(p) for p in params))
print(f"{'params':<{width}}  {'mean_test':>10}  {'std_test':>10}  {'rank':>4}")
for p, m, s, k in zip(params, r["mean_test_score"], r["std_test_score"], r["rank_test_score"]):
    print(f"{p:<{width}}  {m:>10.6f}  {s:>10.6f}  {k:>4}")
print("best_params_:", gs.best_params_, f"best_score_: {gs.best_score_:.6f}")
