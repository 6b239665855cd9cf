"""Writes the .npy inputs the blade-run tests use into a directory:

    x.npy    float32 [2, 4]    X of matmul.onnxtxt (N = 2)
    w.npy    float32 [4, 3]    W of matmul.onnxtxt
    x64.npy  float64 [2, 4]    X with the wrong dtype
    x3d.npy  float32 [2, 2, 2] X with the wrong rank
    w5.npy   float32 [5, 3]    W with the wrong static dim 0
    w6.npy   float32 [6, 3]    W of dynamic-matmul.onnxtxt (L = 6)
    v7.npy   float32 [7]       A of dynamic-reshape.onnxtxt (N = 7)
    a2.npy   float32 [2, 4]    A of shared-dim/distinct-dims.onnxtxt
    b3.npy   float32 [3, 4]    B of shared-dim/distinct-dims.onnxtxt
    b1.npy   float32 [1, 4]    B of distinct-dims.onnxtxt
    junk.npy                   not a .npy file
    cut.npy                    x.npy without its last 4 bytes

    make-inputs.py DIR
"""
import os
import sys

import numpy as np

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
x = np.arange(8, dtype=np.float32).reshape(2, 4)
np.save(os.path.join(d, "x.npy"), x)
np.save(os.path.join(d, "w.npy"), (np.arange(12, dtype=np.float32).reshape(4, 3) - 5) / 4)
np.save(os.path.join(d, "x64.npy"), x.astype(np.float64))
np.save(os.path.join(d, "x3d.npy"), x.reshape(2, 2, 2))
np.save(os.path.join(d, "w5.npy"), np.ones((5, 3), np.float32))
np.save(os.path.join(d, "w6.npy"), np.ones((6, 3), np.float32))
np.save(os.path.join(d, "v7.npy"), np.arange(7, dtype=np.float32))
np.save(os.path.join(d, "a2.npy"), np.ones((2, 4), np.float32))
np.save(os.path.join(d, "b3.npy"), np.full((3, 4), 10, np.float32))
np.save(os.path.join(d, "b1.npy"), np.full((1, 4), 10, np.float32))
with open(os.path.join(d, "junk.npy"), "wb") as f:
    f.write(b"this is not a numpy file")
with open(os.path.join(d, "x.npy"), "rb") as f:
    data = f.read()
with open(os.path.join(d, "cut.npy"), "wb") as f:
    f.write(data[:-4])
