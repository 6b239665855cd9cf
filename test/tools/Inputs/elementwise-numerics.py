"""Numerics of the elementwise converters against numpy, over the element
types and opset forms the ONNX conformance cases leave out: every case is one
node; a few cases of one opset form one model, compiled and run once by
blade-run. Prints one line per disagreeing output and a summary; exits 1 if
any output disagrees.

    elementwise-numerics.py BLADE_RUN WORK_DIR
"""
import math
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BLADE_RUN, WORK = sys.argv[1], Path(sys.argv[2])
np.seterr(all="ignore")
WORK.mkdir(parents=True, exist_ok=True)
NP2ONNX = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE,
           np.float16: TensorProto.FLOAT16, np.int8: TensorProto.INT8,
           np.int16: TensorProto.INT16, np.int32: TensorProto.INT32,
           np.int64: TensorProto.INT64, np.uint8: TensorProto.UINT8,
           np.uint16: TensorProto.UINT16, np.uint32: TensorProto.UINT32,
           np.uint64: TensorProto.UINT64, np.bool_: TensorProto.BOOL}
CASES = defaultdict(list)  # opset -> [(name, op, inputs, expected, attrs, inits)]


def tt(a):
    return NP2ONNX[a.dtype.type]


def case(name, op, inputs, expected, opset=13, attrs=None, inits=None):
    if not isinstance(expected, (list, tuple)):
        expected = [expected]
    CASES[opset].append((name, op, inputs, expected, attrs or {}, inits or {}))


def run_model(model_name, opset, cases):
    """Builds one model of `cases`, runs it, returns the failure lines."""
    nodes, inputs, outputs, inits, feeds, checks = [], [], [], [], {}, []
    for name, op, ins, expected, attrs, consts in cases:
        names = []
        for i, a in enumerate(ins):
            if a is None:
                names.append("")
                continue
            names.append(f"{name}_in{i}")
            inputs.append(helper.make_tensor_value_info(names[-1], tt(a), list(a.shape)))
            feeds[names[-1]] = a
        for cname, a in consts.items():
            names.append(f"{name}_{cname}")
            inits.append(numpy_helper.from_array(a, names[-1]))
        outs = [f"{name}_out{i}" for i in range(len(expected))]
        for o, e in zip(outs, expected):
            outputs.append(helper.make_tensor_value_info(o, tt(e), list(e.shape)))
            checks.append((o, e))
        nodes.append(helper.make_node(op, names, outs, name=name, **attrs))
    graph = helper.make_graph(nodes, model_name, inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    d = WORK / model_name
    d.mkdir(exist_ok=True)
    onnx.save(model, str(d / "model.onnx"))
    args = [BLADE_RUN, str(d / "model.onnx"), "--output-dir", str(d)]
    for nm, a in feeds.items():
        np.save(d / f"{nm}.npy", a)
        args += ["--input", f"{nm}={d / nm}.npy"]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        return [f"FAIL {model_name}: {proc.stderr.strip()}"]
    failures = []
    for o, e in checks:
        got = np.load(d / f"{o}.npy")
        ok = got.dtype == e.dtype and got.shape == e.shape
        if ok and e.dtype.kind == "f":
            tol = 1e-2 if e.dtype == np.float16 else 1e-5
            ok = np.allclose(got, e, rtol=tol, atol=tol, equal_nan=True)
        elif ok:
            ok = np.array_equal(got, e)
        if not ok:
            failures.append(f"FAIL {o}: got {got.dtype}{list(got.shape)} {got.ravel()[:6]}, "
                            f"want {e.dtype}{list(e.shape)} {e.ravel()[:6]}")
    return failures


rng = np.random.default_rng(0)
SIGNED = [np.int8, np.int16, np.int32, np.int64]
UNSIGNED = [np.uint8, np.uint16, np.uint32, np.uint64]
FLOATS = [np.float16, np.float32, np.float64]
def ints(t, shape=(2, 3)):
    info = np.iinfo(t); lo = max(info.min, -100); hi = min(info.max, 100)
    return rng.integers(lo, hi, size=shape).astype(t)

for t in SIGNED + UNSIGNED + FLOATS:
    x = ints(t) if t not in FLOATS else rng.standard_normal((2, 3)).astype(t)
    case(f"abs_{t.__name__}", "Abs", [x], np.abs(x))
    case(f"sign_{t.__name__}", "Sign", [x], np.sign(x))
    if t not in UNSIGNED:
        case(f"neg_{t.__name__}", "Neg", [x], -x)
    y = ints(t) if t not in FLOATS else rng.standard_normal((3,)).astype(t)
    y = y[..., :3] if y.ndim == 2 else y
    case(f"max_{t.__name__}", "Max", [x, y], np.maximum(x, y))
    case(f"min3_{t.__name__}", "Min", [x, y, x], np.minimum(np.minimum(x, y), x))
    if t not in FLOATS:
        nz = np.where(y == 0, t(3), y)
        case(f"mod_{t.__name__}", "Mod", [x, nz], np.mod(x, nz))
        case(f"fmod_{t.__name__}", "Mod", [x, nz], np.fmod(x, nz), attrs={"fmod": 1})
        lo = np.array(t(5)); hi = np.array(t(50))
        case(f"clip12_{t.__name__}", "Clip", [x, lo, hi], np.clip(x, lo, hi), opset=12)
        case(f"clip13min_{t.__name__}", "Clip", [x, lo], np.maximum(x, lo), opset=13)
        case(f"shrink_{t.__name__}", "Shrink", [x], np.where(x < -2, x + t(1), np.where(x > 2, x - t(1), t(0))).astype(t) if t not in UNSIGNED else np.where(x > 2, x - t(1), t(0)).astype(t), opset=9, attrs={"lambd": 2.0, "bias": 1.0})
    case(f"equal_{t.__name__}", "Equal", [x, y], np.equal(x, y))
    case(f"greater_{t.__name__}", "Greater", [x, y], np.greater(x, y))
    case(f"le_{t.__name__}", "LessOrEqual", [x, y], np.less_equal(x, y), opset=16)
    c = rng.random((2, 1)) > 0.5
    case(f"where_{t.__name__}", "Where", [c, x, y], np.where(c, x, y), opset=16)

# Unsigned compare on big values
big = np.array([2**63 + 5, 1, 2**64 - 1], dtype=np.uint64); small = np.array([3, 2**63, 7], dtype=np.uint64)
case("greater_u64_big", "Greater", [big, small], big > small)
case("max_u64_big", "Max", [big, small], np.maximum(big, small))
case("mod_u64_big", "Mod", [big, small], big % small)

for t in [np.float16, np.float64]:
    x = (rng.random((2, 3)) * 0.9 + 0.05).astype(t)
    for op, fn in [("Exp", np.exp), ("Log", np.log), ("Sqrt", np.sqrt), ("Sin", np.sin), ("Cos", np.cos), ("Tan", np.tan),
                   ("Asin", np.arcsin), ("Acos", np.arccos), ("Atan", np.arctan), ("Sinh", np.sinh), ("Cosh", np.cosh),
                   ("Asinh", np.arcsinh), ("Atanh", np.arctanh), ("Floor", np.floor), ("Ceil", np.ceil), ("Reciprocal", np.reciprocal),
                   ("Tanh", np.tanh)]:
        case(f"{op.lower()}_{t.__name__}", op, [x], fn(x).astype(t))
    case(f"acosh_{t.__name__}", "Acosh", [x + t(1)], np.arccosh(x + t(1)).astype(t))
    case(f"erf_{t.__name__}", "Erf", [x], np.array([math.erf(v) for v in x.ravel().astype(np.float64)]).reshape(x.shape).astype(t))
    r = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4], dtype=t)
    case(f"round_{t.__name__}", "Round", [r], np.round(r))
    s = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, -2.0], dtype=t)
    case(f"isnan_{t.__name__}", "IsNaN", [s], np.isnan(s))
    for p_, n_ in [(1, 1), (1, 0), (0, 1), (0, 0)]:
        e = (np.isposinf(s) if p_ else np.zeros_like(s, bool)) | (np.isneginf(s) if n_ else np.zeros_like(s, bool))
        case(f"isinf_{p_}{n_}_{t.__name__}", "IsInf", [s], e, opset=10, attrs={"detect_positive": p_, "detect_negative": n_})
    case(f"sign_nan_{t.__name__}", "Sign", [s], np.sign(s))

xi = np.array([-3, -1, 0, 1, 2, 3], dtype=np.int32)
case("erf_int32", "Erf", [xi], np.array([int(math.erf(v)) for v in xi], dtype=np.int32))
b1 = rng.random((2, 3)) > 0.5; b2 = rng.random((3,)) > 0.5
case("not", "Not", [b1], ~b1)
case("and", "And", [b1, b2], b1 & b2)
case("or", "Or", [b1, b2], b1 | b2)
case("xor", "Xor", [b1, b2], b1 ^ b2)
case("equal_bool", "Equal", [b1, b2], b1 == b2)

# Pow mixed types
bi = np.array([1, 2, 3, -2], dtype=np.int64); ei = np.array([4, 5, 3, 3], dtype=np.int64)
case("pow_i64_i64", "Pow", [bi, ei], bi ** ei, opset=15)
bi32 = np.array([1, 2, 3], dtype=np.int32); ef = np.array([4.0, 5.0, 0.5], dtype=np.float32)
case("pow_i32_f32", "Pow", [bi32, ef], np.power(bi32.astype(np.float64), ef).astype(np.int32), opset=15)
bf = np.array([1.5, -2.0, 3.0], dtype=np.float32)
case("pow_f32_i64", "Pow", [bf, np.array([2, 3, -1], np.int64)], np.power(bf, np.array([2, 3, -1], np.float32)), opset=15)
case("pow_f32_u32", "Pow", [bf, np.array([2, 3, 1], np.uint32)], np.power(bf, np.array([2, 3, 1], np.float32)), opset=15)
case("pow_f64_f32", "Pow", [bf.astype(np.float64), ef], np.power(bf.astype(np.float64), ef.astype(np.float64)), opset=15)
case("pow_f32_op7", "Pow", [np.abs(bf), ef], np.power(np.abs(bf), ef), opset=7)
# BitShift
u = np.array([16, 4, 1, 255], dtype=np.uint8); sh = np.array([1, 2, 3, 7], dtype=np.uint8)
case("shl_u8", "BitShift", [u, sh], (u << sh).astype(np.uint8), opset=11, attrs={"direction": "LEFT"})
case("shr_u8", "BitShift", [u, sh], u >> sh, opset=11, attrs={"direction": "RIGHT"})
u64 = np.array([2**63, 5], dtype=np.uint64); s64 = np.array([63, 1], dtype=np.uint64)
case("shr_u64", "BitShift", [u64, s64], u64 >> s64, opset=11, attrs={"direction": "RIGHT"})
# Float mod
a = np.array([5.5, -5.5, 5.5, -5.5], dtype=np.float64); bb = np.array([2.0, 2.0, -2.0, -2.0], dtype=np.float64)
case("fmod_f64", "Mod", [a, bb], np.fmod(a, bb), attrs={"fmod": 1})
case("fmod_f16", "Mod", [a.astype(np.float16), bb.astype(np.float16)], np.fmod(a, bb).astype(np.float16), attrs={"fmod": 1})
# Clip old and new
x = rng.standard_normal((3, 4)).astype(np.float32)
case("clip6", "Clip", [x], np.clip(x, -0.5, 0.5), opset=6, attrs={"min": -0.5, "max": 0.5})
case("clip6_max", "Clip", [x], np.minimum(x, 0.5), opset=6, attrs={"max": 0.5})
case("clip11_nomin", "Clip", [x, None, np.array(0.3, np.float32)], np.minimum(x, 0.3), opset=11)
case("clip13_none", "Clip", [x], x, opset=13)
# Casts
f = np.array([-2.7, -0.5, 0.0, 0.5, 2.7, 200.9], dtype=np.float32)
for t in SIGNED:
    case(f"cast_f32_{t.__name__}", "Cast", [f], f.astype(t), attrs={"to": NP2ONNX[t]})
case("cast_f32_u8", "Cast", [np.abs(f)], np.abs(f).astype(np.uint8), attrs={"to": TensorProto.UINT8})
fn = np.array([np.nan, 0.0, -0.0, 1.0], dtype=np.float32)
case("cast_f32_bool", "Cast", [fn], fn.astype(np.bool_), attrs={"to": TensorProto.BOOL})
case("cast_bool_f32", "Cast", [b1], b1.astype(np.float32), attrs={"to": TensorProto.FLOAT})
case("cast_bool_i64", "Cast", [b1], b1.astype(np.int64), attrs={"to": TensorProto.INT64})
i64 = np.array([-1, 300, -129, 2**40], dtype=np.int64)
case("cast_i64_i8", "Cast", [i64], i64.astype(np.int8), attrs={"to": TensorProto.INT8})
case("cast_i64_bool", "Cast", [i64], i64.astype(np.bool_), attrs={"to": TensorProto.BOOL})
i8 = np.array([-1, 5, -128], dtype=np.int8)
case("cast_i8_u16", "Cast", [i8], i8.astype(np.uint16), attrs={"to": TensorProto.UINT16})
case("cast_i8_f64", "Cast", [i8], i8.astype(np.float64), attrs={"to": TensorProto.DOUBLE})
u8 = np.array([255, 1, 128], dtype=np.uint8)
case("cast_u8_i64", "Cast", [u8], u8.astype(np.int64), attrs={"to": TensorProto.INT64})
case("cast_u8_f32", "Cast", [u8], u8.astype(np.float32), attrs={"to": TensorProto.FLOAT})
case("cast_u64_f32", "Cast", [big], big.astype(np.float32), attrs={"to": TensorProto.FLOAT})
case("cast_u16_i8", "Cast", [np.array([65535, 256, 127], np.uint16)], np.array([65535, 256, 127], np.uint16).astype(np.int8), attrs={"to": TensorProto.INT8})
case("cast_f64_f16", "Cast", [f.astype(np.float64)], f.astype(np.float16), attrs={"to": TensorProto.FLOAT16})
case("cast_f32_op6", "Cast", [f], f.astype(np.int32), opset=6, attrs={"to": TensorProto.INT32})
case("castlike_i32_f64", "CastLike", [xi, np.zeros(1, np.float64)], xi.astype(np.float64), opset=15)
# Dropout
x = rng.standard_normal((2, 3)).astype(np.float32)
case("dropout7_mask", "Dropout", [x], [x, np.ones_like(x)], opset=7, attrs={"ratio": 0.3})
case("dropout10_mask", "Dropout", [x], [x, np.ones(x.shape, np.bool_)], opset=10)
case("dropout12_ratio", "Dropout", [x, np.array(0.4, np.float32)], [x, np.ones(x.shape, np.bool_)], opset=12)
case("dropout13_train_false", "Dropout", [x], [x, np.ones(x.shape, np.bool_)], opset=13,
     inits={"r": np.array(0.5, np.float32), "t": np.array(False)})
case("dropout13_f64", "Dropout", [x.astype(np.float64)], x.astype(np.float64), opset=13)
# Activations
x = np.array([-100.0, -3.0, -1.0, -0.2, 0.0, 0.3, 1.0, 2.5, 100.0], dtype=np.float32)
def sp(v): return np.logaddexp(0, v.astype(np.float64)).astype(v.dtype)
case("leakyrelu16_f64", "LeakyRelu", [x.astype(np.float64)], np.where(x < 0, 0.1 * x, x).astype(np.float64), opset=16, attrs={"alpha": 0.1})
case("elu", "Elu", [x], np.where(x < 0, 0.5 * (np.exp(x) - 1), x), opset=6, attrs={"alpha": 0.5})
al, ga = 1.67326319217681884765625, 1.05070102214813232421875
case("selu", "Selu", [x], (ga * np.where(x <= 0, al * np.exp(x) - al, x)).astype(np.float32), opset=6)
case("celu", "Celu", [x], (np.maximum(0, x) + np.minimum(0, 2.0 * (np.exp(x / 2.0) - 1))).astype(np.float32), opset=12, attrs={"alpha": 2.0})
case("hardsigmoid", "HardSigmoid", [x], np.clip(0.2 * x + 0.5, 0, 1), opset=6)
case("hardswish", "HardSwish", [x], x * np.clip(x / 6 + 0.5, 0, 1), opset=14)
case("softplus", "Softplus", [x], sp(x), opset=1)
case("softsign", "Softsign", [x], x / (1 + np.abs(x)), opset=1)
case("thresholdedrelu", "ThresholdedRelu", [x], np.where(x > 0.5, x, 0).astype(np.float32), opset=10, attrs={"alpha": 0.5})
case("shrink_f32", "Shrink", [x], np.where(x < -0.5, x + 0.1, np.where(x > 0.5, x - 0.1, 0)).astype(np.float32), opset=9, attrs={"bias": 0.1})
xs = rng.standard_normal((2, 3, 4)).astype(np.float32); sl = rng.standard_normal((3, 1)).astype(np.float32)
case("prelu_bcast", "PRelu", [xs, sl], np.where(xs < 0, xs * sl, xs), opset=16)
case("prelu_op7", "PRelu", [xs, sl], np.where(xs < 0, xs * sl, xs), opset=7)
xi3 = np.array([[-4, 2, -6]], dtype=np.int32); sli = np.array([2, 3, 1], np.int32)
case("prelu_int32", "PRelu", [xi3, sli], np.where(xi3 < 0, xi3 * sli, xi3), opset=16)
# Variadic
a1 = rng.standard_normal((2, 3)).astype(np.float32); a2 = rng.standard_normal((3,)).astype(np.float32); a3 = rng.standard_normal((1, 3)).astype(np.float32)
case("sum1", "Sum", [a1], a1)
case("sum3", "Sum", [a1, a2, a3], a1 + a2 + a3)
case("mean3", "Mean", [a1, a2, a3], (a1 + a2 + a3) / 3)
case("mean_f64", "Mean", [a1.astype(np.float64), a2.astype(np.float64)], ((a1 + a2) / 2).astype(np.float64))
case("max_f32_op8", "Max", [a1, a2], np.maximum(a1, a2), opset=8)


# Models of at most CHUNK nodes: each model input and output is a memref
# argument of the compiled entry, and hundreds of them make the JIT slow.
CHUNK = 16
failures, models = [], 0
for opset in sorted(CASES):
    cases = CASES[opset]
    for start in range(0, len(cases), CHUNK):
        failures += run_model(f"opset{opset}_{start // CHUNK}", opset,
                              cases[start:start + CHUNK])
        models += 1
for line in failures:
    print(line)
total = sum(len(c) for c in CASES.values())
print(f"{total} cases in {models} models: {len(failures)} failures")
sys.exit(1 if failures else 0)
