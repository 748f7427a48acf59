//! Defaults of the expertise scoring stage (`score`).

use serde::{Deserialize, Serialize};

/// The lexical relevance model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextModel {
    /// TF-IDF cosine, as in the Toronto Paper Matching System.
    TfIdf,
    /// Okapi BM25 with `bm25_k1` and `bm25_b`.
    Bm25,
}

/// How an adviser's papers become one text score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileStrategy {
    /// One profile vector per adviser (all papers, recency-weighted).
    Profile,
    /// Match the proposal to each paper; combine best + second/2 + third/3.
    /// Costlier: a proposal walks the postings of every adviser paper
    /// sharing a term (about 6× the time of `profile` at 10,000 × 10,000
    /// with 500,000 papers) and, on generated data, no better.
    TopPapers,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreConfig {
    pub model: TextModel,
    pub strategy: ProfileStrategy,
    /// Recency half-life of a publication's weight, in years.
    pub half_life_years: f64,
    /// Weights of the components in the final score; they must sum to 1 so
    /// the score stays in [0, 1].
    pub weight_text: f64,
    pub weight_keywords: f64,
    pub weight_area: f64,
    pub bm25_k1: f64,
    pub bm25_b: f64,
    /// Advisers kept per proposal by `rdmatch score` (`--top`).
    pub top_n: usize,
    /// Terms listed in `top_terms` as the reason for a score.
    pub top_terms: usize,
    /// Weight of the lexical score against external score files
    /// (`--scores FILE:W`, each W default 1) in the text component; only the
    /// files that scored a pair count for it (see `score::external`). > 0.
    pub lexical_weight: f64,
    /// A sentence-transformers folder (`--embedding-model`): its embedding
    /// score joins the text component with `embedding_weight` (see
    /// `score::embed`). A relative path in rdmatch.toml is relative to the
    /// file's folder. None: lexical only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedding_model: Option<std::path::PathBuf>,
    /// Weight of the embedding score against `lexical_weight` in the text
    /// component. > 0.
    pub embedding_weight: f64,
    /// How an adviser's papers become one embedding score.
    pub embedding_aggregate: EmbeddingAggregate,
    /// Weight of a title word against an abstract or keyword word (field
    /// weight; 1 = every word alike). > 0.
    pub title_weight: f64,
    /// Also match pairs of adjacent words (stemmed bigrams) as terms.
    pub text_bigrams: bool,
    /// Pseudo-relevance feedback (TF-IDF only): add this many of the
    /// strongest terms of the three best-matching advisers' profiles to each
    /// proposal's query at half weight, and score again; 0 = off.
    pub feedback_terms: usize,
    /// Bilingual `(ja, en)` term pairs beyond the built-in list, from the
    /// data folder's `terms.csv` (filled when the data is read; not a TOML
    /// key).
    #[serde(skip)]
    pub terms: Vec<(String, String)>,
}

/// How an adviser's paper embeddings become one score (`score::embed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmbeddingAggregate {
    /// The most similar paper.
    Best,
    /// Best + second/2 + third/3, over 1 + 1/2 + 1/3.
    Top3,
    /// One recency-weighted mean vector per adviser.
    Recency,
}

impl Default for ScoreConfig {
    fn default() -> Self {
        ScoreConfig {
            model: TextModel::TfIdf,
            strategy: ProfileStrategy::Profile,
            half_life_years: 5.0,
            // Measured on generated data (generator defaults, TF-IDF profile,
            // recall@10 among eligible advisers): text/keywords/area
            // 1/0/0 → 0.509, 0.6/0.25/0.15 → 0.501, 0.8/0.05/0.15 → 0.515.
            // Exact keyword-phrase overlap adds little beyond the text, so it
            // gets a small weight; see `score::tests::default_recall_floor`.
            // The area weight is 0: with `assign.restrict_to_areas` every
            // eligible pair serves the area, so an area term only shifted
            // every score by the same 0.15 and a score of 0.15 meant "no
            // overlap at all". The `area` column still shows the match, and
            // a score of 0 now means no shared expertise.
            weight_text: 0.95,
            weight_keywords: 0.05,
            weight_area: 0.0,
            bm25_k1: 1.2,
            bm25_b: 0.75,
            top_n: 20,
            top_terms: 5,
            lexical_weight: 1.0,
            embedding_model: None,
            // Held-out WoS benchmark (docs/benchmarks.md), MiniLM, top3:
            // weight 0.25 / 0.5 / 1 / 2 → MRR 0.410 / 0.415 / 0.405 / 0.398
            // (lexical alone 0.407).
            embedding_weight: 0.5,
            embedding_aggregate: EmbeddingAggregate::Top3,
            title_weight: 1.0,
            text_bigrams: false,
            feedback_terms: 0,
            terms: Vec::new(),
        }
    }
}

impl ScoreConfig {
    pub fn check(&self) -> Result<(), String> {
        let w = [self.weight_text, self.weight_keywords, self.weight_area];
        if w.iter().any(|x| !(0.0..=1.0).contains(x)) || (w.iter().sum::<f64>() - 1.0).abs() > 1e-6
        {
            return Err(format!(
                "[score] weight_text + weight_keywords + weight_area must be in [0, 1] and sum to 1 (found {} + {} + {})",
                w[0], w[1], w[2]
            ));
        }
        if !(self.title_weight.is_finite() && self.title_weight > 0.0) {
            return Err(format!(
                "[score] title_weight must be a finite number > 0 (found {})",
                self.title_weight
            ));
        }
        if !(self.half_life_years.is_finite() && self.half_life_years > 0.0) {
            return Err(format!(
                "[score] half_life_years must be a finite number > 0 (found {})",
                self.half_life_years
            ));
        }
        // BM25 (Robertson & Zaragoza 2009): k1 >= 0 scales term frequency
        // saturation (negative k1 makes every score 0 or negative), b in
        // [0, 1] is the share of length normalisation.
        if !(self.bm25_k1.is_finite() && self.bm25_k1 >= 0.0) {
            return Err(format!(
                "[score] bm25_k1 must be a finite number >= 0, usually 1.2-2.0 (found {})",
                self.bm25_k1
            ));
        }
        if !(0.0..=1.0).contains(&self.bm25_b) {
            return Err(format!(
                "[score] bm25_b must be in [0, 1] (found {})",
                self.bm25_b
            ));
        }
        if self.top_n == 0 {
            return Err("[score] top_n must be at least 1 (found 0)".into());
        }
        if !(self.lexical_weight.is_finite() && self.lexical_weight > 0.0) {
            return Err(format!(
                "[score] lexical_weight must be a number > 0 (found {})",
                self.lexical_weight
            ));
        }
        if !(self.embedding_weight.is_finite() && self.embedding_weight > 0.0) {
            return Err(format!(
                "[score] embedding_weight must be a number > 0 (found {})",
                self.embedding_weight
            ));
        }
        Ok(())
    }
}
