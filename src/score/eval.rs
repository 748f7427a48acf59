//! Measuring score quality against known true expertise.
//!
//! Takes a [`ScoreMatrix`] and a [`Truth`] (topic-weight vectors of
//! researchers and proposals, as written by the synthetic data generator to
//! `truth/researcher_topics.csv` and `truth/proposal_topics.csv`); hands on
//! an [`EvalReport`]. True expertise of an adviser for a proposal is the
//! cosine of the two topic-weight vectors. Only eligible advisers (those
//! serving the proposal's area) are ranked.

use std::collections::HashMap;
use std::path::Path;

use super::ScoreMatrix;
use crate::model::{Dataset, ProposalIx};
use crate::table::{self, InputRow, Layout, Names};

/// True topic mixtures. Vectors are sparse `(topic, weight)` sorted by topic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Truth {
    /// Indexed by `ResearcherIx`.
    pub researcher_topics: Vec<Vec<(u32, f64)>>,
    /// Indexed by `ProposalIx`.
    pub proposal_topics: Vec<Vec<(u32, f64)>>,
}

/// Quality of a score matrix against the truth (all values in [0, 1] except
/// `spearman`, in [−1, 1]).
#[derive(Clone, Debug, PartialEq)]
pub struct EvalReport {
    /// Mean over proposals of |true top-5 ∩ scored top-5| / 5 (k = the
    /// number of eligible advisers when fewer).
    pub recall_at_5: f64,
    pub recall_at_10: f64,
    /// Mean over proposals of the Spearman rank correlation between scores
    /// and true expertise over eligible advisers (pairs missing from the
    /// matrix tie for the last rank); proposals where either side is
    /// constant are left out.
    pub spearman: f64,
    /// Proposals with at least one eligible adviser.
    pub n_proposals: usize,
}

/// A truth file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TruthError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Table {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path}:{line}: column '{field}': {message}")]
    Field {
        path: String,
        line: u64,
        field: String,
        message: String,
    },
}

/// Reads `researcher_topics.csv` (researcher_id,topic_id,weight) and
/// `proposal_topics.csv` (proposal_id,topic_id,weight) from `dir`.
pub fn read_truth(dir: &Path, ds: &Dataset) -> Result<Truth, TruthError> {
    let mut topics: HashMap<String, u32> = HashMap::new();
    let researcher_topics = read_topics::<ResearcherTopicRow>(
        &dir.join("researcher_topics.csv"),
        |l, c| {
            l.row::<ResearcherTopicRow>(c)
                .map(|r| [r.researcher_id, r.topic_id, r.weight])
        },
        &ds.researcher_by_id,
        ds.researchers.len(),
        &mut topics,
    )?;
    let proposal_topics = read_topics::<ProposalTopicRow>(
        &dir.join("proposal_topics.csv"),
        |l, c| {
            l.row::<ProposalTopicRow>(c)
                .map(|r| [r.proposal_id, r.topic_id, r.weight])
        },
        &ds.proposal_by_id,
        ds.proposals.len(),
        &mut topics,
    )?;
    Ok(Truth {
        researcher_topics,
        proposal_topics,
    })
}

crate::read_row! {
    /// One row of truth/researcher_topics.csv (written by `rdmatch
    /// generate`): a researcher's weight on one topic.
    pub struct ResearcherTopicRow<'a> {
        pub researcher_id: &'a str,
        pub topic_id: &'a str,
        pub weight: &'a str,
    }
}

crate::read_row! {
    /// One row of truth/proposal_topics.csv (written by `rdmatch
    /// generate`): a proposal's weight on one topic.
    pub struct ProposalTopicRow<'a> {
        pub proposal_id: &'a str,
        pub topic_id: &'a str,
        pub weight: &'a str,
    }
}

/// Reads one topics file of row type `R`; `cells` gives a row's ID, topic
/// and weight.
fn read_topics<R: InputRow>(
    path: &Path,
    cells: impl for<'t> Fn(
        &Layout,
        &table::read::Row<'t>,
    ) -> Result<[&'t str; 3], table::typed::RowError>,
    ids: &HashMap<String, usize>,
    n: usize,
    topics: &mut HashMap<String, u32>,
) -> Result<Vec<Vec<(u32, f64)>>, TruthError> {
    let name = path.display().to_string();
    if let Err(source) = std::fs::File::open(path) {
        return Err(TruthError::Io { path: name, source });
    }
    let t = table::read_path(
        path,
        &table::ReadOptions {
            header: true,
            ..Default::default()
        },
    )
    .map_err(|e| TruthError::Table {
        path: name.clone(),
        line: e.line.unwrap_or(0),
        message: e.message,
    })?;
    let layout = Layout::find::<R>(&t.header, Names::Exact);
    let id_col = R::FIELDS[0].name;
    if let Some(missing) = layout.missing::<R>().first() {
        return Err(TruthError::Field {
            path: name,
            line: 1,
            field: missing.to_string(),
            message: format!("missing column; expected {id_col},topic_id,weight"),
        });
    }
    if let Some(r) = t.rejected.first() {
        return Err(TruthError::Table {
            path: name,
            line: r.position.line(),
            message: r.message.clone(),
        });
    }
    let mut out: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    for (row, pos) in t.rows() {
        let line = pos.line();
        let bad = |field: &str, message: String| TruthError::Field {
            path: name.clone(),
            line,
            field: field.to_string(),
            message,
        };
        let [id, topic, ws] = cells(&layout, &row).map_err(|e| bad(id_col, e.message))?;
        let i = *ids
            .get(id)
            .ok_or_else(|| bad(id_col, format!("unknown ID {id:?}")))?;
        let next = topics.len() as u32;
        let t = *topics.entry(topic.to_string()).or_insert(next);
        let w: f64 = ws
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| bad("weight", format!("{ws:?} is not a number ≥ 0")))?;
        out[i].push((t, w));
    }
    for v in &mut out {
        v.sort_by_key(|x| x.0);
        let mut merged: Vec<(u32, f64)> = Vec::with_capacity(v.len());
        for &(t, w) in v.iter() {
            match merged.last_mut() {
                Some((lt, lw)) if *lt == t => *lw += w,
                _ => merged.push((t, w)),
            }
        }
        *v = merged;
    }
    Ok(out)
}

fn cosine(x: &[(u32, f64)], y: &[(u32, f64)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < x.len() && j < y.len() {
        match x[i].0.cmp(&y[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += x[i].1 * y[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    let nx: f64 = x.iter().map(|a| a.1 * a.1).sum::<f64>().sqrt();
    let ny: f64 = y.iter().map(|a| a.1 * a.1).sum::<f64>().sqrt();
    if nx > 0.0 && ny > 0.0 {
        dot / (nx * ny)
    } else {
        0.0
    }
}

/// Average ranks (1-based, ties share their mean rank).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rho as the Pearson correlation of average ranks; None when a
/// side is constant.
fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Compares `m` with the truth (see [`EvalReport`]). Ties in the true
/// ranking are broken by researcher ID, as in the score matrix.
pub fn evaluate(ds: &Dataset, m: &ScoreMatrix, truth: &Truth) -> EvalReport {
    let (mut r5, mut r10, mut rho, mut n_rho, mut n) = (0.0, 0.0, 0.0, 0usize, 0usize);
    for (p, row) in m.per_proposal.iter().enumerate() {
        let p: ProposalIx = p;
        let area = ds.proposals[p].area;
        let eligible: Vec<usize> = (0..ds.advisers.len())
            .filter(|&a| ds.advisers[a].areas.contains(&area))
            .collect();
        if eligible.is_empty() {
            continue;
        }
        n += 1;
        let empty = Vec::new();
        let pt = truth.proposal_topics.get(p).unwrap_or(&empty);
        let true_score: Vec<f64> = eligible
            .iter()
            .map(|&a| {
                let r = ds.advisers[a].researcher;
                cosine(pt, truth.researcher_topics.get(r).unwrap_or(&empty))
            })
            .collect();
        let mut true_order: Vec<usize> = (0..eligible.len()).collect();
        true_order.sort_by(|&x, &y| {
            true_score[y]
                .total_cmp(&true_score[x])
                .then_with(|| ds.adviser_id(eligible[x]).cmp(ds.adviser_id(eligible[y])))
        });
        let scored: Vec<usize> = row
            .iter()
            .map(|s| s.adviser)
            .filter(|a| eligible.binary_search(a).is_ok())
            .collect();
        for (k, acc) in [(5usize, &mut r5), (10usize, &mut r10)] {
            let k = k.min(eligible.len());
            let truth_k: Vec<usize> = true_order[..k].iter().map(|&i| eligible[i]).collect();
            let hit = scored
                .iter()
                .take(k)
                .filter(|a| truth_k.contains(a))
                .count();
            *acc += hit as f64 / k as f64;
        }
        let mut ours = vec![-1.0; eligible.len()];
        for s in row {
            if let Ok(i) = eligible.binary_search(&s.adviser) {
                ours[i] = s.score;
            }
        }
        if let Some(r) = spearman(&ours, &true_score) {
            rho += r;
            n_rho += 1;
        }
    }
    let mean = |x: f64, k: usize| if k == 0 { 0.0 } else { x / k as f64 };
    EvalReport {
        recall_at_5: mean(r5, n),
        recall_at_10: mean(r10, n),
        spearman: mean(rho, n_rho),
        n_proposals: n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_reference_values() {
        // Perfect, reversed, and a hand-computed case with a tie:
        // x ranks [1, 2.5, 2.5, 4], y ranks [1, 2, 3, 4] → rho = 4.5/sqrt(4.5·5) ≈ 0.948683.
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
        let r = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((r - 4.5 / (4.5f64 * 5.0).sqrt()).abs() < 1e-12, "{r}");
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn cosine_of_sparse_topics() {
        let x = [(0, 1.0), (2, 1.0)];
        let y = [(2, 2.0), (5, 2.0)];
        assert!((cosine(&x, &y) - 0.5).abs() < 1e-12);
        assert_eq!(cosine(&x, &[]), 0.0);
    }
}
