//! Benchmarks (ignored by default): random instances at the sizes the
//! program meets. Run one with
//! `cargo test --release -- --ignored --nocapture bench_sparse_10k`.

use std::time::Instant;

use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// `np` proposals, `na` advisers, `c` random candidates each (scores given to
/// 6 decimals), demand `k`, max load `max`.
fn instance(np: usize, na: usize, c: usize, k: u32, max: u32, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = ProblemBuilder::new(
        (0..np).map(|i| format!("P{i:05}")).collect(),
        (0..na).map(|i| format!("R{i:05}")).collect(),
        k,
        0,
        max,
        0,
    );
    for pp in 0..np {
        let advs = if c >= na {
            (0..na).collect::<Vec<_>>()
        } else {
            sample(&mut rng, na, c).into_vec()
        };
        for a in advs {
            let s = (rng.random_range(0..=1_000_000) as f64) / 1e6;
            b.add_score(pp, a, s);
        }
    }
    b.build()
}

fn run(name: &str, p: &Problem) {
    for obj in [Objective::Total, Objective::Fair] {
        let t0 = Instant::now();
        let s = solve(p, obj).expect("benchmark instance is feasible");
        let dt = t0.elapsed();
        verify(p, &s).expect("solution verifies");
        println!(
            "{name} {obj:?}: {:.3} s, total {:.6}, weakest {:.6}, nodes {}, arcs {}, searches {}, threshold {:?}, min sum {:?}, bound {:?}",
            dt.as_secs_f64(),
            s.total,
            s.weakest,
            s.stats.nodes,
            s.stats.arcs,
            s.stats.searches,
            s.stats.fair_threshold,
            s.stats.fair_min_sum,
            s.stats.fair_bound
        );
    }
}

#[test]
#[ignore]
fn bench_sparse_10k() {
    let t0 = Instant::now();
    let p = instance(10_000, 10_000, 50, 3, 6, 1);
    println!("generate: {:.3} s", t0.elapsed().as_secs_f64());
    run("10k x 10k, 50 cand, K=3, max 6", &p);
}

#[test]
#[ignore]
fn bench_dense_2k() {
    let t0 = Instant::now();
    let p = instance(2_000, 2_000, 2_000, 3, 6, 2);
    println!("generate: {:.3} s", t0.elapsed().as_secs_f64());
    run("2k x 2k dense, K=3, max 6", &p);
}

/// Tight capacity (Σ max load = Σ K): the hard case for shortest paths.
#[test]
#[ignore]
fn bench_tight_10k() {
    let p = instance(10_000, 10_000, 50, 3, 3, 3);
    run("10k x 10k, 50 cand, K=3, max 3 (tight)", &p);
}
