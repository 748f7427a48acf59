#!/usr/bin/env bash
# Memory of `rdmatch import scopus` against input size: writes two Scopus CSV
# exports (5,000 and 50,000 rows, the same 50 publications over and over, so
# the output is the same size) and prints wall time and peak RSS of each
# import into an empty folder. Usage: benches/import_stream.sh [RDMATCH] [DIR]
set -euo pipefail
bin="${1:-target/release/rdmatch}"
dir="${2:-$(mktemp -d)}"
python3 - "$dir" <<'PY'
import csv, sys
d = sys.argv[1]
hdr = ["Authors", "Author full names", "Author(s) ID", "Title", "Year", "DOI", "Affiliations",
       "Authors with affiliations", "Abstract", "Author Keywords", "Index Keywords", "EID"]
for n in (5000, 50000):
    with open(f"{d}/s{n}.csv", "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(hdr)
        for i in range(n):
            j = i % 50
            w.writerow(["Tanaka H.; Smith J.",
                        f"Tanaka, Hiroshi (5719{j:05d}); Smith, John (5719{j+1:05d})", "",
                        f"Title number {j}", 2020, f"10.1000/x{j}", "Univ Tokyo, Tokyo, Japan",
                        "Tanaka H., Univ Tokyo, Tokyo, Japan; Smith J., Univ Oxford, Oxford, United Kingdom",
                        "word " * 400, "a; b", "c", f"2-s2.0-{j}"])
PY
for n in 5000 50000; do
  rm -rf "$dir/d$n"; mkdir "$dir/d$n"
  echo "== $n rows, $(stat -c %s "$dir/s$n.csv") bytes"
  /usr/bin/time -v "$bin" import scopus "$dir/s$n.csv" --data "$dir/d$n" --add-unmatched 2>&1 \
    | grep -E "publications (added|merged)|Elapsed|Maximum resident"
done
