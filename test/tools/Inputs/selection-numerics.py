"""Inputs and numpy references for selection-numerics.onnxtxt.

    selection-numerics.py make DIR     writes the inputs
    selection-numerics.py check DIR    compares DIR/out/*.npy with numpy
"""
import os
import sys

import numpy as np

mode, d = sys.argv[1], sys.argv[2]
path = lambda n: os.path.join(d, n)
if mode == "make":
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    X = rng.integers(-2, 3, (3, 4)).astype(np.float32)
    np.save(path("X.npy"), X)
    # Shorter than the last dim of X: the extra column is not selected.
    np.save(path("Cond.npy"), np.array([True, False, True]))
    I = rng.integers(-2, 2, (2, 2, 7)).astype(np.int32)
    I[:, :, 5] = I[:, :, 1]  # a repeated slice
    np.save(path("I.npy"), I)
    np.save(path("U.npy"), np.array([200, 3, 200, 129, 3, 0], np.uint8))
    boxes = rng.uniform(0, 10, (2, 7, 4)).astype(np.float32)
    boxes[:, :, 2:] = boxes[:, :, :2] + rng.uniform(1, 6, (2, 7, 2))
    boxes[1, 3] = boxes[1, 3, [2, 3, 0, 1]]  # flipped corners
    np.save(path("Boxes.npy"), boxes)
    scores = rng.uniform(0, 1, (2, 3, 7)).astype(np.float32)
    scores[0, 0, 4] = scores[0, 0, 2]  # a tie
    np.save(path("Scores.npy"), scores)
    np.save(path("MaxOut.npy"), np.array([3], np.int64))
    np.save(path("Iou.npy"), np.array([0.2], np.float32))
    np.save(path("Thr.npy"), np.array([0.3], np.float32))
    sys.exit(0)

X, I, U = (np.load(path(n + ".npy")) for n in ("X", "I", "U"))
Cond = np.load(path("Cond.npy"))
o = lambda n: np.load(path("out/%s.npy" % n))


def same(name, want):
    got = o(name)
    assert got.dtype == want.dtype and got.shape == want.shape, (
        name, got.dtype, got.shape, want.dtype, want.shape)
    np.testing.assert_array_equal(got, want, err_msg=name)


same("NZ", np.array(np.nonzero(X), np.int64))
same("CmpAx", np.compress(Cond, X, axis=1))
same("CmpFlat", np.compress(Cond, X))
y, idx, inv, cnt = np.unique(I, True, True, True, axis=2)
same("UY", y)
same("UIdx", idx.astype(np.int64))
same("UInv", inv.reshape(-1).astype(np.int64))
same("UCnt", cnt.astype(np.int64))
# Unsorted: in order of first occurrence.
y, idx, inv, cnt = np.unique(U, True, True, True)
order = np.argsort(idx)
rank = np.argsort(order)
same("VY", y[order])
same("VIdx", idx[order].astype(np.int64))
same("VInv", rank[inv].astype(np.int64))
same("VCnt", cnt[order].astype(np.int64))
same("FY", np.unique(X))
same("BY", np.unique(Cond))


def nms(boxes, scores, max_out, iou_thr, score_thr, center):
    def corners(b):
        if center:
            x, y, w, h = b
            return y - h / 2, x - w / 2, y + h / 2, x + w / 2
        return min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])

    def iou(a, b):
        a, b = corners(a), corners(b)
        ih = max(min(a[2], b[2]) - max(a[0], b[0]), 0)
        iw = max(min(a[3], b[3]) - max(a[1], b[1]), 0)
        inter = ih * iw
        area = lambda c: (c[2] - c[0]) * (c[3] - c[1])
        union = area(a) + area(b) - inter
        if inter <= 0 or area(a) <= 0 or area(b) <= 0 or union <= 0:
            return 0.0
        return inter / union

    out = []
    for b in range(scores.shape[0]):
        for c in range(scores.shape[1]):
            kept = []
            for i in np.argsort(-scores[b, c], kind="stable"):
                if len(kept) >= max_out or not scores[b, c, i] > score_thr:
                    continue
                if all(iou(boxes[b, i], boxes[b, j]) <= iou_thr for j in kept):
                    kept.append(i)
            out += [[b, c, i] for i in kept]
    return np.array(out, np.int64).reshape(-1, 3)


boxes, scores = np.load(path("Boxes.npy")), np.load(path("Scores.npy"))
same("Sel", nms(boxes, scores, 3, np.float32(0.2), np.float32(0.3), False))
same("SelNone", np.zeros((0, 3), np.int64))
same("SelCenter", nms(boxes, scores, 3, 0.0, -np.inf, True))
print("ok")
