"""Inputs and numpy references for matrix-det.onnxtxt.

    matrix-det.py make DIR     writes X: 2 x 3 matrices 4 x 4 (one needs a
                               row swap at once, one is singular)
    matrix-det.py check DIR    compares DIR/out/D.npy with numpy
"""
import os
import sys

import numpy as np

mode, d = sys.argv[1], sys.argv[2]
path = lambda n: os.path.join(d, n)
if mode == "make":
    os.makedirs(d, exist_ok=True)
    X = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    X[0, 1, 0, 0] = 0.0  # the first pivot comes from another row
    X[1, 2, :, 3] = 2 * X[1, 2, :, 1]  # singular
    X[1, 2, :, 0] = 0.0  # and a zero pivot column
    np.save(path("X.npy"), X)
    sys.exit(0)

X = np.load(path("X.npy"))
got = np.load(path("out/D.npy"))
want = np.linalg.det(X.astype(np.float64)).astype(np.float32)
assert got.dtype == want.dtype and got.shape == want.shape, (got.shape, want.shape)
np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
print("ok")
