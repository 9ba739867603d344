# GridSearchCV of scikit-learn 1.2.1 for tests/optim/model_selection_test.cpp, on data sets made
# by formulas in pure Python (printed in full, 17 digits, so the test reads the same doubles).
#   ridge: Ridge() over alpha lists (a duplicate value, a failing alpha = -1, constant features
#          where every alpha ties, explicit folds);
#   sgd:   the slide's GridSearchCV(SGDRegressor(shuffle=False, random_state=0),
#          {"alpha": [0.01, 0.1, 1, 10, 100], "penalty": ["l2", "l1", None]}, cv=3), and per
#          candidate and split (and on all the data) the fit's n_iter_, t_, coef_, intercept_.
# Lines: "data <name> <n> <d>" then n rows "x_1 … x_d y"; "case <name> <data> <cv>" (cv: an int,
# or the test-fold id of each sample); "cand <i> <params> <mean> <std> <rank> <split scores…>";
# "best <index> <score> <params>"; "warnings <FitFailedWarning count>";
# "fit <cand> <split or all> <n_iter_> <t_> <convergence warning 0/1> <intercept> <coef…>".
# Run: /usr/bin/python3 sklearn_grid_search.py > sklearn_grid_search.txt
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.linear_model import Ridge, SGDRegressor
from sklearn.model_selection import GridSearchCV, KFold


def make_data(n, d, w, bias, a, b):
    X = [[((i * a + j * b + i * j) % 23) / 11.5 - 1.0 for j in range(d)] for i in range(n)]
    y = []
    for i in range(n):
        s = bias
        for j in range(d):
            s += X[i][j] * w[j]
        y.append(s + ((i * 37) % 17) / 17.0 - 0.5)
    return np.array(X), np.array(y)


def print_data(name, X, y):
    print(f"data {name} {X.shape[0]} {X.shape[1]}")
    for row, t in zip(X, y):
        print(" ".join(repr(float(v)) for v in row), repr(float(t)))


def pstr(p):
    return "{" + ", ".join(f"'{k}': {v!r}" for k, v in p.items()) + "}"


def run_case(name, data, est, grid, X, y, cv, cv_text):
    print(f"case {name} {data} {cv_text}")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        gs = GridSearchCV(est, grid, cv=cv).fit(X, y)
    r = gs.cv_results_
    k = gs.n_splits_
    for i, p in enumerate(r["params"]):
        splits = " ".join(repr(float(r[f"split{s}_test_score"][i])) for s in range(k))
        print(f"cand {i} {pstr(p)} {r['mean_test_score'][i]!r} {r['std_test_score'][i]!r} "
              f"{r['rank_test_score'][i]} {splits}")
    print(f"best {gs.best_index_} {gs.best_score_!r} {pstr(gs.best_params_)}")
    print(f"warnings {sum(issubclass(x.category, FitFailedWarning) for x in w)}")
    return gs


Xa, ya = make_data(40, 3, [1.5, -2.0, 0.5], 0.25, 7, 13)
print_data("a", Xa, ya)
Xc = np.full((30, 2), 2.0)
yc = np.array([((i * 5) % 7) / 7.0 for i in range(30)])
print_data("const", Xc, yc)
run_case("alphas", "a", Ridge(), {"alpha": [0.1, 1.0, 1.0, 10.0, -1.0, 0.001]}, Xa, ya, 5, "5")
run_case("ties", "const", Ridge(), {"alpha": [3.0, 0.5, 2.0]}, Xc, yc, 4, "4")
test_fold = np.array([(i * 7) % 3 for i in range(40)])
folds = [(np.flatnonzero(test_fold != f), np.flatnonzero(test_fold == f)) for f in range(3)]
run_case("explicit", "a", Ridge(), {"alpha": [0.5, 2.0, 50.0]}, Xa, ya, folds,
         "".join(map(str, test_fold)))

Xs, ys = make_data(200, 5, [1.5, -2.0, 0.5, 3.0, -1.0], 0.5, 7, 13)
print_data("sgd", Xs, ys)
grid = {"alpha": [0.01, 0.1, 1, 10, 100], "penalty": ["l2", "l1", None]}
base = SGDRegressor(shuffle=False, random_state=0)
gs = run_case("sgd", "sgd", base, grid, Xs, ys, 3, "3")


def fit_line(c, split, params, X, y):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = SGDRegressor(shuffle=False, random_state=0, **params).fit(X, y)
    conv = int(any(issubclass(x.category, ConvergenceWarning) for x in w))
    coef = " ".join(repr(float(v)) for v in m.coef_)
    print(f"fit {c} {split} {m.n_iter_} {m.t_!r} {conv} {m.intercept_[0]!r} {coef}")


for c, p in enumerate(gs.cv_results_["params"]):
    for s, (train, test) in enumerate(KFold(3).split(Xs)):
        fit_line(c, s, p, Xs[train], ys[train])
    fit_line(c, "all", p, Xs, ys)
# the defaults' max_iter and its warning: a budget of 3 epochs
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    m = SGDRegressor(shuffle=False, max_iter=3).fit(Xs, ys)
print(f"maxiter {m.n_iter_} {m.t_!r} {m.intercept_[0]!r} " + " ".join(repr(float(v)) for v in m.coef_))
print("message", str(w[0].message))
