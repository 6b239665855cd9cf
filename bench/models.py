"""Benchmark and test models (CNN, BERT-style encoder, DeepFM, LSTM/GRU, MLP) exported to ONNX.

Every model is a seeded torch module with random weights (nothing is downloaded).
``export()`` writes ONNX (opset 17 by default, constant folding, a dynamic
'batch' dim on every input and output, a dynamic 'seq' dim for the encoders);
``make_inputs()`` draws seeded inputs in each input's valid range (token ids
below the vocabulary, categorical ids below the field's table size, padding
masks with at least half ones); ``reference()`` runs torch itself.

The CNNs repeat torchvision's resnet18 and mobilenet_v2 layer for layer (the
Debian image has torch but not torchvision); the *_tiny / *_small models are the
small versions the ctest model tests run (test/e2e/run_model_e2e.sh).

    /usr/bin/python3 bench/models.py [--list] [--out DIR] [NAME ...]
"""
import argparse
import io
import math
import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Tuple

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 0
DEFAULT_OPSET = 17


def sanitize(name: str) -> str:
    """File-name form of a tensor name, as used by blade-run and ort-peer."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


@dataclass(frozen=True)
class Input:
    name: str
    shape: Tuple              # ints, or 'batch' / 'seq' for dynamic dims
    dtype: str = "float32"    # 'float32' or 'int64'
    high: int = 0             # int64 inputs: values in [0, high)
    mask: bool = False        # int64 0/1 padding mask: each row starts with >= half ones


@dataclass(frozen=True)
class Spec:
    name: str
    family: str               # cnn, bert, deepfm, rnn, mlp
    build: Callable[[], nn.Module]
    inputs: Tuple[Input, ...]
    outputs: Tuple[str, ...]
    dims: Dict[str, int] = field(default_factory=dict)   # values of dynamic dims but batch
    note: str = ""


# ----------------------------------------------------------------------------- CNNs

def _conv_bn(cin, cout, k, stride=1, groups=1, act=nn.ReLU):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act(inplace=True))
    return nn.Sequential(*layers)


def _randomize_bn(module: nn.Module) -> None:
    """Give BatchNorm layers non-trivial statistics (fresh ones are identity-like)."""
    for m in module.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)


class BasicBlock(nn.Module):
    """torchvision's ResNet BasicBlock: two 3x3 convs, identity or 1x1 downsample."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = _conv_bn(cin, cout, 3, stride)
        self.conv2 = _conv_bn(cout, cout, 3, act=None)
        self.down = (_conv_bn(cin, cout, 1, stride, act=None)
                     if stride != 1 or cin != cout else nn.Identity())

    def forward(self, x):
        return F.relu(self.conv2(self.conv1(x)) + self.down(x))


class Bottleneck(nn.Module):
    """torchvision's ResNet Bottleneck: 1x1 reduce, 3x3 (with the stride), 1x1 expand by 4."""
    expansion = 4

    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * self.expansion
        self.conv1 = _conv_bn(cin, width, 1)
        self.conv2 = _conv_bn(width, width, 3, stride)
        self.conv3 = _conv_bn(width, cout, 1, act=None)
        self.down = (_conv_bn(cin, cout, 1, stride, act=None)
                     if stride != 1 or cin != cout else nn.Identity())

    def forward(self, x):
        return F.relu(self.conv3(self.conv2(self.conv1(x))) + self.down(x))


class ResNet(nn.Module):
    def __init__(self, widths=(64, 128, 256, 512), blocks=(2, 2, 2, 2), classes=1000,
                 stem_kernel=7, stem_pool=True, in_ch=3, bottleneck=False):
        super().__init__()
        stem = [nn.Conv2d(in_ch, widths[0], stem_kernel, 2 if stem_pool else 1,
                          (stem_kernel - 1) // 2, bias=False),
                nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True)]
        if stem_pool:
            stem.append(nn.MaxPool2d(3, 2, 1))
        self.stem = nn.Sequential(*stem)
        layers, cin = [], widths[0]
        for i, (w, n) in enumerate(zip(widths, blocks)):
            for j in range(n):
                stride = 2 if (i > 0 and j == 0) else 1
                if bottleneck:
                    layers.append(Bottleneck(cin, w, stride))
                    cin = w * Bottleneck.expansion
                else:
                    layers.append(BasicBlock(cin, w, stride))
                    cin = w
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.pool(self.layers(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


class InvertedResidual(nn.Module):
    """torchvision's MobileNetV2 block: 1x1 expand, 3x3 depthwise, 1x1 project."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [] if expand == 1 else [_conv_bn(cin, hidden, 1, act=nn.ReLU6)]
        layers += [_conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6),
                   _conv_bn(hidden, cout, 1, act=None)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2(nn.Module):
    CONFIG = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
              (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))

    def __init__(self, classes=1000, width=1.0, config=CONFIG, last=1280):
        super().__init__()
        c = int(32 * width)
        layers = [_conv_bn(3, c, 3, 2, act=nn.ReLU6)]
        for t, co, n, s in config:
            co = int(co * width)
            for i in range(n):
                layers.append(InvertedResidual(c, co, s if i == 0 else 1, t))
                c = co
        layers.append(_conv_bn(c, last, 1, act=nn.ReLU6))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, classes))

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def _channel_shuffle(x, groups):
    # As torchvision writes it: the batch read off the tensor, so the exported
    # Reshape's shape is computed at run time (Shape -> Gather -> Concat).
    b, c, h, w = x.size()
    x = x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous()
    return x.view(b, -1, h, w)


class ShuffleUnit(nn.Module):
    """torchvision's ShuffleNetV2 InvertedResidual: split (stride 1) or two
    branches (stride 2), concat, channel shuffle."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        half = cout // 2
        if stride > 1:
            self.branch1 = nn.Sequential(_conv_bn(cin, cin, 3, stride, groups=cin, act=None),
                                         _conv_bn(cin, half, 1))
        else:
            self.branch1 = nn.Identity()
        bin_ = cin if stride > 1 else half
        self.branch2 = nn.Sequential(_conv_bn(bin_, half, 1),
                                     _conv_bn(half, half, 3, stride, groups=half, act=None),
                                     _conv_bn(half, half, 1))

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return _channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    def __init__(self, classes=1000, repeats=(4, 8, 4), channels=(24, 116, 232, 464, 1024)):
        super().__init__()
        self.stem = nn.Sequential(_conv_bn(3, channels[0], 3, 2), nn.MaxPool2d(3, 2, 1))
        stages, cin = [], channels[0]
        for n, cout in zip(repeats, channels[1:-1]):
            for i in range(n):
                stages.append(ShuffleUnit(cin, cout, 2 if i == 0 else 1))
                cin = cout
        self.stages = nn.Sequential(*stages)
        self.last = _conv_bn(cin, channels[-1], 1)
        self.fc = nn.Linear(channels[-1], classes)

    def forward(self, x):
        x = self.last(self.stages(self.stem(x)))
        return self.fc(x.mean([2, 3]))


class SmallCNN(nn.Module):
    """32x32 test CNN: conv/bn/relu, residual blocks, a depthwise+ReLU6 block, max and
    average pooling, a BatchNorm left unfused (after an Add), a classifier."""

    def __init__(self):
        super().__init__()
        self.stem = _conv_bn(3, 16, 3)
        self.block1 = BasicBlock(16, 16, 1)
        self.block2 = BasicBlock(16, 32, 2)
        self.pool = nn.MaxPool2d(2)
        self.mb = InvertedResidual(32, 32, 1, 2)
        self.post_bn = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(self.block2(self.block1(self.stem(x))))
        x = F.relu(self.post_bn(self.mb(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ----------------------------------------------------------------------------- BERT-style

class EncoderLayer(nn.Module):
    """Post-LN BERT layer: multi-head self-attention with an additive padding mask,
    residual + LayerNorm, GELU feed-forward, residual + LayerNorm."""

    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q, self.k, self.v = (nn.Linear(hidden, hidden) for _ in range(3))
        self.o = nn.Linear(hidden, hidden)
        self.ln1, self.ln2 = nn.LayerNorm(hidden, eps=1e-12), nn.LayerNorm(hidden, eps=1e-12)
        self.ff1, self.ff2 = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)

    def split(self, x):                      # [B, S, H*D] -> [B, H, S, D]
        return x.reshape(x.shape[0], x.shape[1], self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, mask_bias):         # mask_bias: [B, 1, 1, S]
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask_bias
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        ctx = ctx.transpose(1, 2).reshape(x.shape[0], x.shape[1], -1)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))


class BertEncoder(nn.Module):
    def __init__(self, vocab, hidden, heads, layers, ffn, max_seq):
        super().__init__()
        self.tok = nn.Embedding(vocab, hidden)
        self.pos = nn.Parameter(torch.randn(max_seq, hidden) * 0.02)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, ffn) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)

    def forward(self, input_ids, attention_mask):
        seq = input_ids.shape[1]
        x = self.ln(self.tok(input_ids) + self.pos[:seq])
        mask_bias = ((1.0 - attention_mask.to(torch.float32)) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x, torch.tanh(self.pooler(x[:, 0]))


# ----------------------------------------------------------------------------- DeepFM

class DeepFM(nn.Module):
    """DeepFM: per-field embedding tables (one table, field offsets, Gather),
    first-order terms, the FM second-order interaction 0.5*((sum e)^2 - sum e^2),
    and an MLP over the concatenated embeddings and dense features."""

    def __init__(self, fields, vocab, dim, dense, hidden):
        super().__init__()
        self.emb = nn.Embedding(fields * vocab, dim)
        self.first = nn.Embedding(fields * vocab, 1)
        nn.init.normal_(self.emb.weight, std=0.1)
        nn.init.normal_(self.first.weight, std=0.1)
        self.register_buffer("offsets", torch.arange(fields, dtype=torch.int64) * vocab)
        self.dense_first = nn.Linear(dense, 1)
        layers, cin = [], fields * dim + dense
        for h in hidden:
            layers += [nn.Linear(cin, h), nn.ReLU()]
            cin = h
        layers.append(nn.Linear(cin, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, dense, sparse):        # dense [B, D] f32, sparse [B, F] i64
        idx = sparse + self.offsets
        e = self.emb(idx)                                    # [B, F, K]
        first = self.first(idx).sum(dim=1) + self.dense_first(dense)   # [B, 1]
        s = e.sum(dim=1)
        fm = 0.5 * (s * s - (e * e).sum(dim=1)).sum(dim=1, keepdim=True)
        deep = self.mlp(torch.cat([torch.flatten(e, 1), dense], dim=1))
        return torch.sigmoid(first + fm + deep)


# ----------------------------------------------------------------------------- RNNs, MLP

class RNNModel(nn.Module):
    """torch.nn.LSTM/GRU (batch_first, zero initial state) plus a Linear on the last step."""

    def __init__(self, cell, features, hidden, layers, classes, bidirectional=False):
        super().__init__()
        rnn_cls = {"lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn_cls(features, hidden, layers, batch_first=True,
                           bidirectional=bidirectional)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, x):                    # [B, T, F] -> [B, T, H], [B, C]
        y = self.rnn(x)[0]
        return y, self.fc(y[:, -1])


def _mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


# ----------------------------------------------------------------------------- registry

def _bert_spec(name, vocab, hidden, heads, layers, ffn, seq, note=""):
    return Spec(name, "bert", lambda: BertEncoder(vocab, hidden, heads, layers, ffn, 512),
                (Input("input_ids", ("batch", "seq"), "int64", high=vocab),
                 Input("attention_mask", ("batch", "seq"), "int64", mask=True)),
                ("last_hidden_state", "pooled"), {"seq": seq}, note)


def _deepfm_spec(name, fields, vocab, dim, dense, hidden, note=""):
    return Spec(name, "deepfm", lambda: DeepFM(fields, vocab, dim, dense, hidden),
                (Input("dense", ("batch", dense)),
                 Input("sparse", ("batch", fields), "int64", high=vocab)),
                ("prob",), note=note)


def _rnn_spec(name, cell, features, hidden, layers, seq, bidirectional=False, note=""):
    return Spec(name, "rnn",
                lambda: RNNModel(cell, features, hidden, layers, 10, bidirectional),
                (Input("x", ("batch", seq, features)),), ("sequence", "logits"), note=note)


SPECS: List[Spec] = [
    # Benchmark models.
    Spec("resnet18", "cnn", lambda: ResNet(), (Input("image", ("batch", 3, 224, 224)),),
         ("logits",), note="torchvision resnet18 architecture, 224x224"),
    Spec("resnet50", "cnn", lambda: ResNet(blocks=(3, 4, 6, 3), bottleneck=True),
         (Input("image", ("batch", 3, 224, 224)),), ("logits",),
         note="torchvision resnet50 architecture (bottleneck blocks), 224x224"),
    Spec("mobilenet_v2", "cnn", lambda: MobileNetV2(), (Input("image", ("batch", 3, 224, 224)),),
         ("logits",), note="torchvision mobilenet_v2 architecture, 224x224"),
    Spec("shufflenet_v2", "cnn", lambda: ShuffleNetV2(), (Input("image", ("batch", 3, 224, 224)),),
         ("logits",), note="torchvision shufflenet_v2_x1_0 architecture, 224x224"),
    _bert_spec("bert4", 30522 // 4, 256, 4, 4, 1024, 128,
               note="4 layers, hidden 256, 4 heads, FFN 1024, seq 128"),
    _deepfm_spec("deepfm", 26, 10000, 16, 13, (400, 400, 400),
                 note="26 fields x 10000 ids x 16, 13 dense, MLP 400-400-400"),
    _rnn_spec("lstm", "lstm", 128, 256, 2, 64, note="2 layers, 128 -> 256, seq 64"),
    _rnn_spec("gru", "gru", 128, 256, 2, 64, note="2 layers, 128 -> 256, seq 64"),
    Spec("mlp", "mlp", lambda: _mlp((784, 1024, 1024, 512, 10)), (Input("x", ("batch", 784)),),
         ("logits",), note="784-1024-1024-512-10, ReLU"),
    # Small versions for the ctest model tests.
    Spec("cnn_small", "cnn", SmallCNN, (Input("image", ("batch", 3, 32, 32)),), ("logits",),
         note="residual + depthwise blocks, 32x32"),
    Spec("resnet_tiny", "cnn", lambda: ResNet((8, 16), (1, 1), 10, in_ch=3),
         (Input("image", ("batch", 3, 48, 48)),), ("logits",),
         note="resnet stem (7x7/2 conv, 3x3/2 max pool), 2 stages, 48x48"),
    Spec("mobilenet_tiny", "cnn",
         lambda: MobileNetV2(10, 0.25, ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 1, 2)), 64),
         (Input("image", ("batch", 3, 32, 32)),), ("logits",), note="width 0.25, 3 stages, 32x32"),
    Spec("shufflenet_tiny", "cnn", lambda: ShuffleNetV2(10, (1, 2), (8, 16, 32, 64)),
         (Input("image", ("batch", 3, 32, 32)),), ("logits",),
         note="channel split, concat and shuffle with a run-time batch, 32x32"),
    _bert_spec("bert_tiny", 100, 32, 2, 1, 64, 16, note="1 layer, hidden 32, 2 heads, seq 16"),
    _deepfm_spec("deepfm_tiny", 6, 50, 8, 5, (32, 16), note="6 fields x 50 ids x 8, 5 dense"),
    _rnn_spec("lstm_tiny", "lstm", 8, 16, 2, 6, note="2 layers, 8 -> 16, seq 6"),
    _rnn_spec("gru_tiny", "gru", 8, 16, 2, 6, bidirectional=True,
              note="2 bidirectional layers, 8 -> 16, seq 6"),
    Spec("mlp_small", "mlp", lambda: _mlp((48, 96, 64, 10)), (Input("x", ("batch", 48)),),
         ("logits",), note="48-96-64-10, ReLU"),
]


def _torchvision(name: str) -> Callable[[], nn.Module]:
    def make():
        try:
            import torchvision.models as tvm
        except ImportError as e:
            raise RuntimeError(f"model 'tv_{name}' needs torchvision "
                               "(apt-get install python3-torchvision)") from e
        return getattr(tvm, name)(weights=None)
    return make


# torchvision's own models (random weights; only when python3-torchvision is
# installed): CNNs beyond the hand-written ones, to check that Blade compiles
# and runs what users bring (squeeze-and-excitation, SiLU/Hardswish, concats,
# channel shuffles, grouped convs, LayerNorm in CNNs). Not in the default set.
TORCHVISION_MODELS = ["efficientnet_b0", "mobilenet_v3_small", "mobilenet_v3_large",
                      "shufflenet_v2_x1_0", "squeezenet1_1", "googlenet", "densenet121",
                      "regnet_y_400mf", "mnasnet1_0", "resnext50_32x4d", "convnext_tiny"]
for _name in TORCHVISION_MODELS:
    SPECS.append(Spec(f"tv_{_name}", "cnn", _torchvision(_name),
                      (Input("image", ("batch", 3, 224, 224)),), ("logits",),
                      note=f"torchvision {_name} (random weights), 224x224"))

MODELS: Dict[str, Spec] = {s.name: s for s in SPECS}
BENCH_MODELS = ["resnet50", "resnet18", "mobilenet_v2", "shufflenet_v2", "bert4", "deepfm", "lstm", "gru", "mlp"]
TEST_MODELS = ["cnn_small", "resnet_tiny", "mobilenet_tiny", "shufflenet_tiny", "bert_tiny", "deepfm_tiny",
               "lstm_tiny", "gru_tiny", "mlp_small"]


def get_spec(name: str) -> Spec:
    if name not in MODELS:
        raise KeyError(f"unknown model '{name}' (known: {', '.join(MODELS)})")
    return MODELS[name]


def build(spec: Spec) -> nn.Module:
    """The seeded module (same weights every time)."""
    torch.manual_seed(SEED)
    module = spec.build()
    _randomize_bn(module)
    return module.eval()


def concrete_shape(inp: Input, batch: int, dims: Dict[str, int]) -> Tuple[int, ...]:
    return tuple(batch if d == "batch" else dims[d] if isinstance(d, str) else d
                 for d in inp.shape)


def make_inputs(spec: Spec, batch: int, seed: int, dims: Dict[str, int] = None) -> Dict:
    """{input name: seeded array} of the given batch size, each in its valid range."""
    dims = {**spec.dims, **(dims or {})}
    rng = np.random.default_rng(seed)
    out = {}
    for inp in spec.inputs:
        shape = concrete_shape(inp, batch, dims)
        if inp.mask:
            lengths = rng.integers((shape[1] + 1) // 2, shape[1] + 1, size=shape[0])
            out[inp.name] = (np.arange(shape[1])[None, :] < lengths[:, None]).astype(np.int64)
        elif inp.dtype == "int64":
            out[inp.name] = rng.integers(0, inp.high, size=shape, dtype=np.int64)
        else:
            out[inp.name] = rng.standard_normal(shape).astype(np.float32)
    return out


def reference(module: nn.Module, spec: Spec, inputs: Dict) -> Dict:
    """torch's own outputs {output name: array}."""
    with torch.no_grad():
        result = module(*(torch.from_numpy(inputs[i.name]) for i in spec.inputs))
    result = result if isinstance(result, tuple) else (result,)
    return {name: r.numpy() for name, r in zip(spec.outputs, result)}


def export(spec: Spec, path: str, opset: int = DEFAULT_OPSET, module: nn.Module = None,
           static_dims: bool = False) -> onnx.ModelProto:
    """Export with dynamic dims (or all static for batch 2 with static_dims), check, write."""
    module = module if module is not None else build(spec)
    sample = make_inputs(spec, 2, SEED)
    dyn = {} if static_dims else {
        **{i.name: {k: d for k, d in enumerate(i.shape) if isinstance(d, str)}
           for i in spec.inputs},
        # Outputs: batch first; the RNN sequence and the encoder's hidden states keep 'seq'.
        **{o: {0: "batch"} for o in spec.outputs}}
    if not static_dims and spec.family == "bert":
        dyn["last_hidden_state"] = {0: "batch", 1: "seq"}
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's UserWarnings are noise here
        torch.onnx.export(
            module, tuple(torch.from_numpy(sample[i.name]) for i in spec.inputs), buf,
            opset_version=opset, do_constant_folding=True,
            input_names=[i.name for i in spec.inputs], output_names=list(spec.outputs),
            dynamic_axes=dyn)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return proto


def op_histogram(proto: onnx.ModelProto) -> Dict[str, int]:
    hist: Dict[str, int] = {}
    for n in proto.graph.node:
        hist[n.op_type] = hist.get(n.op_type, 0) + 1
    return dict(sorted(hist.items()))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Export benchmark/test models to ONNX.")
    p.add_argument("names", nargs="*", help="models (default: all)")
    p.add_argument("--list", action="store_true", help="list the models and exit")
    p.add_argument("--out", default=None, help="directory for NAME.onnx (default: a temp dir)")
    p.add_argument("--opset", type=int, default=DEFAULT_OPSET)
    args = p.parse_args(argv)
    if args.list:
        for s in SPECS:
            print(f"{s.name:15} {s.family:7} {s.note}")
        return 0
    torch.set_num_threads(1)
    import tempfile
    out = args.out or tempfile.mkdtemp(prefix="blade-models-")
    os.makedirs(out, exist_ok=True)
    for name in args.names or [n for n in MODELS if not n.startswith("tv_")]:
        spec = get_spec(name)
        proto = export(spec, os.path.join(out, f"{name}.onnx"), args.opset)
        params = sum(int(np.prod(t.dims)) for t in proto.graph.initializer)
        print(f"{name}: {params / 1e6:.2f}M params; ops {op_histogram(proto)}")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
