"""Writes a binary ONNX model whose nodes are named, which the ONNX 1.12 text
syntax cannot express: a chain of one-input ops from X (float[batch, 4]) to Y.

    chain.py OUT.onnx OPSET NAME:OP [NAME:OP ...]
"""
import sys

import onnx
from onnx import TensorProto, helper

out, opset, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
nodes = []
for i, spec in enumerate(specs):
    name, op = spec.rsplit(":", 1)
    src = "X" if i == 0 else f"t{i}"
    dst = "Y" if i == len(specs) - 1 else f"t{i + 1}"
    nodes.append(helper.make_node(op, [src], [dst], name=name))
graph = helper.make_graph(
    nodes, "chain",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 4])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 4])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
onnx.save(model, out)
