//! The scoring variants that `rdmatch eval-scores` compares, so the default
//! is chosen on measurement (docs/benchmarks.md has the figures).

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
    ]
}

/// The variant named `name`, if any.
pub fn variant(name: &str) -> Option<Variant> {
    variants().into_iter().find(|v| v.name == name)
}
