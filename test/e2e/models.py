"""Small deterministic torch models exported to ONNX for Blade's end-to-end tests.

Each model is described by a ``ModelSpec``: a seeded builder, the input shape
without the batch dim, the graph's input/output names and the exact set of ONNX
op types the export must contain.  ``export()`` exports with a dynamic 'batch'
dim on the input and output, folds constants, and checks the result
(onnx.checker, strict shape inference, op set, declared shapes).

Run directly to export every model and print its ops:
    /usr/bin/python3 test/e2e/models.py [--opset 13] [--opset 11] [NAME ...]
"""
import argparse
import functools
import io
import re
import sys
import tempfile
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Tuple

import numpy as np
import onnx
import torch
import torch.nn as nn

SEED = 0
DEFAULT_OPSET = 13
SUPPORTED_OPSETS = (11, 13)
# Op types Blade's frontend supports; every exported graph must stay inside this set.
ALLOWED_OPS = frozenset({
    "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Tanh",
    "Softmax", "Reshape", "Transpose", "Flatten", "Constant", "Identity",
    "Erf", "TopK", "Cast", "CumSum", "Concat", "Einsum", "Split", "Squeeze",
    "ReduceMean", "Slice", "Conv", "Resize",
})


def sanitize(name: str) -> str:
    """File-name form of a tensor name, as used by blade-run and ort-peer."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    build: Callable[[], nn.Module]
    input_shape: Tuple[int, ...]   # without the leading batch dim
    ops: frozenset                 # exact op types expected in the export
    input_name: str = "input"
    output_name: str = "output"


def seeded(builder: Callable[[], nn.Module]) -> Callable[[], nn.Module]:
    """Make builder deterministic: seed torch *before* any layer is created."""
    @functools.wraps(builder)
    def build() -> nn.Module:
        torch.manual_seed(SEED)
        return builder().eval()
    return build


def _seq(*layers) -> nn.Sequential:
    """nn.Sequential with named children (readable initializer names)."""
    return nn.Sequential(OrderedDict(layers))


@seeded
def mlp() -> nn.Module:
    # 2-D input [batch, 64]: every Linear exports as Gemm(transB=1).
    return _seq(("fc1", nn.Linear(64, 128)), ("relu1", nn.ReLU()),
                ("fc2", nn.Linear(128, 64)), ("relu2", nn.ReLU()),
                ("fc3", nn.Linear(64, 10)))


@seeded
def mlp_matmul() -> nn.Module:
    # Rank-3 input [batch, 4, 32]: Linear exports as MatMul (pre-transposed,
    # constant-folded weight) + Add(bias, matmul) -- note the bias is the LHS.
    return _seq(("fc1", nn.Linear(32, 48)), ("sigmoid", nn.Sigmoid()),
                ("fc2", nn.Linear(48, 32)), ("tanh", nn.Tanh()),
                ("fc3", nn.Linear(32, 16)), ("softmax", nn.Softmax(dim=-1)))


@seeded
def mlp_flatten() -> nn.Module:
    # nn.Flatten exports as a single ONNX Flatten(axis=1) even with a dynamic
    # batch.  Do NOT use x.view(x.shape[0], -1): that exports as a
    # Shape/Gather/Unsqueeze/Concat/Reshape chain (outside Blade's op set);
    # x.reshape(-1, 32) would also be fine (Constant + Reshape).
    return _seq(("flatten", nn.Flatten()), ("fc1", nn.Linear(32, 24)),
                ("relu", nn.ReLU()), ("fc2", nn.Linear(24, 10)))


class _Mixed(nn.Module):
    """Normalize (Sub/Div/Mul), Transpose, MatMul+Add, Relu, Reshape, Gemm."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.randn(32))
        self.register_buffer("std", torch.rand(32) + 0.5)
        self.gamma = nn.Parameter(torch.randn(32))
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(32 * 8, 10)

    def forward(self, x):                          # x: [batch, 4, 32]
        x = (x - self.mean) / self.std * self.gamma
        x = torch.relu(self.fc1(x.transpose(1, 2)))  # [batch, 32, 8]
        return self.fc2(x.reshape(-1, 32 * 8))       # Constant [-1, 256] + Reshape


@seeded
def mlp_mixed() -> nn.Module:
    return _Mixed()


@seeded
def mlp_gelu() -> nn.Module:
    # ONNX (opsets 11/13) has no Gelu: the exact form exports as
    # Div/Erf/Add/Mul/Mul, the tanh form as Mul/Add/Mul/Tanh/Add/Mul chains.
    return _seq(("fc1", nn.Linear(32, 64)), ("gelu", nn.GELU()),
                ("fc2", nn.Linear(64, 48)), ("gelu_tanh", nn.GELU(approximate="tanh")),
                ("fc3", nn.Linear(48, 16)))


class _RowSelection(nn.Module):
    """TopK (values and indices) and CumSum along rows longer than a vector:
    k = 5 of 96 (selected pass by pass), k = 3 of 24 (ranked)."""

    def forward(self, x):                          # x: [batch, 96]
        values, indices = x.topk(5, dim=-1)
        few, at = x[:, :24].topk(3, dim=-1)
        return torch.cat([values, indices.float(), few, at.float(), x.cumsum(-1)], -1)


@seeded
def row_selection() -> nn.Module:
    return _RowSelection()


class _EinsumHeads(nn.Module):
    """Multi-head attention written with einsum: a stacked QKV projection
    (btd,khde->kbhte), scores (bhqe,bhke->bhqk), the weighted sum and the
    heads merged by the output projection (bhqe,hed->bqd)."""

    def __init__(self, dim=16, heads=2):
        super().__init__()
        self.wqkv = nn.Parameter(torch.randn(3, heads, dim, dim // heads) / 4)
        self.wo = nn.Parameter(torch.randn(heads, dim // heads, dim) / 4)

    def forward(self, x):                          # x: [batch, 6, 16]
        q, k, v = torch.einsum("btd,khde->kbhte", x, self.wqkv)
        att = torch.einsum("bhqe,bhke->bhqk", q, k).softmax(-1)
        y = torch.einsum("bhqe,hed->bqd", torch.einsum("bhqk,bhke->bhqe", att, v), self.wo)
        return y.reshape(-1, 6, 16)                # static dims for the exported output


@seeded
def einsum_heads() -> nn.Module:
    return _EinsumHeads()


class _LinearResidual(nn.Module):
    """Bias-free Linear layers whose products get a residual (full size) and
    a per-row addend: sums the matmul kernel takes as other than a bias."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(24, 24, bias=False)
        self.fc2 = nn.Linear(24, 24, bias=False)

    def forward(self, x):                          # x: [batch, 5, 24]
        y = torch.relu(self.fc1(x) + x)
        return self.fc2(y) + y.mean(-1, keepdim=True)


@seeded
def linear_residual() -> nn.Module:
    return _LinearResidual()


class _FeaturePyramid(nn.Module):
    """A two-level feature pyramid: upsampled coarse features (nearest, x2)
    added to finer ones, and a bilinear x2 head (both resizes between
    convs, so they run channels-last)."""

    def __init__(self):
        super().__init__()
        self.fine = nn.Conv2d(3, 16, 3, padding=1)
        self.coarse = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.merge = nn.Conv2d(16, 8, 3, padding=1)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):                          # x: [batch, 3, 16, 16]
        fine = torch.relu(self.fine(x))
        coarse = torch.relu(self.coarse(fine))
        merged = fine + nn.functional.interpolate(coarse, scale_factor=2.0, mode="nearest")
        y = torch.relu(self.merge(merged))
        y = nn.functional.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
        return self.head(y)


@seeded
def feature_pyramid() -> nn.Module:
    return _FeaturePyramid()


MODELS = {s.name: s for s in [
    ModelSpec("mlp", mlp, (64,), frozenset({"Gemm", "Relu"})),
    ModelSpec("mlp_matmul", mlp_matmul, (4, 32),
              frozenset({"MatMul", "Add", "Sigmoid", "Tanh", "Softmax"})),
    ModelSpec("mlp_flatten", mlp_flatten, (2, 4, 4), frozenset({"Flatten", "Gemm", "Relu"})),
    ModelSpec("mlp_mixed", mlp_mixed, (4, 32),
              frozenset({"Sub", "Div", "Mul", "Transpose", "MatMul", "Add", "Relu",
                         "Constant", "Reshape", "Gemm"})),
    ModelSpec("mlp_gelu", mlp_gelu, (32,),
              frozenset({"Gemm", "Erf", "Div", "Add", "Mul", "Tanh", "Constant"})),
    ModelSpec("row_selection", row_selection, (96,),
              frozenset({"TopK", "Cast", "CumSum", "Concat", "Constant", "Slice"})),
    ModelSpec("einsum_heads", einsum_heads, (6, 16),
              frozenset({"Einsum", "Split", "Squeeze", "Softmax", "Constant", "Reshape"})),
    ModelSpec("linear_residual", linear_residual, (5, 24),
              frozenset({"MatMul", "Add", "Relu", "ReduceMean"})),
    ModelSpec("feature_pyramid", feature_pyramid, (3, 16, 16),
              frozenset({"Conv", "Relu", "Add", "Resize", "Constant"})),
    # Same network as mlp, with names that need sanitizing in file names.
    ModelSpec("mlp_names", mlp, (64,), frozenset({"Gemm", "Relu"}),
              input_name="input:0", output_name="logits/out:0"),
]}


def get_spec(name: str) -> ModelSpec:
    if name not in MODELS:
        raise KeyError(f"unknown model '{name}' (known: {', '.join(MODELS)})")
    return MODELS[name]


def random_input(spec: ModelSpec, batch: int, seed: int) -> np.ndarray:
    """Seeded N(0, 1) float32 input of shape [batch, *spec.input_shape]."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, *spec.input_shape)).astype(np.float32)


def reference(module: nn.Module, x: np.ndarray) -> np.ndarray:
    """The independent reference: torch's own float32 forward pass."""
    with torch.no_grad():
        y = module(torch.from_numpy(x))
    assert y.dtype == torch.float32
    return y.numpy()


def export(spec: ModelSpec, path: str, opset: int = DEFAULT_OPSET,
           module: nn.Module = None) -> onnx.ModelProto:
    """Export spec's model (or the given instance of it) to path and check it."""
    if opset not in SUPPORTED_OPSETS:
        raise ValueError(f"opset {opset} not supported (use one of {SUPPORTED_OPSETS})")
    module = module if module is not None else spec.build()
    sample = torch.from_numpy(random_input(spec, 2, SEED))
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exporter's UserWarnings are noise here
        torch.onnx.export(
            module, sample, buf, opset_version=opset, do_constant_folding=True,
            input_names=[spec.input_name], output_names=[spec.output_name],
            dynamic_axes={spec.input_name: {0: "batch"}, spec.output_name: {0: "batch"}})
    proto = onnx.load_from_string(buf.getvalue())
    out_shape = tuple(reference(module, sample.numpy()).shape[1:])
    check(proto, spec, opset, out_shape)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return proto


def _dims(value_info) -> list:
    return [d.dim_param if d.HasField("dim_param") else d.dim_value
            for d in value_info.type.tensor_type.shape.dim]


def check(proto: onnx.ModelProto, spec: ModelSpec, opset: int, out_shape: tuple) -> None:
    """Raise AssertionError unless proto is a valid, in-op-set export of spec."""
    onnx.checker.check_model(proto, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(proto, check_type=True, strict_mode=True)
    g = inferred.graph
    ops = {n.op_type for n in g.node}
    assert ops <= ALLOWED_OPS, f"{spec.name}: ops outside Blade's set: {sorted(ops - ALLOWED_OPS)}"
    assert ops == spec.ops, f"{spec.name}: ops {sorted(ops)} != expected {sorted(spec.ops)}"
    assert [o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")] == [opset]
    graph_inputs = [i for i in g.input if i.name not in {t.name for t in g.initializer}]
    assert [i.name for i in graph_inputs] == [spec.input_name]
    assert [o.name for o in g.output] == [spec.output_name]
    assert _dims(graph_inputs[0]) == ["batch", *spec.input_shape], _dims(graph_inputs[0])
    assert _dims(g.output[0]) == ["batch", *out_shape], _dims(g.output[0])
    for vi in [*g.input, *g.output]:
        assert vi.type.tensor_type.elem_type == onnx.TensorProto.FLOAT, vi.name
    known = {vi.name for vi in [*g.value_info, *g.output]}
    untyped = [o for n in g.node for o in n.output if o not in known]
    assert not untyped, f"{spec.name}: shape inference left {untyped} without a type"


def describe(proto: onnx.ModelProto) -> str:
    g = proto.graph
    inits = {t.name for t in g.initializer}
    ins = [f"{i.name} {_dims(i)}" for i in g.input if i.name not in inits]
    outs = [f"{o.name} {_dims(o)}" for o in g.output]
    return (f"opset {proto.opset_import[0].version}; ops {[n.op_type for n in g.node]}; "
            f"inputs {ins}; outputs {outs}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", default=list(MODELS), help="models (default: all)")
    p.add_argument("--opset", type=int, action="append", choices=SUPPORTED_OPSETS,
                   help="opset to export with (repeatable; default: all supported)")
    args = p.parse_args(argv)
    args.opset = args.opset or list(SUPPORTED_OPSETS)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.names:
            for opset in args.opset:
                proto = export(get_spec(name), f"{tmp}/{name}.onnx", opset)
                print(f"{name}: {describe(proto)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
