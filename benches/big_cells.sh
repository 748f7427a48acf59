#!/usr/bin/env bash
# Pathological cells (not a test): a proposal whose abstract is a 10 MB cell
# and whose keywords cell holds a million entries, on top of data/sample.
# Prints wall time and peak RSS of `validate` and `run` (GNU time).
# Usage: benches/big_cells.sh [path/to/rdmatch]   (from the repository root)
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/rdmatch}
work=$(mktemp -d /tmp/rdmatch-bigcells.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r data/sample "$work/data"
python3 - "$work/data/proposals.csv" <<'PY'
import csv, sys
path = sys.argv[1]
rows = list(csv.reader(open(path, newline='', encoding='utf-8')))
h = rows[0]
row = rows[1]
words = "immune tumour organoid stem cell antibody neuron therapy response model".split()
text = []
size = 0
i = 0
while size < 10_000_000:
    w = words[i % len(words)] + str(i % 5000)
    text.append(w)
    size += len(w) + 1
    i += 1
row[h.index('abstract')] = " ".join(text)
row[h.index('keywords')] = ";".join(f"keyword {k}" for k in range(1_000_000))
with open(path, 'w', newline='', encoding='utf-8') as f:
    csv.writer(f, lineterminator='\n').writerows(rows)
PY
ls -l "$work/data/proposals.csv"
t() { /usr/bin/time -f "%e s wall, %M KB peak RSS" "$@"; }
echo "== validate (10 MB abstract, 1,000,000 keywords in one cell)"
t "$bin" validate --data "$work/data" --max-problems 5 >/dev/null
echo "== run"
t "$bin" run --quiet --data "$work/data" --out "$work/out"
