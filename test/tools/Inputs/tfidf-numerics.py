"""TfIdfVectorizer through blade-run against a numpy reading of the ONNX spec,
in the modes and shapes the conformance cases leave out (IDF, TFIDF with
weights, gaps for 3-grams, int64 rows, unordered ngram_indexes).

    tfidf-numerics.py BLADE_RUN WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

blade_run, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)


def reference(x, mode, lo, hi, skip, counts, indexes, pool, weights):
    rows = x.reshape(-1, x.shape[-1])
    ngrams = []  # (tokens, slot, weight) in pool order
    for k in range(1, len(counts) + 1):
        end = counts[k] if k < len(counts) else len(pool)
        for off in range(counts[k - 1], end, k):
            ngrams.append((tuple(pool[off:off + k]), len(ngrams)))
    out = np.zeros((rows.shape[0], max(indexes) + 1), np.float32)
    for r, row in enumerate(rows):
        for tokens, g in ngrams:
            n = len(tokens)
            if not lo <= n <= hi:
                continue
            count = 0
            for s in range(skip + 1 if n > 1 else 1):
                stride = s + 1
                for i in range(len(row) - (n - 1) * stride):
                    count += tuple(row[i:i + (n - 1) * stride + 1:stride]) == tokens
            w = weights[g] if weights else 1.0
            value = {"TF": count, "IDF": w if count else 0.0, "TFIDF": count * w}[mode]
            out[r, indexes[g]] += value
    return out.reshape(x.shape[:-1] + (out.shape[-1],))


rng = np.random.default_rng(0)
cases = [
    # mode, min, max, skip, ngram_counts, ngram_indexes, pool, weights, x
    ("IDF", 1, 2, 1, [0, 3], [4, 0, 1, 2, 3], [1, 2, 3, 1, 2, 3, 1], [0.5, 2, 3, 4, 5],
     rng.integers(0, 4, (3, 9)).astype(np.int64)),
    ("TFIDF", 1, 3, 2, [0, 2, 4], [0, 1, 2, 3, 4], [1, 2, 1, 1, 2, 2, 1, 2, 1, 2],
     [1.5, 0.25, 2.0, 3.0, 0.5], rng.integers(0, 3, (20,)).astype(np.int32)),
    ("TF", 2, 3, 3, [0, 0, 4], [1, 0, 2], [0, 1, 1, 0, 0, 1, 0], [],
     rng.integers(0, 2, (2, 15)).astype(np.int32)),
]
failures = 0
for n, (mode, lo, hi, skip, counts, indexes, pool, weights, x) in enumerate(cases):
    attrs = dict(mode=mode, min_gram_length=lo, max_gram_length=hi, max_skip_count=skip,
                 ngram_counts=counts, ngram_indexes=indexes, pool_int64s=pool)
    if weights:
        attrs["weights"] = weights
    want = reference(x, mode, lo, hi, skip, counts, indexes, pool, weights)
    elem = TensorProto.INT64 if x.dtype == np.int64 else TensorProto.INT32
    graph = helper.make_graph(
        [helper.make_node("TfIdfVectorizer", ["X"], ["Y"], **attrs)], "g",
        [helper.make_tensor_value_info("X", elem, list(x.shape))],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, list(want.shape))])
    model = os.path.join(work, f"case{n}.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), model)
    np.save(os.path.join(work, f"x{n}.npy"), x)
    out = os.path.join(work, f"out{n}")
    subprocess.run([blade_run, model, "--input", f"X={work}/x{n}.npy", "--output-dir", out],
                   check=True, stdout=subprocess.DEVNULL)
    got = np.load(os.path.join(out, "Y.npy"))
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-6):
        failures += 1
        print(f"FAIL case {n} ({mode}): got {got.tolist()}, want {want.tolist()}")
print(f"{len(cases)} cases: {failures} failures")
sys.exit(1 if failures else 0)
