"""Writes the models and inputs of the model-file tests into a directory:

    ext/model.onnx      Y = X @ W, W (float32 [4, 3]) in ext/weights.bin at
                        offset 16 (external data)
    ext-missing.onnx    W's external file does not exist
    ext-escape.onnx     W's location leaves the model's directory
    ext-length.onnx     W's external length does not match its shape
    huge.onnx           a 600M-element float initializer kept externally
                        (2.4 GB declared, the file is never read)
    big.onnx            a sparse 2.2 GB file (over protobuf's limit)
    function.onnx       Y = Scale2(X) + X with the model-local function
                        custom.Scale2(x) = x * 2
    cast-bf16.onnx      F = Cast<float>(H: bf16), G = Cast<bf16>(F32: float)
    x.npy / x.pb        X float32 [2, 4] as .npy and as an ONNX TensorProto
    h-bits.npy          H as uint16 bf16 bit patterns
    h-f32.npy           H as float32 values (exactly representable in bf16)
    f32.npy             F32 float32 [3] (1, 1 + 2^-8, 1 + 3 * 2^-8)
    w.npy               W, for checking

    model-files.py DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

d = sys.argv[1]
os.makedirs(os.path.join(d, "ext"), exist_ok=True)

x = np.arange(8, dtype=np.float32).reshape(2, 4) / 4
w = (np.arange(12, dtype=np.float32).reshape(4, 3) - 5) / 2
np.save(os.path.join(d, "x.npy"), x)
np.save(os.path.join(d, "w.npy"), w)
with open(os.path.join(d, "x.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x).SerializeToString())


def matmul_model(w_tensor):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["Y"], name="mm")], "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 3])],
        [w_tensor])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def external(location, offset=None, length=None, dims=(4, 3)):
    t = TensorProto()
    t.name = "W"
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        if value is not None:
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
    return t


with open(os.path.join(d, "ext", "weights.bin"), "wb") as f:
    f.write(b"\xff" * 16 + w.tobytes())
onnx.save(matmul_model(external("weights.bin", 16, w.nbytes)),
          os.path.join(d, "ext", "model.onnx"))
onnx.save(matmul_model(external("nothing-here.bin")), os.path.join(d, "ext-missing.onnx"))
onnx.save(matmul_model(external("../weights.bin")), os.path.join(d, "ext-escape.onnx"))
onnx.save(matmul_model(external("ext/weights.bin", 16, 40)), os.path.join(d, "ext-length.onnx"))
onnx.save(matmul_model(external("huge.bin", dims=(4, 150000000))),
          os.path.join(d, "huge.onnx"))
with open(os.path.join(d, "big.onnx"), "wb") as f:
    f.truncate(2200 * 1024 * 1024)

scale2 = helper.make_function(
    "custom", "Scale2", ["x"], ["y"],
    [helper.make_node("Constant", [], ["two"], value=numpy_helper.from_array(np.float32(2))),
     helper.make_node("Mul", ["x", "two"], ["y"])],
    [helper.make_opsetid("", 13)])
graph = helper.make_graph(
    [helper.make_node("Scale2", ["X"], ["S"], domain="custom", name="scale"),
     helper.make_node("Add", ["S", "X"], ["Y"], name="add")], "g",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 4])])
model = helper.make_model(graph, functions=[scale2],
                          opset_imports=[helper.make_opsetid("", 13),
                                         helper.make_opsetid("custom", 1)])
onnx.save(model, os.path.join(d, "function.onnx"))

graph = helper.make_graph(
    [helper.make_node("Cast", ["H"], ["F"], to=TensorProto.FLOAT, name="widen"),
     helper.make_node("Cast", ["F32"], ["G"], to=TensorProto.BFLOAT16, name="narrow")], "g",
    [helper.make_tensor_value_info("H", TensorProto.BFLOAT16, [2]),
     helper.make_tensor_value_info("F32", TensorProto.FLOAT, [3])],
    [helper.make_tensor_value_info("F", TensorProto.FLOAT, [2]),
     helper.make_tensor_value_info("G", TensorProto.BFLOAT16, [3])])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
          os.path.join(d, "cast-bf16.onnx"))
np.save(os.path.join(d, "h-bits.npy"), np.array([0x3F80, 0xC020], np.uint16))
np.save(os.path.join(d, "h-f32.npy"), np.array([1.0, -2.5], np.float32))
np.save(os.path.join(d, "f32.npy"),
        np.array([1.0, 1.0 + 2.0**-8, 1.0 + 3 * 2.0**-8], np.float32))
