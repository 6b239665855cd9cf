#!/usr/bin/env python3
"""ONNX conformance runner: every case of the ONNX backend test data through blade-run.

For each case directory (model.onnx + test_data_set_*/input_N.pb, output_N.pb) the
runner converts the inputs to .npy, runs `blade-run`, and compares every output with
the expected one: same shape and dtype, values within rtol/atol (ONNX backend
defaults rtol 1e-3, atol 1e-7; per-case overrides with a reason in tolerances.txt).

Two variants:
  static   the model as shipped;
  dynamic  every input dim replaced by a dim_param (and output dims cleared), so the
           compiler sees only '?' dims and one artifact must serve the case.

Known failures live in a checked-in file (expected_failures.txt), one per line:
    <case> <static|dynamic|both> <reason>
The runner fails on any unexpected failure and on any unexpected pass, so the file
stays exact. --update rewrites it from the current results and their reasons.

    run_conformance.py --blade-run build/bin/blade-run --jobs 2
"""

import argparse
import concurrent.futures as futures
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

HERE = Path(__file__).resolve().parent
DATA_ROOT = Path("/usr/share/libonnx-testdata/data")
VARIANTS = ("static", "dynamic")


def sanitize(name):
    s = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return s or "_"


def is_training_case(name):
    return "training" in name


def list_cases(suites, pattern):
    cases = []
    for suite in suites:
        root = DATA_ROOT / suite
        for d in sorted(root.iterdir()):
            if not (d / "model.onnx").exists() or is_training_case(d.name):
                continue
            if pattern and not re.search(pattern, d.name):
                continue
            cases.append((suite, d))
    return cases


def read_tensor(path):
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return t


def graph_inputs(model):
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def make_dynamic(model):
    """Every input dim becomes a dim_param; output and value_info dims are cleared."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    for inp in graph_inputs(m):
        if not inp.type.HasField("tensor_type"):
            continue
        for i, d in enumerate(inp.type.tensor_type.shape.dim):
            d.Clear()
            d.dim_param = f"{sanitize(inp.name)}_d{i}"
    for out in m.graph.output:
        if out.type.HasField("tensor_type") and out.type.tensor_type.HasField("shape"):
            for d in out.type.tensor_type.shape.dim:
                d.Clear()
    del m.graph.value_info[:]
    return m


def first_line(text):
    """The first non-empty line, without `error: ` and with paths cut to file
    names, so that a reason reads the same in both variants."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            line = re.sub(r"^error: ", "", line)
            return re.sub(r"/[^\s':]*/([^/\s':]+)", r"\1", line)
    return ""


def run_case(job):
    """Returns (case, variant, ok, reason)."""
    suite, case_dir, variant, blade_run, work_root, tols = job
    name = case_dir.name
    work = Path(work_root) / variant / name
    work.mkdir(parents=True, exist_ok=True)
    try:
        model = onnx.load(str(case_dir / "model.onnx"))
    except Exception as e:  # pragma: no cover - malformed test data
        return name, variant, False, f"cannot load model: {e}"
    model_path = case_dir / "model.onnx"
    if variant == "dynamic":
        model_path = work / "model.onnx"
        onnx.save(make_dynamic(model), str(model_path))
    inputs = graph_inputs(model)
    rtol, atol = tols.get(name, (1e-3, 1e-7))
    for data_set in sorted(case_dir.glob("test_data_set_*")):
        args = [blade_run, str(model_path), "--output-dir", str(work / data_set.name)]
        input_files = sorted(data_set.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        for idx, f in enumerate(input_files):
            if idx >= len(inputs):
                return name, variant, False, "more input files than graph inputs"
            try:
                arr = numpy_helper.to_array(read_tensor(f))
            except Exception as e:
                return name, variant, False, f"input {idx} is not a tensor ({type(e).__name__})"
            npy = work / f"{data_set.name}_in{idx}.npy"
            np.save(npy, arr)
            args += ["--input", f"{inputs[idx].name}={npy}"]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            return name, variant, False, "blade-run timed out"
        if proc.returncode != 0:
            if proc.returncode < 0:
                return name, variant, False, f"blade-run crashed (signal {-proc.returncode})"
            return name, variant, False, first_line(proc.stderr) or f"exit {proc.returncode}"
        output_files = sorted(data_set.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
        for idx, f in enumerate(output_files):
            out_name = model.graph.output[idx].name
            try:
                want = numpy_helper.to_array(read_tensor(f))
            except Exception as e:
                return name, variant, False, f"expected output {idx} is not a tensor ({type(e).__name__})"
            got_path = work / data_set.name / (sanitize(out_name) + ".npy")
            if not got_path.exists():
                return name, variant, False, f"no output file for '{out_name}'"
            got = np.load(got_path)
            if got.dtype != want.dtype:
                return name, variant, False, f"output '{out_name}': dtype {got.dtype}, expected {want.dtype}"
            if got.shape != want.shape:
                return name, variant, False, f"output '{out_name}': shape {got.shape}, expected {want.shape}"
            if want.dtype.kind in "fc":
                if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
                    err = np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))
                    return name, variant, False, f"output '{out_name}': values differ (max abs err {err:.3g})"
            elif not np.array_equal(got, want):
                return name, variant, False, f"output '{out_name}': values differ"
    return name, variant, True, ""


def read_expected(path):
    expected = {}
    if not path.exists():
        return expected
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[1] not in ("static", "dynamic", "both"):
            sys.exit(f"error: {path}: malformed line (want '<case> <static|dynamic|both> <reason>'): {line}")
        case, variant, reason = parts
        for v in (VARIANTS if variant == "both" else (variant,)):
            expected[(case, v)] = reason
    return expected


def read_tolerances(path):
    tols = {}
    if not path.exists():
        return tols
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 4:
            sys.exit(f"error: {path}: malformed line (want '<case> <rtol> <atol> <reason>'): {line}")
        tols[parts[0]] = (float(parts[1]), float(parts[2]))
    return tols


def read_notes(path):
    """Explanations kept with a case's failure line (why it cannot pass)."""
    notes = {}
    if not path.exists():
        return notes
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            sys.exit(f"error: {path}: malformed line (want '<case> <note>'): {line}")
        notes[parts[0]] = parts[1]
    return notes


def write_expected(path, failures, notes):
    by_case = defaultdict(dict)
    for (case, variant), reason in failures.items():
        if case in notes:
            reason = f"{reason} [{notes[case]}]"
        by_case[case][variant] = reason
    lines = [
        "# Known failures of the ONNX conformance runner (test/conformance/run_conformance.py).",
        "# <case> <static|dynamic|both> <reason>. The runner fails on a case listed here",
        "# that passes, so remove a line when its case is fixed.",
    ]
    for case in sorted(by_case):
        v = by_case[case]
        if len(v) == 2 and v["static"] == v["dynamic"]:
            lines.append(f"{case} both {v['static']}")
        else:
            for variant in VARIANTS:
                if variant in v:
                    lines.append(f"{case} {variant} {v[variant]}")
    path.write_text("\n".join(lines) + "\n")


def op_types(case_dir):
    model = onnx.load(str(case_dir / "model.onnx"), load_external_data=False)
    return sorted({n.op_type for n in model.graph.node})


def write_coverage(path, cases, results):
    """Markdown table: per ONNX op, how many of its node cases pass in each variant."""
    per_op = defaultdict(lambda: {"cases": 0, "static": 0, "dynamic": 0})
    for suite, d in cases:
        if suite != "node":
            continue
        ops = op_types(d)
        if len(ops) != 1:
            continue  # Cases expanded into several ops are counted under none.
        row = per_op[ops[0]]
        row["cases"] += 1
        for v in VARIANTS:
            if results.get((d.name, v)):
                row[v] += 1
    lines = [
        "# ONNX operator coverage",
        "",
        "Generated by `test/conformance/run_conformance.py --coverage docs/op-coverage.md`",
        "from the ONNX node test cases (single-op cases only): how many cases of each",
        "operator Blade passes with static shapes and with every input dim dynamic.",
        "",
        "| operator | cases | static | dynamic |",
        "|---|---:|---:|---:|",
    ]
    for op in sorted(per_op):
        r = per_op[op]
        lines.append(f"| {op} | {r['cases']} | {r['static']} | {r['dynamic']} |")
    total = {k: sum(r[k] for r in per_op.values()) for k in ("cases", "static", "dynamic")}
    lines.append(f"| **total** | {total['cases']} | {total['static']} | {total['dynamic']} |")
    path.write_text("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--blade-run", required=True)
    ap.add_argument("--suites", default="node,simple,pytorch-converted,pytorch-operator",
                    help="comma-separated suites under the ONNX test data")
    ap.add_argument("--variant", choices=("static", "dynamic", "both"), default="both")
    ap.add_argument("--filter", help="regex on case names")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", help="scratch directory (default: a temporary one)")
    ap.add_argument("--expected-failures", default=str(HERE / "expected_failures.txt"))
    ap.add_argument("--tolerances", default=str(HERE / "tolerances.txt"))
    ap.add_argument("--notes", default=str(HERE / "failure_notes.txt"),
                    help="explanations appended to failure reasons by --update")
    ap.add_argument("--update", action="store_true", help="rewrite the expected-failures file")
    ap.add_argument("--coverage", help="write the operator coverage table (markdown) here")
    ap.add_argument("--verbose", action="store_true", help="print every case")
    args = ap.parse_args()

    blade_run = os.path.abspath(args.blade_run)
    if not os.access(blade_run, os.X_OK):
        sys.exit(f"error: blade-run not found or not executable: {args.blade_run}")
    cases = list_cases(args.suites.split(","), args.filter)
    if not cases:
        sys.exit("error: no test cases found")
    variants = VARIANTS if args.variant == "both" else (args.variant,)
    expected = read_expected(Path(args.expected_failures))
    tols = read_tolerances(Path(args.tolerances))

    work_root = args.work or tempfile.mkdtemp(prefix="blade-conformance-")
    jobs = [(s, d, v, blade_run, work_root, tols) for s, d in cases for v in variants]
    results, failures = {}, {}
    counts = defaultdict(int)
    unexpected = []
    with futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, variant, ok, reason in pool.map(run_case, jobs):
            results[(name, variant)] = ok
            key = (name, variant)
            if ok:
                if key in expected:
                    counts["xpass"] += 1
                    unexpected.append(f"UNEXPECTED PASS {name} [{variant}] (listed: {expected[key]})")
                else:
                    counts["pass"] += 1
                    if args.verbose:
                        print(f"PASS {name} [{variant}]")
            else:
                failures[key] = reason
                if key in expected:
                    counts["xfail"] += 1
                    if args.verbose:
                        print(f"XFAIL {name} [{variant}]: {reason}")
                else:
                    counts["fail"] += 1
                    unexpected.append(f"FAIL {name} [{variant}]: {reason}")

    for line in sorted(unexpected):
        print(line)
    for v in variants:
        n = sum(1 for (c, vv) in results if vv == v)
        p = sum(1 for (c, vv), ok in results.items() if vv == v and ok)
        print(f"{v}: {p}/{n} cases pass ({100.0 * p / n:.1f}%)")
    if args.update:
        notes = read_notes(Path(args.notes))
        for case in sorted(notes):
            if any(c == case for c, _ in results) and not any(c == case for c, _ in failures):
                print(f"note for {case} is stale: the case passes")
        write_expected(Path(args.expected_failures), failures, notes)
        print(f"wrote {args.expected_failures} ({len(failures)} failures)")
    if args.coverage:
        write_coverage(Path(args.coverage), cases, results)
        print(f"wrote {args.coverage}")
    ok = args.update or not unexpected
    print(f"conformance: {counts['pass'] + counts['xpass']} passed, {counts['fail']} failed, "
          f"{counts['xfail']} expected failures, {counts['xpass']} unexpected passes")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
