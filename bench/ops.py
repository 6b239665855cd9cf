#!/usr/bin/env python3
"""Single-op latency: Blade with oneDNN kernels, Blade's own loops, ONNX Runtime.

Exports one small PyTorch module per op (MatMul/Gemm, batched MatMul, Conv of
several kinds, ConvTranspose, pooling) to ONNX, has ort-peer time ONNX Runtime on it (and
dump its inputs and outputs), then times `blade-run --bench` on the same
inputs with library calls (default) and with `--no-library-calls`, at each
thread count. Prints min latencies in ms and the ratios to ONNX Runtime
(< 1 is faster than ORT); Blade's outputs are checked against ORT's.

    /usr/bin/python3 bench/ops.py --blade-run build/bin/blade-run \
        --ort-peer /work/shared/peer/ort-peer [--threads 1,2] [--filter conv]

Needs torch (for the export) and numpy. The loops are slow on the big
products: their run count is cut to keep the whole run to a few minutes.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch


class MatMulConst(torch.nn.Module):
    def __init__(self, k, n):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(k, n) / k ** 0.5)

    def forward(self, x):
        return torch.matmul(x, self.w)


class MatMul2(torch.nn.Module):
    def forward(self, a, b):
        return torch.matmul(a, b)


class Pool(torch.nn.Module):
    def __init__(self, op):
        super().__init__()
        self.op = op

    def forward(self, x):
        return self.op(x)


def ops():
    """(name, module, example inputs, runs for the loops)."""
    r = torch.randn
    conv = torch.nn.Conv2d
    return [
        ("matmul 128x768x768", MatMulConst(768, 768), (r(128, 768),), 20),
        ("gemm 1x512x1000 (Linear)", torch.nn.Linear(512, 1000), (r(1, 512),), 50),
        ("matmul 1024x1024x1024", MatMulConst(1024, 1024), (r(1024, 1024),), 2),
        ("bmm 12x128x64x128 (QK^T)", MatMul2(), (r(1, 12, 128, 64), r(1, 12, 64, 128)), 10),
        ("conv 3x3 64ch 56x56", conv(64, 64, 3, padding=1), (r(1, 64, 56, 56),), 3),
        ("conv 3x3 256ch 14x14", conv(256, 256, 3, padding=1), (r(1, 256, 14, 14),), 3),
        ("conv 1x1 256->64 56x56", conv(256, 64, 1), (r(1, 256, 56, 56),), 3),
        ("conv 7x7/2 3->64 224x224", conv(3, 64, 7, stride=2, padding=3), (r(1, 3, 224, 224),), 2),
        ("depthwise 3x3 144ch 56x56", conv(144, 144, 3, padding=1, groups=144), (r(1, 144, 56, 56),), 10),
        ("convtranspose 4x4/2 64->32 28x28", torch.nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1),
         (r(1, 64, 28, 28),), 3),
        ("maxpool 3x3/2 64ch 112x112", Pool(torch.nn.MaxPool2d(3, 2, 1)), (r(1, 64, 112, 112),), 20),
        ("avgpool 2x2/2 64ch 56x56", Pool(torch.nn.AvgPool2d(2, 2)), (r(1, 64, 56, 56),), 20),
    ]


def blade_time(blade_run, model, inputs, threads, runs, extra):
    cmd = [blade_run, str(model), "--bench", str(runs), "--threads", str(threads),
           "--output-dir", str(model.parent / "blade-out")] + extra
    for name, path in inputs.items():
        cmd += ["--input", f"{name}={path}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip())
    m = re.search(r"median ([\d.]+) ms, min ([\d.]+) ms", proc.stdout)
    return float(m.group(2)), float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blade-run", required=True)
    ap.add_argument("--ort-peer", required=True)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--runs", type=int, default=50, help="timed runs (oneDNN, ORT)")
    ap.add_argument("--filter", default="", help="regex on the op names")
    ap.add_argument("--no-loops", action="store_true", help="skip --no-library-calls")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    work = Path(tempfile.mkdtemp(prefix="blade-ops-"))
    header = f"{'op':28} {'thr':>3} {'oneDNN':>8} {'loops':>9} {'ORT':>8} {'dnnl/ORT':>8} {'loops/ORT':>9}"
    print(header)
    for i, (name, module, example, loop_runs) in enumerate(ops()):
        if args.filter and not re.search(args.filter, name):
            continue
        d = work / f"op{i}"
        d.mkdir()
        model = d / "model.onnx"
        names = [f"in{j}" for j in range(len(example))]
        torch.onnx.export(module.eval(), example, str(model), input_names=names,
                          output_names=["out"], opset_version=13)
        ort = {}
        proc = subprocess.run([args.ort_peer, str(model), "--threads", args.threads, "--json", "--quiet",
                               "--iters", str(args.runs), "--dump", str(d / "ort")],
                              capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith("{"):
                rec = json.loads(line)
                ort[rec["threads"]] = rec["min_ms"]
        inputs = {n: d / "ort" / f"in_{n}.npy" for n in names}
        for t in threads:
            dnnl, _ = blade_time(args.blade_run, model, inputs, t, args.runs, [])
            got = np.load(d / "blade-out" / "out.npy")
            want = np.load(d / "ort" / "out_out.npy")
            ok = np.allclose(got, want, rtol=1e-3, atol=1e-4)
            loops = float("nan")
            if not args.no_loops:
                loops, _ = blade_time(args.blade_run, model, inputs, t, loop_runs, ["--no-library-calls"])
            o = ort.get(t, float("nan"))
            print(f"{name:28} {t:>3} {dnnl:8.3f} {loops:9.3f} {o:8.3f} {dnnl / o:8.2f} {loops / o:9.2f}"
                  + ("" if ok else "  OUTPUT MISMATCH"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
