#!/usr/bin/env python3
"""examples/train_mlp's acceptance: the median test accuracy over seeds 0-4 is at least 96.5 %
(PyTorch with this model, split and schedule: 96.4-97.2 %, issue 10).
usage: train_mlp_accuracy.py PATH/TO/train_mlp"""
import re
import statistics
import subprocess
import sys

accuracies = []
for seed in range(5):
    out = subprocess.run([sys.argv[1], "--seed", str(seed)], capture_output=True, text=True,
                         check=True).stdout
    accuracies.append(float(re.search(r"test accuracy: ([\d.]+) %", out).group(1)))
median = statistics.median(accuracies)
print(f"test accuracy over seeds 0-4: {accuracies}, median {median} %")
sys.exit(0 if median >= 96.5 else 1)
