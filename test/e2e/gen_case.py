"""Generate one end-to-end test case: an ONNX model plus inputs and torch references.

    /usr/bin/python3 test/e2e/gen_case.py MODEL_NAME OUTDIR [--batch 1 --batch 8] [--opset 13]

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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Generate an e2e test case (model, inputs, torch refs).")
    p.add_argument("model", choices=sorted(models.MODELS))
    p.add_argument("outdir")
    p.add_argument("--batch", type=int, action="append", help="batch size (repeatable; default 1 and 8)")
    p.add_argument("--opset", type=int, default=models.DEFAULT_OPSET, choices=models.SUPPORTED_OPSETS)
    p.add_argument("--seed", type=int, default=1234, help="input seed (batch B uses SEED+B)")
    args = p.parse_args(argv)
    batches = args.batch or [1, 8]
    if any(b < 1 for b in batches):
        p.error("--batch must be >= 1")
    torch.set_num_threads(1)  # modest CPU use; also keeps the reference deterministic
    generate(args.model, args.outdir, batches, args.opset, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
