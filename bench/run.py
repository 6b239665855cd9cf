"""Benchmark Blade (JIT, and AOT where blade-compile makes shared libraries) against ONNX Runtime.

    /usr/bin/python3 bench/run.py [--models resnet18,bert4] [--batches 1,8] [--threads 1,2]
        [--runs 20] [--rounds 1] [--quick] [--timeout 300] [--results FILE.md | --no-results]

For each model (bench/models.py), batch and thread count: seeded inputs are
written once per batch; ort-peer (ONNX Runtime) and blade-run run on exactly
those inputs, one after the other (ORT, Blade JIT, Blade AOT, repeated --rounds
times, so load from other processes hits all of them), each reporting its median
latency over its timed runs.  Blade's outputs are compared with ORT's:
max |a-b|, max |a-b|/|b| over |b| >= 1e-3, and the test criterion
|a-b| <= 1e-4 + 1e-3*|b|.  Also recorded: Blade's compile time (JIT: printed by
blade-run; AOT: blade-compile's wall time) and blade-run's peak RSS
(/usr/bin/time -v), and per model the kernels of its compiled code with and
without fusion and its fusion groups by kind (blade-compile --dump-fusion).
Prints a markdown table with per-thread-count and overall geomean ratios
(Blade / ORT, and the speedup ORT / Blade) and writes it to
bench/results/<date>.md (and the rows as .json), with a bar chart of the
speedups beside it (<date>.png; needs python3-matplotlib, else the report says
it was skipped).  Exits 1 when a run failed or an output was outside tolerance.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import models  # noqa: E402

RTOL, ATOL = 1e-3, 1e-4
REL_FLOOR = 1e-3


def sh(cmd, timeout, time_v=False):
    """Run cmd; return (rc, stdout+stderr, peak RSS in MiB or None). rc None on timeout."""
    if time_v and os.path.exists("/usr/bin/time"):
        cmd = ["/usr/bin/time", "-v"] + cmd
    # Own process group: on a timeout the whole group goes (blade-run under
    # /usr/bin/time, node under ort-peer), not only the direct child.
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return None, f"timed out after {timeout} s", None
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out)
    return p.returncode, out, (int(rss.group(1)) / 1024 if rss else None)


def first_error(text):
    for line in text.splitlines():
        if "error" in line.lower():
            return line.strip()[:200]
    lines = [l for l in text.splitlines() if l.strip() and not l.startswith("\t")]
    return (lines[-1] if lines else "no output")[:200]


def compare(blade_dir, ort_dir):
    """(max_abs, max_rel, ok, message) of Blade's outputs against ORT's out_*.npy."""
    max_abs = max_rel = 0.0
    ok, msgs = True, []
    outs = sorted(f for f in os.listdir(ort_dir) if f.startswith("out_") and f.endswith(".npy"))
    if not outs:
        return None, None, False, "ORT wrote no outputs"
    for f in outs:
        name = f[4:]
        path = os.path.join(blade_dir, name)
        if not os.path.exists(path):
            return None, None, False, f"Blade wrote no {name}"
        a, b = np.load(path), np.load(os.path.join(ort_dir, f))
        if a.shape != b.shape:
            return None, None, False, f"{name}: shape {a.shape} vs ORT {b.shape}"
        a, b = a.astype(np.float64), b.astype(np.float64)
        err = np.abs(a - b)
        err[np.isnan(err)] = np.inf
        if err.size:
            max_abs = max(max_abs, float(err.max()))
            big = np.abs(b) >= REL_FLOOR
            if big.any():
                max_rel = max(max_rel, float((err[big] / np.abs(b[big])).max()))
            if not (err <= ATOL + RTOL * np.abs(b)).all():
                ok = False
                msgs.append(name[:-4])
    return max_abs, max_rel, ok, ("outside tolerance: " + ", ".join(msgs)) if msgs else ""


def aot_support(blade_compile, blade_run, workdir, timeout):
    """(True, '') if blade-compile -o x.so makes a library blade-run runs, else (False, why)."""
    if not blade_compile or not os.path.exists(blade_compile):
        return False, "no blade-compile"
    spec = models.get_spec("mlp_small")
    d = os.path.join(workdir, "aot-probe")
    os.makedirs(d, exist_ok=True)
    models.export(spec, os.path.join(d, "model.onnx"))
    lib = os.path.join(d, "libmodel.so")
    rc, out, _ = sh([blade_compile, os.path.join(d, "model.onnx"), "-o", lib], timeout)
    if rc != 0:
        return False, f"blade-compile -o x.so failed: {first_error(out)}"
    with open(lib, "rb") as f:
        head = f.read(18)
    if head[:4] != b"\x7fELF" or int.from_bytes(head[16:18], "little") != 3:
        return False, "blade-compile -o x.so does not write a shared library (it writes text IR)"
    x = models.make_inputs(spec, 1, 0)
    np.save(os.path.join(d, "in.npy"), x["x"])
    rc, out, _ = sh([blade_run, lib, "--input", f"x={d}/in.npy", "--output-dir", d], timeout)
    if rc != 0:
        return False, f"blade-run cannot run a compiled library: {first_error(out)}"
    return True, ""


class Bench:
    def __init__(self, args):
        self.a = args
        self.rows = []
        self.kernels = {}
        self.notes = []

    def input_args(self, spec, bdir):
        return [f"{i.name}={bdir}/in_{models.sanitize(i.name)}.npy" for i in spec.inputs]

    def run_ort(self, model, spec, bdir, threads, runs):
        odir = f"{bdir}/ort_t{threads}"
        shutil.rmtree(odir, ignore_errors=True)
        cmd = [self.a.ort_peer, model, "--threads", str(threads), "--warmup", "2",
               "--iters", str(runs), "--dump", odir, "--json", "--quiet"]
        for i in self.input_args(spec, bdir):
            cmd += ["--input", i]
        rc, out, _ = sh(cmd, self.a.timeout)
        if rc != 0:
            return None, odir, f"ORT failed: {first_error(out)}"
        for line in out.splitlines():
            if line.startswith("{"):
                return json.loads(line)["median_ms"], odir, ""
        return None, odir, "ORT printed no result"

    def run_blade(self, target, spec, bdir, threads, runs, tag):
        odir = f"{bdir}/blade_{tag}_t{threads}"
        shutil.rmtree(odir, ignore_errors=True)
        cmd = [self.a.blade_run, target, "--threads", str(threads), "--bench", str(runs),
               "--output-dir", odir]
        for i in self.input_args(spec, bdir):
            cmd += ["--input", i]
        rc, out, rss = sh(cmd, self.a.timeout, time_v=True)
        if rc != 0:
            return {"error": first_error(out) if rc is not None else out}
        med = re.search(r"latency: median ([\d.]+) ms, min ([\d.]+) ms", out)
        comp = re.search(r"compile: ([\d.]+) ms", out)
        return {"median": float(med.group(1)), "min": float(med.group(2)),
                "compile_ms": float(comp.group(1)) if comp else None, "rss": rss, "dir": odir}

    def fusion_report(self, onnx_path):
        """Kernel counts with and without fusion and the groups by kind."""
        rc, out, _ = sh([self.a.blade_compile, onnx_path, "--dump-fusion"], self.a.timeout)
        k = re.search(r"kernels: (\d+) \(fusion off: (\d+)\)", out or "")
        g = re.search(r"groups: (\d+), loop (\d+), input (\d+), stitch (\d+), epilogue (\d+)",
                      out or "")
        if rc != 0 or not k or not g:
            return {"error": first_error(out or "no report")}
        return {"kernels": int(k.group(1)), "unfused": int(k.group(2)),
                "groups": dict(zip(("all", "loop", "input", "stitch", "epilogue"),
                                   map(int, g.groups())))}

    def model(self, name):
        a = self.a
        spec = models.get_spec(name)
        mdir = os.path.join(a.workdir, name)
        os.makedirs(mdir, exist_ok=True)
        onnx_path = os.path.join(mdir, "model.onnx")
        t0 = time.time()
        module = models.build(spec)
        models.export(spec, onnx_path, module=module)
        print(f"== {name}: exported in {time.time() - t0:.1f} s ({spec.note})", flush=True)
        self.kernels[name] = self.fusion_report(onnx_path)
        lib, aot_compile_s, aot_err = None, None, ""
        if a.aot:
            lib = os.path.join(mdir, "libmodel.so")
            t0 = time.time()
            rc, out, _ = sh([a.blade_compile, onnx_path, "-o", lib], a.timeout)
            aot_compile_s = time.time() - t0
            if rc != 0:
                aot_err, lib = f"blade-compile: {first_error(out)}", None
        est = None   # Blade ms per run at batch 1, 1 thread (to bound later configs)
        for b in a.batches:
            bdir = os.path.join(mdir, f"b{b}")
            os.makedirs(bdir, exist_ok=True)
            for k, v in models.make_inputs(spec, b, 1000 + b).items():
                np.save(os.path.join(bdir, f"in_{models.sanitize(k)}.npy"), v)
            for t in a.threads:
                runs = a.runs
                if est is not None:  # keep one measurement within --budget seconds
                    runs = max(3, min(a.runs, int(a.budget * 1000 / max(est * b, 1e-3))))
                row = {"model": name, "batch": b, "threads": t, "runs": runs}
                ort, blade, aot = [], [], []
                for _ in range(a.rounds):
                    ms, odir, err = self.run_ort(onnx_path, spec, bdir, t, runs)
                    if ms is None:
                        row["error"] = err
                        break
                    ort.append(ms)
                    r = self.run_blade(onnx_path, spec, bdir, t, runs, "jit")
                    if "error" in r:
                        row["error"] = f"blade-run: {r['error']}"
                        break
                    blade.append(r)
                    if lib:
                        ra = self.run_blade(lib, spec, bdir, t, runs, "aot")
                        if "error" in ra:
                            aot_err = f"blade-run lib: {ra['error']}"
                        else:
                            aot.append(ra)
                if ort:
                    row["ort"] = min(ort)
                if blade:
                    best = min(blade, key=lambda r: r["median"])
                    row.update(blade=best["median"], compile_s=best["compile_ms"] / 1e3,
                               rss=max(r["rss"] or 0 for r in blade) or None)
                    if est is None:
                        est = best["median"] / b
                    mabs, mrel, ok, msg = compare(best["dir"], odir)
                    row.update(max_abs=mabs, max_rel=mrel, ok=ok, cmp=msg)
                if aot:
                    row["aot"] = min(r["median"] for r in aot)
                    row["aot_compile_s"] = aot_compile_s
                if aot_err:
                    row["aot_error"] = aot_err
                self.rows.append(row)
                print("   " + self.format_row(row), flush=True)

    @staticmethod
    def fmt(v, spec=None):
        if v is None:
            return "-"
        if spec is None:   # latencies and ratios: 3 significant digits, no exponent
            spec = "{:.0f}" if abs(v) >= 100 else "{:.3g}"
        return spec.format(v)

    def format_row(self, r):
        ratio = r["blade"] / r["ort"] if "blade" in r and r.get("ort") else None
        aot_ratio = r["aot"] / r["ort"] if "aot" in r and r.get("ort") else None
        check = ("ok" if r.get("ok") else f"FAIL ({r.get('cmp')})") if "ok" in r else "-"
        if "error" in r:
            check = r["error"].replace("|", "/")
        return (f"| {r['model']} | {r['batch']} | {r['threads']} | {self.fmt(r.get('blade'))} "
                f"| {self.fmt(r.get('aot'))} | {self.fmt(r.get('ort'))} | {self.fmt(ratio)} "
                f"| {self.fmt(aot_ratio)} | {self.fmt(r.get('max_abs'), '{:.1e}')} "
                f"| {self.fmt(r.get('max_rel'), '{:.1e}')} | {check} "
                f"| {self.fmt(r.get('compile_s'), '{:.2f}')} | {self.fmt(r.get('rss'), '{:.0f}')} |")

    def table(self):
        head = ("| model | batch | threads | Blade JIT ms | Blade AOT ms | ORT ms | JIT/ORT "
                "| AOT/ORT | max abs err | max rel err | outputs | JIT compile s | peak RSS MiB |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        lines = [head] + [self.format_row(r) for r in self.rows]
        lines.append("")
        for key, label in (("blade", "JIT"), ("aot", "AOT")):
            ratios = {t: [r[key] / r["ort"] for r in self.rows
                          if r["threads"] == t and key in r and r.get("ort")]
                      for t in self.a.threads}
            every = [x for v in ratios.values() for x in v]
            if not every:
                continue
            parts = [f"{t} thread{'s' if t > 1 else ''}: {geomean(v):.3g} ({len(v)} rows)"
                     for t, v in ratios.items() if v]
            lines.append(f"Geomean Blade {label} / ORT: " + "; ".join(parts)
                         + f"; overall {geomean(every):.3g} ({len(every)} rows); "
                         f"speedup ORT / Blade {label}: {1 / geomean(every):.3g}")
        if self.kernels:
            lines += ["", "Kernels of the compiled code (blade-compile --dump-fusion: parallel "
                      "loops, kernel calls and loop nests outside them) and fusion groups:", "",
                      "| model | kernels | kernels, fusion off | groups | loop | input | stitch "
                      "| epilogue |", "|---|---|---|---|---|---|---|---|"]
            for name, k in self.kernels.items():
                if "error" in k:
                    lines.append(f"| {name} | {k['error']} | | | | | | |")
                    continue
                g = k["groups"]
                lines.append(f"| {name} | {k['kernels']} | {k['unfused']} | {g['all']} "
                             f"| {g['loop']} | {g['input']} | {g['stitch']} | {g['epilogue']} |")
        return "\n".join(lines)

    def plot(self, png):
        """Bar chart of ORT / Blade per model and configuration; None or why not."""
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return "plot skipped: matplotlib is not installed (apt install python3-matplotlib)"
        rows = [r for r in self.rows if "blade" in r and r.get("ort")]
        if not rows:
            return "plot skipped: no measurements"
        configs = sorted({(r["batch"], r["threads"]) for r in rows})
        names = list(dict.fromkeys(r["model"] for r in rows))
        width = 0.8 / len(configs)
        fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(names)), 4))
        for i, (b, t) in enumerate(configs):
            xs, ys = [], []
            for j, n in enumerate(names):
                for r in rows:
                    if (r["model"], r["batch"], r["threads"]) == (n, b, t):
                        xs.append(j + (i - (len(configs) - 1) / 2) * width)
                        ys.append(r["ort"] / r["blade"])
            ax.bar(xs, ys, width, label=f"batch {b}, {t} thread{'s' if t > 1 else ''}")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=20)
        ax.set_ylabel("speedup over ONNX Runtime (ORT ms / Blade ms)")
        ax.set_title("Blade (JIT) vs ONNX Runtime, same inputs and threads")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(png, dpi=110)
        plt.close(fig)
        return None


def geomean(v):
    return math.exp(sum(math.log(x) for x in v) / len(v))


def blade_source(build):
    """Commit of the sources the Blade build was made from ('+dirty' with local changes)."""
    src = ROOT
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            m = re.search(r"^CMAKE_HOME_DIRECTORY:INTERNAL=(.*)$", f.read(), re.M)
            src = m.group(1) if m else src
    except OSError:
        pass
    try:
        git = ["git", "-C", src]
        commit = subprocess.run(git + ["rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip() or "?"
        dirty = subprocess.run(git + ["status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        return f"{src} (no git)"
    return f"{src} at {commit}{'+dirty' if dirty else ''}"


def machine_note(build):
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1) if m else cpu
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (f"{cpu}, {os.cpu_count()} cores, load average {load:.1f} at start; "
            f"Blade built from {blade_source(build)}; ONNX Runtime 1.30 (ort-peer, CPU EP)")


def parse_list(text, conv=str):
    return [conv(x) for x in text.split(",") if x]


def main(argv=None):
    p = argparse.ArgumentParser(description="Benchmark Blade against ONNX Runtime.")
    p.add_argument("--models", default=",".join(models.BENCH_MODELS),
                   help=f"comma-separated (default {','.join(models.BENCH_MODELS)}; "
                        f"any of {','.join(models.MODELS)})")
    p.add_argument("--batches", default="1,8")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--runs", type=int, default=20, help="timed runs per measurement")
    p.add_argument("--rounds", type=int, default=1,
                   help="repeat ORT/Blade pairs; the best median counts")
    p.add_argument("--budget", type=float, default=20.0,
                   help="seconds one Blade measurement may take (fewer runs for slow models)")
    p.add_argument("--quick", action="store_true", help="3 runs, 1 round (a smoke test)")
    p.add_argument("--timeout", type=int, default=300, help="seconds per command")
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="Blade build dir")
    p.add_argument("--blade-run", default=None)
    p.add_argument("--blade-compile", default=None)
    p.add_argument("--ort-peer", default=os.path.join(ROOT, "..", "shared", "peer", "ort-peer"),
                   help="ONNX Runtime driver (exit 77 when it is missing or cannot be set up)")
    p.add_argument("--no-aot", dest="aot", action="store_false", help="skip the AOT path")
    p.add_argument("--workdir", default=None, help="where models/inputs/outputs go (temp)")
    p.add_argument("--results", default=None,
                   help="markdown file (default bench/results/<UTC date>.md)")
    p.add_argument("--no-results", action="store_true", help="print only")
    a = p.parse_args(argv)
    a.models = parse_list(a.models)
    a.batches, a.threads = parse_list(a.batches, int), parse_list(a.threads, int)
    if a.quick:
        a.runs, a.rounds = 3, 1
    a.blade_run = a.blade_run or os.path.join(a.build, "bin", "blade-run")
    a.blade_compile = a.blade_compile or os.path.join(a.build, "bin", "blade-compile")
    if not os.access(a.ort_peer, os.X_OK):
        print(f"SKIP: ort-peer is not an executable file: {a.ort_peer}", file=sys.stderr)
        return 77
    rc, out, _ = sh([a.ort_peer, "--help"], a.timeout)
    if rc != 0:
        print(f"SKIP: ort-peer cannot be set up: {first_error(out)}", file=sys.stderr)
        return 77
    for m in a.models:
        models.get_spec(m)
    a.workdir = a.workdir or tempfile.mkdtemp(prefix="blade-bench-")
    import torch
    torch.set_num_threads(1)

    bench = Bench(a)
    note = machine_note(os.path.dirname(os.path.dirname(a.blade_run)))
    print(f"machine: {note}\nworkdir: {a.workdir}", flush=True)
    if a.aot:
        a.aot, why = aot_support(a.blade_compile, a.blade_run, a.workdir, a.timeout)
        if not a.aot:
            bench.notes.append(f"AOT path skipped: {why}.")
            print(f"note: AOT path skipped: {why}", flush=True)
    started = time.time()
    date = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    path = a.results or os.path.join(HERE, "results", f"{date}.md")
    command = f"bench/run.py {' '.join(argv or sys.argv[1:])}"

    def write(done):
        """(Re)write the results after each model, so a run cut short keeps what it measured."""
        if a.no_results:
            return
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        status = "" if done else " (partial: the run was still going or was cut short)"
        with open(path, "w") as f:
            f.write(f"# Blade vs ONNX Runtime, {date}{status}\n\n"
                    f"Machine: {note}.\n\nCommand: `{command}` "
                    f"({a.runs} timed runs per measurement at most, {a.rounds} round(s), "
                    f"{time.time() - started:.0f} s in all). Latencies are medians in ms; "
                    f"ratio = Blade / ORT (lower is better). Errors: Blade vs ORT outputs, "
                    f"rel over |ORT| >= {REL_FLOOR:g}; 'ok' = every element within "
                    f"{ATOL:g} + {RTOL:g}*|ORT|.\n\n")
            for n in bench.notes:
                f.write(f"{n}\n\n")
            f.write(bench.table() + "\n")
            if done:
                png = os.path.splitext(path)[0] + ".png"
                why = bench.plot(png)
                f.write(f"\n{why}\n" if why else f"\n![speedups]({os.path.basename(png)})\n")
        with open(os.path.splitext(path)[0] + ".json", "w") as f:
            json.dump({"machine": note, "command": command, "done": done, "rows": bench.rows,
                       "kernels": bench.kernels}, f, indent=1)

    for m in a.models:
        bench.model(m)
        write(False)
    print(bench.table())
    write(True)
    if not a.no_results:
        print(f"written to {path} (and .json)")
    bad = [r for r in bench.rows if "error" in r or not r.get("ok")]
    if bad:
        print(f"FAIL: {len(bad)} of {len(bench.rows)} measurements failed or had outputs "
              f"outside tolerance", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
