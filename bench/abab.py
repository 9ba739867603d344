#!/usr/bin/env python3
"""Old build against new build: the same bench programs from two build folders alternate, the
order flipping every pair (old, new, new, old, ...), one metric per run; prints the medians and
the median per-pair ratio new/old with its 10-90 % spread.
usage: bench/abab.py OLD_BUILD/bench NEW_BUILD/bench PAIRS [WORKLOAD]  (build both with the same
options; WORKLOAD, a substring of a workload name, runs only the matching ones)"""
import re, statistics, subprocess, sys
old, new, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
only = sys.argv[4] if len(sys.argv) > 4 else ""
def col(line, k): return float(line.split("|")[k].strip().strip("*"))
BENCHES = {
  "rosenbrock_scalar n=1e6 record+reverse ms": (["rosenbrock_scalar", "3"],
      lambda out: col(next(l for l in out.splitlines() if l.startswith("| 1e+06 | nabla record + reverse")), 3)),
  "sgd_throughput minimize GD batch 1 CPU ms": (["sgd_throughput"],
      lambda out: float(re.search(r"nabla minimize\(\), GradientDescent, batch 1\s+([\d.]+)", out).group(1))),
  "matrix_least_squares l=1e5 nabla ms": (["matrix_least_squares", "100000", "5"],
      lambda out: col(next(l for l in out.splitlines() if "| nabla Mat record+reverse |" in l), 5)),
  "matrix_mlp nabla value_and_gradients ms": (["matrix_mlp", "5"],
      lambda out: col(next(l for l in out.splitlines() if "| nabla value_and_gradients |" in l), 5)),
}
def run(d, args, parse):
    out = subprocess.run([f"{d}/{args[0]}"] + args[1:], capture_output=True, text=True, check=True, cwd="/tmp").stdout
    return parse(out)
print(f"| workload | old median | new median | new/old per pair, median | 10–90 % | pairs |")
print("|---|---:|---:|---:|---|---:|")
for name, (args, parse) in BENCHES.items():
    if only not in name: continue
    o, n, r = [], [], []
    for p in range(pairs):
        if p % 2 == 0: a = run(old, args, parse); b = run(new, args, parse)
        else: b = run(new, args, parse); a = run(old, args, parse)
        o.append(a); n.append(b); r.append(b / a)
    q = statistics.quantiles(r, n=10)
    print(f"| {name} | {statistics.median(o):.3f} | {statistics.median(n):.3f} | **{statistics.median(r):.3f}** | {q[0]:.3f}–{q[-1]:.3f} | {pairs} |", flush=True)
