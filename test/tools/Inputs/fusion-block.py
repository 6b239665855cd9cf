"""Inputs and numpy references for fusion-block.onnxtxt.

    fusion-block.py make DIR          writes X, Mask, W, B, G
    fusion-block.py check DIR/OUT     compares OUT/Y.npy, OUT/Z.npy with numpy
"""
import math
import os
import sys

import numpy as np

mode, d = sys.argv[1], sys.argv[2]
if mode == "make":
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(3)
    shapes = {"X": (2, 5, 8), "Mask": (2, 5, 5), "W": (8, 8), "B": (8,),
              "G": (8,)}
    for name, shape in shapes.items():
        np.save(os.path.join(d, name + ".npy"),
                rng.standard_normal(shape).astype(np.float32))
    sys.exit(0)

inputs = os.path.dirname(os.path.normpath(d))
X, Mask, W, B, G = (np.load(os.path.join(inputs, n + ".npy")).astype(np.float64)
                    for n in ("X", "Mask", "W", "B", "G"))
s = X @ X.transpose(0, 2, 1) * 0.35 + Mask
e = np.exp(s - s.max(-1, keepdims=True))
p = e / e.sum(-1, keepdims=True)
r = p @ X + X
m = r.mean(-1, keepdims=True)
v = ((r - m) ** 2).mean(-1, keepdims=True)
n = (r - m) / np.sqrt(v + 1e-5) * G + B
rn = n / np.sqrt((n * n).mean(-1, keepdims=True) + 1e-6) * G
hb = rn @ W + B
erf = np.vectorize(math.erf)
Y = hb * (erf(hb / 1.4142135) + 1) * 0.5
Z = np.maximum(np.tanh(Y), 0)
for name, want in (("Y", Y), ("Z", Z)):
    got = np.load(os.path.join(d, name + ".npy"))
    assert got.shape == want.shape, (name, got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=name)
print("ok")
