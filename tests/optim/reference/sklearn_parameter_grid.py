#!/usr/bin/python3
# scikit-learn's ParameterGrid order for a list of two grids (one with None values), printed one
# candidate a line as Python prints the dict: tests/optim/tuning_test.cpp compares
# nabla::optim::ParameterGrid / GridSearcher against it.
# Run: /usr/bin/python3 sklearn_parameter_grid.py > sklearn_parameter_grid.txt
import sklearn
from sklearn.model_selection import ParameterGrid

grids = [
    {"kernel": ["linear"], "C": [1, 10, 100], "gamma": [None]},
    {"penalty": ["l2", None, "l1"], "alpha": [0.01, 0.1], "fit_intercept": [1, 0]},
]
print(f"# scikit-learn {sklearn.__version__} ParameterGrid, {len(ParameterGrid(grids))} candidates")
for p in ParameterGrid(grids):
    print("{" + ", ".join(f"{k!r}: {v!r}" for k, v in sorted(p.items())) + "}")
