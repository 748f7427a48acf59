//! The candidate cut and the certificate that it changed nothing.
//!
//! The solver sees each proposal's best `candidates_per_proposal` eligible
//! advisers. A solution on that cut problem is optimal for the uncut one
//! when no pair left out has a negative reduced cost under the potentials
//! the min-cost flow ends with (linear-programming duality: the flow stays
//! feasible with the extra arcs at zero flow, and the potentials stay a
//! dual certificate when every extra arc has `cost + π(tail) − π(head) ≥ 0`;
//! Ahuja, Magnanti & Orlin 1993, Theorem 9.3). Pairs that fail the test are
//! added and the problem solved again (column generation), until none
//! fails. Only pairs whose score could fail are ever scored: a pair of
//! proposal `p` can fail only if `score · scale > min π(tail) − max π(adviser)`,
//! the per-proposal threshold [`thresholds`] returns.
//!
//! With one adviser per institution, a left-out adviser shares an
//! institution node with the kept advisers of the same institution; its
//! tail potential is that node's, or, when the institution had a single
//! kept adviser, the largest value the new node could take (the kept pair's
//! `π(head) − cost` when it carries flow, else the parent's potential).

use super::encode::{previous_by_proposal, scaled_cost, stability_bonus, Costs, Encoded};
use super::{Candidate, Problem};

/// Per proposal: the lowest score a left-out pair needs to possibly
/// improve the solution (above 1.0 means none can).
pub(crate) fn thresholds(p: &Problem, enc: &Encoded, costs: Costs) -> Vec<f64> {
    let net = &enc.net;
    let pi = &net.potential;
    let na = p.adviser_ids.len();
    let max_adv = (0..na).map(|a| pi[enc.adviser_base + a]).max().unwrap_or(0);
    let np = p.proposal_ids.len();
    let mut min_from: Vec<i64> = (0..np)
        .map(|pp| {
            let mut m = pi[pp];
            if enc.branch[pp] != usize::MAX {
                m = m.min(pi[enc.branch[pp]]);
            }
            m
        })
        .collect();
    for &(e, pp, _) in &enc.pair_arcs {
        let t = net.tail(e as usize);
        let m = &mut min_from[pp as usize];
        *m = (*m).min(pi[t]);
    }
    let prev_of = previous_by_proposal(p);
    min_from
        .iter()
        .enumerate()
        .map(|(pp, &m)| {
            let bonus = if prev_of[pp].is_empty() {
                0.0
            } else {
                p.stability_weight
            };
            ((m - max_adv) as f64 - 1.0) / costs.scale - bonus
        })
        .collect()
}

/// The pairs of `extra` (per proposal, none already a candidate) whose
/// arc would have a negative reduced cost.
pub(crate) fn violations(
    p: &Problem,
    enc: &Encoded,
    costs: Costs,
    quota: &[u32],
    extra: &[Vec<Candidate>],
) -> Vec<Vec<Candidate>> {
    let net = &enc.net;
    let pi = &net.potential;
    let np = p.proposal_ids.len();
    // Per proposal: kept pair arcs by adviser.
    let mut arcs_of: Vec<Vec<(usize, u32)>> = vec![Vec::new(); np];
    for &(e, pp, a) in &enc.pair_arcs {
        arcs_of[pp as usize].push((a as usize, e));
    }
    let locked = |pp: usize, a: usize| p.must.contains(&(pp, a));
    let prev_of = previous_by_proposal(p);
    (0..np)
        .map(|pp| {
            let Some(list) = extra.get(pp) else {
                return Vec::new();
            };
            list.iter()
                .copied()
                .filter(|c| {
                    let a = c.adviser;
                    let parent = if p.adviser_non_academic[a] && quota[pp] > 0 {
                        enc.branch[pp]
                    } else {
                        pp
                    };
                    let mut from = pi[parent];
                    if p.one_per_institution {
                        let inst = p.adviser_institution[a];
                        let mates: Vec<&Candidate> = p.candidates[pp]
                            .iter()
                            .filter(|m| p.adviser_institution[m.adviser] == inst)
                            .collect();
                        if mates.iter().any(|m| locked(pp, m.adviser)) {
                            // The institution's one place is locked: the
                            // pair can never carry flow.
                            return false;
                        }
                        let mate_arcs: Vec<u32> = mates
                            .iter()
                            .filter_map(|m| {
                                arcs_of[pp].iter().find(|x| x.0 == m.adviser).map(|x| x.1)
                            })
                            .collect();
                        match mate_arcs.as_slice() {
                            [] => {}
                            [e] => {
                                let e = *e as usize;
                                let t = net.tail(e);
                                if t != parent {
                                    from = pi[t];
                                } else if net.flow(e) > 0 {
                                    from = pi[net.head[e] as usize] - net.cost[e];
                                }
                            }
                            [e, ..] => from = pi[net.tail(*e as usize)],
                        }
                    }
                    let value = c.score + stability_bonus(p, &prev_of, pp, a);
                    let rc = scaled_cost(value, costs.scale) + from - pi[enc.adviser_base + a];
                    rc < 0
                })
                .collect()
        })
        .collect()
}
