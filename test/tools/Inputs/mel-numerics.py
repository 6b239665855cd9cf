"""MelWeightMatrix through blade-run (one model, run-time parameters) against
a numpy reading of the ONNX definition, at several sizes and edge ranges.

    mel-numerics.py BLADE_RUN WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

blade_run, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)


def reference(bins, length, rate, lo, hi):
    mel = lambda hz: 2595 * np.log10(1 + hz / 700)
    k = np.arange(bins + 2, dtype=np.float64)
    edges_mel = k * (mel(hi) - mel(lo)) / (bins + 2) + mel(lo)
    edges_hz = 700 * (10 ** (edges_mel / 2595) - 1)
    edges = np.floor((length + 1) * edges_hz / rate).astype(int)
    out = np.zeros((length // 2 + 1, bins))
    for i in range(bins):
        left, center, right = edges[i:i + 3]
        for j in range(out.shape[0]):
            if j == center:
                out[j, i] = 1
            elif left <= j < center:
                out[j, i] = (j - left) / (center - left)
            elif center < j < right:
                out[j, i] = (right - j) / (right - center)
    return out.astype(np.float32)


names = ["bins", "length", "rate", "lo", "hi"]
types = [TensorProto.INT64, TensorProto.INT64, TensorProto.INT64,
         TensorProto.FLOAT, TensorProto.FLOAT]
graph = helper.make_graph(
    [helper.make_node("MelWeightMatrix", names, ["M"])], "g",
    [helper.make_tensor_value_info(n, t, []) for n, t in zip(names, types)],
    [helper.make_tensor_value_info("M", TensorProto.FLOAT, ["S", "B"])])
model = os.path.join(work, "mel.onnx")
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model)

cases = [(8, 16, 8192, 0.0, 4096.0), (10, 64, 16000, 20.0, 8000.0),
         (4, 33, 22050, 300.0, 3000.0), (26, 512, 16000, 0.0, 8000.0)]
failures = 0
for n, case in enumerate(cases):
    args = [blade_run, model, "--output-dir", os.path.join(work, f"out{n}")]
    for name, value, t in zip(names, case, types):
        path = os.path.join(work, f"{name}{n}.npy")
        np.save(path, np.array(value, np.int64 if t == TensorProto.INT64 else np.float32))
        args += ["--input", f"{name}={path}"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    got = np.load(os.path.join(work, f"out{n}", "M.npy"))
    want = reference(*case)
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-6, atol=1e-7):
        failures += 1
        print(f"FAIL case {case}: shape {got.shape} vs {want.shape}")
print(f"{len(cases)} cases: {failures} failures")
sys.exit(1 if failures else 0)
