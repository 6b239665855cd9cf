"""Inputs and numpy references for normalization-numerics.onnxtxt.

    normalization-numerics.py make DIR    writes X, S, Bias, E (0 rows), P, RA,
                                          RB (and S6, P3 for shape checks)
    normalization-numerics.py check DIR   compares DIR/out/*.npy with numpy
"""
import os
import sys

import numpy as np

mode, d = sys.argv[1], sys.argv[2]
path = lambda n: os.path.join(d, n)
if mode == "make":
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(1)
    np.save(path("X.npy"), rng.standard_normal((3, 4, 5)).astype(np.float32))
    np.save(path("S.npy"), rng.standard_normal((4, 5)).astype(np.float32))
    np.save(path("Bias.npy"), rng.standard_normal((5,)).astype(np.float32))
    np.save(path("E.npy"), np.zeros((0, 3), np.float32))
    np.save(path("P.npy"), rng.uniform(0.5, 2, (4,)).astype(np.float32))
    np.save(path("S6.npy"), np.ones((4, 6), np.float32))
    np.save(path("P3.npy"), np.ones((3,), np.float32))
    np.save(path("RA.npy"), np.array([-1, 0], np.int64))
    np.save(path("RB.npy"), np.array([1], np.int64))
    sys.exit(0)

X, S, Bias, P = (np.load(path(n + ".npy")) for n in ("X", "S", "Bias", "P"))
o = lambda n: np.load(path("out/%s.npy" % n))


def close(name, want):
    got = o(name)
    assert got.shape == want.shape, (name, got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=name)


m = X.mean((1, 2), keepdims=True)
v = ((X - m) ** 2).mean((1, 2), keepdims=True)
isd = 1 / np.sqrt(v + 0.01)
close("Ln", (X - m) * isd * S)
close("LnMean", m)
close("LnIsd", isd)
m = X.mean(2, keepdims=True)
v = ((X - m) ** 2).mean(2, keepdims=True)
close("LnBias", (X - m) / np.sqrt(v + 1e-5) * Bias + Bias)
close("Noop", X)
close("All", X.sum(keepdims=True))
p = P.reshape(1, 4, 1)
close("Inst", (X - m) / np.sqrt(v + 0.001) * p + p)
close("Bn", (X - p) / np.sqrt(p + 0.001) * p + p)
close("Gap", X.mean(2, keepdims=True))
close("L2", np.sqrt((X * X).sum(-1)))
close("Gmp", X.max(2, keepdims=True))
close("KeepRt", X.sum((0, 2), keepdims=True))
close("DropRt", X.sum(1))
# Reductions over zero elements give the identity of the combination.
for name, want in (("EMax", -np.inf), ("ESum", 0), ("EProd", 1),
                   ("ELogSum", -np.inf)):
    assert o(name).shape == (3,) and (o(name) == want).all(), (name, o(name))
print("ok")
