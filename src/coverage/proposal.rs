//! Per-proposal coverage and the at-risk list.

use std::cmp::Ordering;

use serde::Serialize;

use crate::model::{AreaIx, ProposalIx};

use super::CoverageInput;

/// Coverage of one proposal (`coverage_proposals.csv`). Scores in [0, 1].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProposalCoverage {
    #[serde(skip)]
    pub proposal: ProposalIx,
    pub proposal_id: String,
    #[serde(skip)]
    pub area: AreaIx,
    pub area_id: String,
    /// Reviewers needed.
    pub k: u32,
    /// Eligible advisers given (non-conflicted, area allowed).
    pub eligible: usize,
    /// Eligible advisers whose pair score ≥ the expertise threshold.
    pub experts: usize,
    /// Best eligible score; `None` with no eligible adviser.
    pub best: Option<f64>,
    /// k-th best eligible score; `None` when fewer than k are eligible or k = 0.
    pub kth_best: Option<f64>,
    /// experts ≥ k.
    pub covered: bool,
    /// Mean of the top-k eligible scores, a missing slot (fewer than k
    /// eligible) counting 0 so a short list cannot look strong; `None` when
    /// k = 0. In [0, 1].
    pub mean_top_k: Option<f64>,
    /// After assignment: advisers assigned.
    pub assigned: Option<usize>,
    /// After assignment: lowest assigned score (`None` if none assigned).
    pub weakest_assigned: Option<f64>,
}

/// Figures of proposal `p`; linear in its eligible list (which `validate`
/// checked is sorted by score descending, so the best K are a prefix).
pub fn proposal_coverage(input: &CoverageInput, p: ProposalIx, thr: f64) -> ProposalCoverage {
    let ds = input.ds;
    let prop = &ds.proposals[p];
    let list = &input.eligible[p];
    let k = input.k[p];
    let experts = list.iter().filter(|&&(_, s)| s >= thr).count();
    let kth_best = match k {
        0 => None,
        k => list.get(k as usize - 1).map(|&(_, s)| s),
    };
    let mean_top_k =
        (k > 0).then(|| list.iter().take(k as usize).map(|&(_, s)| s).sum::<f64>() / f64::from(k));
    let assigned_list = input.assigned.as_ref().map(|a| &a[p]);
    ProposalCoverage {
        proposal: p,
        proposal_id: prop.id.clone(),
        area: prop.area,
        area_id: ds.areas[prop.area].id.clone(),
        k,
        eligible: list.len(),
        experts,
        best: list.first().map(|&(_, s)| s),
        kth_best,
        covered: experts >= k as usize,
        mean_top_k,
        assigned: assigned_list.map(Vec::len),
        weakest_assigned: assigned_list
            .and_then(|l| l.iter().map(|&(_, s)| s).min_by(f64::total_cmp)),
    }
}

/// A proposal at risk (`coverage_at_risk.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AtRisk {
    pub proposal_id: String,
    pub area_id: String,
    pub experts: usize,
    pub k: u32,
    pub best: Option<f64>,
    /// Why, in words; several reasons joined by "; ".
    pub reason: String,
}

/// Proposals with fewer than k experts, or (after assignment) fewer than k
/// assigned or an assigned score below the threshold. Least covered first:
/// by experts / k ascending, then best score ascending (none first), then ID.
pub fn at_risk(rows: &[ProposalCoverage], thr: f64) -> Vec<AtRisk> {
    let mut out: Vec<&ProposalCoverage> = Vec::new();
    let mut reasons = Vec::new();
    for r in rows {
        let why = reasons_of(r, thr);
        if !why.is_empty() {
            out.push(r);
            reasons.push(why);
        }
    }
    let mut idx: Vec<usize> = (0..out.len()).collect();
    idx.sort_by(|&a, &b| cmp_risk(out[a], out[b]));
    idx.into_iter()
        .map(|i| {
            let r = out[i];
            AtRisk {
                proposal_id: r.proposal_id.clone(),
                area_id: r.area_id.clone(),
                experts: r.experts,
                k: r.k,
                best: r.best,
                reason: reasons[i].join("; "),
            }
        })
        .collect()
}

fn reasons_of(r: &ProposalCoverage, thr: f64) -> Vec<String> {
    let mut why = Vec::new();
    let k = r.k as usize;
    if r.experts < k {
        why.push(if r.eligible == 0 {
            "no eligible adviser".to_string()
        } else if r.eligible < k {
            format!("only {} eligible advisers for k = {k}", r.eligible)
        } else {
            format!("only {} experts (score >= {thr}) for k = {k}", r.experts)
        });
    }
    if let Some(a) = r.assigned {
        if a < k {
            why.push(format!("assigned {a} of {k}"));
        }
    }
    if let Some(w) = r.weakest_assigned {
        if w < thr {
            why.push(format!(
                "weakest assigned score {w:.3} below threshold {thr}"
            ));
        }
    }
    why
}

/// experts/k ascending without floats (cross-multiplied), then best, then ID.
fn cmp_risk(a: &ProposalCoverage, b: &ProposalCoverage) -> Ordering {
    let ka = u64::from(a.k.max(1));
    let kb = u64::from(b.k.max(1));
    (a.experts as u64 * kb)
        .cmp(&(b.experts as u64 * ka))
        .then_with(|| match (a.best, b.best) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => x.total_cmp(&y),
        })
        .then_with(|| a.proposal_id.cmp(&b.proposal_id))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    #[test]
    fn per_proposal_by_hand() {
        let ds = dataset();
        let inp = input(&ds);
        let r: Vec<_> = (0..3).map(|p| proposal_coverage(&inp, p, 0.3)).collect();
        // P1: .9 .5 .1, k 2 → experts 2, covered, k-th .5, mean top-2 .7.
        assert_eq!((r[0].eligible, r[0].experts, r[0].covered), (3, 2, true));
        assert_eq!((r[0].best, r[0].kth_best), (Some(0.9), Some(0.5)));
        assert!((r[0].mean_top_k.unwrap() - 0.7).abs() < 1e-12);
        assert_eq!((r[0].assigned, r[0].weakest_assigned), (Some(2), Some(0.5)));
        // P2: .4 .2, k 2 → 1 expert, not covered, mean (.4+.2)/2 = .3.
        assert_eq!(
            (r[1].experts, r[1].covered, r[1].kth_best),
            (1, false, Some(0.2))
        );
        assert!((r[1].mean_top_k.unwrap() - 0.3).abs() < 1e-12);
        // P3: nothing eligible, k 1 → best/k-th empty, mean 0 (missing slot).
        assert_eq!(
            (r[2].experts, r[2].best, r[2].kth_best, r[2].mean_top_k),
            (0, None, None, Some(0.0))
        );
        assert_eq!((r[2].assigned, r[2].weakest_assigned), (Some(0), None));
    }

    #[test]
    fn k_zero_is_covered_with_no_kth() {
        let ds = dataset();
        let mut inp = input(&ds);
        inp.k[2] = 0;
        let r = proposal_coverage(&inp, 2, 0.3);
        assert!(r.covered);
        assert_eq!((r.kth_best, r.mean_top_k), (None, None));
    }

    #[test]
    fn at_risk_least_covered_first_with_reasons() {
        let ds = dataset();
        let inp = input(&ds);
        let rows: Vec<_> = (0..3).map(|p| proposal_coverage(&inp, p, 0.3)).collect();
        let risk = at_risk(&rows, 0.3);
        let ids: Vec<_> = risk.iter().map(|r| r.proposal_id.as_str()).collect();
        assert_eq!(ids, vec!["P3", "P2"]);
        assert_eq!(risk[0].reason, "no eligible adviser; assigned 0 of 1");
        assert_eq!(
            risk[1].reason,
            "only 1 experts (score >= 0.3) for k = 2; weakest assigned score 0.200 below threshold 0.3"
        );
    }
}
