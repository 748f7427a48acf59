//! Benchmarks (ignored by default), run by `benches/betweenness_vs_igraph.sh`:
//! exact betweenness on a SNAP co-authorship network, timed around the
//! computation only (loading excluded, as for igraph in the script).
//! `SNAP_FILE` picks the file (default ca-HepTh), `BETWEENNESS_OUT`, if
//! set, receives `id value` lines so the script can compare the values
//! with igraph's.

use std::time::Instant;

use super::csr::{from_edges, Csr};
use super::{betweenness, leiden};

/// The SNAP file named by `SNAP_FILE` (default ca-HepTh) as a graph, and
/// the SNAP ID of every node.
fn load_snap() -> (Vec<u64>, Vec<usize>, Vec<u32>) {
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
    (ids, offsets, adj)
}

#[test]
#[ignore]
fn bench_exact_betweenness_snap() {
    let (ids, offsets, adj) = load_snap();
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

/// Sampled betweenness with the defaults (ε = 0.002, δ = 0.1, seed 42)
/// and each of four Leiden runs on their own, on `SNAP_FILE`: the two
/// kernels of the network stage, timed apart.
#[test]
#[ignore]
fn bench_sampled_betweenness_and_leiden_snap() {
    let (_, offsets, adj) = load_snap();
    let g = Csr {
        offsets: &offsets,
        adj: &adj,
    };
    let t = Instant::now();
    let b = betweenness::betweenness_adaptive(g, 0, 2_000_000, 0.002, 0.1, 42);
    let secs = t.elapsed().as_secs_f64();
    let top = b.values.iter().copied().fold(0.0, f64::max);
    println!(
        "sampled betweenness: {} nodes, {} edges, {} paths, ε = {:.5}, top {top:.5}, {secs:.3} s ({} threads)",
        g.node_count(),
        g.edge_count(),
        b.samples,
        b.epsilon.unwrap_or(0.0),
        rayon::current_num_threads()
    );
    let mut best = f64::MIN;
    for stream in 0..4 {
        let t = Instant::now();
        let (m, q) = leiden::leiden(g, 1.0, 42, stream);
        let secs = t.elapsed().as_secs_f64();
        best = best.max(q);
        let c = m.iter().max().map_or(0, |x| x + 1);
        println!(
            "leiden stream {stream}: Q = {q:.6}, {c} communities, best so far {best:.6}, {secs:.3} s"
        );
    }
}
