#!/usr/bin/python3
# log h(z) = log(φ(z) + zΦ(z)) and its slope Φ(z)/h(z) at 60 significant digits (mpmath, shipped
# with python3-sympy), for the log expected improvement of nabla::optim (expected_improvement.hpp):
# from z = 5 down to z = -1e10, where a double h(z) has long underflowed.
# tests/optim/bo_surrogate_test.cpp compares log_h against these lines "z log_h slope".
# Run: /usr/bin/python3 mpmath_log_ei.py > mpmath_log_ei.txt
import mpmath as mp

mp.mp.dps = 60
print("# z log_h(z) slope(z), mpmath", mp.__version__, "at 60 digits")
for z in ["5", "1", "0.3", "0", "-0.5", "-0.999", "-1", "-1.001", "-2", "-3", "-4.99", "-5", "-5.01", "-10", "-20",
          "-26", "-36.9", "-37", "-37.1", "-38", "-50", "-100", "-1e3", "-1e4", "-1e6", "-1e10"]:
    x = mp.mpf(z)
    h = mp.npdf(x) + x * mp.ncdf(x)
    print(z, mp.nstr(mp.log(h), 20), mp.nstr(mp.ncdf(x) / h, 20))
