//! From text vectors to adviser scores, and the blends with the lexical
//! score. Pure functions of vectors and scores (no model), so they are
//! tested without one.
//!
//! An adviser's papers are compared with the proposal one by one (cosine
//! of unit vectors, negatives read as 0) and combined by [`Aggregate`]:
//! - `best`: the best paper;
//! - `top3`: `(s1 + s2/2 + s3/3) / (1 + 1/2 + 1/3)` over the best three
//!   (as the lexical `top-papers` strategy; an adviser with fewer papers
//!   counts the missing ones as 0);
//! - `recency`: one profile vector, the mean of the paper vectors weighted
//!   by `0.5^((ref_year − year)/half_life)`, renormalised.

use crate::score::{PairScore, ScoreMatrix};

pub use crate::config::EmbeddingAggregate as Aggregate;

impl Aggregate {
    pub const ALL: [Aggregate; 3] = [Aggregate::Best, Aggregate::Top3, Aggregate::Recency];

    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Best => "best",
            Aggregate::Top3 => "top3",
            Aggregate::Recency => "recency",
        }
    }
}

/// One adviser's papers: unit vectors and their recency weights.
#[derive(Clone, Debug, Default)]
pub struct AdviserPapers {
    pub vectors: Vec<Vec<f32>>,
    pub recency: Vec<f32>,
}

/// Embedding score of every proposal × adviser, row-major, each in [0, 1].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmbeddingMatrix {
    pub n_advisers: usize,
    pub data: Vec<f32>,
}

impl EmbeddingMatrix {
    pub fn get(&self, p: usize, a: usize) -> f32 {
        self.data
            .get(p * self.n_advisers + a)
            .copied()
            .unwrap_or(0.0)
    }

    pub fn row(&self, p: usize) -> &[f32] {
        let s = p * self.n_advisers;
        self.data.get(s..s + self.n_advisers).unwrap_or(&[])
    }

    pub fn n_proposals(&self) -> usize {
        self.data.len().checked_div(self.n_advisers).unwrap_or(0)
    }
}

pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The profile vector of `recency` aggregation (empty when no papers).
pub fn recency_profile(papers: &AdviserPapers) -> Vec<f32> {
    let Some(first) = papers.vectors.first() else {
        return Vec::new();
    };
    let mut acc = vec![0f32; first.len()];
    for (v, &w) in papers.vectors.iter().zip(&papers.recency) {
        for (a, x) in acc.iter_mut().zip(v) {
            *a += w * x;
        }
    }
    super::normalised(acc)
}

/// The score of one adviser for one proposal vector `q` (empty `q`: 0).
pub fn adviser_score(q: &[f32], papers: &AdviserPapers, profile: &[f32], how: Aggregate) -> f32 {
    if q.is_empty() {
        return 0.0;
    }
    match how {
        Aggregate::Recency => {
            if profile.is_empty() {
                0.0
            } else {
                dot(q, profile).max(0.0)
            }
        }
        Aggregate::Best | Aggregate::Top3 => {
            let mut top = [0f32; 3];
            for v in &papers.vectors {
                let s = dot(q, v).max(0.0);
                if s > top[2] {
                    top[2] = s;
                    if top[2] > top[1] {
                        top.swap(1, 2);
                        if top[1] > top[0] {
                            top.swap(0, 1);
                        }
                    }
                }
            }
            if how == Aggregate::Best {
                top[0]
            } else {
                (top[0] + top[1] / 2.0 + top[2] / 3.0) / (1.0 + 0.5 + 1.0 / 3.0)
            }
        }
    }
    .clamp(0.0, 1.0)
}

/// Scores of every proposal (rows of `queries`) against every adviser, in
/// parallel over proposals.
pub fn score_matrix(
    queries: &[Vec<f32>],
    advisers: &[AdviserPapers],
    how: Aggregate,
) -> EmbeddingMatrix {
    use rayon::prelude::*;
    let profiles: Vec<Vec<f32>> = if how == Aggregate::Recency {
        advisers.iter().map(recency_profile).collect()
    } else {
        vec![Vec::new(); advisers.len()]
    };
    let data: Vec<f32> = queries
        .par_iter()
        .flat_map_iter(|q| {
            advisers
                .iter()
                .zip(&profiles)
                .map(move |(papers, prof)| adviser_score(q, papers, prof, how))
        })
        .collect();
    EmbeddingMatrix {
        n_advisers: advisers.len(),
        data,
    }
}

/// The constant `k` of reciprocal rank fusion (Cormack, Clarke & Büttcher
/// 2009): `1/(k + rank)` summed over the rankings.
pub const RRF_K: f64 = 60.0;

/// A ranking blend of the lexical list and the embedding scores, for
/// measurement (`eval-scores`): each pair of `lexical` gets
/// `score' = f(lexical rank, embedding rank)` and the list is re-sorted.
/// The pair keeps its components and reasons; only `score` and the order
/// change. `Embedding` ranks by the embedding alone; `Rank` is reciprocal
/// rank fusion over the pairs listed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rerank {
    Embedding,
    Rank,
}

pub fn rerank(lexical: &ScoreMatrix, emb: &EmbeddingMatrix, how: Rerank) -> ScoreMatrix {
    let per_proposal = lexical
        .per_proposal
        .iter()
        .enumerate()
        .map(|(p, list)| {
            let e: Vec<f64> = list
                .iter()
                .map(|s| f64::from(emb.get(p, s.adviser)))
                .collect();
            let mut out: Vec<PairScore> = match how {
                Rerank::Embedding => list
                    .iter()
                    .zip(&e)
                    .map(|(s, &x)| PairScore {
                        score: x,
                        ..s.clone()
                    })
                    .collect(),
                Rerank::Rank => {
                    // Lexical rank: the list's order (best first); embedding
                    // rank: by embedding score, ties by the lexical order.
                    let mut by_emb: Vec<usize> = (0..list.len()).collect();
                    by_emb.sort_by(|&i, &j| e[j].total_cmp(&e[i]).then(i.cmp(&j)));
                    let mut emb_rank = vec![0usize; list.len()];
                    for (r, &i) in by_emb.iter().enumerate() {
                        emb_rank[i] = r;
                    }
                    list.iter()
                        .enumerate()
                        .map(|(i, s)| PairScore {
                            score: 1.0 / (RRF_K + 1.0 + i as f64)
                                + 1.0 / (RRF_K + 1.0 + emb_rank[i] as f64),
                            ..s.clone()
                        })
                        .collect()
                }
            };
            // Stable: equal scores keep the lexical order.
            out.sort_by(|x, y| y.score.total_cmp(&x.score));
            out
        })
        .collect();
    ScoreMatrix { per_proposal }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        crate::score::embed::normalised(v.to_vec())
    }

    #[test]
    fn aggregates_by_hand() {
        let q = unit(&[1.0, 0.0]);
        // Cosines with q: 1.0, 0.6, 0.0 (and a negative one, read as 0).
        let papers = AdviserPapers {
            vectors: vec![
                unit(&[0.6, 0.8]),
                unit(&[1.0, 0.0]),
                unit(&[0.0, 1.0]),
                unit(&[-1.0, 0.0]),
            ],
            recency: vec![1.0, 0.5, 1.0, 1.0],
        };
        let best = adviser_score(&q, &papers, &[], Aggregate::Best);
        assert!((best - 1.0).abs() < 1e-6);
        let top3 = adviser_score(&q, &papers, &[], Aggregate::Top3);
        let want = (1.0 + 0.6 / 2.0 + 0.0 / 3.0) / (11.0 / 6.0);
        assert!((top3 - want).abs() < 1e-6, "{top3} vs {want}");
        // Recency profile: 1·(0.6,0.8) + 0.5·(1,0) + 1·(0,1) + 1·(-1,0)
        // = (0.1, 1.8), normalised; cosine with (1,0) = 0.1/|(0.1,1.8)|.
        let prof = recency_profile(&papers);
        let rec = adviser_score(&q, &papers, &prof, Aggregate::Recency);
        let want = 0.1 / (0.1f32 * 0.1 + 1.8 * 1.8).sqrt();
        assert!((rec - want).abs() < 1e-6, "{rec} vs {want}");
        // No papers, or an empty proposal: 0.
        let none = AdviserPapers::default();
        assert_eq!(adviser_score(&q, &none, &[], Aggregate::Top3), 0.0);
        assert_eq!(adviser_score(&[], &papers, &prof, Aggregate::Best), 0.0);
    }

    fn pair(a: usize, score: f64) -> PairScore {
        PairScore {
            adviser: a,
            score,
            text: score,
            keywords: 0.0,
            area: 0.0,
            top_terms: vec![format!("t{a}")],
        }
    }

    #[test]
    fn rank_fusion_by_hand() {
        // Lexical order 0, 1, 2; embedding order 2, 1, 0 (scores .1 .5 .9).
        let lex = ScoreMatrix {
            per_proposal: vec![vec![pair(0, 0.9), pair(1, 0.5), pair(2, 0.4)]],
        };
        let emb = EmbeddingMatrix {
            n_advisers: 3,
            data: vec![0.1, 0.5, 0.9],
        };
        let e = rerank(&lex, &emb, Rerank::Embedding);
        let order: Vec<usize> = e.per_proposal[0].iter().map(|s| s.adviser).collect();
        assert_eq!(order, [2, 1, 0]);
        assert_eq!(
            e.per_proposal[0][0].top_terms,
            ["t2"],
            "reasons stay lexical"
        );
        let r = rerank(&lex, &emb, Rerank::Rank);
        // 0: 1/61 + 1/63; 1: 1/62 + 1/62; 2: 1/63 + 1/61. 1/62+1/62 is the
        // smallest (convexity), 0 and 2 tie and keep the lexical order.
        let order: Vec<usize> = r.per_proposal[0].iter().map(|s| s.adviser).collect();
        assert_eq!(order, [0, 2, 1]);
        let want = 1.0 / 61.0 + 1.0 / 63.0;
        assert!((r.per_proposal[0][0].score - want).abs() < 1e-12);
    }

    #[test]
    fn matrix_matches_the_single_scores() {
        let qs = vec![unit(&[1.0, 0.0]), unit(&[0.0, 1.0]), Vec::new()];
        let advs = vec![
            AdviserPapers {
                vectors: vec![unit(&[1.0, 1.0])],
                recency: vec![1.0],
            },
            AdviserPapers::default(),
        ];
        for how in Aggregate::ALL {
            let m = score_matrix(&qs, &advs, how);
            assert_eq!(m.n_proposals(), 3);
            for (p, q) in qs.iter().enumerate() {
                for (a, ap) in advs.iter().enumerate() {
                    let prof = recency_profile(ap);
                    assert_eq!(m.get(p, a), adviser_score(q, ap, &prof, how));
                }
            }
        }
    }
}
