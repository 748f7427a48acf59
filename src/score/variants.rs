//! The scoring variants that `rdmatch eval-scores` compares, so the default
//! is chosen on measurement (docs/benchmarks.md has the figures).

use super::{PairScore, ScoreMatrix};
use crate::config::{ProfileStrategy, ScoreConfig, TextModel};

/// A named change to the configured scoring.
#[derive(Clone, Copy)]
pub struct Variant {
    pub name: &'static str,
    /// What the variant does, in a few words.
    pub about: &'static str,
    pub apply: fn(&mut ScoreConfig),
}

/// Every variant, the configuration in force (`default`) first.
pub fn variants() -> Vec<Variant> {
    vec![
        Variant {
            name: "default",
            about: "the configuration in force",
            apply: |_| {},
        },
        Variant {
            name: "tfidf-profile",
            about: "TF-IDF cosine, one recency-weighted profile per adviser",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::Profile;
            },
        },
        Variant {
            name: "tfidf-top-papers",
            about: "TF-IDF cosine per paper, best three combined",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::TopPapers;
            },
        },
        Variant {
            name: "bm25-profile",
            about: "BM25 (k1 1.2, b 0.75) against one profile",
            apply: |c| {
                c.model = TextModel::Bm25;
                c.strategy = ProfileStrategy::Profile;
            },
        },
        Variant {
            name: "bm25-top-papers",
            about: "BM25 per paper, best three combined",
            apply: |c| {
                c.model = TextModel::Bm25;
                c.strategy = ProfileStrategy::TopPapers;
            },
        },
        Variant {
            name: "bm25-b1-profile",
            about: "BM25 with full length normalisation (b 1): long profiles pay for their length",
            apply: |c| {
                c.model = TextModel::Bm25;
                c.strategy = ProfileStrategy::Profile;
                c.bm25_b = 1.0;
            },
        },
        Variant {
            name: "bm25-k2-profile",
            about: "BM25 with slower saturation (k1 2, b 0.9)",
            apply: |c| {
                c.model = TextModel::Bm25;
                c.strategy = ProfileStrategy::Profile;
                c.bm25_k1 = 2.0;
                c.bm25_b = 0.9;
            },
        },
        Variant {
            name: "tfidf-title2",
            about: "TF-IDF profile, title words weigh 2 (field weight)",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::Profile;
                c.title_weight = 2.0;
            },
        },
        Variant {
            name: "tfidf-bigrams",
            about: "TF-IDF profile plus stemmed bigrams of adjacent words",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::Profile;
                c.text_bigrams = true;
            },
        },
        Variant {
            name: "tfidf-keywords0.3",
            about:
                "TF-IDF profile, keyword phrases (author keywords, MeSH, WoS keywords) weigh 0.3",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::Profile;
                c.weight_text = 0.7 * (1.0 - c.weight_area);
                c.weight_keywords = 0.3 * (1.0 - c.weight_area);
            },
        },
        Variant {
            name: "tfidf-no-recency",
            about: "TF-IDF profile, every paper weighs the same (half-life 1000 years)",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::Profile;
                c.half_life_years = 1000.0;
            },
        },
        Variant {
            name: "tfidf-recency2",
            about: "TF-IDF profile, half-life 2 years",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::Profile;
                c.half_life_years = 2.0;
            },
        },
        Variant {
            name: "tfidf-feedback",
            about:
                "TF-IDF profile with pseudo-relevance feedback (20 terms of the best 3 advisers)",
            apply: |c| {
                c.model = TextModel::TfIdf;
                c.strategy = ProfileStrategy::Profile;
                c.feedback_terms = 20;
            },
        },
    ]
}

/// Blends compared after the single variants: `(name, a, b)`, the mean of
/// the two variants' scores per pair.
pub const BLENDS: &[(&str, &str, &str)] = &[
    ("blend tfidf+bm25", "tfidf-profile", "bm25-profile"),
    (
        "blend tfidf+top-papers",
        "tfidf-profile",
        "tfidf-top-papers",
    ),
];

/// The mean of two score matrices per pair (a pair missing from one counts
/// 0 there), each list sorted by score descending, ties by adviser index.
pub fn blend(a: &ScoreMatrix, b: &ScoreMatrix) -> ScoreMatrix {
    let per_proposal = a
        .per_proposal
        .iter()
        .zip(&b.per_proposal)
        .map(|(ra, rb)| {
            let mut by: std::collections::BTreeMap<usize, PairScore> = Default::default();
            for s in ra.iter().chain(rb) {
                let e = by.entry(s.adviser).or_insert_with(|| PairScore {
                    score: 0.0,
                    text: 0.0,
                    keywords: 0.0,
                    ..s.clone()
                });
                e.score += s.score / 2.0;
                e.text += s.text / 2.0;
                e.keywords += s.keywords / 2.0;
            }
            let mut row: Vec<PairScore> = by.into_values().collect();
            row.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.adviser.cmp(&y.adviser)));
            row
        })
        .collect();
    ScoreMatrix { per_proposal }
}

/// The variant named `name`, if any.
pub fn variant(name: &str) -> Option<Variant> {
    variants().into_iter().find(|v| v.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(adviser: usize, score: f64) -> PairScore {
        PairScore {
            adviser,
            score,
            text: score,
            keywords: 0.0,
            area: 1.0,
            top_terms: Vec::new(),
        }
    }

    #[test]
    fn blend_is_the_mean_per_pair() {
        let a = ScoreMatrix {
            per_proposal: vec![vec![pair(0, 0.8), pair(1, 0.2)]],
        };
        let b = ScoreMatrix {
            per_proposal: vec![vec![pair(1, 0.6), pair(2, 0.4)]],
        };
        let m = blend(&a, &b);
        let got: Vec<(usize, f64)> = m.per_proposal[0]
            .iter()
            .map(|s| (s.adviser, s.score))
            .collect();
        assert_eq!(got, vec![(0, 0.4), (1, 0.4), (2, 0.2)]);
        assert_eq!(m.per_proposal[0][0].area, 1.0);
    }

    #[test]
    fn names_are_unique_and_blends_name_variants() {
        let v = variants();
        for (i, x) in v.iter().enumerate() {
            assert!(v[i + 1..].iter().all(|y| y.name != x.name), "{}", x.name);
        }
        for (_, a, b) in BLENDS {
            assert!(variant(a).is_some() && variant(b).is_some());
        }
    }
}
