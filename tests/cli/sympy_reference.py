#!/usr/bin/env python3
"""Reference derivatives of the command line's formula corpus, from SymPy at 30 digits.

Run:  python3 tests/cli/sympy_reference.py > tests/cli/corpus_reference.json
Needs python3-sympy (Debian); the test (tests/cli/cli_test.cpp) reads the committed JSON and
does not need SymPy. Every formula is written in nabla's syntax; this script translates it to
SymPy ('^' → '**', nabla's functions by their definitions) and differentiates it symbolically.
A point is kept only where the double evaluation of every output (Python's math) agrees with the
30-digit one to 1e-14 relative, so that the comparison tests nabla's derivatives, not rounding
in an ill-conditioned value.
"""
import json
import math
import random
import sys

import sympy as sp

DIGITS = 30

# nabla's elementary functions in SymPy terms (real arguments).
def _cbrt(a):
    return sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3)

LOCALS = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh,
    "tanh": sp.tanh, "erf": sp.erf, "abs": sp.Abs,
    "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
    "softplus": lambda a: sp.log(1 + sp.exp(a)),
    "relu": lambda a: sp.Max(0, a),
    "square": lambda a: a ** 2,
    "log1p": lambda a: sp.log(1 + a),
    "expm1": lambda a: sp.exp(a) - 1,
    "cbrt": _cbrt,
    "pow": lambda a, b: a ** b,
    "atan2": sp.atan2,
    "hypot": lambda a, b: sp.sqrt(a ** 2 + b ** 2),
    "max": sp.Max, "min": sp.Min,
    "pi": sp.pi, "e": sp.E,
}

# The same functions on doubles, for the conditioning filter.
FLOAT = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "asin": math.asin, "acos": math.acos, "atan": math.atan, "sinh": math.sinh,
    "cosh": math.cosh, "tanh": math.tanh, "erf": math.erf, "abs": abs,
    "sigmoid": lambda a: 1 / (1 + math.exp(-a)), "softplus": lambda a: math.log1p(math.exp(a)),
    "relu": lambda a: max(0.0, a), "square": lambda a: a * a, "log1p": math.log1p,
    "expm1": math.expm1, "cbrt": lambda a: math.copysign(abs(a) ** (1 / 3), a),
    "pow": lambda a, b: a ** b, "atan2": math.atan2, "hypot": math.hypot, "max": max, "min": min,
    "pi": math.pi, "e": math.e,
}


def corpus():
    """(formula, variables, domain) — nabla syntax; ≥ 200 entries."""
    c = []
    pos = (0.2, 1.5)   # logs, roots and real powers need positive arguments
    any_ = (-2.0, 2.0)
    v2 = ["x1", "x2"]
    v3 = ["x1", "x2", "x3"]
    # The lectures' worked examples (000, 001, 002, 004).
    c += [("x1^2 - x2", v2, any_), ("exp(x1)*x2^2", v2, any_), ("x1^2", ["x1"], any_),
          ("5*x1^2 + 4*x2 + 1; -x2", v2, any_), ("x1^2*x2", v2, any_), ("x1^2 - x1*x2", v2, any_),
          ("(m*x + b - y)^2", ["m", "b", "x", "y"], any_),
          ("(w1*x1 + w2*x2 - y)^2", ["w1", "w2", "x1", "x2", "y"], any_),
          ("max(0, 1 - y*(w1*x1 + w2*x2 + b)) + 0.1*(w1^2 + w2^2)",
           ["w1", "w2", "b", "x1", "x2", "y"], any_),
          ("log(1 + exp(-y*(w1*x1 + w2*x2)))", ["w1", "w2", "x1", "x2", "y"], any_),
          ("x1^2 + x2^2", v2, any_), ("x1^2 - x2^2", v2, any_), ("(x1 - 3)^2", ["x1"], any_),
          ("(1 - x1)^2 + 100*(x2 - x1^2)^2", v2, any_), ("sigmoid(w1*x1 + w2*x2)", ["w1", "w2", "x1", "x2"], any_)]
    # Every unary function applied to several inner expressions.
    inner = ["x1", "x1*x2", "x1^2 + x2", "x1/(1 + x2^2)", "0.5*x1 - 0.3*x2 + 1"]
    for fn in ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "softplus", "atan",
               "sinh", "cosh", "erf", "log1p", "expm1", "cbrt", "square", "abs", "relu"]:
        for g in inner:
            c.append((f"{fn}({g})", v2, pos))
    for fn in ["asin", "acos"]:
        for g in ["x1/2", "x1*x2/3", "(x1 - x2)/4", "sin(x1)/2"]:
            c.append((f"{fn}({g})", v2, pos))
    # Sums, products, quotients and powers of subexpressions.
    parts = ["x1", "sin(x2)", "exp(-x1)", "x1*x2", "log(x2)", "sqrt(x1 + x2)", "x3^2", "1/x3"]
    for i, a in enumerate(parts):
        for j, b in enumerate(parts):
            if i < j and (i + j) % 2 == 0:
                c.append((f"{a} + {b}", v3, pos))
                c.append((f"({a})*({b})", v3, pos))
                c.append((f"({a})/({b})", v3, pos))
            if i < j and (i + j) % 3 == 0:
                c.append((f"({a})^2 - ({b})", v3, pos))
    # Powers: integer, negative, fractional, variable exponents, right-associativity.
    c += [("x1^3", ["x1"], any_), ("x1^-2", ["x1"], pos), ("x1^0.5", ["x1"], pos),
          ("x1^x2", v2, pos), ("2^x1", ["x1"], any_), ("e^x1", ["x1"], any_),
          ("x1^(1/3)", ["x1"], pos), ("x1**2 * x2**3", v2, any_), ("2^x1^2", ["x1"], (-1.0, 1.0)),
          ("-x1^2 + x2", v2, any_), ("pow(x1, x2) + pow(x2, 2)", v2, pos), ("(x1*x2)^(x1 - x2)", v2, pos),
          ("x1^2^0.5", ["x1"], pos), ("pi*x1^2", ["x1"], any_), ("x1^4 - 2*x1^2 + x2^4", v2, any_)]
    # Binary functions.
    c += [("atan2(x1, x2)", v2, any_), ("atan2(x2 - 1, x1 + 2)", v2, pos), ("hypot(x1, x2)", v2, any_),
          ("hypot(x1*x2, 1 + x1)", v2, pos), ("max(x1, x2^2)", v2, pos), ("min(x1, x2^2)", v2, pos),
          ("max(sin(x1), cos(x2))", v2, pos), ("min(x1*x2, 1 - x1)", v2, pos),
          ("atan2(sin(x1), cos(x2))", v2, pos), ("hypot(3*x1, 4*x2) - x1", v2, pos)]
    # Nested chains.
    c += [("sin(exp(x1)*cos(x2))", v2, any_), ("log(1 + exp(sin(x1)*x2))", v2, any_),
          ("exp(sin(x1^2 + x2))*log(x2)", v2, pos), ("sqrt(1 + tanh(x1*x2)^2)", v2, any_),
          ("sigmoid(sigmoid(x1) + x2^2)", v2, any_), ("cos(log(1 + x1^2))^3", ["x1"], any_),
          ("exp(-(x1^2 + x2^2)/2)", v2, any_), ("softplus(x1 - softplus(x2))", v2, any_),
          ("atan(exp(x1) - x2^3)", v2, any_), ("log(cosh(x1*x2)) + erf(x1 - x2)", v2, any_),
          ("(sin(x1) + cos(x2))^2/(1 + x3^2)", v3, any_), ("tanh(x1*tanh(x2*tanh(x3)))", v3, any_),
          ("x1*exp(x2*exp(x3*x1))", v3, (-0.8, 0.8)), ("sqrt(x1^2 + x2^2 + x3^2)", v3, pos),
          ("log(x1)*log(x2)*log(x3)", v3, pos), ("exp(x1)/(exp(x1) + exp(x2) + exp(x3))", v3, any_),
          ("log(exp(x1) + exp(x2) + exp(x3))", v3, any_), ("(x1 - x2)^2*sin(x3) + cos(x1*x3)", v3, any_),
          ("x1/(x2 + x3^2 + 1)", v3, pos), ("abs(x1 - 2)*x2 + relu(x3 - 0.5)", v3, pos)]
    # Several outputs.
    c += [("x1*x2; x1 + x2", v2, any_), ("sin(x1); cos(x2); x1*x2", v2, any_),
          ("exp(x1)*x2; log(x2)*x1", v2, pos), ("x1^2 + x2^2; atan2(x2, x1)", v2, pos),
          ("x1*cos(x2); x1*sin(x2)", v2, any_), ("sigmoid(x1*x2); tanh(x1 - x2); x1^3", v2, any_),
          ("x1 + x2 + x3; x1*x2*x3", v3, any_), ("sqrt(x1)*x2; x3/x1; x2^x3", v3, pos),
          ("exp(x1 - x2); exp(x2 - x3); exp(x3 - x1)", v3, any_),
          ("log(1 + x1^2); softplus(x2)*x3", v3, any_), ("hypot(x1, x2); x3", v3, any_),
          ("max(x1, x2); min(x2, x3)", v3, pos), ("x1^2 - x2^2; 2*x1*x2", v2, any_),
          ("cosh(x1)*x2; sinh(x2)*x1", v2, any_), ("erf(x1*x2); x1/x2", v2, pos),
          ("5*x1^2 + 4*x2 + 1; -x2; x1*x2", v2, any_), ("x1; x2; x1*x2; x1/x2", v2, pos),
          ("tan(x1/2); atan(x2)", v2, pos), ("expm1(x1*x2); log1p(x1*x2)", v2, pos),
          ("cbrt(x1*x2 - 0.5); square(x1 - x2)", v2, pos)]
    return c


def to_sympy(formula, names):
    syms = {n: sp.Symbol(n, real=True) for n in names}
    outs = [sp.sympify(part.replace("^", "**"), locals={**LOCALS, **syms})
            for part in formula.split(";")]
    return [syms[n] for n in names], outs


def float_value(formula, point):
    env = {**FLOAT, **point, "__builtins__": {}}
    return [float(eval(part.replace("^", "**"), env)) for part in formula.split(";")]


def number(expr, subs):
    v = sp.N(expr.subs(subs), DIGITS)
    if not v.is_real:
        raise ValueError(f"not real: {v}")
    return float(v)


def main():
    rng = random.Random(20261206)
    entries = []
    for formula, names, (lo, hi) in corpus():
        xs, outs = to_sympy(formula, names)
        for attempt in range(50):
            point = [round(rng.uniform(lo, hi), 3) for _ in names]
            subs = {s: sp.Float(p, DIGITS) for s, p in zip(xs, point)}
            try:
                exact = [sp.N(o.subs(subs), DIGITS) for o in outs]
                doubles = float_value(formula, dict(zip(names, point)))
                ok = all(e.is_real and abs(d - float(e)) <= 1e-14 * max(1.0, abs(float(e)))
                         for d, e in zip(doubles, exact))
                # Keep away from kinks (abs, relu, max, min): the derivative must be defined.
                grads = [[sp.diff(o, s) for s in xs] for o in outs]
                jac = [[number(g, subs) for g in row] for row in grads]
                entry = {"formula": formula, "variables": names, "point": point,
                         "values": [float(e) for e in exact], "jacobian": jac}
                if len(outs) == 1:
                    entry["hessian"] = [[number(sp.diff(grads[0][i], s), subs) for s in xs]
                                        for i in range(len(xs))]
                if not all(math.isfinite(v) for row in jac for v in row):
                    ok = False
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                ok = False
            if ok:
                entries.append(entry)
                break
        else:
            raise SystemExit(f"no well-conditioned point for {formula}")
    # One entry per line: reviewable diffs when the corpus grows.
    head = {"generator": "tests/cli/sympy_reference.py", "sympy": sp.__version__, "digits": DIGITS}
    sys.stdout.write(json.dumps(head)[:-1] + ', "entries": [\n')
    sys.stdout.write(",\n".join(json.dumps(e) for e in entries))
    sys.stdout.write("\n]}\n")
    print(f"{len(entries)} formulas", file=sys.stderr)


if __name__ == "__main__":
    main()
