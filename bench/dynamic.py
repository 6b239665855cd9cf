#!/usr/bin/env python3
"""One dynamic-shape artifact against per-shape static ones and ONNX Runtime.

    /usr/bin/python3 bench/dynamic.py [--workloads bert4,resnet18_hw,lstm_seq]
        [--threads 1] [--runs 20] [--rounds 2] [--quick] [--results FILE.md | --no-results]

For each workload the model is exported once with dynamic dims (batch, sequence
length, image height/width) and compiled once by `blade-compile -o dyn.so`.
That one library then serves a stream of shapes; for every shape the model is
also exported with exactly that shape and compiled into its own static
library. blade-run times both libraries and ort-peer times ONNX Runtime on the
dynamic model (one session for all shapes, as a server would run it), all on
the same seeded inputs. Reported per shape: median latency of the dynamic and
of the static artifact and their ratio (the bar: dynamic within 1.15x of
static), the ratio to ONNX Runtime, and whether the dynamic artifact's outputs
match ONNX Runtime's (|a-b| <= 1e-4 + 1e-3|b|). Also: the one compile of the
dynamic artifact against the sum of the static compiles. Exits 1 when a run
failed or an output was outside tolerance.
"""
import argparse
import datetime
import json
import math
import os
import shutil
import sys
import tempfile
import time
import warnings

import numpy as np
import onnx
import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import models  # noqa: E402
from run import compare, first_error, geomean, machine_note, sh  # noqa: E402

# name -> (spec, {dim: sizes per shape}); a shape is (batch, dims...).
WORKLOADS = {
    "bert4": (models.get_spec("bert4"), ("seq",),
              [(1, 16), (1, 128), (4, 64), (8, 128), (2, 384), (16, 32)]),
    "resnet18_hw": (models.Spec(
        "resnet18_hw", "cnn", lambda: models.ResNet(),
        (models.Input("image", ("batch", 3, "height", "width")),), ("logits",),
        {"height": 224, "width": 224}, "resnet18, dynamic batch, height and width"),
        ("height", "width"),
        [(1, 160, 160), (1, 224, 224), (4, 224, 224), (1, 320, 320), (2, 192, 288)]),
    "lstm_seq": (models.Spec(
        "lstm_seq", "rnn", lambda: models.RNNModel("lstm", 128, 256, 2, 10),
        (models.Input("x", ("batch", "seq", 128)),), ("sequence", "logits"), {"seq": 64},
        "2-layer LSTM 128 -> 256, dynamic batch and sequence"),
        ("seq",), [(1, 16), (1, 64), (8, 64), (4, 200), (16, 32)]),
}
QUICK_SHAPES = 2


def export(spec, path, inputs, dynamic):
    """Exports spec's module at the shapes of `inputs`; with `dynamic`, its
    named dims (batch included) become dim_params and every output dim is
    left unnamed and unknown."""
    module = models.build(spec)
    axes = {i.name: {k: d for k, d in enumerate(i.shape) if isinstance(d, str)}
            for i in spec.inputs} if dynamic else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, tuple(torch.from_numpy(inputs[i.name]) for i in spec.inputs),
                          path, opset_version=models.DEFAULT_OPSET, do_constant_folding=True,
                          input_names=[i.name for i in spec.inputs],
                          output_names=list(spec.outputs), dynamic_axes=axes)
    if dynamic:
        proto = onnx.load(path)
        for out in proto.graph.output:
            for d in out.type.tensor_type.shape.dim:
                d.Clear()
        onnx.checker.check_model(proto)
        onnx.save(proto, path)


def shape_label(names, shape):
    return "batch " + str(shape[0]) + "".join(f", {n} {v}" for n, v in zip(names, shape[1:]))


class DynamicBench:
    def __init__(self, a):
        self.a = a
        self.rows = []
        self.failed = False

    def blade(self, lib, spec, d, tag):
        out = f"{d}/blade_{tag}"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [self.a.blade_run, lib, "--threads", str(self.a.threads), "--bench",
               str(self.a.runs), "--output-dir", out]
        for i in spec.inputs:
            cmd += ["--input", f"{i.name}={d}/in_{models.sanitize(i.name)}.npy"]
        rc, text, _ = sh(cmd, self.a.timeout)
        if rc != 0:
            return None, out, first_error(text)
        for line in text.splitlines():
            if line.startswith("latency: median "):
                return float(line.split()[2]), out, ""
        return None, out, "blade-run printed no latency"

    def ort(self, model, spec, d):
        out = f"{d}/ort"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [self.a.ort_peer, model, "--threads", str(self.a.threads), "--warmup", "2",
               "--iters", str(self.a.runs), "--dump", out, "--json", "--quiet"]
        for i in spec.inputs:
            cmd += ["--input", f"{i.name}={d}/in_{models.sanitize(i.name)}.npy"]
        rc, text, _ = sh(cmd, self.a.timeout)
        if rc == 77:
            return None, out, "ORT unavailable"
        if rc != 0:
            return None, out, first_error(text)
        for line in text.splitlines():
            if line.startswith("{"):
                return json.loads(line)["median_ms"], out, ""
        return None, out, "ORT printed no result"

    def compile(self, model, lib):
        start = time.time()
        rc, text, _ = sh([self.a.blade_compile, model, "-o", lib], self.a.timeout)
        return (time.time() - start, "") if rc == 0 else (None, first_error(text))

    def workload(self, name):
        spec, dim_names, shapes = WORKLOADS[name]
        if self.a.quick:
            shapes = shapes[:QUICK_SHAPES]
        wd = os.path.join(self.a.workdir, name)
        os.makedirs(wd, exist_ok=True)
        first = dict(zip(dim_names, shapes[0][1:]))
        dyn_model, dyn_lib = f"{wd}/dynamic.onnx", f"{wd}/libdynamic.so"
        export(spec, dyn_model, models.make_inputs(spec, shapes[0][0], models.SEED, first), True)
        dyn_compile, err = self.compile(dyn_model, dyn_lib)
        print(f"== {name}: {spec.note}; dynamic artifact compiled once in "
              f"{dyn_compile if dyn_compile is None else round(dyn_compile, 1)} s {err}",
              flush=True)
        if dyn_compile is None:
            self.failed = True
            return
        static_compile = 0.0
        for shape in shapes:
            dims = dict(zip(dim_names, shape[1:]))
            d = os.path.join(wd, "_".join(str(v) for v in shape))
            os.makedirs(d, exist_ok=True)
            inputs = models.make_inputs(spec, shape[0], models.SEED + 1, dims)
            for n, v in inputs.items():
                np.save(f"{d}/in_{models.sanitize(n)}.npy", v)
            row = {"workload": name, "shape": shape_label(dim_names, shape)}
            static_model, static_lib = f"{d}/static.onnx", f"{d}/libstatic.so"
            export(spec, static_model, inputs, False)
            secs, err = self.compile(static_model, static_lib)
            if secs is None:
                row["error"] = f"static compile: {err}"
            else:
                static_compile += secs
                # Alternate the two artifacts; the best median of the rounds counts.
                for _ in range(self.a.rounds):
                    for tag, lib in (("dynamic", dyn_lib), ("static", static_lib)):
                        ms, out, err = self.blade(lib, spec, d, tag)
                        if ms is None:
                            row["error"] = f"{tag}: {err}"
                        else:
                            row[tag] = min(ms, row.get(tag, math.inf))
                            row[f"{tag}_dir"] = out
                ort_ms, ort_dir, err = self.ort(dyn_model, spec, d)
                row["ort"] = ort_ms
                if ort_ms is not None and "dynamic_dir" in row:
                    _, _, ok, msg = compare(row["dynamic_dir"], ort_dir)
                    row["ok"] = ok
                    row["check"] = msg
                elif err:
                    row["ort_error"] = err
            if "error" in row or row.get("ok") is False:
                self.failed = True
            self.rows.append(row)
            print("  " + self.format(row), flush=True)
        self.rows.append({"workload": name, "summary": True, "dyn_compile": dyn_compile,
                          "static_compile": static_compile, "shapes": len(shapes)})

    @staticmethod
    def format(r):
        def f(v):
            return "-" if v is None else f"{v:.3g}"
        if "error" in r:
            return f"| {r['workload']} | {r['shape']} | error: {r['error']} |"
        dyn, st, ort = r.get("dynamic"), r.get("static"), r.get("ort")
        ratio = dyn / st if dyn and st else None
        vs_ort = dyn / ort if dyn and ort else None
        ok = {True: "ok", False: "MISMATCH " + r.get("check", ""), None: "-"}[r.get("ok")]
        return (f"| {r['workload']} | {r['shape']} | {f(dyn)} | {f(st)} | {f(ratio)} | "
                f"{f(ort)} | {f(vs_ort)} | {ok} |")

    def table(self):
        lines = [f"Threads: {self.a.threads}; medians in ms over {self.a.runs} runs, best of "
                 f"{self.a.rounds} alternating rounds; ORT runs the dynamic model.", "",
                 "| workload | shape | dynamic ms | static ms | dynamic/static | ORT ms | "
                 "dynamic/ORT | outputs |",
                 "|---|---|---|---|---|---|---|---|"]
        lines += [self.format(r) for r in self.rows if not r.get("summary")]
        lines.append("")
        for r in self.rows:
            if r.get("summary"):
                mine = [x for x in self.rows if x["workload"] == r["workload"]
                        and x.get("dynamic") and x.get("static")]
                ratios = [x["dynamic"] / x["static"] for x in mine]
                vs_ort = [x["dynamic"] / x["ort"] for x in mine if x.get("ort")]
                lines.append(
                    f"- {r['workload']}: one dynamic compile {r['dyn_compile']:.1f} s serves "
                    f"{r['shapes']} shapes (static compiles: {r['static_compile']:.1f} s in all); "
                    f"dynamic/static max {max(ratios):.3f}, geomean {geomean(ratios):.3f}"
                    + (f"; dynamic/ORT geomean {geomean(vs_ort):.3f}" if vs_ort else "")
                    if ratios else f"- {r['workload']}: no complete shape")
        return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default=",".join(WORKLOADS))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--quick", action="store_true",
                   help=f"first {QUICK_SHAPES} shapes, 3 runs, 1 round (a smoke test)")
    p.add_argument("--timeout", type=int, default=600)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--ort-peer", default=os.path.join(ROOT, "..", "shared", "peer", "ort-peer"))
    p.add_argument("--workdir")
    p.add_argument("--results", help="markdown file (default bench/results/<date>-dynamic.md)")
    p.add_argument("--no-results", action="store_true")
    a = p.parse_args(argv)
    if a.quick:
        a.runs, a.rounds = 3, 1
    a.blade_run = os.path.join(a.build, "bin", "blade-run")
    a.blade_compile = os.path.join(a.build, "bin", "blade-compile")
    names = [w for w in a.workloads.split(",") if w]
    for w in names:
        if w not in WORKLOADS:
            p.error(f"unknown workload '{w}' (known: {', '.join(WORKLOADS)})")
    a.workdir = a.workdir or tempfile.mkdtemp(prefix="blade-dynamic-")
    print(machine_note(a.build), flush=True)
    bench = DynamicBench(a)
    for w in names:
        bench.workload(w)
    text = bench.table()
    print(text)
    if not a.no_results:
        path = a.results or os.path.join(
            HERE, "results", f"{datetime.date.today().isoformat()}-dynamic.md")
        with open(path, "w") as f:
            f.write(f"# One dynamic artifact vs static ones and ONNX Runtime\n\n"
                    f"{machine_note(a.build)}\n\n{text}\n")
        print(f"written: {path}")
    return 1 if bench.failed else 0


if __name__ == "__main__":
    sys.exit(main())
