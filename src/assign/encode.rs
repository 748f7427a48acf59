//! Problem -> flow network (and back).
//!
//! Layers, numbered in this order so every arc goes from a lower to a higher
//! node index (the DAG property `min_cost_flow` relies on):
//!
//! ```text
//! proposal p (supply K_p)
//!   ├── academic candidates ──────────────────────────────┐
//!   ├── [partial only: unfilled slot, arc p→T, cost +U]    │
//!   └── non-academic branch N_p: two arcs p→N_p, the quota │
//!       slot (capacity S_p, cost −Q) and the rest          │
//!       (capacity K_p − S_p, cost 0)                       │
//!         └── non-academic candidates                      │
//! [institution node (p, i), capacity 1 in, when ≥ 2 candidates of p share i
//!  and one-per-institution is on]                         │
//!   └── pair arc (capacity 1, cost −round(score·SCALE)) ──> adviser a
//! adviser a ── capacity max−min ──> T   (lower bound min: supply −min at a,
//!                                        +min at T)
//! ```
//!
//! The quota is soft: the bonus `Q` on the quota slot exceeds any total
//! score (`Q > Σ K · SCALE`), so the optimum fills as many quota slots as the
//! pool and the loads allow, then maximises the score among those
//! assignments — exactly, not greedily. With one non-academic adviser asked
//! per proposal this is the largest number of proposals meeting the quota.
//! In the partial form an unfilled slot costs `U > Σ S · Q + Σ K · SCALE`:
//! first the most filled slots, then the most quota slots, then the score.
//!
//! Lower bounds use the standard transformation (Ahuja, Magnanti & Orlin
//! 1993, §2.4): an arc `u→v` with bounds `[l, c]` becomes capacity `c − l`,
//! `supply(u) −= l`, `supply(v) += l`. A locked pair is an arc with bounds
//! `[1, 1]`: it becomes no arc at all, supply −1 at its tail, +1 at its head.

use super::mcf::Network;
use super::{Problem, SCALE};

/// A network built from a problem, with the map from pair arcs back to pairs.
pub(crate) struct Encoded {
    pub net: Network,
    /// (forward arc, proposal, adviser) for every non-locked candidate arc.
    pub pair_arcs: Vec<(u32, u32, u32)>,
    pub n_proposals: usize,
    pub sink: usize,
    /// Super source / sink (only when built with `terminals`).
    pub terminals: Option<(usize, usize)>,
    /// Node of each non-academic branch and of each institution group, for
    /// the dual check on pairs left out (see `super::cut`).
    pub branch: Vec<usize>,
    pub adviser_base: usize,
}

/// What the network expresses beyond the hard rules.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Costs {
    /// Bonus per filled quota slot (a positive number; the arc costs −it).
    pub quota_bonus: i64,
    /// Partial form: cost of an unfilled slot; `None` = every slot filled.
    pub unfilled: Option<i64>,
    /// Units of cost per score point (normally [`SCALE`]).
    pub scale: f64,
}

impl Costs {
    /// The costs of the complete form: quota bonus above every total score.
    pub fn complete(p: &Problem) -> Costs {
        let units: i64 = p.demand.iter().map(|&k| k as i64).sum();
        let per_pair = (1.0 + p.stability_weight.max(0.0)).ceil() as i64;
        Costs {
            quota_bonus: (units + 1) * per_pair * SCALE as i64,
            unfilled: None,
            scale: SCALE,
        }
    }

    /// The partial form's costs: unfilled slots first, quota, then score.
    /// Scores keep 6 decimals while the largest cost sum fits in i64 with
    /// a wide margin, else fewer (each step a factor 10).
    pub fn partial(p: &Problem, quota: &[u32]) -> Costs {
        let units: i128 = (p.demand.iter().map(|&k| k as i128).sum::<i128>() + 1)
            * (1.0 + p.stability_weight.max(0.0)).ceil() as i128;
        let slots: i128 = quota.iter().map(|&q| q as i128).sum::<i128>() + 1;
        let mut scale = SCALE;
        loop {
            let q = units * scale as i128 + 1;
            let u = slots * q + units * scale as i128 + 1;
            if units * u * 4 < i64::MAX as i128 || scale <= 1.0 {
                return Costs {
                    quota_bonus: q as i64,
                    unfilled: Some(u as i64),
                    scale,
                };
            }
            scale /= 10.0;
        }
    }
}

/// Integer cost of a score: rounded, never truncated.
#[inline]
pub(crate) fn score_cost(score: f64) -> i64 {
    scaled_cost(score, SCALE)
}

#[inline]
pub(crate) fn scaled_cost(score: f64, scale: f64) -> i64 {
    -((score * scale).round() as i64)
}

/// Per proposal: advisers of its previous pairs, sorted.
pub(crate) fn previous_by_proposal(p: &Problem) -> Vec<Vec<usize>> {
    let mut v = vec![Vec::new(); p.proposal_ids.len()];
    for &(pp, a) in &p.previous {
        if pp < v.len() {
            v[pp].push(a);
        }
    }
    v.iter_mut().for_each(|l| l.sort_unstable());
    v
}

/// The stability weight when (pp, a) is a previous pair, else 0.
#[inline]
pub(crate) fn stability_bonus(p: &Problem, prev_of: &[Vec<usize>], pp: usize, a: usize) -> f64 {
    if prev_of[pp].binary_search(&a).is_ok() {
        p.stability_weight
    } else {
        0.0
    }
}

/// Builds the network. `keep(p, i)` filters candidate `i` of proposal `p`
/// (locked pairs are always kept); `quota[p]` is the effective non-academic
/// quota. With `terminals`, adds a super source feeding every excess and a
/// super sink draining every deficit (for max-flow feasibility and cuts),
/// and clears the node supplies.
pub(crate) fn encode(
    p: &Problem,
    quota: &[u32],
    keep: &dyn Fn(usize, usize) -> bool,
    terminals: bool,
) -> Encoded {
    encode_with(p, quota, keep, terminals, Costs::complete(p))
}

/// [`encode`] with explicit costs (partial form, scaled scores).
pub(crate) fn encode_with(
    p: &Problem,
    quota: &[u32],
    keep: &dyn Fn(usize, usize) -> bool,
    terminals: bool,
    costs: Costs,
) -> Encoded {
    let np = p.proposal_ids.len();
    let na = p.adviser_ids.len();
    let mut locked: Vec<Vec<usize>> = vec![Vec::new(); np];
    for &(pp, a) in &p.must {
        locked[pp].push(a);
    }
    let prev_of = previous_by_proposal(p);
    let mut net = Network::new(np);
    // Non-academic branch nodes.
    let mut branch = vec![usize::MAX; np];
    for (pp, &q) in quota.iter().enumerate() {
        if q > 0 {
            branch[pp] = net.add_node();
        }
    }
    // Institution nodes: (proposal, institution) with >= 2 kept candidates.
    // Candidate lists are short, so a sort per proposal is cheap.
    let mut group_of: Vec<Vec<usize>> = Vec::with_capacity(np); // per candidate
    let mut group_parent: Vec<usize> = Vec::new();
    for pp in 0..np {
        let cands = &p.candidates[pp];
        let mut g = vec![usize::MAX; cands.len()];
        if p.one_per_institution {
            let mut by_inst: Vec<(u32, usize)> = cands
                .iter()
                .enumerate()
                .filter(|&(i, c)| keep(pp, i) || locked[pp].contains(&c.adviser))
                .map(|(i, c)| (p.adviser_institution[c.adviser], i))
                .collect();
            by_inst.sort_unstable();
            let mut k = 0;
            while k < by_inst.len() {
                let mut j = k;
                while j < by_inst.len() && by_inst[j].0 == by_inst[k].0 {
                    j += 1;
                }
                if j - k >= 2 {
                    let node = net.add_node();
                    let first = by_inst[k].1;
                    let parent = if p.adviser_non_academic[cands[first].adviser] && quota[pp] > 0 {
                        branch[pp]
                    } else {
                        pp
                    };
                    group_parent.push(parent);
                    for &(_, i) in &by_inst[k..j] {
                        g[i] = node;
                    }
                }
                k = j;
            }
        }
        group_of.push(g);
    }
    let adviser_base = net.n;
    for _ in 0..na {
        net.add_node();
    }
    let sink = net.add_node();

    // Supplies.
    for pp in 0..np {
        let k = p.demand[pp] as i64;
        net.supply[pp] += k;
        net.supply[sink] -= k;
    }
    for a in 0..na {
        let m = p.min_load[a] as i64;
        net.supply[adviser_base + a] -= m;
        net.supply[sink] += m;
    }

    // Arcs, in layer order.
    for pp in 0..np {
        if quota[pp] > 0 {
            net.add_arc(pp, branch[pp], quota[pp] as i32, -costs.quota_bonus);
            let rest = p.demand[pp].saturating_sub(quota[pp]) as i32;
            if rest > 0 {
                net.add_arc(pp, branch[pp], rest, 0);
            }
        }
    }
    let group_base = np + branch.iter().filter(|&&b| b != usize::MAX).count();
    for (gi, &parent) in group_parent.iter().enumerate() {
        net.add_arc(parent, group_base + gi, 1, 0);
    }
    let mut pair_arcs = Vec::new();
    for pp in 0..np {
        for (i, c) in p.candidates[pp].iter().enumerate() {
            let is_locked = locked[pp].contains(&c.adviser);
            if !is_locked && !keep(pp, i) {
                continue;
            }
            let from = if group_of[pp][i] != usize::MAX {
                group_of[pp][i]
            } else if p.adviser_non_academic[c.adviser] && quota[pp] > 0 {
                branch[pp]
            } else {
                pp
            };
            let to = adviser_base + c.adviser;
            if is_locked {
                net.supply[from] -= 1;
                net.supply[to] += 1;
            } else {
                let value = c.score + stability_bonus(p, &prev_of, pp, c.adviser);
                let e = net.add_arc(from, to, 1, scaled_cost(value, costs.scale));
                pair_arcs.push((e as u32, pp as u32, c.adviser as u32));
            }
        }
    }
    if let Some(u) = costs.unfilled {
        for pp in 0..np {
            net.add_arc(pp, sink, p.demand[pp] as i32, u);
        }
    }
    for a in 0..na {
        let cap = p.max_load[a].saturating_sub(p.min_load[a]) as i32;
        net.add_arc(adviser_base + a, sink, cap, 0);
    }
    let terminals = if terminals {
        let s = net.add_node();
        let t = net.add_node();
        for v in 0..sink + 1 {
            let b = net.supply[v];
            if b > 0 {
                net.add_arc(s, v, b as i32, 0);
            } else if b < 0 {
                net.add_arc(v, t, (-b) as i32, 0);
            }
        }
        net.supply.iter_mut().for_each(|b| *b = 0);
        Some((s, t))
    } else {
        None
    };
    net.finish();
    Encoded {
        net,
        pair_arcs,
        n_proposals: np,
        sink,
        terminals,
        branch,
        adviser_base,
    }
}

impl Encoded {
    /// Assigned advisers per proposal (unsorted), locked pairs included.
    pub fn decode(&self, p: &Problem) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.n_proposals];
        for &(pp, a) in &p.must {
            out[pp].push(a);
        }
        for &(e, pp, a) in &self.pair_arcs {
            if self.net.flow(e as usize) > 0 {
                out[pp as usize].push(a as usize);
            }
        }
        out
    }

    /// Total positive supply (units that must move).
    pub fn total_supply(&self) -> i64 {
        match self.terminals {
            Some((s, _)) => {
                // Capacities out of the super source (forward arcs only).
                let mut t = 0i64;
                for e in (0..self.net.head.len()).step_by(2) {
                    if self.net.tail(e) == s {
                        t += (self.net.cap[e] + self.net.cap[e ^ 1]) as i64;
                    }
                }
                t
            }
            None => self.net.supply.iter().filter(|&&b| b > 0).sum(),
        }
    }
}
