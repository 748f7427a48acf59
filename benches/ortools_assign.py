"""Reference for docs/benchmarks.md: the same assignment as
`rdmatch assign --scores FILE --reviewers-per-proposal K --max-load L`
(no conflicts, locks or panel rules), solved with OR-Tools' SimpleMinCostFlow.

    python3 benches/ortools_assign.py scores.csv K L

Prints the total score (scores to 6 decimals, as rdmatch rounds them).
"""
import csv
import sys

from ortools.graph.python import min_cost_flow


def main():
    path, k, max_load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    props, advs, rows = {}, {}, []
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for p, a, s in r:
            rows.append((props.setdefault(p, len(props)), advs.setdefault(a, len(advs)), float(s)))
    lo, hi = min(x[2] for x in rows), max(x[2] for x in rows)
    span = (hi - lo) or 1.0
    inside = lo >= 0.0 and hi <= 1.0
    np_, na = len(props), len(advs)
    src, sink = np_ + na, np_ + na + 1
    g = min_cost_flow.SimpleMinCostFlow()
    for p in range(np_):
        g.add_arc_with_capacity_and_unit_cost(src, p, k, 0)
    pair_arcs = []
    for p, a, s in rows:
        sc = s if inside else (s - lo) / span
        pair_arcs.append(g.add_arc_with_capacity_and_unit_cost(p, np_ + a, 1, -round(sc * 1e6)))
    for a in range(na):
        g.add_arc_with_capacity_and_unit_cost(np_ + a, sink, max_load, 0)
    g.set_node_supply(src, np_ * k)
    g.set_node_supply(sink, -np_ * k)
    status = g.solve()
    if status != g.OPTIMAL:
        sys.exit(f"not optimal: {status}")
    print(f"total score {-g.optimal_cost() / 1e6:.6f}")


main()
