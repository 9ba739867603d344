#!/usr/bin/python3
"""PyTorch float64 reference for tests/optim/train_mlp_reference_test.cpp.

The MLP of examples/train_mlp (64-32-10, tanh, softmax cross-entropy) on the first 1437 rows of
scikit-learn's digits in file order (pixels / 16), with shuffling off: Adam (lr 1e-3, torch's
defaults) on consecutive mini-batches of 32 (44 full batches and one of 29 per epoch). The
starting weights come from closed formulas (below and in the C++ test), so no random generator
has to agree. Prints the batch loss of each of the first 45 steps and, after 30 epochs, the
loss on the 1437 rows and the first entries of the fitted W1, as the file
tests/optim/reference/train_mlp_reference.txt. Then the same start with torch's parameter
groups for 5 epochs: Adam with coupled weight decay 1e-2 on W1 and W2 only, b1 at 0.1 x lr,
b2 frozen (requires_grad False, in no group); and AdamW (decoupled decay 0.05 on W1 and W2,
none on the biases, the biases at 3 x lr). Regenerate with:
  /usr/bin/python3 tests/optim/reference/train_mlp_reference.py > tests/optim/reference/train_mlp_reference.txt
"""
import math

import torch
from sklearn.datasets import load_digits

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

ROWS, BATCH, EPOCHS = 1437, 32, 30

digits = load_digits()
X = torch.tensor(digits.data[:ROWS] / 16.0)
y = torch.tensor(digits.target[:ROWS], dtype=torch.long)

# nabla's blocks: W1 64x32, b1 1x32, W2 32x10, b2 1x10 (x @ W + b); torch's Linear stores W^T.
W1 = torch.tensor([[0.1 * math.sin(1 + i + 7 * j) for j in range(32)] for i in range(64)])
b1 = torch.tensor([0.05 * math.cos(j) for j in range(32)])
W2 = torch.tensor([[0.15 * math.sin(2 + 3 * i + 5 * j) for j in range(10)] for i in range(32)])
b2 = torch.tensor([0.02 * j - 0.1 for j in range(10)])
params = []


def loss_on(xb, yb):
    w1, c1, w2, c2 = params
    return torch.nn.functional.cross_entropy(torch.tanh(xb @ w1 + c1) @ w2 + c2, yb)


def train(make_optimizer, epochs, frozen=()):
    """Trains from the formula weights; `frozen` lists blocks not trained. The first 45 batch
    losses and the loss on all rows at the end."""
    global params
    params = [p.clone().requires_grad_(i not in frozen) for i, p in enumerate((W1, b1, W2, b2))]
    opt = make_optimizer(params)
    losses = []
    for epoch in range(epochs):
        for start in range(0, ROWS, BATCH):
            opt.zero_grad()
            loss = loss_on(X[start:start + BATCH], y[start:start + BATCH])
            loss.backward()
            opt.step()
            if len(losses) < 45:
                losses.append(loss.item())
    with torch.no_grad():
        return losses, loss_on(X, y).item()


def row(key, values):
    print(key, " ".join(f"{v:.17g}" for v in values))


print(f"# torch {torch.__version__}, float64, one thread")
step_losses, final = train(lambda p: torch.optim.Adam(p, lr=1e-3), EPOCHS)
row("step_losses", step_losses)
row("final_loss", [final])
row("final_W1_row10", params[0][10, :8].tolist())

for name, make_optimizer, frozen in [
        ("adam_groups", lambda p: torch.optim.Adam(
            [{"params": [p[0], p[2]], "weight_decay": 1e-2},
             {"params": [p[1]], "lr": 1e-4}], lr=1e-3), (3,)),
        ("adamw_groups", lambda p: torch.optim.AdamW(
            [{"params": [p[0], p[2]], "weight_decay": 0.05},
             {"params": [p[1], p[3]], "lr": 3e-3, "weight_decay": 0.0}], lr=1e-3), ())]:
    losses, final = train(make_optimizer, 5, frozen)
    row(f"{name}_step_losses", losses)
    row(f"{name}_final_loss", [final])
    row(f"{name}_final_b1", params[1][:8].tolist())
    row(f"{name}_final_W2_row3", params[2][3, :8].tolist())
