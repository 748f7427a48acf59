#!/bin/sh
# Import scaling: the 4,012 real WoS records of ../shared/real-data, and
# 100,000 records made from them (25 copies; each copy's UT, DOI, PMID
# and title altered so that every record is a new publication while the
# authors stay the same people). Prints wall time and peak memory.
#   benches/import_scale.sh [path/to/rdmatch]
set -eu
BIN=${1:-target/release/rdmatch}
REAL=$(dirname "$0")/../../shared/real-data/wos-public-health
OUT=${TMPDIR:-/var/tmp}/rdmatch-import-scale
rm -rf "$OUT"; mkdir -p "$OUT/big"
for k in $(seq 1 25); do
  for f in "$REAL"/WoS_*.txt; do cat "$f"; echo; done | awk -v k="$k" '
    /^UT / { sub(/WOS:/, "WOS:C" k "-") }
    /^DI / { $0 = $0 ".copy" k }
    /^PM / { $0 = "PM " k "0" substr($0, 4) }
    /^TI / { $0 = $0 " (copy " k ")" }
    { print }' > "$OUT/big/copy$k.txt"
done
echo "records: $(cat "$OUT"/big/*.txt | grep -c '^ER')"
# Three runs of the real set (quote the median); one of the 100,000.
for set in real real real big; do
  for run in 1; do
    rm -rf "$OUT/data-$set"
    if [ "$set" = real ]; then files="$REAL"/WoS_*.txt; else files="$OUT"/big/*.txt; fi
    /usr/bin/time -f "$set run $run: %e s wall, %M KiB peak" "$BIN" import wos $files --data "$OUT/data-$set" --add-unmatched -q
  done
done
uptime
