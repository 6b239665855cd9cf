"""Generate one end-to-end test case: an ONNX model plus inputs and torch references.

    /usr/bin/python3 test/e2e/gen_case.py MODEL_NAME OUTDIR [--batch 1 --batch 8] [--opset 13]

MODEL_NAME is one of test/e2e/models.py (opsets 11, 13) or of bench/models.py
(the model families: CNNs, BERT-style encoder, DeepFM, LSTM/GRU, MLP; opsets 13, 17,
several inputs of their own ranges, several outputs).

Writes
    OUTDIR/model.onnx                  exported with a dynamic 'batch' dim
    OUTDIR/inputs.tsv                  one line per graph input: NAME<TAB>FILE-NAME-STEM
    OUTDIR/b<B>/in_<input>.npy         seeded N(0,1) float32 input, batch B
    OUTDIR/b<B>/ref_<output>.npy       torch's float32 output (the independent reference)
Tensor names are sanitized in file names (chars outside [A-Za-z0-9_.-] -> '_').
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

import importlib.util  # noqa: E402

# bench/models.py, loaded under another name (this folder has a models.py too).
BENCH_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench")
_spec = importlib.util.spec_from_file_location("bench_models", os.path.join(BENCH_DIR, "models.py"))
bench_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_models)
BENCH_OPSETS = (13, 17)


def generate(name: str, outdir: str, batches, opset: int, seed: int) -> None:
    spec = models.get_spec(name)
    module = spec.build()
    os.makedirs(outdir, exist_ok=True)
    proto = models.export(spec, os.path.join(outdir, "model.onnx"), opset, module)
    print(f"{name}: {models.describe(proto)}")
    in_stem, out_stem = models.sanitize(spec.input_name), models.sanitize(spec.output_name)
    with open(os.path.join(outdir, "inputs.tsv"), "w") as f:
        f.write(f"{spec.input_name}\t{in_stem}\n")
    for b in batches:
        bdir = os.path.join(outdir, f"b{b}")
        os.makedirs(bdir, exist_ok=True)
        x = models.random_input(spec, b, seed + b)
        y = models.reference(module, x)
        np.save(os.path.join(bdir, f"in_{in_stem}.npy"), x)
        np.save(os.path.join(bdir, f"ref_{out_stem}.npy"), y)
        print(f"  b{b}: in_{in_stem}.npy {list(x.shape)} -> ref_{out_stem}.npy {list(y.shape)} {y.dtype}")


def generate_bench(name: str, outdir: str, batches, opset: int, seed: int) -> None:
    """The same files for a bench/models.py model (any number of inputs and outputs)."""
    spec = bench_models.get_spec(name)
    module = bench_models.build(spec)
    os.makedirs(outdir, exist_ok=True)
    proto = bench_models.export(spec, os.path.join(outdir, "model.onnx"), opset, module)
    print(f"{name}: opset {opset}; ops {bench_models.op_histogram(proto)}")
    with open(os.path.join(outdir, "inputs.tsv"), "w") as f:
        for i in spec.inputs:
            f.write(f"{i.name}\t{bench_models.sanitize(i.name)}\n")
    for b in batches:
        bdir = os.path.join(outdir, f"b{b}")
        os.makedirs(bdir, exist_ok=True)
        xs = bench_models.make_inputs(spec, b, seed + b)
        for k, x in xs.items():
            np.save(os.path.join(bdir, f"in_{bench_models.sanitize(k)}.npy"), x)
        for k, y in bench_models.reference(module, spec, xs).items():
            np.save(os.path.join(bdir, f"ref_{bench_models.sanitize(k)}.npy"), y)
            print(f"  b{b}: ref_{k}.npy {list(y.shape)} {y.dtype}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Generate an e2e test case (model, inputs, torch refs).")
    p.add_argument("model", choices=sorted({*models.MODELS, *bench_models.MODELS}))
    p.add_argument("outdir")
    p.add_argument("--batch", type=int, action="append", help="batch size (repeatable; default 1 and 8)")
    p.add_argument("--opset", type=int, default=None,
                   help=f"export opset (default {models.DEFAULT_OPSET}; bench models "
                        f"{bench_models.DEFAULT_OPSET})")
    p.add_argument("--seed", type=int, default=1234, help="input seed (batch B uses SEED+B)")
    args = p.parse_args(argv)
    batches = args.batch or [1, 8]
    if any(b < 1 for b in batches):
        p.error("--batch must be >= 1")
    torch.set_num_threads(1)  # modest CPU use; also keeps the reference deterministic
    if args.model in models.MODELS:
        opset = args.opset or models.DEFAULT_OPSET
        if opset not in models.SUPPORTED_OPSETS:
            p.error(f"--opset must be one of {models.SUPPORTED_OPSETS} for {args.model}")
        generate(args.model, args.outdir, batches, opset, args.seed)
    else:
        opset = args.opset or bench_models.DEFAULT_OPSET
        if opset not in BENCH_OPSETS:
            p.error(f"--opset must be one of {BENCH_OPSETS} for {args.model}")
        generate_bench(args.model, args.outdir, batches, opset, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
