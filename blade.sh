#!/usr/bin/env bash
# Blade's one entry point for set-up, build, demo and tests on Debian 12.
#
#   ./blade.sh demo    install dependencies, build, run the bundled example model
#   ./blade.sh test    install dependencies, build, run every test (ctest)
#   ./blade.sh bench   install dependencies (and matplotlib), build, run the
#                      benchmark suite against ONNX Runtime (bench/run.py;
#                      arguments after `bench --` go to it)
#   ./blade.sh deps    only install the apt dependencies (needs root)
#   ./blade.sh build   only configure and build into ./build
#
# Options: --build-dir DIR (default ./build), --jobs N (default: nproc).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR="$ROOT/build"
JOBS=$(nproc)

APT_PACKAGES=(
  cmake ninja-build ccache git
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  libgtest-dev libdnnl-dev libfmt-dev
  python3-numpy python3-onnx python3-torch
)
# Only the benchmark needs these: the report's plot, torchvision's models.
BENCH_PACKAGES=(python3-matplotlib python3-torchvision)
EXTRA_PACKAGES=()
BENCH_ARGS=()

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

deps() {
  local missing=()
  for p in "${APT_PACKAGES[@]}" "${EXTRA_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "== dependencies already installed"
  else
    echo "== installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v node >/dev/null || echo "note: node is not installed; end-to-end tests will skip the ONNX Runtime comparison"
}

build() {
  echo "== configuring and building in $BUILD_DIR"
  cmake -G Ninja -S "$ROOT" -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
  ninja -C "$BUILD_DIR" -j "$JOBS"
}

demo() {
  local out="$BUILD_DIR/demo-out"
  echo "== blade-run on examples/models/mlp.onnx (a 3-layer MLP exported from PyTorch, dynamic batch)"
  "$BUILD_DIR/bin/blade-run" "$ROOT/examples/models/mlp.onnx" \
    --input input="$ROOT/examples/models/mlp_input.npy" --output-dir "$out"
  /usr/bin/python3 - "$out/output.npy" "$ROOT/examples/models/mlp_expected.npy" <<'PY'
import sys
import numpy as np
got, want = np.load(sys.argv[1]), np.load(sys.argv[2])
print("output:\n", np.array2string(got, precision=4))
err = float(np.abs(got - want).max())
ok = got.shape == want.shape and np.allclose(got, want, rtol=1e-4, atol=1e-5)
print(f"max abs difference from PyTorch: {err:.3g} -> {'OK' if ok else 'MISMATCH'}")
sys.exit(0 if ok else 1)
PY
}

# The runtime alone (no LLVM/MLIR) under AddressSanitizer and UBSan.
runtime_asan() {
  local dir="$BUILD_DIR-runtime-asan"
  echo "== runtime tests under ASan/UBSan in $dir"
  cmake -G Ninja -S "$ROOT" -B "$dir" -DBLADE_RUNTIME_ONLY=ON \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" >/dev/null
  ninja -C "$dir" -j "$JOBS" >/dev/null
  ctest --test-dir "$dir" -j "$JOBS" --output-on-failure | tail -n 3
}

run_tests() {
  runtime_asan
  echo "== ctest (lit, gtest, end-to-end)"
  ctest --test-dir "$BUILD_DIR" -j "$JOBS" --output-on-failure
}

cmd=${1:-}
[ -n "$cmd" ] || usage
shift
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; BENCH_ARGS=("$@"); break ;;
    --build-dir) BUILD_DIR=$(realpath -m "$2"); shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    *) echo "error: unknown option '$1'" >&2; usage ;;
  esac
done

case "$cmd" in
  deps) deps ;;
  build) deps; build ;;
  demo) deps; build; demo ;;
  test) deps; build; run_tests ;;
  bench)
    EXTRA_PACKAGES=("${BENCH_PACKAGES[@]}")
    deps; build
    /usr/bin/python3 "$ROOT/bench/run.py" --build "$BUILD_DIR" "${BENCH_ARGS[@]}" ;;
  *) echo "error: unknown command '$cmd'" >&2; usage ;;
esac
