"""Regenerate Blade's bundled demo model and its test data.

    /usr/bin/python3 examples/models/make_example.py

Writes, next to this file:
    mlp.onnx           the e2e 'mlp' model (Gemm/Relu, opset 13, input 'input' [batch, 64],
                       output 'output' [batch, 10], dynamic 'batch')
    mlp_input.npy      a seeded float32 input, batch 2
    mlp_expected.npy   torch's float32 output for it
Try it with:
    blade-run examples/models/mlp.onnx --input input=examples/models/mlp_input.npy --output-dir /tmp/out
    /usr/bin/python3 -c "import numpy as np; a = np.load('/tmp/out/output.npy'); \\
        e = np.load('examples/models/mlp_expected.npy'); \\
        assert a.shape == e.shape and np.allclose(a, e, rtol=1e-4, atol=1e-5); print('ok')"
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "e2e"))
import models  # noqa: E402

BATCH = 2
SEED = 2024


def main() -> int:
    torch.set_num_threads(1)
    spec = models.get_spec("mlp")
    module = spec.build()
    proto = models.export(spec, os.path.join(HERE, "mlp.onnx"), models.DEFAULT_OPSET, module)
    x = models.random_input(spec, BATCH, SEED)
    y = models.reference(module, x)
    np.save(os.path.join(HERE, "mlp_input.npy"), x)
    np.save(os.path.join(HERE, "mlp_expected.npy"), y)
    print(f"mlp.onnx: {models.describe(proto)}")
    print(f"mlp_input.npy {list(x.shape)} {x.dtype}; mlp_expected.npy {list(y.shape)} {y.dtype}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
