//! Withdrawal resilience: what each proposal loses if one of its advisers
//! withdraws, and who would replace them.
//!
//! For every assigned pair (p, a) the replacement is the best eligible
//! adviser of p who is not already on p, has a free place (load below max
//! load), keeps one adviser per institution (when that rule is on) and
//! keeps p's non-academic quota as met as it was. The loss is
//! `score(p, a) − score(p, replacement)`, or the whole `score(p, a)` when
//! nobody qualifies. A proposal's resilience is its worst single
//! withdrawal; the weakest proposals are those with the largest loss.

use std::io::Write;

use super::{AssignError, Problem, Solution};

/// A proposal's worst single withdrawal.
#[derive(Clone, Debug, PartialEq)]
pub struct Withdrawal {
    pub proposal: usize,
    pub total: f64,
    /// The adviser whose withdrawal costs most (None: no adviser assigned).
    pub adviser: Option<usize>,
    pub loss: f64,
    pub replacement: Option<usize>,
    pub replacement_score: Option<f64>,
}

/// The worst single withdrawal of every proposal, in proposal order.
pub fn resilience(p: &Problem, s: &Solution) -> Vec<Withdrawal> {
    let quota = p.effective_quota();
    (0..p.proposal_ids.len())
        .map(|pp| {
            let list = &s.assigned[pp];
            let total: f64 = list.iter().filter_map(|&a| p.score_of(pp, a)).sum();
            let non_acad = list.iter().filter(|&&a| p.adviser_non_academic[a]).count() as u32;
            let mut worst = Withdrawal {
                proposal: pp,
                total,
                adviser: None,
                loss: f64::NEG_INFINITY,
                replacement: None,
                replacement_score: None,
            };
            for &a in list {
                let sa = p.score_of(pp, a).unwrap_or(0.0);
                let needs_non_acad = p.adviser_non_academic[a] && non_acad <= quota[pp];
                let best = p.candidates[pp]
                    .iter()
                    .filter(|c| !list.contains(&c.adviser))
                    .filter(|c| s.loads[c.adviser] < p.max_load[c.adviser])
                    .filter(|c| !needs_non_acad || p.adviser_non_academic[c.adviser])
                    .filter(|c| {
                        !p.one_per_institution
                            || list.iter().all(|&b| {
                                b == a
                                    || p.adviser_institution[b] != p.adviser_institution[c.adviser]
                            })
                    })
                    .max_by(|x, y| {
                        x.score
                            .total_cmp(&y.score)
                            .then_with(|| p.adviser_ids[y.adviser].cmp(&p.adviser_ids[x.adviser]))
                    });
                let loss = sa - best.map_or(0.0, |c| c.score);
                if loss > worst.loss {
                    worst.adviser = Some(a);
                    worst.loss = loss;
                    worst.replacement = best.map(|c| c.adviser);
                    worst.replacement_score = best.map(|c| c.score);
                }
            }
            if worst.adviser.is_none() {
                worst.loss = 0.0;
            }
            worst
        })
        .collect()
}

crate::table_row! {
    /// One proposal of resilience.csv: what its worst withdrawal costs.
    pub struct ResilienceRow<'a> {
        pub proposal_id: &'a str,
        pub assigned_total: f64,
        pub worst_withdrawal: &'a str,
        pub loss: f64,
        pub replacement: &'a str,
        pub replacement_score: Option<f64>,
        pub total_after: f64,
        pub weakest_rank: usize,
    }
}

/// resilience.csv: `proposal_id,assigned_total,worst_withdrawal,loss,
/// replacement,replacement_score,total_after,weakest_rank` in proposal-ID
/// order; `weakest_rank` 1 is the proposal that loses most (ties by ID).
pub fn write_resilience_csv<W: Write>(
    out: W,
    p: &Problem,
    rows: &[Withdrawal],
) -> Result<(), AssignError> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&x, &y| {
        rows[y]
            .loss
            .total_cmp(&rows[x].loss)
            .then_with(|| p.proposal_ids[rows[x].proposal].cmp(&p.proposal_ids[rows[y].proposal]))
    });
    let mut rank = vec![0usize; rows.len()];
    for (i, &r) in order.iter().enumerate() {
        rank[r] = i + 1;
    }
    let mut by_id: Vec<usize> = (0..rows.len()).collect();
    by_id.sort_by(|&x, &y| p.proposal_ids[rows[x].proposal].cmp(&p.proposal_ids[rows[y].proposal]));
    let mut w = crate::table::CsvWriter::new(out);
    w.header::<ResilienceRow>().map_err(std::io::Error::from)?;
    for i in by_id {
        let r = &rows[i];
        let id = |a: Option<usize>| a.map_or("", |a| p.adviser_ids[a].as_str());
        w.serialize(&ResilienceRow {
            proposal_id: &p.proposal_ids[r.proposal],
            assigned_total: r.total,
            worst_withdrawal: id(r.adviser),
            loss: r.loss,
            replacement: id(r.replacement),
            replacement_score: r.replacement_score,
            total_after: r.total - r.loss,
            weakest_rank: rank[i],
        })
        .map_err(std::io::Error::from)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{solve, Candidate, Objective};
    use super::*;

    #[test]
    fn worst_withdrawal_and_replacement_by_hand() {
        // P0 gets A0 (0.9) and A1 (0.5); A2 (0.4) is free, A3 (0.8) is full
        // with P1. Losing A0 costs 0.9 − 0.4 = 0.5: the worst.
        let ids = |x: &str, n: usize| (0..n).map(|i| format!("{x}{i}")).collect::<Vec<_>>();
        let c = |a, score| Candidate { adviser: a, score };
        let p = Problem {
            proposal_ids: ids("P", 2),
            adviser_ids: ids("A", 4),
            demand: vec![2, 1],
            min_load: vec![0; 4],
            max_load: vec![1; 4],
            candidates: vec![
                vec![c(0, 0.9), c(3, 0.8), c(1, 0.5), c(2, 0.4)],
                vec![c(3, 1.0)],
            ],
            adviser_institution: vec![0, 1, 2, 3],
            adviser_non_academic: vec![false; 4],
            min_non_academic: vec![0; 2],
            ..Problem::default()
        };
        let s = solve(&p, Objective::Total).unwrap();
        assert_eq!(s.assigned[0], vec![0, 1]);
        let r = resilience(&p, &s);
        assert_eq!(r[0].adviser, Some(0));
        assert!((r[0].loss - 0.5).abs() < 1e-12);
        assert_eq!(r[0].replacement, Some(2));
        // P1's only candidate: losing A3 loses everything.
        assert_eq!((r[1].replacement, r[1].loss), (None, 1.0));
        let mut buf = Vec::new();
        write_resilience_csv(&mut buf, &p, &r).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.contains("P0,1.400000,A0,0.500000,A2,0.400000,0.900000,2"),
            "{text}"
        );
        assert!(
            text.contains("P1,1.000000,A3,1.000000,,,0.000000,1"),
            "{text}"
        );
    }
}
