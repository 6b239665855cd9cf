# Configuration of the Blade lit test suite.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "BLADE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt",
                   "e2e", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.blade_obj_root, "test")

config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"
config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python3))
config.substitutions.append(("%blade_src", config.blade_src_root))
# The directory first: "%blade_runtime_lib" would otherwise match its prefix.
config.substitutions.append(("%blade_runtime_dir", os.path.join(
    config.blade_obj_root, "runtime")))
config.substitutions.append(("%blade_runtime_lib", os.path.join(
    config.blade_obj_root, "runtime", "libblade_runtime.so")))
config.substitutions.append(("%ort_peer", config.ort_peer))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["blade-opt", "blade-compile", "blade-run", "blade-c-example",
     "blade-c-library-example"],
    [config.blade_tools_dir])
