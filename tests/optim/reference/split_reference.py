#!/usr/bin/python3
"""scikit-learn's train_test_split indices for tests/optim/split_test.cpp: the digits split of
examples/train_mlp (1797 rows, test 20 %, random_state 0) and the validation split of its 1437
training rows (10 %, random_state 0). Prints C++ initialisers pasted into the test.
  /usr/bin/python3 tests/optim/reference/split_reference.py"""
import numpy as np
from sklearn.model_selection import train_test_split

train, test = train_test_split(np.arange(1797), test_size=0.2, random_state=0)
fit, valid = train_test_split(np.arange(1437), test_size=0.1, random_state=0)
print("test first 12:", ", ".join(map(str, test[:12])), "| sizes", len(train), len(test))
print("train first 12:", ", ".join(map(str, train[:12])))
print("train last 4:", ", ".join(map(str, train[-4:])))
print("valid (of 1437) first 12:", ", ".join(map(str, valid[:12])), "| sizes", len(fit), len(valid))
print("sum of test indices:", int(test.sum()), "| sum of valid indices:", int(valid.sum()))
