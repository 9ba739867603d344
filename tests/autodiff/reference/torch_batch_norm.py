# Reference for tests/autodiff/matrix/normalization_test.cpp: torch float64 batch_norm
# outputs and gradients of sum(G * y) for X[i,j] = sin(0.37 i + 1.1 j), G[i,j] = cos(0.5 i + 0.3 j),
# gamma[j] = 1 + 0.1 j, beta[j] = 0.05 j, training and evaluation (running stats after one
# momentum-0.1 update from (0, 1)). Run with /usr/bin/python3; prints torch_batch_norm.txt.
import math
import torch

torch.set_default_dtype(torch.float64)
print("# N C training affine | y | gx | ggamma | gbeta (row-major, 17 digits)")
for n, c in [(2, 1), (3, 5), (17, 64), (256, 5)]:
    X = torch.tensor([[math.sin(0.37 * i + 1.1 * j) for j in range(c)] for i in range(n)])
    G = torch.tensor([[math.cos(0.5 * i + 0.3 * j) for j in range(c)] for i in range(n)])
    for training in (1, 0):
        for affine in (1, 0):
            x = X.clone().requires_grad_(True)
            g = torch.tensor([1 + 0.1 * j for j in range(c)], requires_grad=True)
            b = torch.tensor([0.05 * j for j in range(c)], requires_grad=True)
            rm = torch.zeros(c)
            rv = torch.ones(c)
            if not training:  # one training update first
                torch.nn.functional.batch_norm(X, rm, rv, training=True, momentum=0.1, eps=1e-5)
            y = torch.nn.functional.batch_norm(x, rm, rv, g if affine else None,
                                               b if affine else None, training=bool(training),
                                               momentum=0.1, eps=1e-5)
            (G * y).sum().backward()
            arrs = [y.detach(), x.grad]
            if affine:
                arrs += [g.grad, b.grad]
            print(n, c, training, affine)
            for a in arrs:
                print(" ".join(repr(float(v)) for v in a.reshape(-1)))
