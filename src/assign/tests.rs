//! Solver tests: hand-computed cases, brute force on random small
//! instances (proptest), diagnosis numbers, determinism.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// A plain problem: every adviser its own academic institution.
fn plain(np: usize, na: usize, k: u32, max: u32, cands: Vec<Vec<(usize, f64)>>) -> Problem {
    Problem {
        proposal_ids: ids("P", np),
        adviser_ids: ids("A", na),
        demand: vec![k; np],
        min_load: vec![0; na],
        max_load: vec![max; na],
        candidates: cands
            .into_iter()
            .map(|l| {
                l.into_iter()
                    .map(|(adviser, score)| Candidate { adviser, score })
                    .collect()
            })
            .collect(),
        adviser_institution: (0..na as u32).collect(),
        adviser_non_academic: vec![false; na],
        one_per_institution: false,
        min_non_academic: vec![0; np],
        must: vec![],
        ineligible: vec![],
    }
}

#[test]
fn hand_computed_optimum_prefers_swap_over_greedy() {
    // Greedy gives P0 its best (A0, 0.9) and leaves P1 with A1 (0.1): 1.0.
    // The optimum gives P0 A1 (0.8) and P1 A0 (0.85): 1.65.
    let p = plain(
        2,
        2,
        1,
        1,
        vec![vec![(0, 0.9), (1, 0.8)], vec![(0, 0.85), (1, 0.1)]],
    );
    let s = solve(&p, Objective::Total).unwrap();
    assert_eq!(s.assigned, vec![vec![1], vec![0]]);
    assert!((s.total - 1.65).abs() < 1e-12);
    assert!((s.weakest - 0.8).abs() < 1e-12);
    verify(&p, &s).unwrap();
    assert_eq!(ranks(&p, &s), vec![vec![2], vec![1]]);
    assert_eq!(alternates(&p, &s, 5), vec![vec![0], vec![1]]);
}

#[test]
fn hall_violator_names_the_three_proposals_and_two_advisers() {
    let mut p = plain(
        4,
        3,
        1,
        1,
        vec![
            vec![(0, 0.9), (1, 0.5)],
            vec![(0, 0.4), (1, 0.6)],
            vec![(0, 0.7), (1, 0.7)],
            vec![(2, 0.3)],
        ],
    );
    p.ineligible = vec![
        IneligibleCounts {
            conflict: 1,
            ..Default::default()
        };
        4
    ];
    let err = solve(&p, Objective::Total).unwrap_err();
    let h = err.diagnosis.hall.clone().expect("a Hall group");
    assert_eq!(h.proposals, vec![0, 1, 2]);
    assert_eq!(h.advisers, vec![0, 1]);
    assert_eq!((h.need, h.can_take), (3, 2));
    let text = err.to_string();
    assert!(
        text.contains("proposals P0, P1, P2 need 3 advisers; their eligible advisers A0, A1 can take at most 2"),
        "{text}"
    );
    assert!(
        text.contains("demand: 4 adviser places; capacity: 3"),
        "{text}"
    );
    // Fair must agree on infeasibility.
    assert!(solve(&p, Objective::Fair).is_err());
}

#[test]
fn short_proposal_and_min_load_are_reported_with_reasons() {
    let mut p = plain(2, 3, 2, 2, vec![vec![(0, 0.5)], vec![(0, 0.5), (1, 0.5)]]);
    p.min_load[2] = 1;
    p.ineligible = vec![
        IneligibleCounts {
            conflict: 1,
            area: 1,
            lock: 0,
            truncated: 0,
        },
        IneligibleCounts::default(),
    ];
    let err = solve(&p, Objective::Total).unwrap_err();
    let d = &err.diagnosis;
    assert_eq!(d.short_proposals.len(), 1);
    assert_eq!(d.short_proposals[0].proposal, 0);
    assert_eq!(
        d.min_load_short,
        vec![MinLoadShort {
            adviser: 2,
            min_load: 1,
            candidate_of: 0
        }]
    );
    let text = err.to_string();
    assert!(text.contains("proposal P0 needs 2 advisers but has 1 eligible advisers; excluded: 1 conflict, 1 area"), "{text}");
    assert!(
        text.contains("adviser A2 has min load 1 but is eligible for only 0 proposals"),
        "{text}"
    );
}

#[test]
fn min_load_is_met_even_when_it_lowers_the_total() {
    // A1 must get one proposal although A0 scores higher everywhere.
    let mut p = plain(
        2,
        2,
        1,
        2,
        vec![vec![(0, 0.9), (1, 0.1)], vec![(0, 0.9), (1, 0.2)]],
    );
    p.min_load[1] = 1;
    let s = solve(&p, Objective::Total).unwrap();
    verify(&p, &s).unwrap();
    assert_eq!(s.loads, vec![1, 1]);
    assert!((s.total - 1.1).abs() < 1e-12);
}

#[test]
fn quota_is_capped_by_pool_and_reported() {
    let mut p = plain(1, 3, 2, 1, vec![vec![(0, 0.9), (1, 0.8), (2, 0.1)]]);
    p.adviser_non_academic = vec![false, false, true];
    p.min_non_academic = vec![2];
    let s = solve(&p, Objective::Total).unwrap();
    verify(&p, &s).unwrap();
    assert_eq!(s.assigned, vec![vec![0, 2]]);
    assert_eq!(
        s.stats.quota_capped,
        vec![QuotaCap {
            proposal: 0,
            requested: 2,
            effective: 1
        }]
    );
}

#[test]
fn lock_outside_candidates_is_diagnosed() {
    let mut p = plain(1, 2, 1, 1, vec![vec![(0, 0.9)]]);
    p.must = vec![(0, 1)];
    let err = solve(&p, Objective::Total).unwrap_err();
    assert_eq!(err.diagnosis.lock_problems.len(), 1);
    assert!(err
        .to_string()
        .contains("lock P0 / A1: the adviser is not an eligible candidate"));
}

// ---------------------------------------------------------------- brute force

/// Random small instance from a seed.
fn random_problem(seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let np = rng.random_range(1..=5);
    let na = rng.random_range(1..=6);
    let n_inst = rng.random_range(1..=3u32);
    let inst_non_acad: Vec<bool> = (0..n_inst).map(|_| rng.random_bool(0.4)).collect();
    let adviser_institution: Vec<u32> = (0..na).map(|_| rng.random_range(0..n_inst)).collect();
    let adviser_non_academic = adviser_institution
        .iter()
        .map(|&i| inst_non_acad[i as usize])
        .collect();
    let max_load: Vec<u32> = (0..na).map(|_| rng.random_range(0..=3)).collect();
    let min_load = max_load
        .iter()
        .map(|&m| {
            if rng.random_bool(0.3) {
                rng.random_range(0..=m.min(1))
            } else {
                0
            }
        })
        .collect();
    let candidates: Vec<Vec<Candidate>> = (0..np)
        .map(|_| {
            let mut v = Vec::new();
            for adviser in 0..na {
                if rng.random_bool(0.7) {
                    v.push(Candidate {
                        adviser,
                        score: rng.random_range(0..=20) as f64 / 20.0,
                    });
                }
            }
            v
        })
        .collect();
    let mut must = Vec::new();
    for (pp, c) in candidates.iter().enumerate() {
        if !c.is_empty() && rng.random_bool(0.2) {
            must.push((pp, c[rng.random_range(0..c.len())].adviser));
        }
    }
    Problem {
        proposal_ids: ids("P", np),
        adviser_ids: ids("A", na),
        demand: (0..np).map(|_| rng.random_range(1..=2)).collect(),
        min_load,
        max_load,
        candidates,
        adviser_institution,
        adviser_non_academic,
        one_per_institution: rng.random_bool(0.5),
        min_non_academic: (0..np).map(|_| rng.random_range(0..=1)).collect(),
        must,
        ineligible: vec![],
    }
}

/// Best (total in twentieths, best weakest in twentieths) over all feasible
/// assignments, by enumeration; `None` if infeasible.
fn brute_force(p: &Problem) -> Option<(i64, i64)> {
    let quota = p.effective_quota();
    let np = p.proposal_ids.len();
    let mut loads = vec![0u32; p.adviser_ids.len()];
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); np];
    let mut best: Option<(i64, i64)> = None;
    fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize == k {
                out.push((0..n).filter(|i| mask >> i & 1 == 1).collect());
            }
        }
        out
    }
    #[allow(clippy::too_many_arguments)]
    fn rec(
        p: &Problem,
        quota: &[u32],
        pp: usize,
        loads: &mut Vec<u32>,
        chosen: &mut Vec<Vec<usize>>,
        best: &mut Option<(i64, i64)>,
        subsets: &dyn Fn(usize, usize) -> Vec<Vec<usize>>,
    ) {
        let tw = |pp: usize, a: usize| {
            let s = p.candidates[pp]
                .iter()
                .find(|c| c.adviser == a)
                .unwrap()
                .score;
            (s * 20.0).round() as i64
        };
        if pp == p.proposal_ids.len() {
            if (0..loads.len()).any(|a| loads[a] < p.min_load[a]) {
                return;
            }
            let sums: Vec<i64> = (0..pp)
                .map(|q| chosen[q].iter().map(|&a| tw(q, a)).sum())
                .collect();
            let total = sums.iter().sum();
            let weakest = sums.iter().copied().min().unwrap_or(0);
            *best = Some(match *best {
                None => (total, weakest),
                Some((t, w)) => (t.max(total), w.max(weakest)),
            });
            return;
        }
        let cands = &p.candidates[pp];
        for sub in subsets(cands.len(), p.demand[pp] as usize) {
            let advs: Vec<usize> = sub.iter().map(|&i| cands[i].adviser).collect();
            if p.must.iter().any(|&(q, a)| q == pp && !advs.contains(&a)) {
                continue;
            }
            if advs.iter().any(|&a| loads[a] >= p.max_load[a]) {
                continue;
            }
            if p.one_per_institution {
                let mut i: Vec<u32> = advs.iter().map(|&a| p.adviser_institution[a]).collect();
                i.sort_unstable();
                i.dedup();
                if i.len() != advs.len() {
                    continue;
                }
            }
            let na = advs.iter().filter(|&&a| p.adviser_non_academic[a]).count() as u32;
            if na < quota[pp] {
                continue;
            }
            for &a in &advs {
                loads[a] += 1;
            }
            chosen[pp] = advs.clone();
            rec(p, quota, pp + 1, loads, chosen, best, subsets);
            for &a in &advs {
                loads[a] -= 1;
            }
        }
    }
    rec(p, &quota, 0, &mut loads, &mut chosen, &mut best, &subsets);
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn optimum_matches_brute_force_and_every_rule_holds(seed in any::<u64>()) {
        let p = random_problem(seed);
        let bf = brute_force(&p);
        let total = solve(&p, Objective::Total);
        let fair = solve(&p, Objective::Fair);
        match (bf, &total, &fair) {
            (None, Err(e), Err(_)) => {
                // Locks are drawn from candidates, so the max-flow cut must
                // exist and show a real shortfall.
                let d = &e.diagnosis;
                let h = d.hall.as_ref().ok_or_else(|| TestCaseError::fail(format!("no Hall group: {e}")))?;
                prop_assert!(h.need > h.can_take, "{}", e);
            }
            (Some((bt, bw)), Ok(t), Ok(f)) => {
                prop_assert_eq!((t.total * 20.0).round() as i64, bt);
                verify(&p, t).map_err(|e| TestCaseError::fail(e.join("; ")))?;
                verify(&p, f).map_err(|e| TestCaseError::fail(e.join("; ")))?;
                prop_assert!(f.weakest >= t.weakest - 1e-12);
                prop_assert!((f.weakest * 20.0).round() as i64 <= bw);
                if let Some(b) = f.stats.fair_bound {
                    prop_assert!(bw as f64 / 20.0 <= b + 1e-9, "bound {} below optimum {}", b, bw);
                }
                // Deterministic: same input, same output.
                prop_assert_eq!(&solve(&p, Objective::Total).unwrap(), t);
            }
            _ => prop_assert!(false, "solver and brute force disagree on feasibility: bf={:?} total_ok={} fair_ok={}", bf, total.is_ok(), fair.is_ok()),
        }
    }
}

#[test]
fn fair_raises_the_weakest_above_max_total() {
    // Max total: P0-A0 (1.0) + P1-A1 (0.0) = 1.0, weakest 0.0.
    // Fair: P0-A1 (0.4) + P1-A0 (0.5) = 0.9, weakest 0.4.
    let p = plain(
        2,
        2,
        1,
        1,
        vec![vec![(0, 1.0), (1, 0.4)], vec![(0, 0.5), (1, 0.0)]],
    );
    let t = solve(&p, Objective::Total).unwrap();
    assert_eq!(t.assigned, vec![vec![0], vec![1]]);
    assert!((t.weakest - 0.0).abs() < 1e-12);
    let f = solve(&p, Objective::Fair).unwrap();
    verify(&p, &f).unwrap();
    assert_eq!(f.assigned, vec![vec![1], vec![0]]);
    assert!((f.weakest - 0.4).abs() < 1e-12 && (f.total - 0.9).abs() < 1e-12);
    // The sum-pruning step (target 0.4 for every proposal) finds it first.
    assert_eq!(f.stats.fair_min_sum, Some(0.4));
    // Upper bound: min(best of P0 = 1.0, best of P1 = 0.5).
    assert_eq!(f.stats.fair_bound, Some(0.5));
}

#[test]
fn determinism_on_a_larger_random_instance() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (np, na) = (200, 150);
    let cands: Vec<Vec<(usize, f64)>> = (0..np)
        .map(|_| {
            let mut v: Vec<usize> = (0..na).filter(|_| rng.random_bool(0.1)).collect();
            v.truncate(20);
            v.into_iter()
                .map(|a| (a, (rng.random_range(0..1000) as f64) / 1000.0))
                .collect()
        })
        .collect();
    let p = plain(np, na, 2, 4, cands);
    let a = solve(&p, Objective::Total).unwrap();
    let b = solve(&p.clone(), Objective::Total).unwrap();
    assert_eq!(a, b);
    verify(&p, &a).unwrap();
    let f = solve(&p, Objective::Fair).unwrap();
    verify(&p, &f).unwrap();
    assert!(f.weakest >= a.weakest);
}

#[test]
fn one_per_institution_and_locks_hold() {
    // A0 and A1 share institution 0; P0 would take both (0.9 + 0.8) without
    // the rule. P1 is locked to its weakest candidate A2.
    let mut p = plain(
        2,
        4,
        2,
        2,
        vec![
            vec![(0, 0.9), (1, 0.8), (2, 0.1), (3, 0.2)],
            vec![(2, 0.1), (3, 0.9), (0, 0.5)],
        ],
    );
    p.adviser_institution = vec![0, 0, 1, 2];
    p.one_per_institution = true;
    p.must = vec![(1, 2)];
    let s = solve(&p, Objective::Total).unwrap();
    verify(&p, &s).unwrap();
    // Sorted by score desc: P0 gets A0 (0.9), A3 (0.2); P1 gets A3 (0.9), A2 (0.1).
    assert_eq!(s.assigned, vec![vec![0, 3], vec![3, 2]]);
    assert!((s.total - (0.9 + 0.2 + 0.9 + 0.1)).abs() < 1e-12);
}

#[test]
fn mixed_sector_institution_is_an_input_error() {
    let mut p = plain(1, 2, 1, 1, vec![vec![(0, 0.5), (1, 0.5)]]);
    p.adviser_institution = vec![0, 0];
    p.adviser_non_academic = vec![false, true];
    p.one_per_institution = true;
    p.min_non_academic = vec![1];
    let err = solve(&p, Objective::Total).unwrap_err();
    assert!(
        err.to_string()
            .contains("advisers A0 and A1 share an institution but not a sector"),
        "{err}"
    );
}

#[test]
fn min_load_met_then_hall_group_counts_pairs_to_other_advisers() {
    // A1 (min load 2) is listed by P0 and P1 only, A0 (max load 1) by P1
    // and P2: feasible with P0-A1, P1-A1, P2-A0.
    let mut p = plain(
        3,
        2,
        1,
        2,
        vec![vec![(1, 0.5)], vec![(0, 0.5), (1, 0.5)], vec![(0, 0.5)]],
    );
    p.max_load[0] = 1;
    p.min_load[1] = 2;
    let s = solve(&p, Objective::Total).unwrap();
    verify(&p, &s).unwrap();
    assert_eq!(s.loads, vec![1, 2]);
    p.demand[1] = 2;
    // P1 now needs A0 too, but A0 (max 1) is P2's only candidate.
    let err = solve(&p, Objective::Total).unwrap_err();
    let h = err.diagnosis.hall.clone().expect("a Hall group");
    assert_eq!(
        (h.proposals.clone(), h.advisers.clone()),
        (vec![1, 2], vec![0, 1])
    );
    // A0 can take 1, A1 only the one pair it has with P1.
    assert!(
        err.to_string().contains(
            "proposals P1, P2 need 3 advisers; their eligible advisers A0, A1 can take at most 2"
        ),
        "{err}"
    );
}
