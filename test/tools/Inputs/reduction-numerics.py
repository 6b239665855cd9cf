"""Inputs and numpy references for reduction-numerics.onnxtxt.

    reduction-numerics.py make DIR     writes X, I, U, K (= [2]), Ax (= -1)
    reduction-numerics.py check DIR    compares DIR/out/*.npy with numpy
"""
import os
import sys

import numpy as np

mode, d = sys.argv[1], sys.argv[2]
path = lambda n: os.path.join(d, n)
if mode == "make":
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 4, 5)).astype(np.float32)
    X[0, 1, :] = X[0, 1, 0]  # a row of ties for select_last_index
    np.save(path("X.npy"), X)
    np.save(path("I.npy"), rng.integers(-9, 9, (3, 4)).astype(np.int32))
    np.save(path("U.npy"), rng.integers(0, 255, (3, 4)).astype(np.uint8))
    np.save(path("K.npy"), np.array([2], np.int64))
    np.save(path("Ax.npy"), np.array(-1, np.int32))
    sys.exit(0)

X, I, U = (np.load(path(n + ".npy")) for n in ("X", "I", "U"))
o = lambda n: np.load(path("out/%s.npy" % n))


def close(name, want, rtol=1e-5, atol=1e-6):
    got = o(name)
    assert got.dtype == want.dtype and got.shape == want.shape, (
        name, got.dtype, got.shape, want.dtype, want.shape)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=name)


def softmax2d(x, axis):
    s = x.reshape(int(np.prod(x.shape[:axis])), -1)
    e = np.exp(s - s.max(1, keepdims=True))
    return (e / e.sum(1, keepdims=True)).reshape(x.shape)


close("Soft", softmax2d(X, 1))
close("LogSoft", np.log(softmax2d(X, 1)), 1e-4, 1e-5)
h = np.zeros(X.size, np.float32)
h[np.argmax(X.reshape(-1))] = 1
close("Hard", h.reshape(X.shape))
close("SumI", I.sum(-1).astype(np.int32))
close("MaxU", U.max(0))
close("ArgLast", (4 - np.argmin(X[:, :, ::-1], axis=2)).astype(np.int64))
close("Cum", np.flip(np.cumsum(np.flip(X, 1), 1), 1) - X, 1e-5, 1e-5)
close("Lp1", np.abs(X).sum(2, keepdims=True))
m = X.mean((0, 2), keepdims=True)
v = ((X - m) ** 2).mean((0, 2), keepdims=True)
close("Mvn", (X - m) / (np.sqrt(v) + 1e-9), 1e-4, 1e-5)
close("Lse", np.log(np.exp(X).sum(1, keepdims=True)))
close("MeanI", np.trunc(I.sum(1, keepdims=True) / 4).astype(np.int32))
close("CumI", np.cumsum(I, 1).astype(np.int32))
# TopK: sorted, ties keep the lower index first (a stable sort).
order = np.argsort(-X, axis=2, kind="stable")[:, :, :2]
close("TopI", order.astype(np.int64))
close("TopV", np.take_along_axis(X, order, 2))
order = np.argsort(I, axis=0, kind="stable")[:2]
close("LowI", order.astype(np.int64))
close("LowV", np.take_along_axis(I, order, 0))
close("CumDyn", np.cumsum(X, 2) - X, 1e-5, 1e-5)
print("ok")
