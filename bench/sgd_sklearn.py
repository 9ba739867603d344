#!/usr/bin/python3
"""scikit-learn's SGDRegressor on the data written by bench/sgd_throughput (same l, d, epochs,
constant step eta, squared error, no penalty, no intercept, shuffle=True). Prints the median fit
thread-CPU and wall time in milliseconds (of 3 fits) and the training RMSE. Usage: sgd_sklearn.py data.bin l d epochs eta"""
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDRegressor

path, l, d, epochs, eta = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
raw = np.fromfile(path, dtype=np.float64)
X = np.ascontiguousarray(raw[: l * d].reshape(l, d))  # row-major, as written by Eigen RowMajor
y = raw[l * d:]
warnings.simplefilter("ignore", ConvergenceWarning)
times, walls = [], []
for rep in range(3):
    model = SGDRegressor(loss="squared_error", penalty=None, alpha=0.0, fit_intercept=False,
                         learning_rate="constant", eta0=eta, max_iter=epochs, tol=None,
                         shuffle=True, random_state=rep, average=False)
    t0, c0 = time.perf_counter(), time.thread_time()
    model.fit(X, y)
    times.append((time.thread_time() - c0) * 1e3)
    walls.append((time.perf_counter() - t0) * 1e3)
rmse = float(np.sqrt(np.mean((X @ model.coef_ - y) ** 2)))
print(f"{sorted(times)[1]:.3f} {sorted(walls)[1]:.3f} {rmse:.6f}")
