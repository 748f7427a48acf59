//! Solver tests: hand-computed cases, brute force on random small
//! instances (proptest), diagnosis numbers, determinism.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

pub(super) fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// A plain problem: every adviser its own academic institution.
pub(super) fn plain(
    np: usize,
    na: usize,
    k: u32,
    max: u32,
    cands: Vec<Vec<(usize, f64)>>,
) -> Problem {
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
        proposal_area: vec![],
        previous: vec![],
        stability_weight: 0.0,
        panel: Default::default(),
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
fn quota_beyond_the_pool_is_met_where_possible_and_reported() {
    let mut p = plain(1, 3, 2, 1, vec![vec![(0, 0.9), (1, 0.8), (2, 0.1)]]);
    p.adviser_non_academic = vec![false, false, true];
    p.min_non_academic = vec![3];
    let s = solve(&p, Objective::Total).unwrap();
    verify(&p, &s).unwrap();
    // The one non-academic adviser is taken although A1 scores higher.
    assert_eq!(s.assigned, vec![vec![0, 2]]);
    assert_eq!(
        s.stats.quota_capped,
        vec![QuotaCap {
            proposal: 0,
            requested: 3,
            effective: 2
        }]
    );
    assert_eq!(
        s.stats.quota_short,
        vec![QuotaShort {
            proposal: 0,
            quota: 2,
            met: 1
        }]
    );
}

/// The sample's shape in small: 2 non-academic places for 4 proposals with
/// quota 1 used to end infeasible; the quota is now met on exactly 2
/// proposals (the most the places allow) and the other 2 are listed.
#[test]
fn min_non_academic_quota_met_on_as_many_proposals_as_places_allow() {
    let cands: Vec<Vec<(usize, f64)>> = (0..4)
        .map(|pp| {
            (0..4)
                .map(|a| (a, 0.9 - 0.1 * ((a + pp) % 4) as f64))
                .collect()
        })
        .collect();
    let mut p = plain(4, 4, 2, 3, cands);
    p.adviser_non_academic = vec![false, false, false, true];
    p.max_load[3] = 2;
    p.min_non_academic = vec![1; 4];
    let s = solve(&p, Objective::Total).unwrap();
    verify(&p, &s).unwrap();
    let met = (0..4).filter(|&pp| s.assigned[pp].contains(&3)).count();
    assert_eq!(met, 2);
    assert_eq!(s.stats.quota_short.len(), 2);
    assert!(s
        .stats
        .quota_short
        .iter()
        .all(|q| q.met == 0 && q.quota == 1));
}

/// Two proposals and two advisers with max load 1: the cut to the single
/// best candidate gives both proposals A0, which is infeasible; the uncut
/// problem is feasible. Infeasibility is only reported for the uncut one.
#[test]
fn candidate_cut_makes_feasible_call_infeasible() {
    let full = plain(
        2,
        2,
        1,
        1,
        vec![vec![(0, 0.9), (1, 0.2)], vec![(0, 0.8), (1, 0.7)]],
    );
    let mut cut = full.clone();
    for l in &mut cut.candidates {
        l.truncate(1);
    }
    cut.ineligible = vec![
        IneligibleCounts {
            truncated: 1,
            ..Default::default()
        };
        2
    ];
    assert!(solve(&cut, Objective::Total).is_err());
    let more = |p: &Problem, th: &[f64]| -> Vec<Vec<Candidate>> {
        (0..2)
            .map(|pp| {
                full.candidates[pp]
                    .iter()
                    .copied()
                    .filter(|c| {
                        p.score_of(pp, c.adviser).is_none() && (th[pp] <= 0.0 || c.score >= th[pp])
                    })
                    .collect()
            })
            .collect()
    };
    let s = solve_uncut(&mut cut, Objective::Total, &more).unwrap();
    assert_eq!(s.assigned, vec![vec![0], vec![1]]);
    assert!((s.total - 1.6).abs() < 1e-12);
    assert!(s.stats.cut.cut && s.stats.cut.certified && s.stats.cut.widened_to_all);
}

/// The cut keeps the best and the worst candidate of each proposal: P0
/// {A0 0.9, A2 0.1}, P1 {A0 0.88, A1 0.1}, max load 1, so the cut optimum
/// is P0-A0 + P1-A1 = 1.0. The true optimum, P0-A1 0.85 + P1-A0 0.88 =
/// 1.73, uses a pair left out; the reduced-cost check must find it.
#[test]
fn candidate_cut_lowers_the_exact_optimum() {
    let full = plain(
        2,
        3,
        1,
        1,
        vec![
            vec![(0, 0.9), (1, 0.85), (2, 0.1)],
            vec![(0, 0.88), (2, 0.2), (1, 0.1)],
        ],
    );
    let mut cut = full.clone();
    // Keep the best and the worst of each.
    for l in &mut cut.candidates {
        l.sort_by(|x, y| y.score.total_cmp(&x.score));
        let last = *l.last().unwrap();
        l.truncate(1);
        l.push(last);
    }
    cut.ineligible = vec![
        IneligibleCounts {
            truncated: 1,
            ..Default::default()
        };
        2
    ];
    let plain_cut = solve(&cut, Objective::Total).unwrap();
    assert!((plain_cut.total - 1.0).abs() < 1e-12);
    let more = |p: &Problem, th: &[f64]| -> Vec<Vec<Candidate>> {
        (0..2)
            .map(|pp| {
                full.candidates[pp]
                    .iter()
                    .copied()
                    .filter(|c| {
                        p.score_of(pp, c.adviser).is_none() && (th[pp] <= 0.0 || c.score >= th[pp])
                    })
                    .collect()
            })
            .collect()
    };
    let s = solve_uncut(&mut cut, Objective::Total, &more).unwrap();
    assert!((s.total - (0.85 + 0.88)).abs() < 1e-12, "{}", s.total);
    assert!(s.stats.cut.pairs_added >= 1 && !s.stats.cut.widened_to_all);
}

/// An infeasible call still gets the best partial answer, and the diagnosis
/// names the area, the binding rule and the fix.
#[test]
fn infeasible_call_gives_partial_assignment_and_names_area_and_fix() {
    let mut p = plain(
        3,
        2,
        1,
        1,
        vec![
            vec![(0, 0.9), (1, 0.5)],
            vec![(0, 0.4), (1, 0.6)],
            vec![(0, 0.7), (1, 0.7)],
        ],
    );
    p.proposal_area = vec!["A05".into(); 3];
    let err = solve(&p, Objective::Total).unwrap_err();
    let part = err.partial.as_ref().unwrap();
    assert_eq!((part.filled(), part.missing()), (2, 1));
    assert_eq!(err.diagnosis.shortfall.len(), 1);
    assert_eq!(err.diagnosis.shortfall[0].rule, "loads");
    let text = err.to_string();
    assert!(text.contains("binding rule: capacity"), "{text}");
    assert!(
        text.contains(
            "1 more places among A05 advisers (1 proposals short): raise max_load of A0, A1 by 1"
        ),
        "{text}"
    );
    assert!(text.contains("or add an adviser serving A05"), "{text}");
    assert!(
        text.contains("best partial assignment: 2 places filled, 1 missing on 1 proposals"),
        "{text}"
    );
}

#[test]
fn tied_pairs_share_a_rank() {
    let p = plain(
        1,
        4,
        1,
        1,
        vec![vec![(0, 0.5), (1, 0.9), (2, 0.5), (3, 0.1)]],
    );
    let s = Solution {
        assigned: vec![vec![2]],
        total: 0.5,
        weakest: 0.5,
        loads: vec![0, 0, 1, 0],
        stats: SolveStats::default(),
    };
    assert_eq!(ranks(&p, &s), vec![vec![2]]);
    assert_eq!(rank_of(&p, 0, 0), 2);
    assert_eq!(rank_of(&p, 0, 3), 4);
    // Ties go to the lower ID: A0 before A2.
    assert_eq!(alternates(&p, &s, 3), vec![vec![1, 0, 3]]);
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
        proposal_area: vec![],
        previous: vec![],
        stability_weight: 0.0,
        panel: Default::default(),
    }
}

/// Best (quota places filled, then total in twentieths), and the best
/// weakest in twentieths, over all feasible assignments, by enumeration;
/// `None` if infeasible. The quota is soft: more quota places win first.
fn brute_force(p: &Problem) -> Option<(i64, i64, i64)> {
    let quota = p.effective_quota();
    let mut best: Option<(i64, i64, i64)> = None;
    enumerate(p, usize::MAX, &mut |chosen| {
        let tw = |pp: usize, a: usize| {
            let s = p.candidates[pp]
                .iter()
                .find(|c| c.adviser == a)
                .unwrap()
                .score;
            (s * 20.0).round() as i64
        };
        let sums: Vec<i64> = (0..chosen.len())
            .map(|q| chosen[q].iter().map(|&a| tw(q, a)).sum())
            .collect();
        let slots: i64 = (0..chosen.len())
            .map(|q| {
                let n = chosen[q]
                    .iter()
                    .filter(|&&a| p.adviser_non_academic[a])
                    .count() as i64;
                n.min(quota[q] as i64)
            })
            .sum();
        let total = sums.iter().sum();
        let weakest = sums.iter().copied().min().unwrap_or(0);
        best = Some(match best {
            None => (slots, total, weakest),
            Some((s, t, w)) => {
                let (s2, t2) = (slots, total).max((s, t));
                (s2, t2, w.max(weakest))
            }
        });
    });
    best
}

/// Calls `visit` with every assignment meeting loads, locks and the
/// institution rule, where each proposal gets exactly K advisers
/// (`short = usize::MAX`) or at most K (any other value: partial form,
/// where locks are required too).
fn enumerate(p: &Problem, short: usize, visit: &mut dyn FnMut(&[Vec<usize>])) {
    fn subsets(n: usize, k: usize, at_most: bool) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for mask in 0u32..(1 << n) {
            let c = mask.count_ones() as usize;
            if c == k || (at_most && c < k) {
                out.push((0..n).filter(|i| mask >> i & 1 == 1).collect());
            }
        }
        out
    }
    fn rec(
        p: &Problem,
        at_most: bool,
        pp: usize,
        loads: &mut Vec<u32>,
        chosen: &mut Vec<Vec<usize>>,
        visit: &mut dyn FnMut(&[Vec<usize>]),
    ) {
        if pp == p.proposal_ids.len() {
            if (0..loads.len()).any(|a| loads[a] < p.min_load[a]) {
                return;
            }
            visit(chosen);
            return;
        }
        let cands = &p.candidates[pp];
        for sub in subsets(cands.len(), p.demand[pp] as usize, at_most) {
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
            for &a in &advs {
                loads[a] += 1;
            }
            chosen[pp] = advs.clone();
            rec(p, at_most, pp + 1, loads, chosen, visit);
            for &a in &advs {
                loads[a] -= 1;
            }
        }
    }
    let mut loads = vec![0u32; p.adviser_ids.len()];
    let mut chosen = vec![Vec::new(); p.proposal_ids.len()];
    rec(p, short != usize::MAX, 0, &mut loads, &mut chosen, visit);
}

/// The most slots any partial assignment fills (loads, locks, institutions;
/// minimum loads when some partial assignment meets them), by enumeration.
fn brute_force_filled(p: &Problem) -> u64 {
    // Locks no assignment can hold are left out, as the solver does.
    let mut p = p.clone();
    let bad = diagnose::unholdable_locks(&p);
    p.must.retain(|m| !bad.contains(m));
    let p = &p;
    let mut best: Option<u64> = None;
    enumerate(p, 0, &mut |chosen| {
        let n = chosen.iter().map(|l| l.len() as u64).sum();
        best = Some(best.map_or(n, |b: u64| b.max(n)));
    });
    if let Some(b) = best {
        return b;
    }
    let mut q = p.clone();
    q.min_load.iter_mut().for_each(|m| *m = 0);
    let mut best = 0;
    enumerate(&q, 0, &mut |chosen| {
        best = best.max(chosen.iter().map(|l| l.len() as u64).sum());
    });
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
                // The partial assignment fills the most slots possible.
                let part = e.partial.as_ref().ok_or_else(|| TestCaseError::fail("no partial".to_string()))?;
                prop_assert_eq!(part.filled(), brute_force_filled(&p), "{}", e);
                prop_assert!(part.missing() > 0 || part.min_loads_dropped || !part.locks_dropped.is_empty());
                prop_assert_eq!(d.shortfall.iter().map(|r| r.missing as u64).sum::<u64>(), part.missing());
            }
            (Some((bs, bt, bw)), Ok(t), Ok(f)) => {
                let quota = p.effective_quota();
                let slots: i64 = (0..quota.len())
                    .map(|q| (t.assigned[q].iter().filter(|&&a| p.adviser_non_academic[a]).count() as i64).min(quota[q] as i64))
                    .sum();
                prop_assert_eq!(slots, bs);
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

    /// Cutting the candidate lists never changes the max-total optimum:
    /// the reduced-cost check adds back what is needed, and infeasibility
    /// is only reported when the uncut problem is infeasible.
    #[test]
    fn uncut_optimum_equals_brute_force_when_lists_are_cut(seed in any::<u64>(), keep in 0usize..3) {
        let full = random_problem(seed);
        let bf = brute_force(&full);
        let mut cut = full.clone();
        let mut left: Vec<Vec<Candidate>> = vec![Vec::new(); cut.candidates.len()];
        for (pp, list) in cut.candidates.iter_mut().enumerate() {
            list.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.adviser.cmp(&y.adviser)));
            let mut i = 0;
            let must = &full.must;
            list.retain(|c| {
                i += 1;
                let k = i <= keep || must.contains(&(pp, c.adviser));
                if !k {
                    left[pp].push(*c);
                }
                k
            });
        }
        cut.ineligible = left.iter().map(|l| IneligibleCounts { truncated: l.len() as u32, ..Default::default() }).collect();
        let more = |p: &Problem, th: &[f64]| -> Vec<Vec<Candidate>> {
            left.iter().enumerate().map(|(pp, l)| {
                l.iter().copied().filter(|c| p.score_of(pp, c.adviser).is_none() && (th[pp] <= 0.0 || c.score >= th[pp])).collect()
            }).collect()
        };
        let r = solve_uncut(&mut cut, Objective::Total, &more);
        match (bf, r) {
            (None, Err(_)) => {}
            (Some((bs, bt, _)), Ok(t)) => {
                let quota = full.effective_quota();
                let slots: i64 = (0..quota.len())
                    .map(|q| (t.assigned[q].iter().filter(|&&a| full.adviser_non_academic[a]).count() as i64).min(quota[q] as i64))
                    .sum();
                prop_assert_eq!((slots, (t.total * 20.0).round() as i64), (bs, bt), "{:?}", t.stats.cut);
                prop_assert!(t.stats.cut.certified);
                verify(&full, &t).map_err(|e| TestCaseError::fail(e.join("; ")))?;
            }
            (bf, r) => prop_assert!(false, "cut solve and brute force disagree: bf={:?} ok={}", bf, r.is_ok()),
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
