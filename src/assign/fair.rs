//! The fair objective: raise the weakest proposal first, then the total.
//!
//! Maximising the minimum over proposals of the *sum* of assigned scores is
//! NP-hard in general (PeerReview4All, Stelmakh, Shah & Singh 2019). This
//! module is a **sound approximation**, not an exact method. It builds up to
//! three solutions and returns the best by (weakest, then total):
//!
//! 1. Max-total (exact). Its weakest is `w₀`.
//! 2. Sum pruning: a pair `(p, a)` can only sit in an assignment where `p`'s
//!    sum is ≥ `W` if `score(p, a)` plus the best `K−1` other candidate
//!    scores of `p` is ≥ `W` (a necessary condition, so pruning never
//!    removes an assignment meeting `W`). Binary-search the largest `W`
//!    (integer-scaled) for which the pruned problem is still feasible
//!    (Dinic max flow saturating every supply), then max-total on it. This
//!    forces weak proposals onto their best advisers while strong ones keep
//!    their freedom.
//! 3. Bottleneck: binary-search the largest pair-score level `τ` such that
//!    forbidding every pair below `τ` stays feasible (exact for the max-min
//!    *single* score), then max-total on it.
//!
//! Locked pairs are never pruned. Guarantees: a solution is returned
//! whenever one exists (step 1 is then feasible), and its weakest is ≥ the
//! max-total weakest. The weakest found is not proven optimal in general;
//! [`super::SolveStats::fair_bound`] reports an upper bound (min over
//! proposals of the sum of their K best candidate scores), and when the
//! weakest reaches it the answer is optimal and the search stops early.

use super::encode::{encode, score_cost};
use super::mcf;
use super::{solve_total, Problem, Solution, SCALE};

/// Largest index in `0..n` for which `ok` holds, given `ok(0)` and monotone.
fn last_true(n: usize, ok: &dyn Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0usize, n - 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// Whether the candidates `keep` admits can carry a feasible assignment.
fn feasible(p: &Problem, quota: &[u32], keep: &dyn Fn(usize, usize) -> bool) -> bool {
    let mut enc = encode(p, quota, keep, true);
    let Some((s, t)) = enc.terminals else {
        return false; // encode was asked for terminals; cannot happen
    };
    let need = enc.total_supply();
    mcf::max_flow(&mut enc.net, s, t) == need
}

/// True when `a` is fairer than `b`: higher weakest, then higher total.
fn fairer(a: &Solution, b: &Solution) -> bool {
    a.weakest > b.weakest || (a.weakest == b.weakest && a.total > b.total)
}

/// See the module doc. `None` when the problem is infeasible.
pub(crate) fn solve_fair(p: &Problem, quota: &[u32]) -> Option<Solution> {
    let base = solve_total(p, quota, &|_, _| true)?;
    let mut best = base.clone();
    let mut searches = base.stats.searches;
    let mut augmentations = base.stats.augmentations;

    // Step 2: sum pruning. best_sum[p][i] = the highest sum p can reach
    // with candidate i, in scaled integers.
    let best_sum: Vec<Vec<i64>> = (0..p.proposal_ids.len())
        .map(|pp| {
            let k = p.demand[pp] as usize;
            let sc: Vec<i64> = p.candidates[pp]
                .iter()
                .map(|c| -score_cost(c.score))
                .collect();
            let mut order: Vec<usize> = (0..sc.len()).collect();
            order.sort_by(|&x, &y| sc[y].cmp(&sc[x]).then(x.cmp(&y)));
            let top_k: i64 = order.iter().take(k).map(|&i| sc[i]).sum();
            let top_k1: i64 = order.iter().take(k.saturating_sub(1)).map(|&i| sc[i]).sum();
            let mut out = vec![0i64; sc.len()];
            for (rank, &i) in order.iter().enumerate() {
                out[i] = if rank < k { top_k } else { top_k1 + sc[i] };
            }
            out
        })
        .collect();
    // The max-total weakest in the same integer units (sum of rounded scores).
    let w0 = (0..p.proposal_ids.len())
        .map(|pp| {
            base.assigned[pp]
                .iter()
                .map(|&a| p.score_of(pp, a).map_or(0, |s| -score_cost(s)))
                .sum::<i64>()
        })
        .min()
        .unwrap_or(0);
    let upper = (0..p.proposal_ids.len())
        .filter(|&pp| p.demand[pp] > 0)
        .map(|pp| best_sum[pp].iter().copied().max().unwrap_or(0))
        .min()
        .unwrap_or(w0);
    let mut bound = Some(upper as f64 / SCALE);
    let done = |best: &Solution| {
        // The max-total weakest already meets the upper bound: exact.
        (0..p.proposal_ids.len())
            .map(|pp| {
                best.assigned[pp]
                    .iter()
                    .map(|&a| p.score_of(pp, a).map_or(0, |s| -score_cost(s)))
                    .sum::<i64>()
            })
            .min()
            .unwrap_or(0)
            >= upper
    };
    if upper > w0 {
        let span = (upper - w0) as usize + 1;
        let best_sum = &best_sum;
        let keep_w = |w: i64| move |pp: usize, i: usize| best_sum[pp][i] >= w;
        let j = last_true(span, &|j| feasible(p, quota, &keep_w(w0 + j as i64)));
        if j > 0 {
            if let Some(mut s) = solve_total(p, quota, &keep_w(w0 + j as i64)) {
                s.stats.fair_min_sum = Some((w0 + j as i64) as f64 / SCALE);
                searches += s.stats.searches;
                augmentations += s.stats.augmentations;
                if fairer(&s, &best) {
                    best = s;
                }
            }
        }
    }

    if done(&best) {
        best.stats.searches = searches;
        best.stats.augmentations = augmentations;
        best.stats.fair_bound = bound.take();
        best.stats.fair_exact = Some(true);
        return Some(best);
    }
    // Step 3: bottleneck threshold on single pair scores.
    let mut levels: Vec<f64> = p
        .candidates
        .iter()
        .flat_map(|c| c.iter().map(|c| c.score))
        .collect();
    levels.sort_by(|a, b| a.total_cmp(b));
    levels.dedup();
    if levels.len() > 1 {
        let keep_t = |tau: f64| move |pp: usize, i: usize| p.candidates[pp][i].score >= tau;
        let j = last_true(levels.len(), &|j| feasible(p, quota, &keep_t(levels[j])));
        if j > 0 {
            if let Some(mut s) = solve_total(p, quota, &keep_t(levels[j])) {
                searches += s.stats.searches;
                augmentations += s.stats.augmentations;
                if fairer(&s, &best) {
                    s.stats.fair_threshold = Some(levels[j]);
                    best = s;
                }
            }
        }
    }
    best.stats.searches = searches;
    best.stats.augmentations = augmentations;
    best.stats.fair_bound = bound;
    best.stats.fair_exact = Some(done(&best));
    Some(best)
}
