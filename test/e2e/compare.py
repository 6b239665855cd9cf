"""Compare output tensors (.npy) of a run against expected ones.

    /usr/bin/python3 test/e2e/compare.py --actual DIR --expected DIR \
        [--prefix-expected ref_] [--prefix-actual ''] [--rtol 1e-4] [--atol 1e-5]

Every DIR_expected/<prefix-expected><name>.npy must have a matching
DIR_actual/<prefix-actual><name>.npy with the same shape and dtype and values
within np.allclose(actual, expected, rtol, atol) (NaN never matches).
Prints one line per output with the max abs error and the max rel error (over
nonzero expected elements); exits 1 on any mismatch, missing or unreadable
file, unexpected extra actual file (unless --allow-extra) or empty expected set.
"""
import argparse
import os
import sys

import numpy as np


def list_npy(directory: str, prefix: str) -> dict:
    """{name: path} for directory/<prefix><name>.npy."""
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"directory not found: {directory}")
    return {f[len(prefix):-4]: os.path.join(directory, f) for f in sorted(os.listdir(directory))
            if f.startswith(prefix) and f.endswith(".npy") and len(f) > len(prefix) + 4}


def compare_one(name: str, actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float):
    """Return (ok, message) for one output."""
    head = f"{name}: {list(expected.shape)} {expected.dtype}"
    if actual.dtype != expected.dtype:
        return False, f"{head}: dtype mismatch: actual {actual.dtype}, expected {expected.dtype}"
    if actual.shape != expected.shape:
        return False, f"{head}: shape mismatch: actual {list(actual.shape)}, expected {list(expected.shape)}"
    if expected.size == 0:
        return True, f"{head}: empty"
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.abs(a - e)
        err[np.isnan(err)] = np.inf                 # NaN on either side counts as infinitely off
        err[np.isinf(a) & (a == e)] = 0.0           # identical infinities
        rel = np.where(e != 0, err / np.abs(e), 0.0)  # over nonzero expected elements
        rel[np.isnan(rel)] = np.inf
    stats = f"max_abs {err.max():.3e} max_rel {rel.max():.3e}"
    if close.all():
        return True, f"{head}: {stats}"
    bad = np.argwhere(~close)
    idx = tuple(int(i) for i in bad[0])
    return False, (f"{head}: {len(bad)}/{close.size} elements out of tolerance "
                   f"(rtol {rtol:g}, atol {atol:g}); {stats}; "
                   f"first at {list(idx)}: actual {actual[idx]!r}, expected {expected[idx]!r}")


def compare_dirs(args) -> list:
    """Compare and print; return the list of failure messages."""
    expected = list_npy(args.expected, args.prefix_expected)
    actual = list_npy(args.actual, args.prefix_actual)
    if not expected:
        return [f"no expected files {args.expected}/{args.prefix_expected}*.npy"]
    failures = []
    for name, epath in expected.items():
        apath = actual.get(name)
        if apath is None:
            msg = f"{name}: missing actual file {os.path.join(args.actual, args.prefix_actual + name)}.npy"
            ok = False
        else:
            try:
                ok, msg = compare_one(name, np.load(apath, allow_pickle=False),
                                      np.load(epath, allow_pickle=False), args.rtol, args.atol)
            except (OSError, ValueError) as exc:
                ok, msg = False, f"{name}: cannot load (not a valid .npy file?): {exc}"
        print(f"  {'ok  ' if ok else 'FAIL'} {msg}")
        if not ok:
            failures.append(msg)
    for name in sorted(set(actual) - set(expected)):
        msg = f"{name}: unexpected actual file {actual[name]} (no expected counterpart)"
        if args.allow_extra:
            print(f"  note {msg}")
        else:
            print(f"  FAIL {msg}")
            failures.append(msg)
    return failures


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Compare .npy outputs against expected ones.")
    p.add_argument("--actual", required=True, help="directory with the outputs under test")
    p.add_argument("--expected", required=True, help="directory with the expected outputs")
    p.add_argument("--prefix-actual", default="", help="file-name prefix of actual outputs (default none)")
    p.add_argument("--prefix-expected", default="", help="file-name prefix of expected outputs, e.g. ref_")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--allow-extra", action="store_true", help="tolerate actual files with no expected one")
    p.add_argument("--label", default="", help="text to tag the summary line with")
    args = p.parse_args(argv)
    label = f" [{args.label}]" if args.label else ""
    print(f"compare{label}: {args.actual}/{args.prefix_actual}* vs {args.expected}/{args.prefix_expected}*")
    try:
        failures = compare_dirs(args)
    except FileNotFoundError as exc:
        failures = [str(exc)]
    if failures:
        print(f"compare{label}: FAIL: {len(failures)} problem(s); first: {failures[0]}", file=sys.stderr)
        return 1
    print(f"compare{label}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
