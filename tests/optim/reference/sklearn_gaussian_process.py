#!/usr/bin/python3
# scikit-learn's GaussianProcessRegressor with a fixed kernel (optimizer=None):
# ConstantKernel(1.7) * Matern(length_scale=[0.3, 0.6], nu=2.5), alpha=1e-6, normalize_y=True,
# on 8 points of the unit square; prints the data, the log marginal likelihood and its gradient
# in the log hyper-parameters (log c, log l1, log l2), and the posterior mean and std at 6 test
# points. tests/optim/tuning_test.cpp compares nabla::optim::GaussianProcess against it.
# Run: /usr/bin/python3 sklearn_gaussian_process.py > sklearn_gaussian_process.txt
import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern

rng = np.random.default_rng(3)
X = rng.uniform(size=(8, 2))
y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2 + 3.0
Xs = rng.uniform(size=(6, 2))
kernel = ConstantKernel(1.7) * Matern(length_scale=[0.3, 0.6], nu=2.5)
gp = GaussianProcessRegressor(kernel=kernel, alpha=1e-6, normalize_y=True, optimizer=None).fit(X, y)
lml, grad = gp.log_marginal_likelihood(gp.kernel_.theta, eval_gradient=True)
mean, std = gp.predict(Xs, return_std=True)
print(f"# scikit-learn {sklearn.__version__}; kernel 1.7 * Matern([0.3, 0.6], nu=2.5), alpha 1e-6")
print("# n d, then n rows x1 x2 y")
print(8, 2)
for xi, yi in zip(X, y):
    print(f"{xi[0]!r} {xi[1]!r} {yi!r}")
print("# lml, then its gradient in (log c, log l1, log l2)")
print(repr(lml))
print(" ".join(repr(g) for g in grad))
print("# m, then m rows x1 x2 mean std")
print(len(Xs))
for xi, mi, si in zip(Xs, mean, std):
    print(f"{xi[0]!r} {xi[1]!r} {mi!r} {si!r}")
