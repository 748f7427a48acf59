#!/usr/bin/env bash
# Randomised assignment (not a test): time (GNU time, median of 3) and the
# figures of solver.json `randomized` for `assign --randomize` at two caps,
# next to the deterministic solve, on data/sample and on a dense scores file.
# Usage: benches/randomize.sh DENSE_SCORES_CSV [path/to/rdmatch]
#   (from the repository root; the dense file as in docs/benchmarks.md,
#   "Assignment: dense assign --scores against OR-Tools")
set -euo pipefail
dense=$1
bin=${2:-${CARGO_TARGET_DIR:-target}/release/rdmatch}
work=$(mktemp -d /tmp/rdmatch-randomize.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure() { # label, solver.json path, command...
  local label=$1 json=$2; shift 2
  local walls=() rss=()
  for i in 1 2 3; do
    /usr/bin/time -v "$@" >/dev/null 2>"$work/time"
    walls+=("$(grep 'Elapsed (wall' "$work/time" | awk '{print $NF}')")
    rss+=("$(grep 'Maximum resident' "$work/time" | awk '{print $NF}')")
  done
  local med
  med=$(printf '%s\n' "${walls[@]}" | sort | sed -n 2p)
  printf '%s | wall %s (%s) | peak RSS %s MB | ' "$label" "$med" "${walls[*]}" \
    "$(( $(printf '%s\n' "${rss[@]}" | sort -n | tail -1) / 1024 ))"
  python3 - "$json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
r = j.get("randomized")
if r is None:
    print(f"total {j['total_score']:.3f}")
else:
    print(f"expected {r['expected_score']:.3f} / optimum {r['deterministic_optimum']:.3f} = "
          f"{100*r['ratio']:.2f} %, largest p {r['largest_probability']:.3f}, draw {r['sampled_score']:.3f}, "
          f"fractional pairs {r['fractional_pairs']}")
PY
}
measure "sample deterministic" "$work/s0/solver.json" \
  "$bin" assign --quiet --data data/sample --out "$work/s0" --force
for q in 0.5 0.8; do
  measure "sample Q=$q" "$work/s$q/solver.json" \
    "$bin" assign --quiet --data data/sample --randomize --max-probability "$q" --seed 7 --out "$work/s$q" --force
done
measure "dense deterministic" "$work/d0/solver.json" \
  "$bin" assign --quiet --scores "$dense" --reviewers-per-proposal 3 --max-load 6 --out "$work/d0/assignment.csv" --force
for q in 0.5 0.8; do
  measure "dense Q=$q" "$work/d$q/solver.json" \
    "$bin" assign --quiet --scores "$dense" --reviewers-per-proposal 3 --max-load 6 \
      --randomize --max-probability "$q" --seed 7 --out "$work/d$q/assignment.csv" --force
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
