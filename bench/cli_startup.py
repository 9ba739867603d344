#!/usr/bin/env python3
"""`nabla hessian` from process start: value, gradient and Hessian of a 50-node formula in 10
variables, the median of many starts, beside `python3 -c "import sympy"` on the same machine.

  python3 bench/cli_startup.py build/cli/nabla [--starts 51]

Each start is timed from before fork/exec to after wait (subprocess.run), so it includes the
dynamic loader, libnabla and OpenBLAS loading, parsing, recording and printing. Also printed:
/bin/true and `nabla --version` (what starting any process, and loading nabla, costs here).
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

# 10 variables; nabla reports the node count (Formula::nodes) in its JSON, checked below.
FORMULA = ("exp(x1*x2) + sin(x3)*log(1 + x4^2) - sqrt(x5^2 + x6^2 + 1)*tanh(x7)"
           " + x8*x9/(1 + x10^2) + (x1 - x10)^2*cos(x2*x3) + sigmoid(x4 + x5*x6)")
POINT = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0"


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nabla")
    parser.add_argument("--starts", type=int, default=51)
    args = parser.parse_args()
    cmd = [args.nabla, "hessian", FORMULA, "--at", POINT]
    info = json.loads(subprocess.run(cmd + ["--json"], capture_output=True, check=True, text=True).stdout)
    assert len(info["variables"]) == 10, info["variables"]
    sympy = [sys.executable, "-c", "import sympy"]
    have_sympy = subprocess.run(sympy, capture_output=True).returncode == 0
    timed(cmd)  # warm the page cache
    # Consecutive starts (what a student typing commands sees), then starts interleaved with
    # `import sympy`, whose 200+ ms of Python evict the caches before every nabla start.
    block = [timed(cmd) for _ in range(args.starts)]
    interleaved, theirs = [], []
    for _ in range(args.starts):
        if have_sympy:
            theirs.append(timed(sympy))
        interleaved.append(timed(cmd))

    def line(name, t):
        q = statistics.quantiles(t, n=10)
        return (f"  {name}: median {statistics.median(t) * 1e3:.2f} ms "
                f"(10–90 %: {q[0] * 1e3:.2f}–{q[-1] * 1e3:.2f} ms, {len(t)} starts)")

    print(f"nabla hessian of a {info['nodes']}-node formula in {len(info['variables'])} variables "
          f"(value, gradient, Hessian, eigenvalues), from process start:")
    print(line("consecutive", block))
    print(line("each after import sympy", interleaved))
    if have_sympy:
        print(line('python3 -c "import sympy"', theirs))
    else:
        print("python3-sympy is not installed: no comparison")
    for name, c in [("/bin/true", ["/bin/true"]), ("nabla --version", [args.nabla, "--version"])]:
        print(line(name, [timed(c) for _ in range(args.starts)]))

if __name__ == "__main__":
    main()
