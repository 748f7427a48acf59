#!/bin/sh
# rdmatch score --top 50 against the scikit-learn script a user would write
# (benches/sklearn_score.py), on the same files, in the same run: wall time and
# peak memory from GNU time, three runs each, alternating. Needs
# `pip install scikit-learn`. Usage: benches/score_vs_sklearn.sh DATA [RDMATCH]
# (DATA: e.g. a set from `rdmatch generate --researchers 100000 --proposals
# 10000 --advisers 10000 --areas 30`, 500,000 publications).
set -eu
data=${1:?usage: $0 DATA [RDMATCH]}
bin=${2:-target/release/rdmatch}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2 3; do
  /usr/bin/time -f "rdmatch  run $i: %e s wall, %M KiB peak" \
    "$bin" score --data "$data" --top 50 --out "$out/rd.csv" --force -q
  /usr/bin/time -f "sklearn  run $i: %e s wall, %M KiB peak" \
    python3 "$here/sklearn_score.py" "$data" "$out/sk.csv"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
