#!/usr/bin/python3
"""PyTorch's side of bench/train_mlp: seconds per epoch of training updates (no evaluation) of the
64-32-10 tanh MLP on the first 1437 digits, float64, one thread, Adam lr 1e-3, consecutive
batches of 32 (the batches of bench/train_mlp.cpp). Prints the median over EPOCHS epochs.
usage: train_mlp_torch.py EPOCHS"""
import statistics
import sys
import time

import torch
from sklearn.datasets import load_digits

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
epochs = int(sys.argv[1])
digits = load_digits()
X = torch.tensor(digits.data[:1437] / 16.0)
y = torch.tensor(digits.target[:1437], dtype=torch.long)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.Tanh(), torch.nn.Linear(32, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
times = []
for _ in range(epochs):
    t0 = time.perf_counter()
    for start in range(0, 1437, 32):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X[start:start + 32]), y[start:start + 32])
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - t0)
print(statistics.median(times))
