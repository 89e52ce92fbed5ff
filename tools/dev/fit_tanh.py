#!/usr/bin/env python3
"""Fits the rational tanh of engine/src/cpu/fast_math.h (a development tool, not built or run by CI).

    tanh(x) ~= x * P(z) / Q(z),  z = x^2,  P(0) = Q(0) = 1,  on [0, C]

P and Q are found by linearised least squares on (P - f*Q) / (f*Q_prev) with f = tanh(x)/x,
iterated with Lawson's weights (each point's weight scaled by its error) so that the fit moves
towards minimax relative error. Needs mpmath (Debian: python3-mpmath).

usage: fit_tanh.py [deg_P] [deg_Q] [C]     (defaults 4 4 8.5)
"""
import sys

import mpmath as mp

mp.mp.dps = 40
NP = int(sys.argv[1]) if len(sys.argv) > 1 else 4
NQ = int(sys.argv[2]) if len(sys.argv) > 2 else 4
C = mp.mpf(sys.argv[3]) if len(sys.argv) > 3 else mp.mpf("8.5")
ZM = C * C
N = 500

# Chebyshev points in x (dense near both ends); tiny x left out (there f is 1 to all digits).
xs = [C * (1 - mp.cos(mp.pi * (i + 0.5) / N)) / 2 for i in range(N)]
xs = [x for x in xs if x > mp.mpf("1e-4")]
zs = [x * x for x in xs]
fs = [mp.tanh(x) / x for x in xs]


def rational(c, z):
    p = mp.mpf(1) + sum(c[k - 1] * z**k for k in range(1, NP + 1))
    q = mp.mpf(1) + sum(c[NP + k - 1] * z**k for k in range(1, NQ + 1))
    return p / q, q


c = [mp.mpf(0)] * (NP + NQ)
lawson = [mp.mpf(1)] * len(zs)
best = None
for _ in range(60):
    rows, rhs = [], []
    for i, (z, f) in enumerate(zip(zs, fs)):
        _, q_prev = rational(c, z)
        w = mp.sqrt(lawson[i]) / (f * q_prev)
        t = z / ZM  # scaled variable for conditioning
        rows.append([w * t**k for k in range(1, NP + 1)] + [-w * f * t**k for k in range(1, NQ + 1)])
        rhs.append(w * (f - 1))
    sol, _ = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))
    c = [sol[k] / ZM ** (k + 1) for k in range(NP)] + [sol[NP + k] / ZM ** (k + 1) for k in range(NQ)]
    errs = [abs(rational(c, z)[0] / f - 1) for z, f in zip(zs, fs)]
    if best is None or max(errs) < best[0]:
        best = (max(errs), list(c))
    total = sum(l * e for l, e in zip(lawson, errs))
    lawson = [max(l * e / total * len(zs), mp.mpf("1e-30")) for l, e in zip(lawson, errs)]

err, c = best
worst = max(abs(x * rational(c, x * x)[0] / mp.tanh(x) - 1) for x in (C * i / 20000 for i in range(1, 20001)))
print(f"degrees {NP}/{NQ} on [0, {C}]: max relative error {float(err):.3g} (fine grid {float(worst):.3g})")
print("P (z^1 up):", ", ".join(f"{float(v):.10e}" for v in c[:NP]))
print("Q (z^1 up):", ", ".join(f"{float(v):.10e}" for v in c[NP:]))
