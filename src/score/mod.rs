//! Expertise scoring: how well each adviser's expertise fits each proposal.
//!
//! Takes a [`Dataset`](crate::model::Dataset) and a
//! [`ScoreConfig`](crate::config::ScoreConfig); hands on a [`ScoreMatrix`]:
//! for each proposal, advisers with a score in [0, 1] and the readable terms
//! behind it, sorted best first. Conflicts are not this module's business:
//! the caller passes an `exclude` predicate, applied before top-N selection.
//!
//! ## Score (each component in [0, 1], so the score is in [0, 1])
//! `score = weight_text·text + weight_keywords·keywords + weight_area·area`,
//! the weights summing to 1 (checked by `ScoreConfig::check`).
//! - `text`: lexical similarity of the proposal (title, abstract, keywords)
//!   to the adviser's publications (title, abstract, keywords; each weighted
//!   by recency `0.5^((ref_year − year)/half_life_years)`, ref_year =
//!   `Dataset::latest_year`) plus the adviser's declared keywords. Model
//!   (`model`): TF-IDF cosine (Toronto Paper Matching System style; Charlin &
//!   Zemel 2013), in [0, 1] by Cauchy–Schwarz; or Okapi BM25 (Robertson &
//!   Zaragoza 2009) divided by its upper bound `Σ_t qtf_t·idf_t·(k1+1)` (the
//!   limit of the saturation as tf → ∞), so in [0, 1). Strategy
//!   (`strategy`): `profile` compares with one recency-weighted vector per
//!   adviser; `top-papers` compares with each paper, multiplies by the
//!   paper's recency weight, and combines the adviser's best three as
//!   `(s1 + s2/2 + s3/3) / (1 + 1/2 + 1/3)` (ACL reviewer matching).
//! - `keywords`: share of the proposal's keyword phrases (canonical form,
//!   `text::normalize_keyword`) found among the adviser's declared keywords
//!   and the keywords of their publications; 0 when the proposal has none.
//! - `area`: 1 when the adviser serves the proposal's R&D area, else 0.
//!
//! ## Cost
//! Profiles and an inverted index (term → postings of (adviser or paper,
//! weight)) are built once ([`Scorer::new`]). Scoring runs in parallel over
//! proposals; each proposal walks only the postings of its own terms (a
//! block of proposals at a time, so each posting list is read once per
//! block) into reused dense accumulators, so memory is O(index + kept
//! pairs), never proposals × advisers unless [`Keep::All`] asks for it.

mod corpus;
pub mod embed;
mod eval;
pub mod external;
pub mod heldout;
pub mod score_file;
mod scorer;
pub mod variants;
mod write;

pub use eval::{
    evaluate, read_truth, EvalReport, ProposalTopicRow, ResearcherTopicRow, Truth, TruthError,
};
pub use external::{
    read_external, ExternalError, ExternalPairs, ExternalScores, ExternalSource, ReadExternal,
};
pub use score_file::{read_score_file, Scaling, ScoreFile, ScoreFileError, ScoreFileRecord};
pub use scorer::Scorer;
pub use write::{write_scores_csv, write_scores_csv_with, ScoreRow};

use crate::model::AdviserIx;

/// Which advisers to keep per proposal (after `exclude`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Keep {
    /// The best `n` (fewer only when fewer advisers are not excluded).
    Top(usize),
    /// Every adviser not excluded, scored or not.
    All,
    /// The best `n`, plus every other adviser scoring at least the threshold.
    /// Only the best `n` carry `top_terms`: the others serve coverage counts.
    TopOrAbove(usize, f64),
}

/// One proposal–adviser pair. Every number is in [0, 1]; see the module doc.
#[derive(Clone, Debug, PartialEq)]
pub struct PairScore {
    pub adviser: AdviserIx,
    /// `weight_text·text + weight_keywords·keywords + weight_area·area`.
    pub score: f64,
    pub text: f64,
    pub keywords: f64,
    pub area: f64,
    /// Readable words (or keyword phrases) shared by both sides that added
    /// most to `text`, largest contribution first (at most `top_terms`).
    pub top_terms: Vec<String>,
}

/// Scores per proposal. Index = `ProposalIx`; each list sorted by score
/// descending, ties by the adviser's researcher ID ascending.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoreMatrix {
    pub per_proposal: Vec<Vec<PairScore>>,
}

#[cfg(test)]
mod tests;
