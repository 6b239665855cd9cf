"""Writes a Scan-8 model (opset 8), whose leading empty sequence_lens input
the ONNX 1.12 text syntax cannot express: a running sum over the sequence
dim of S (float[2, 3, 5]) from Init (float[2, 5]), scanned in reverse.

    scan8.py OUT.onnx
"""
import sys

import onnx
from onnx import TensorProto, helper

f = TensorProto.FLOAT
body = helper.make_graph(
    [helper.make_node("Add", ["sum_in", "next"], ["sum_out"]),
     helper.make_node("Identity", ["sum_out"], ["scan_out"])],
    "scan_body",
    [helper.make_tensor_value_info("sum_in", f, [5]),
     helper.make_tensor_value_info("next", f, [5])],
    [helper.make_tensor_value_info("sum_out", f, [5]),
     helper.make_tensor_value_info("scan_out", f, [5])])
node = helper.make_node("Scan", ["", "Init", "S"], ["Final", "Partial"],
                        body=body, num_scan_inputs=1, directions=[1])
graph = helper.make_graph(
    [node], "scan8",
    [helper.make_tensor_value_info("Init", f, [2, 5]),
     helper.make_tensor_value_info("S", f, [2, 3, 5])],
    [helper.make_tensor_value_info("Final", f, [2, 5]),
     helper.make_tensor_value_info("Partial", f, [2, 3, 5])])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 8)]),
          sys.argv[1])
