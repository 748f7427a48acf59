#!/usr/bin/env bash
# Exact betweenness on ca-HepTh: rdmatch against python-igraph, alternating
# three runs each in one session, timed around the computation only (both
# load the same 25,973 distinct edges first). Prints each run and the
# medians, and checks that the two agree on every node.
#   pip install igraph        # python-igraph from PyPI
#   benches/betweenness_vs_igraph.sh [SNAP_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
snap=${1:-../shared/real-data/snap/CA-HepTh.txt}
export SNAP_FILE=$(realpath "$snap")
out=$(mktemp -d)
cargo=${CARGO:-cargo}
# Build once (outside the timed runs).
$cargo test --release --lib --no-run -q >/dev/null 2>&1 || $cargo test --release --lib --no-run
cat > "$out/ig.py" <<'PY'
import sys, time, igraph
path, dump = sys.argv[1], sys.argv[2]
with open(path) as f:
    lines = int(f.readline().split()[0])
    es = set()
    for _ in range(lines):
        a, b = map(int, f.readline().split()[:2])
        if a != b:
            es.add((min(a, b), max(a, b)))
ids = sorted({x for e in es for x in e})
ix = {v: i for i, v in enumerate(ids)}
g = igraph.Graph(n=len(ids), edges=[(ix[a], ix[b]) for a, b in es])
t = time.perf_counter()
b = g.betweenness(directed=False)
secs = time.perf_counter() - t
n = g.vcount()
scale = 1.0 / ((n - 1) * (n - 2) / 2)  # networkx normalisation for undirected graphs
with open(dump, "w") as f:
    for v, x in zip(ids, b):
        f.write(f"{v} {x * scale:.12f}\n")
print(f"igraph {igraph.__version__} betweenness: {n} nodes, {g.ecount()} edges, {secs:.3f} s")
PY
rs=(); ig=()
for i in 1 2 3; do
  line=$(BETWEENNESS_OUT="$out/rs.txt" $cargo test --release --lib -q network::bench::bench_exact_betweenness_snap -- --ignored --nocapture 2>/dev/null | grep '^rdmatch exact')
  echo "run $i: $line"; rs+=("$(echo "$line" | sed -E 's/.*, ([0-9.]+) s .*/\1/')")
  line=$(python3 "$out/ig.py" "$SNAP_FILE" "$out/ig.txt")
  echo "run $i: $line"; ig+=("$(echo "$line" | sed -E 's/.*, ([0-9.]+) s$/\1/')")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
mr=$(median "${rs[@]}"); mi=$(median "${ig[@]}")
echo "median: rdmatch $mr s, igraph $mi s, ratio $(python3 -c "print(f'{$mr/$mi:.2f}')")"
python3 - "$out/rs.txt" "$out/ig.txt" <<'PY'
import sys
a = dict(l.split() for l in open(sys.argv[1]))
b = dict(l.split() for l in open(sys.argv[2]))
assert a.keys() == b.keys(), "different node sets"
d = max(abs(float(a[k]) - float(b[k])) for k in a)
print(f"max |rdmatch - igraph| over {len(a)} nodes: {d:.2e}")
assert d < 1e-9
PY
