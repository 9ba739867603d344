# KFold and StratifiedKFold (shuffle=False) of scikit-learn 1.2.1 for tests/optim/model_selection_test.cpp:
# per case the test-fold id of each sample as a digit string. Lines:
#   kfold <n> <k> <folds>
#   strat <n> <k> <labels> <folds or !> <warning or error text, or ->
# Labels (digits) come from a formula with 2-5 classes whose values do not appear in sorted order,
# so the encoding by first appearance matters. Run: /usr/bin/python3 sklearn_kfold.py > sklearn_kfold.txt
import warnings

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold


def fold_string(splitter, n, y):
    folds = np.full(n, -1)
    for f, (_, test) in enumerate(splitter.split(np.zeros((n, 1)), y)):
        folds[test] = f
    assert (folds >= 0).all()
    return "".join(str(f) for f in folds)


for n in range(10, 104):
    for k in range(2, 11):
        print(f"kfold {n} {k} {fold_string(KFold(k), n, None)}")


def labels(n, k):
    c = 2 + (n + k) % 4
    perm = [3, 1, 4, 0, 2][:c]
    perm = sorted(perm, key=lambda v: (v * 7 + n) % 5)
    # skewed class sizes: class j drawn with weight about 2^-j
    out = []
    for i in range(n):
        h = (i * 2654435761 + n * 97 + k * 31) % 1024
        j = 0
        while j < c - 1 and h < 1024 >> (j + 1):
            j += 1
        out.append(perm[j])
    return out


def strat_line(n, k, y):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            folds = fold_string(StratifiedKFold(k), n, np.array(y))
            msg = str(w[0].message) if w else "-"
        except ValueError as e:
            folds, msg = "!", str(e)
    print(f"strat {n} {k} {''.join(map(str, y))} {folds} {msg}")


for n in range(10, 104):
    for k in range(2, 11):
        strat_line(n, k, labels(n, k))
# hand-made: a class with fewer than k members (warning), every class too small (error)
strat_line(12, 3, [2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2, 2])
strat_line(12, 5, [1, 0, 1, 0, 2, 2, 1, 0, 2, 1, 0, 2])
strat_line(10, 6, [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
