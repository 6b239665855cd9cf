"""Inputs and numpy references for control-flow-numerics.onnxtxt.

    control-flow-numerics.py make DIR C    writes the inputs (C: If condition)
    control-flow-numerics.py check DIR C   compares DIR/out/*.npy with numpy
"""
import os
import sys

import numpy as np

mode, d, cond = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
path = lambda n: os.path.join(d, n)
rng = np.random.default_rng(0)
inputs = {
    "C": np.array(cond),
    "X": rng.standard_normal(5).astype(np.float32),
    "N": np.array(10, np.int64),
    "Go": np.array(True),
    "Y0": np.array([0.5, 1.0, -0.5], np.float32),
    "B": np.array([1.0, 2.0, 0.5], np.float32),
    "Init": rng.standard_normal(3).astype(np.float32),
    "S": rng.standard_normal((3, 4)).astype(np.float32),
}
if mode == "make":
    os.makedirs(d, exist_ok=True)
    for name, value in inputs.items():
        np.save(path(name + ".npy"), value)
    sys.exit(0)

o = lambda n: np.load(path("out/%s.npy" % n))


def close(name, want):
    got = o(name)
    assert got.dtype == want.dtype and got.shape == want.shape, (
        name, got.dtype, got.shape, want.dtype, want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=name)


X = inputs["X"]
close("R", -X if cond else X[1:3])
# Loop: runs while i < N and the body's condition (sum < 20) held.
y, cnt, rows, go, i = inputs["Y0"], np.int64(0), [], True, 0
while i < inputs["N"] and go:
    y = y + inputs["B"]
    cnt += 1
    go = y.sum() < 20
    rows.append(y * 2 if i % 2 == 0 else -y)
    i += 1
close("Y", y)
close("Cnt", np.array(cnt, np.int64))
close("YS", np.stack(rows))
# Scan over axis 1 of S, last column first; outputs reversed, on axis 1.
s, outs = inputs["Init"], []
for t in reversed(range(inputs["S"].shape[1])):
    s = s + inputs["S"][:, t]
    outs.append(s * 2)
close("SF", s)
close("SO", np.stack(outs[::-1], axis=1))
print("ok")
