#!/usr/bin/env python3
"""Numerics of the runtime's library calls through blade-run, against numpy.

Each case is a small ONNX text model (MatMul, Gemm, Conv, ConvTranspose, MaxPool on oneDNN;
LSTM, GRU, RNN on the runtime's recurrent kernel) with dynamic batch dims, run at two batch
sizes through `blade-run` with the default lowering (library calls), with
`--no-library-calls` (Blade's own loops) and, for the recurrent cases, also
with 2 threads. All must match a numpy reference within rtol 1e-4 / atol 1e-5.

    test/kernels/library_calls.py --blade-run build/bin/blade-run --work DIR

Prints one line per case and run, "PASS: ..." last; exits 1 on a mismatch.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

RTOL, ATOL = 1e-4, 1e-5


def fmt_tensor(name, arr):
    dims = ", ".join(str(d) for d in arr.shape)
    values = ", ".join(repr(float(v)) for v in arr.reshape(-1))
    return f"float[{dims}] {name} = {{{values}}}"


def model_text(inputs, output, consts, body):
    """inputs/output(s): (name, dims) with dims as strings; consts: name->array."""
    outputs = output if isinstance(output, list) else [output]
    sig_in = ", ".join(f"float[{', '.join(d)}] {n}" for n, d in inputs)
    sig_out = ", ".join(f"float[{', '.join(d)}] {n}" for n, d in outputs)
    init = ", ".join(fmt_tensor(n, a) for n, a in consts.items())
    init_line = f"<{init}>\n" if init else ""
    return (f'<ir_version: 8, opset_import: ["" : 13]>\n'
            f"case ({sig_in}) => ({sig_out})\n{init_line}{{\n  {body}\n}}\n")


def rand(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


# --- numpy references -------------------------------------------------------

def conv_ref(x, w, b, strides, dilations, pads, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    pt, pl, pb, pr = pads
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    eh, ew = dilations[0] * (kh - 1) + 1, dilations[1] * (kw - 1) + 1
    oh = (h + pt + pb - eh) // strides[0] + 1
    ow = (wd + pl + pr - ew) // strides[1] + 1
    y = np.zeros((n, m, oh, ow), np.float64)
    mg = m // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg].astype(np.float64)
        ws = w[g * mg:(g + 1) * mg].astype(np.float64)
        for u in range(kh):
            for v in range(kw):
                patch = xs[:, :, u * dilations[0]:u * dilations[0] + strides[0] * (oh - 1) + 1:strides[0],
                           v * dilations[1]:v * dilations[1] + strides[1] * (ow - 1) + 1:strides[1]]
                y[:, g * mg:(g + 1) * mg] += np.einsum("nchw,mc->nmhw", patch, ws[:, :, u, v])
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y.astype(np.float32)


def conv_transpose_ref(x, w, b, strides, dilations, pads, out_pad, group):
    n, c, h, wd = x.shape
    cg, mg, kh, kw = c // group, w.shape[1], w.shape[2], w.shape[3]
    full = [(h - 1) * strides[0] + dilations[0] * (kh - 1) + 1 + out_pad[0],
            (wd - 1) * strides[1] + dilations[1] * (kw - 1) + 1 + out_pad[1]]
    y = np.zeros((n, mg * group, full[0], full[1]), np.float64)
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg].astype(np.float64)
        for u in range(kh):
            for v in range(kw):
                y[:, g * mg:(g + 1) * mg,
                  u * dilations[0]:u * dilations[0] + strides[0] * (h - 1) + 1:strides[0],
                  v * dilations[1]:v * dilations[1] + strides[1] * (wd - 1) + 1:strides[1]] += np.einsum(
                      "nchw,cm->nmhw", xs, w[g * cg:(g + 1) * cg, :, u, v].astype(np.float64))
    pt, pl, pb, pr = pads
    y = y[:, :, pt:full[0] - pb, pl:full[1] - pr]
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y.astype(np.float32)


def maxpool_ref(x, k, strides, dilations, pads, ceil):
    n, c, h, w = x.shape
    pt, pl, pb, pr = pads
    out = []
    for size, kk, s, d, p0, p1 in ((h, k[0], strides[0], dilations[0], pt, pb),
                                   (w, k[1], strides[1], dilations[1], pl, pr)):
        ext = d * (kk - 1) + 1
        o = (size + p0 + p1 - ext) // s + 1
        if ceil:
            o = -(-(size + p0 + p1 - ext) // s) + 1
            if (o - 1) * s >= size + p0:  # last window starts in the end padding
                o -= 1
        out.append(o)
    big = np.full((n, c, h + pt + pb + 2 * max(k) * max(dilations), w + pl + pr + 2 * max(k) * max(dilations)),
                  -np.inf, np.float32)
    big[:, :, pt:pt + h, pl:pl + w] = x
    y = np.full((n, c, out[0], out[1]), -np.inf, np.float32)
    for u in range(k[0]):
        for v in range(k[1]):
            sl = big[:, :, u * dilations[0]:u * dilations[0] + strides[0] * (out[0] - 1) + 1:strides[0],
                     v * dilations[1]:v * dilations[1] + strides[1] * (out[1] - 1) + 1:strides[1]]
            y = np.maximum(y, sl)
    return y


def same_pads(in_size, k, s, d, upper):
    out = -(-in_size // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - in_size, 0)
    lo = total // 2 if upper else (total + 1) // 2
    return lo, total - lo


def window_pads(hw, k, strides, dilations, pads, auto_pad):
    """(top, left, bottom, right): `pads`, or those a SAME auto_pad gives."""
    if not auto_pad:
        return pads
    upper = auto_pad == "SAME_UPPER"
    ph = same_pads(hw[0], k[0], strides[0], dilations[0], upper)
    pw = same_pads(hw[1], k[1], strides[1], dilations[1], upper)
    return (ph[0], pw[0], ph[1], pw[1])


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def recurrent_ref(cell, x, w, r, b=None, h0=None, c0=None, p=None, direction="forward",
                  lbr=False, act="Tanh"):
    """ONNX LSTM/GRU/RNN (default activations; RNN's own), float64: (Y, Y_h[, Y_c])."""
    x, w, r = (a.astype(np.float64) for a in (x, w, r))
    seq, batch, _ = x.shape
    dirs, hidden = w.shape[0], r.shape[2]
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell]
    f = {"Tanh": np.tanh, "Relu": lambda v: np.maximum(v, 0), "Sigmoid": sigmoid}[act]
    y = np.zeros((seq, dirs, batch, hidden))
    yh, yc = np.zeros((dirs, batch, hidden)), np.zeros((dirs, batch, hidden))
    for d in range(dirs):
        wd, rd = w[d], r[d]
        bd = b[d].astype(np.float64) if b is not None else np.zeros(2 * gates * hidden)
        wb, rb = bd[:gates * hidden], bd[gates * hidden:]
        h = h0[d].astype(np.float64) if h0 is not None else np.zeros((batch, hidden))
        c = c0[d].astype(np.float64) if c0 is not None else np.zeros((batch, hidden))
        pd = p[d].astype(np.float64) if p is not None else np.zeros(3 * hidden)
        part = lambda v, k: v[..., k * hidden:(k + 1) * hidden]
        steps = range(seq - 1, -1, -1) if direction == "reverse" or d == 1 else range(seq)
        for t in steps:
            xw = x[t] @ wd.T + wb
            if cell == "lstm":
                g = xw + h @ rd.T + rb
                i = sigmoid(part(g, 0) + part(pd, 0) * c)
                fg = sigmoid(part(g, 2) + part(pd, 2) * c)
                c = fg * c + i * np.tanh(part(g, 3))
                h = sigmoid(part(g, 1) + part(pd, 1) * c) * np.tanh(c)
            elif cell == "gru":
                hr = h @ rd.T
                z = sigmoid(part(xw, 0) + part(hr, 0) + part(rb, 0))
                rg = sigmoid(part(xw, 1) + part(hr, 1) + part(rb, 1))
                if lbr:
                    cand = np.tanh(part(xw, 2) + rg * (part(hr, 2) + part(rb, 2)))
                else:
                    cand = np.tanh(part(xw, 2) + (rg * h) @ part(rd.T, 2) + part(rb, 2))
                h = (1 - z) * cand + z * h
            else:
                h = f(xw + h @ rd.T + rb)
            y[t, d] = h
        yh[d], yc[d] = h, c
    return (y, yh, yc) if cell == "lstm" else (y, yh)


# --- cases ------------------------------------------------------------------

def cases(rng):
    """Yields (name, model text, {batch: (inputs dict, expected)})."""
    def batched(make):
        return {b: make(b) for b in (1, 3)}

    # 2-D MatMul, constant weights.
    w = rand(rng, 16, 12)
    yield ("matmul_2d_const", model_text([("X", ["B", "16"])], ("Y", ["B", "12"]),
                                         {"W": w}, "Y = MatMul(X, W)"),
           batched(lambda b: (lambda x: ({"X": x}, x @ w))(rand(rng, b, 16))))
    # Batched MatMul of two inputs (weights not constant).
    yield ("matmul_batched", model_text([("X", ["B", "3", "5", "8"]), ("Z", ["B", "3", "8", "6"])],
                                        ("Y", ["B", "3", "5", "6"]), {}, "Y = MatMul(X, Z)"),
           batched(lambda b: (lambda x, z: ({"X": x, "Z": z}, x @ z))(
               rand(rng, b, 3, 5, 8), rand(rng, b, 3, 8, 6))))
    # Broadcast batch: [B, 1, 4, 8] x [3, 8, 5].
    z = rand(rng, 3, 8, 5)
    yield ("matmul_broadcast", model_text([("X", ["B", "1", "4", "8"])], ("Y", ["B", "3", "4", "5"]),
                                          {"Z": z}, "Y = MatMul(X, Z)"),
           batched(lambda b: (lambda x: ({"X": x}, x @ z))(rand(rng, b, 1, 4, 8))))
    # Transposed operand (attention-style K^T) as a strided view.
    yield ("matmul_transposed", model_text(
        [("Q", ["B", "2", "7", "8"]), ("K", ["B", "2", "9", "8"])], ("Y", ["B", "2", "7", "9"]), {},
        "KT = Transpose <perm = [0, 1, 3, 2]> (K)\n  Y = MatMul(Q, KT)"),
           batched(lambda b: (lambda q, k: ({"Q": q, "K": k}, q @ k.transpose(0, 1, 3, 2)))(
               rand(rng, b, 2, 7, 8), rand(rng, b, 2, 9, 8))))
    # Gemm: transB with a bias (a Linear layer), transA/alpha/beta with a row bias.
    wl, bl = rand(rng, 10, 16), rand(rng, 10)
    yield ("gemm_linear", model_text([("X", ["B", "16"])], ("Y", ["B", "10"]), {"W": wl, "C": bl},
                                     "Y = Gemm <transB = 1> (X, W, C)"),
           batched(lambda b: (lambda x: ({"X": x}, x @ wl.T + bl))(rand(rng, b, 16))))
    wa, ca = rand(rng, 6, 5), rand(rng, 1, 5)
    yield ("gemm_transA_alpha_beta", model_text(
        [("A", ["6", "B"])], ("Y", ["B", "5"]), {"W": wa, "C": ca},
        "Y = Gemm <transA = 1, alpha = 0.5, beta = 2.0> (A, W, C)"),
           batched(lambda b: (lambda a: ({"A": a}, 0.5 * (a.T @ wa) + 2.0 * ca))(rand(rng, 6, b))))

    # Convolutions: groups, depthwise, strides, dilations, asymmetric pads, bias.
    def conv_case(name, c, m, k, group, strides, dilations, pads, bias, hw=(9, 8), auto_pad=None,
                  dynamic_hw=False):
        w = rand(rng, m, c // group, *k)
        b = rand(rng, m) if bias else None
        attrs = [f"group = {group}", f"strides = [{strides[0]}, {strides[1]}]",
                 f"dilations = [{dilations[0]}, {dilations[1]}]"]
        if auto_pad:
            attrs.append(f'auto_pad = "{auto_pad}"')
        else:
            attrs.append(f"pads = [{pads[0]}, {pads[1]}, {pads[2]}, {pads[3]}]")
        consts = {"W": w}
        args = "X, W"
        if bias:
            consts["Bias"] = b
            args += ", Bias"
        in_hw = ["H", "W"] if dynamic_hw else [str(hw[0]), str(hw[1])]
        text = model_text([("X", ["B", str(c)] + in_hw)], ("Y", ["B", str(m), "?", "?"]),
                          consts, f"Y = Conv <{', '.join(attrs)}> ({args})")
        text = text.replace(", ?, ?]", ", OH, OW]")

        def make(batch):
            x = rand(rng, batch, c, *hw)
            p = window_pads(hw, k, strides, dilations, pads, auto_pad)
            return {"X": x}, conv_ref(x, w, b, strides, dilations, p, group)
        return name, text, batched(make)

    yield conv_case("conv_plain_bias", 4, 8, (3, 3), 1, (1, 1), (1, 1), (1, 1, 1, 1), True)
    yield conv_case("conv_grouped_strided", 6, 4, (3, 2), 2, (2, 1), (1, 1), (0, 1, 2, 0), True,
                    dynamic_hw=True)
    yield conv_case("conv_depthwise_dilated", 5, 5, (3, 3), 5, (1, 1), (2, 2), (2, 2, 2, 2), False)
    yield conv_case("conv_asym_pads_nobias", 3, 7, (2, 3), 1, (2, 2), (1, 2), (1, 0, 0, 2), False)
    yield conv_case("conv_same_upper", 4, 6, (3, 3), 1, (2, 2), (1, 1), None, True, auto_pad="SAME_UPPER",
                    dynamic_hw=True)
    yield conv_case("conv_same_lower", 4, 6, (2, 2), 2, (1, 1), (1, 1), None, False, auto_pad="SAME_LOWER")
    def pool_case(name, c, k, strides, dilations, pads, ceil, auto_pad=None, hw=(11, 10), dynamic_hw=False):
        attrs = [f"kernel_shape = [{k[0]}, {k[1]}]", f"strides = [{strides[0]}, {strides[1]}]",
                 f"dilations = [{dilations[0]}, {dilations[1]}]", f"ceil_mode = {int(ceil)}"]
        attrs.append(f'auto_pad = "{auto_pad}"' if auto_pad else f"pads = [{pads[0]}, {pads[1]}, {pads[2]}, {pads[3]}]")
        in_hw = ["H", "W"] if dynamic_hw else [str(hw[0]), str(hw[1])]
        text = model_text([("X", ["B", str(c)] + in_hw)], ("Y", ["B", str(c), "OH", "OW"]), {},
                          f"Y = MaxPool <{', '.join(attrs)}> (X)")
        text = text.replace('["" : 13]', '["" : 12]')

        def make(batch):
            x = rand(rng, batch, c, *hw)
            p = window_pads(hw, k, strides, dilations, pads, auto_pad)
            return {"X": x}, maxpool_ref(x, k, strides, dilations, p, ceil)
        return name, text, batched(make)

    def conv_transpose_case(name, c, mg, k, group, strides, dilations, pads, out_pad, bias, auto_pad=None):
        w = rand(rng, c, mg, *k)
        b = rand(rng, mg * group) if bias else None
        attrs = [f"group = {group}", f"strides = [{strides[0]}, {strides[1]}]",
                 f"dilations = [{dilations[0]}, {dilations[1]}]",
                 f"output_padding = [{out_pad[0]}, {out_pad[1]}]"]
        attrs.append(f'auto_pad = "{auto_pad}"' if auto_pad else f"pads = [{pads[0]}, {pads[1]}, {pads[2]}, {pads[3]}]")
        consts, args = {"W": w}, "X, W"
        if bias:
            consts["Bias"] = b
            args += ", Bias"
        text = model_text([("X", ["B", str(c), "H", "W"])], ("Y", ["B", str(mg * group), "OH", "OW"]),
                          consts, f"Y = ConvTranspose <{', '.join(attrs)}> ({args})")

        def make(batch):
            x = rand(rng, batch, c, 5, 4)
            p = pads
            if auto_pad:
                tot = [max(out_pad[i] + dilations[i] * (k[i] - 1) + 1 - strides[i], 0) for i in range(2)]
                lo = [t // 2 if auto_pad == "SAME_UPPER" else t - t // 2 for t in tot]
                p = (lo[0], lo[1], tot[0] - lo[0], tot[1] - lo[1])
            return {"X": x}, conv_transpose_ref(x, w, b, strides, dilations, p, out_pad, group)
        return name, text, batched(make)

    yield conv_transpose_case("convtranspose_grouped_outpad", 4, 3, (3, 2), 2, (2, 2), (1, 1), (1, 0, 0, 1),
                              (1, 1), True)
    yield conv_transpose_case("convtranspose_dilated", 3, 2, (2, 3), 1, (1, 2), (2, 1), (0, 1, 1, 0), (0, 0), False)
    yield conv_transpose_case("convtranspose_same_upper", 2, 4, (3, 3), 1, (2, 2), (1, 1), None, (0, 0), True,
                              auto_pad="SAME_UPPER")
    yield pool_case("maxpool_pads_strides", 3, (3, 3), (2, 2), (1, 1), (1, 1, 1, 1), False, dynamic_hw=True)
    yield pool_case("maxpool_ceil_asym", 2, (3, 2), (2, 3), (1, 1), (0, 1, 1, 0), True)
    yield pool_case("maxpool_dilated", 2, (2, 2), (1, 2), (2, 2), (0, 0, 1, 1), False)
    yield pool_case("maxpool_same_lower", 4, (3, 3), (2, 2), (1, 1), None, False, auto_pad="SAME_LOWER",
                    dynamic_hw=True)
    yield conv_case("conv_pointwise", 16, 8, (1, 1), 1, (1, 1), (1, 1), (0, 0, 0, 0), True, hw=(5, 5))


def recurrent_cases(rng):
    """Yields (name, model text, {batch: (inputs, {output: expected})}, extra modes)."""
    def case(name, cell, hidden, direction="forward", seq=5, inp=7, lbr=False, act=None,
             bias=True, initial=False, peepholes=False, const_weights=True):
        dirs = 2 if direction == "bidirectional" else 1
        gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell]
        w, r = rand(rng, dirs, gates * hidden, inp) * 0.5, rand(rng, dirs, gates * hidden, hidden) * 0.3
        b = rand(rng, dirs, 2 * gates * hidden) * 0.5 if bias else None
        p = rand(rng, dirs, 3 * hidden) * 0.5 if peepholes else None
        consts = {}
        inputs = [("X", [str(seq), "B", str(inp)])]
        for n, a in (("W", w), ("R", r), ("Bias", b), ("P", p)):
            if a is None:
                continue
            if const_weights:
                consts[n] = a
            else:
                inputs.append((n, [str(v) for v in a.shape]))
        if initial:
            inputs += [("H0", [str(dirs), "B", str(hidden)])]
            if cell == "lstm":
                inputs += [("C0", [str(dirs), "B", str(hidden)])]
        outs = ["Y", "Yh"] + (["Yc"] if cell == "lstm" else [])
        shapes = {"Y": [str(seq), str(dirs), "B", str(hidden)], "Yh": [str(dirs), "B", str(hidden)],
                  "Yc": [str(dirs), "B", str(hidden)]}
        attrs = [f"hidden_size = {hidden}", f'direction = "{direction}"']
        if lbr:
            attrs.append("linear_before_reset = 1")
        if act:
            attrs.append(f'activations = [{", ".join(chr(34) + act + chr(34) for _ in range(dirs))}]')
        args = ["X", "W", "R", "Bias" if bias else "", "", "H0" if initial else "",
                "C0" if initial and cell == "lstm" else "", "P" if peepholes else ""]
        while args[-1] == "":
            args.pop()
        op = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[cell]
        body = f"{', '.join(outs)} = {op} <{', '.join(attrs)}> ({', '.join(args)})"
        text = model_text(inputs, [(o, shapes[o]) for o in outs], consts, body)

        def make(batch):
            x = rand(rng, seq, batch, inp)
            h0 = rand(rng, dirs, batch, hidden) if initial else None
            c0 = rand(rng, dirs, batch, hidden) if initial and cell == "lstm" else None
            feed = {"X": x}
            if not const_weights:
                feed.update({n: a for n, a in (("W", w), ("R", r), ("Bias", b), ("P", p))
                             if a is not None})
            if initial:
                feed["H0"] = h0
                if c0 is not None:
                    feed["C0"] = c0
            ref = recurrent_ref(cell, x, w, r, b, h0, c0, p, direction, lbr, act or "Tanh")
            return feed, dict(zip(outs, ref))
        return (name, text, {bt: make(bt) for bt in (1, 5)}, [("library-2threads", ["--threads", "2"])])

    # Hidden sizes off the 16-lane panels, batches off the 4-row blocks.
    yield case("lstm_forward", "lstm", 20)
    yield case("lstm_bidirectional_peepholes_initial", "lstm", 24, "bidirectional", initial=True,
               peepholes=True)
    yield case("lstm_reverse_inputs_weights", "lstm", 16, "reverse", const_weights=False, initial=True)
    yield case("gru_reverse", "gru", 33, "reverse")
    yield case("gru_lbr_bidirectional_initial", "gru", 40, "bidirectional", lbr=True, initial=True)
    yield case("gru_no_bias", "gru", 18, bias=False, seq=3)
    yield case("rnn_relu", "rnn", 16, act="Relu")
    yield case("rnn_tanh_bidirectional", "rnn", 35, "bidirectional", initial=True)
    yield case("rnn_sigmoid_wide", "rnn", 70, act="Sigmoid", seq=2, inp=3)
    # Steps big enough (batch 5) for the kernel to split the panels over 2 threads.
    yield case("lstm_threads", "lstm", 72, "bidirectional", seq=4, initial=True)
    yield case("gru_threads", "gru", 80, seq=4)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blade-run", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    failures = []
    all_cases = [(n, t, runs, []) for n, t, runs in cases(rng)] + list(recurrent_cases(rng))
    for name, text, runs, more_modes in all_cases:
        model = work / f"{name}.onnxtxt"
        model.write_text(text)
        for batch, (inputs, expected) in runs.items():
            if not isinstance(expected, dict):
                expected = {"Y": expected}
            modes = [("library", []), ("loops", ["--no-library-calls"])] + more_modes
            for mode, extra in modes:
                out = work / f"{name}-b{batch}-{mode}"
                cmd = [args.blade_run, str(model), "--output-dir", str(out)] + extra
                for n, a in inputs.items():
                    path = work / f"{name}-b{batch}-{n}.npy"
                    np.save(path, a)
                    cmd += ["--input", f"{n}={path}"]
                proc = subprocess.run(cmd, capture_output=True, text=True)
                label = f"{name} batch {batch} {mode}"
                if proc.returncode != 0:
                    failures.append(label)
                    print(f"FAIL {label}: blade-run: {proc.stderr.strip()}")
                    continue
                ok, err = True, 0.0
                for out_name, want in expected.items():
                    got = np.load(out / f"{out_name}.npy")
                    same = got.shape == want.shape
                    ok = ok and same and np.allclose(got, want, rtol=RTOL, atol=ATOL)
                    err = max(err, float(np.abs(got - want).max()) if same else float("inf"))
                print(f"{'ok  ' if ok else 'FAIL'} {label}: max abs err {err:.2e}")
                if not ok:
                    failures.append(label)
    if failures:
        print(f"FAIL: {len(failures)} run(s): {', '.join(failures)}")
        return 1
    print("PASS: every case matches numpy with and without library calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
