#!/usr/bin/env bash
# End-to-end test of one model: Blade vs torch (and vs ONNX Runtime when available).
#
#   test/e2e/run_model_e2e.sh BLADE_RUN MODEL_NAME WORKDIR [ORT_PEER]
#
# 1. gen_case.py writes WORKDIR/model.onnx and, per batch B in 1 8, seeded inputs
#    WORKDIR/bB/in_*.npy and torch's outputs WORKDIR/bB/ref_*.npy.
# 2. blade-run writes WORKDIR/bB/blade/<output>.npy, compared with the torch reference.
# 2b. When blade-compile sits next to blade-run, the model is also compiled ahead of time
#    (WORKDIR/libmodel.so) and blade-run on the library writes WORKDIR/bB/aot/, compared
#    with torch (and ORT) the same way.
# 3. With ORT_PEER (e.g. ../shared/peer/ort-peer): ONNX Runtime runs on the same inputs into
#    WORKDIR/bB/ort/ and Blade is compared with it too.  If ort-peer cannot be set up
#    (no node/npm, no registry) this prints "SKIP ORT comparison: <reason>" and the
#    verdict rests on the torch comparison alone.
# All comparisons: rtol 1e-4, atol 1e-5.  Prints "PASS: ..." last and exits 0, or
# "FAIL: ..." and exits 1 (2 on usage errors).
# Environment: PYTHON (default /usr/bin/python3), E2E_OPSET (export opset, 13 or 11; default 13).
set -euo pipefail

PY=${PYTHON:-/usr/bin/python3}
OPSET=${E2E_OPSET:-13}
HERE=$(cd "$(dirname "$0")" && pwd)
BATCHES=(1 8)
RTOL=1e-4
ATOL=1e-5

usage() { echo "usage: $0 BLADE_RUN MODEL_NAME WORKDIR [ORT_PEER]" >&2; exit 2; }
if [ $# -lt 3 ] || [ $# -gt 4 ]; then usage; fi
blade_run=$1 model=$2 workdir=$3 ort_peer=${4:-}
command -v "$blade_run" >/dev/null || { echo "error: blade-run not found or not executable: $blade_run" >&2; exit 2; }

failures=()
fail() { echo "FAIL step: $*" >&2; failures+=("$*"); }
# The most telling line of a failed command's output (npm prints many).
first_error() {
  printf '%s\n' "$1" | grep -m1 -E 'Error:|ERROR' || printf '%s\n' "$1" | grep -m1 -i 'error' \
    || printf '%s\n' "$1" | tail -n 1
}
compare() { "$PY" "$HERE/compare.py" --rtol "$RTOL" --atol "$ATOL" "$@"; }

echo "== $model: generating case (opset $OPSET) in $workdir"
batch_args=()
for b in "${BATCHES[@]}"; do batch_args+=(--batch "$b"); done
"$PY" "$HERE/gen_case.py" "$model" "$workdir" --opset "$OPSET" "${batch_args[@]}" \
  || { echo "FAIL: $model: gen_case.py failed (status $?)"; exit 1; }

# Graph input names (may need sanitizing) and their file-name stems.
mapfile -t input_lines < "$workdir/inputs.tsv"

# The AOT path: one library for all batches (the batch dim is dynamic).
blade_compile=$(dirname "$blade_run")/blade-compile
use_aot=0
if [ -x "$blade_compile" ]; then
  echo "== $model: blade-compile -o libmodel.so"
  if "$blade_compile" "$workdir/model.onnx" -o "$workdir/libmodel.so"; then
    use_aot=1
  else
    fail "$model: blade-compile -o libmodel.so exited with status $?"
  fi
fi

# Decide once whether ONNX Runtime can be used; setup problems skip, they do not fail.
use_ort=0
if [ -n "$ort_peer" ]; then
  if [ ! -x "$ort_peer" ]; then
    echo "SKIP ORT comparison: $ort_peer is not an executable file"
  elif ! command -v node >/dev/null; then
    echo "SKIP ORT comparison: node is not installed"
  # The first use installs onnxruntime-node; tests running in parallel must
  # not install it twice into the same folder at once.
  elif ! probe=$(flock "${TMPDIR:-/tmp}/blade-ort-peer.lock" "$ort_peer" --help 2>&1); then
    echo "SKIP ORT comparison: ort-peer setup failed: $(first_error "$probe")"
  else
    use_ort=1
  fi
fi

for b in "${BATCHES[@]}"; do
  bdir=$workdir/b$b
  inputs=()
  for line in "${input_lines[@]}"; do
    inputs+=(--input "${line%%$'\t'*}=$bdir/in_${line#*$'\t'}.npy")
  done
  rm -rf "$bdir/blade" "$bdir/ort" "$bdir/aot"
  mkdir -p "$bdir/blade"

  if [ "$use_aot" = 1 ]; then
    echo "== $model b$b: blade-run libmodel.so"
    if "$blade_run" "$workdir/libmodel.so" "${inputs[@]}" --output-dir "$bdir/aot"; then
      compare --actual "$bdir/aot" --expected "$bdir" --prefix-expected ref_ \
        --label "$model b$b: blade AOT vs torch" || fail "$model b$b: blade AOT vs torch"
    else
      fail "$model b$b: blade-run libmodel.so exited with status $?"
    fi
  fi

  echo "== $model b$b: blade-run"
  if "$blade_run" "$workdir/model.onnx" "${inputs[@]}" --output-dir "$bdir/blade"; then
    compare --actual "$bdir/blade" --expected "$bdir" --prefix-expected ref_ \
      --label "$model b$b: blade vs torch" || fail "$model b$b: blade vs torch"
  else
    fail "$model b$b: blade-run exited with status $?"
    continue
  fi

  [ "$use_ort" = 1 ] || continue
  echo "== $model b$b: ort-peer"
  if "$ort_peer" "$workdir/model.onnx" "${inputs[@]}" --threads 1 --iters 1 --warmup 0 \
       --dump "$bdir/ort" --quiet; then
    compare --actual "$bdir/ort" --prefix-actual in_ --expected "$bdir" --prefix-expected in_ \
      --rtol 0 --atol 0 --label "$model b$b: ORT inputs are ours" || fail "$model b$b: ORT inputs differ"
    compare --actual "$bdir/blade" --expected "$bdir/ort" --prefix-expected out_ \
      --label "$model b$b: blade vs ORT" || fail "$model b$b: blade vs ORT"
    if [ "$use_aot" = 1 ] && [ -d "$bdir/aot" ]; then
      compare --actual "$bdir/aot" --expected "$bdir/ort" --prefix-expected out_ \
        --label "$model b$b: blade AOT vs ORT" || fail "$model b$b: blade AOT vs ORT"
    fi
  else
    fail "$model b$b: ort-peer exited with status $?"
  fi
done

what="blade vs torch"
[ "$use_aot" = 1 ] && what="blade JIT and AOT vs torch"
[ "$use_ort" = 1 ] && what="$what and vs ORT"
if [ ${#failures[@]} -gt 0 ]; then
  summary=$(printf '%s; ' "${failures[@]}")
  echo "FAIL: $model ($what, batches ${BATCHES[*]}): ${#failures[@]} failure(s): ${summary%; }"
  exit 1
fi
echo "PASS: $model ($what, batches ${BATCHES[*]}, rtol $RTOL atol $ATOL)"
