#!/usr/bin/env bash
# Speed and memory figures (not tests): wall time and peak RSS of each job,
# measured with GNU time. Run from the repository root after
# `cargo build --release`. Quote medians of three runs.
set -euo pipefail
bin=./target/release/rdmatch
big=${BIG:-/tmp/rdmatch-big}
t() { /usr/bin/time -f "%e s wall, %M KB peak RSS" "$@"; }

echo "== generate: 100,000 researchers, 20,000 proposals, 2,000 advisers"
t $bin generate --quiet --out /tmp/rdmatch-gen20k --researchers 100000 --proposals 20000 --advisers 2000

echo "== every stage on 100,000 researchers, 10,000 proposals, 10,000 advisers (~500,000 papers)"
t $bin bench --researchers 100000 --proposals 10000 --advisers 10000 --areas 30 --keep "$big"

echo "== score --top 50 end to end on the same set"
t $bin score --quiet --data "$big" --top 50 --out /tmp/rdmatch-scores50.csv

echo "== rdmatch run on the same set"
t $bin run --quiet --data "$big" --out /tmp/rdmatch-bigrun

echo "== rdmatch run on data/sample"
t $bin run --quiet --out /tmp/rdmatch-samplerun

echo "== assignment solver alone (random instances: 10k x 10k sparse, 2k x 2k dense, tight)"
cargo test --release --lib assign::bench -- --ignored --nocapture
