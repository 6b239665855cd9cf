"""Checks the first output values printed by the C API example against a
numpy evaluation of the model (Gemm and Relu nodes only) on the example's
inputs (dynamic dims = batch, elements 0.01 * (i % 100)).

    c-api-example.test.py MODEL.onnx EXAMPLE_OUTPUT
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
lines = open(sys.argv[2]).read().splitlines()
batch = 3
g = model.graph
inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
inp = [i for i in g.input if i.name not in inits][0]
shape = [d.dim_value if d.HasField("dim_value") else batch for d in inp.type.tensor_type.shape.dim]
n = int(np.prod(shape))
values = {inp.name: (0.01 * (np.arange(n) % 100)).astype(np.float32).reshape(shape)}
values.update(inits)
for node in g.node:
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    if node.op_type == "Gemm":
        a, b = values[node.input[0]], values[node.input[1]]
        if attrs.get("transA", 0):
            a = a.T
        if attrs.get("transB", 0):
            b = b.T
        y = attrs.get("alpha", 1.0) * (a @ b)
        if len(node.input) > 2:
            y = y + attrs.get("beta", 1.0) * values[node.input[2]]
    elif node.op_type == "Relu":
        y = np.maximum(values[node.input[0]], 0)
    else:
        sys.exit(f"unexpected op {node.op_type}")
    values[node.output[0]] = y
want = values[g.output[0].name].ravel()[:4]
line = [l for l in lines if l.startswith(g.output[0].name + ": [")][0]
got = np.array([float(v) for v in line.split("]")[1].split()])
np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
print("ok", got, want)
