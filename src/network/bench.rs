//! Benchmarks (ignored by default), run by `benches/betweenness_vs_igraph.sh`:
//! exact betweenness on a SNAP co-authorship network, timed around the
//! computation only (loading excluded, as for igraph in the script).
//! `SNAP_FILE` picks the file (default ca-HepTh), `BETWEENNESS_OUT`, if
//! set, receives `id value` lines so the script can compare the values
//! with igraph's.

use std::time::Instant;

use super::betweenness;
use super::csr::{from_edges, Csr};

#[test]
#[ignore]
fn bench_exact_betweenness_snap() {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/real-data/snap/CA-HepTh.txt"
    );
    let path = std::env::var("SNAP_FILE").unwrap_or_else(|_| default.to_string());
    let text = std::fs::read_to_string(&path).expect("SNAP file readable");
    let mut lines = text.lines();
    let count: usize = lines
        .next()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|x| x.parse().ok())
        .expect("SNAP header `lines nodes`");
    let mut ids: Vec<u64> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut edges = Vec::new();
    for l in lines.take(count) {
        let mut it = l
            .split_whitespace()
            .map(|x| x.parse::<u64>().expect("integer id"));
        let (a, b) = (it.next().expect("a"), it.next().expect("b"));
        if a == b {
            continue;
        }
        let mut ix = |x: u64| {
            *index.entry(x).or_insert_with(|| {
                ids.push(x);
                ids.len() - 1
            })
        };
        let (ia, ib) = (ix(a), ix(b));
        edges.push((ia, ib));
    }
    let (offsets, adj) = from_edges(ids.len(), &edges);
    let g = Csr {
        offsets: &offsets,
        adj: &adj,
    };
    let t = Instant::now();
    let b = betweenness::betweenness(g, usize::MAX, 0, 0);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "rdmatch exact betweenness: {} nodes, {} edges, {secs:.3} s ({} threads)",
        g.node_count(),
        g.edge_count(),
        rayon::current_num_threads()
    );
    if let Ok(out) = std::env::var("BETWEENNESS_OUT") {
        let mut s = String::new();
        for (i, v) in b.values.iter().enumerate() {
            s.push_str(&format!("{} {v:.12}\n", ids[i]));
        }
        std::fs::write(out, s).expect("BETWEENNESS_OUT writable");
    }
}
