#!/usr/bin/env python3
"""Compile-error tests: a snippet must compile with -DNABLA_EXPECT_OK and fail without it, with
the expected words in the compiler's message. The first run proves the failure comes from the
line under test, not from a typo elsewhere in the snippet.

usage: check_compile_error.py SOURCE EXPECTED -- COMPILER ARGS...
"""
import subprocess
import sys


def main() -> int:
    source, expected = sys.argv[1], sys.argv[2]
    compiler = sys.argv[sys.argv.index("--") + 1:]
    base = compiler + ["-std=c++20", "-fsyntax-only", source]
    ok = subprocess.run(base + ["-DNABLA_EXPECT_OK"], capture_output=True, text=True)
    if ok.returncode != 0:
        print(f"{source}: the control build (-DNABLA_EXPECT_OK) failed:\n{ok.stderr}")
        return 1
    bad = subprocess.run(base, capture_output=True, text=True)
    if bad.returncode == 0:
        print(f"{source}: compiled, but it must not")
        return 1
    if expected not in bad.stderr:
        print(f"{source}: failed without the expected words '{expected}':\n{bad.stderr}")
        return 1
    print(f"{source}: fails to compile with '{expected}'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
