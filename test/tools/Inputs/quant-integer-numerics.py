"""Inputs and numpy references for quant-integer-numerics.onnxtxt.

    quant-integer-numerics.py make DIR     writes the inputs
    quant-integer-numerics.py check DIR    compares DIR/out/*.npy with numpy
"""
import os
import sys

import numpy as np

mode, d = sys.argv[1], sys.argv[2]
path = lambda n: os.path.join(d, n)
names = ["A", "B", "Az", "Bz", "V", "Vz", "X", "W", "Xz", "Wz", "Xs", "Ws", "Bs",
         "Ys", "Yz", "Bias"]
if mode == "make":
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    i8 = lambda *s: rng.integers(-128, 128, s).astype(np.int8)
    u8 = lambda *s: rng.integers(0, 256, s).astype(np.uint8)
    f = lambda *s: rng.uniform(0.001, 0.01, s).astype(np.float32)
    values = dict(A=i8(2, 4), B=u8(4, 3), Az=i8(2), Bz=u8(3), V=u8(4), Vz=u8(1),
                  X=u8(2, 2, 5, 5), W=i8(4, 2, 3, 3), Xz=np.uint8(131),
                  Wz=i8(4), Xs=np.float32(0.02), Ws=f(4), Bs=f(3),
                  Ys=np.float32(0.5), Yz=np.int8(-3),
                  Bias=rng.integers(-3000, 3000, 4).astype(np.int32))
    for n in names:
        np.save(path(n + ".npy"), np.asarray(values[n]))
    sys.exit(0)

v = {n: np.load(path(n + ".npy")) for n in names}
o = lambda n: np.load(path("out/%s.npy" % n))


def same(name, want):
    got = o(name)
    assert got.dtype == want.dtype and got.shape == want.shape, (
        name, got.dtype, got.shape, want.dtype, want.shape)
    np.testing.assert_array_equal(got, want, err_msg=name)


i32 = lambda a: np.asarray(a).astype(np.int32)
a = i32(v["A"]) - i32(v["Az"])[:, None]
b = i32(v["B"]) - i32(v["Bz"])
same("MI", a @ b)
vc = i32(v["V"]) - i32(v["Vz"])
same("MV", vc @ b)

x = np.pad(i32(v["X"]) - i32(v["Xz"]), ((0, 0), (0, 0), (1, 1), (1, 1)))
w = i32(v["W"]) - i32(v["Wz"])[:, None, None, None]
conv = np.zeros((2, 4, 3, 3), np.int32)
for i in range(3):
    for j in range(3):
        patch = x[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3]
        conv[:, :, i, j] = np.einsum("nchw,mchw->nm", patch, w)
same("CI", conv)


def requantize(acc, scale, zp):
    r = np.rint(acc.astype(np.float32) * scale) + np.float32(zp)
    return np.clip(r, -128, 127).astype(np.int8)


scale = (v["Xs"] * v["Ws"]) / v["Ys"]
same("QC", requantize(conv + v["Bias"][:, None, None],
                      scale[:, None, None], v["Yz"]))
same("QM", requantize(a @ b, (v["Xs"] * v["Bs"]) / v["Ys"], v["Yz"]))
same("QV", requantize(vc @ b, (v["Xs"] * v["Bs"]) / v["Ys"], v["Yz"]))
print("ok")
