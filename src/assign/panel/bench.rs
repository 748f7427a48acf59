//! Panel-rule benchmarks (ignored by default): the dense 2,000 × 2,000
//! instance of `assign::bench` (every pair scored, 6-decimal scores, K = 3,
//! max load 6), cut to each proposal's best 50 candidates, with adviser
//! attributes made deterministically from the adviser index: every fourth
//! adviser female, 8 regions, every third a professor, 4 advisers per
//! institution. Run with
//! `cargo test --release --lib -- --ignored --nocapture bench_panel`.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::assign::{verify, ProblemBuilder};

fn dense(np: usize, na: usize, keep: usize, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = ProblemBuilder::new(
        (0..np).map(|i| format!("P{i:05}")).collect(),
        (0..na).map(|i| format!("R{i:05}")).collect(),
        3,
        0,
        6,
        keep,
    );
    for a in 0..na {
        b.set_adviser_institution(a, (a / 4) as u32, false);
    }
    for pp in 0..np {
        for a in 0..na {
            let s = (rng.random_range(0..=1_000_000) as f64) / 1e6;
            b.add_score(pp, a, s);
        }
    }
    let mut p = b.build();
    let cells = |f: &dyn Fn(usize) -> String| -> Vec<Option<String>> {
        (0..na).map(|a| Some(f(a))).collect()
    };
    p.panel.attributes = vec![
        Attribute::from_cells(
            "gender",
            &cells(&|a| {
                if a.is_multiple_of(4) {
                    "female".into()
                } else {
                    "male".into()
                }
            }),
        ),
        Attribute::from_cells("region", &cells(&|a| format!("region{}", a * 7 % 8))),
        Attribute::from_cells(
            "position",
            &cells(&|a| {
                if a.is_multiple_of(3) {
                    "professor".into()
                } else {
                    "associate".into()
                }
            }),
        ),
    ];
    p
}

fn rule(
    p: &Problem,
    attr: usize,
    value: Option<&str>,
    min: u32,
    max: u32,
    hard: bool,
) -> PanelRule {
    PanelRule {
        attribute: attr,
        value: value.map(|v| p.panel.attributes[attr].value_index(v).unwrap_or(BLANK)),
        min,
        max,
        hard,
        weight: 1,
        label: format!(
            "{} {value:?} min {min} max {max} hard {hard}",
            p.panel.attributes[attr].name
        ),
    }
}

fn report(name: &str, p: &Problem) {
    let t0 = Instant::now();
    let plain = crate::assign::solve(&without_rules(p), Objective::Total).expect("feasible");
    let t_plain = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let r = solve_panel(p, Objective::Total, None);
    let dt = t0.elapsed().as_secs_f64();
    match r {
        Ok(s) => {
            verify(p, &s).expect("verifies");
            let st = s.stats.panel.as_ref().expect("stats");
            println!(
                "{name}: plain flow {t_plain:.2} s, total {:.6}; panel {dt:.2} s, total {:.6} ({:.4} % below), met {:?}",
                plain.total,
                s.total,
                100.0 * (plain.total - s.total) / plain.total,
                st.met
            );
            println!("  {}", st.describe());
            if let Some(ilp) = &st.ilp {
                for ph in &ilp.phases {
                    println!("  {ph:?}");
                }
            }
        }
        Err(e) => println!("{name}: infeasible after {dt:.2} s\n{e}"),
    }
}

#[test]
#[ignore]
fn bench_panel_2k() {
    let t0 = Instant::now();
    let mut p = dense(2_000, 2_000, 50, 2);
    println!(
        "generate 2k x 2k dense, cut to 50: {:.2} s",
        t0.elapsed().as_secs_f64()
    );
    p.panel.time_limit = Some(std::time::Duration::from_secs(
        std::env::var("PANEL_ILP_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300),
    ));
    // Flow path: one attribute, no institution rule.
    p.one_per_institution = false;
    p.panel.rules = vec![rule(&p, 0, Some("female"), 1, NO_MAX, true)];
    report("flow: >= 1 woman (hard)", &p);
    p.panel.rules = vec![rule(&p, 1, None, 0, 1, true)];
    report("flow: <= 1 per region (hard)", &p);
    // Integer program: two attributes interacting, plus a soft rule.
    p.panel.rules = vec![
        rule(&p, 0, Some("female"), 1, NO_MAX, true),
        rule(&p, 1, None, 0, 1, true),
    ];
    report("ilp: >= 1 woman and <= 1 per region (hard)", &p);
    p.one_per_institution = true;
    p.panel.rules = vec![
        rule(&p, 0, Some("female"), 1, NO_MAX, true),
        rule(&p, 2, Some("professor"), 2, NO_MAX, false),
    ];
    report(
        "ilp: one per institution, >= 1 woman (hard), >= 2 professors (soft)",
        &p,
    );
}

#[test]
#[ignore]
fn bench_panel_sample_size() {
    // The sample's shape: 500 proposals, 300 advisers, 50 candidates.
    let mut p = dense(500, 300, 50, 3);
    p.panel.time_limit = Some(std::time::Duration::from_secs(300));
    p.one_per_institution = true;
    p.panel.rules = vec![
        rule(&p, 0, Some("female"), 1, NO_MAX, true),
        rule(&p, 1, None, 0, 1, true),
    ];
    report(
        "ilp 500 x 300: one per institution, >= 1 woman, <= 1 per region (hard)",
        &p,
    );
}
