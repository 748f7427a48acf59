//! Optional local sentence-embedding model (`--embedding-model DIR`,
//! `[score] embedding_model`): proposals and advisers' papers embedded
//! in-process by a sentence-transformers folder, advisers scored by their
//! papers ([`Aggregate`]), the score blended with the lexical one.
//!
//! Takes a [`Dataset`] and a model folder; hands on an [`EmbeddingMatrix`]
//! (proposal × adviser, in [0, 1]) and [`EmbedStats`]. The blend used by
//! `run`, `score` and `coverage` is the external-score blend of
//! `score::external`: the embedding matrix is one more source, of weight
//! `[score] embedding_weight`, so a pair's text component is
//! `(lexical_weight·lexical + embedding_weight·embedding) / (lexical_weight +
//! embedding_weight)` and its reasons stay the lexical terms.
//! `eval-scores` also measures the embedding alone and a rank blend
//! ([`rerank`]).
//!
//! The model runs with candle (pure Rust, CPU) and the `tokenizers` crate,
//! compiled only with the cargo feature `embedding` (see docs/benchmarks.md
//! for its build cost). Without it, asking for a model is an error that
//! says how to build it.
//!
//! Vectors are cached in the data folder by text and model ([`cache`]):
//! a second run on unchanged inputs embeds nothing.

mod blend;
pub mod cache;
#[cfg(feature = "embedding")]
mod model;

use std::path::{Path, PathBuf};

pub use blend::{
    adviser_score, recency_profile, rerank, score_matrix, AdviserPapers, Aggregate,
    EmbeddingMatrix, Rerank, RRF_K,
};

use crate::model::Dataset;
use crate::score::ExternalPairs;

/// Why a model could not be used. Each names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error(
        "embedding model {0}: not a folder; give the folder of a sentence-transformers model \
         (config.json, tokenizer.json, model.safetensors, 1_Pooling/config.json)"
    )]
    NotAFolder(PathBuf),
    #[error(
        "embedding model {}: {file} is missing; the folder must hold config.json, \
         tokenizer.json, model.safetensors and 1_Pooling/config.json, as \
         SentenceTransformer.save() writes them (a model saved as pytorch_model.bin \
         only can be converted to model.safetensors with the safetensors package)",
        dir.display()
    )]
    Missing { dir: PathBuf, file: String },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{}: {found} is not supported; rdmatch runs BERT encoders (model_type \"bert\", \
         e.g. all-MiniLM-L6-v2, BioBERT or PubMedBERT sentence models)",
        path.display()
    )]
    Architecture { path: PathBuf, found: String },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("embedding model {}: encoding failed: {message}", dir.display())]
    Inference { dir: PathBuf, message: String },
    #[error(
        "--embedding-model / [score] embedding_model: this rdmatch was built without the \
         `embedding` feature; build it with `cargo build --release --features embedding`, \
         or leave the model out to score lexically"
    )]
    NotBuilt,
}

/// What embedding a data set cost and how much the cache saved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmbedStats {
    /// Texts asked for (proposals and advisers' papers with any text).
    pub texts: usize,
    /// Distinct texts among them.
    pub unique: usize,
    /// Distinct texts found in the cache.
    pub from_cache: usize,
    /// Distinct texts run through the model.
    pub embedded: usize,
    /// Wall time of the model (loading excluded).
    pub encode_seconds: f64,
    pub cache_file: PathBuf,
    /// Why the cache was ignored or not saved, if it was.
    pub cache_note: Option<String>,
}

impl EmbedStats {
    /// One line for stderr: counts, cache hits and throughput.
    pub fn summary(&self) -> String {
        let rate = if self.embedded > 0 && self.encode_seconds > 0.0 {
            format!(
                " in {:.1} s ({:.1} texts/s)",
                self.encode_seconds,
                self.embedded as f64 / self.encode_seconds
            )
        } else {
            String::new()
        };
        format!(
            "embeddings: {} texts ({} distinct), {} from the cache, {} embedded{rate}; cache {}",
            self.texts,
            self.unique,
            self.from_cache,
            self.embedded,
            self.cache_file.display()
        )
    }
}

/// The vectors of a data set: one per proposal (empty when it has no text)
/// and every adviser's papers.
#[derive(Clone, Debug, Default)]
pub struct Embeddings {
    pub proposals: Vec<Vec<f32>>,
    pub advisers: Vec<AdviserPapers>,
    pub stats: EmbedStats,
}

impl Embeddings {
    /// Proposal × adviser scores by `how`.
    pub fn scores(&self, how: Aggregate) -> EmbeddingMatrix {
        score_matrix(&self.proposals, &self.advisers, how)
    }
}

/// The string a document is embedded as: title and abstract, as
/// sentence-transformers users embed papers; keywords only when both are
/// empty. Empty when the document has no text at all.
pub fn doc_text(title: &str, abstract_text: &str, keywords: &[String]) -> String {
    let (t, a) = (title.trim(), abstract_text.trim());
    match (t.is_empty(), a.is_empty()) {
        (false, false) => {
            if t.ends_with(['.', '?', '!', '。']) {
                format!("{t} {a}")
            } else {
                format!("{t}. {a}")
            }
        }
        (false, true) => t.to_string(),
        (true, false) => a.to_string(),
        (true, true) => keywords
            .iter()
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub(crate) fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 && n.is_finite() {
        for x in &mut v {
            *x /= n;
        }
    }
    v
}

/// The pairs of `m` as an external score source (every proposal ×
/// adviser), for `ExternalScores`.
pub fn external_pairs(m: &EmbeddingMatrix) -> ExternalPairs {
    let n = m.n_advisers;
    (0..m.n_proposals())
        .flat_map(|p| (0..n).map(move |a| (p, a, f64::from(m.get(p, a)))))
        .collect()
}

/// Embeds `ds`'s proposals and advisers' papers with the model in
/// `model_dir`, reading and extending the cache under `data_dir`.
/// `progress(done, total)` is told as texts are embedded. Recency weights
/// use `half_life_years` and `Dataset::latest_year`, as the lexical scorer.
pub fn embed_dataset(
    ds: &Dataset,
    model_dir: &Path,
    data_dir: &Path,
    half_life_years: f64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Embeddings, EmbedError> {
    #[cfg(feature = "embedding")]
    {
        let enc = model::Encoder::load(model_dir)?;
        embed_with(ds, &enc, data_dir, half_life_years, progress)
    }
    #[cfg(not(feature = "embedding"))]
    {
        let _ = (ds, model_dir, data_dir, half_life_years, progress);
        Err(EmbedError::NotBuilt)
    }
}

/// Unit vectors of `texts` from the model in `dir`, without the cache (for
/// tests against reference vectors and for throughput measurements).
pub fn encode_texts(dir: &Path, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
    #[cfg(feature = "embedding")]
    {
        model::Encoder::load(dir)?.encode(texts, &mut |_| {})
    }
    #[cfg(not(feature = "embedding"))]
    {
        let _ = (dir, texts);
        Err(EmbedError::NotBuilt)
    }
}

/// Whether this build can run a model (the `embedding` feature).
pub const AVAILABLE: bool = cfg!(feature = "embedding");

#[cfg(feature = "embedding")]
fn embed_with(
    ds: &Dataset,
    enc: &model::Encoder,
    data_dir: &Path,
    half_life_years: f64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Embeddings, EmbedError> {
    use std::collections::HashMap;
    use std::time::Instant;

    // Every text once: proposals, then advisers' papers.
    let mut texts: Vec<String> = Vec::new();
    let mut key_of: HashMap<cache::TextKey, usize> = HashMap::new();
    let mut slot = |text: String, texts: &mut Vec<String>| -> Option<usize> {
        if text.is_empty() {
            return None;
        }
        let k = cache::text_key(&text);
        Some(*key_of.entry(k).or_insert_with(|| {
            texts.push(text);
            texts.len() - 1
        }))
    };
    let mut asked = 0usize;
    let prop_slots: Vec<Option<usize>> = ds
        .proposals
        .iter()
        .map(|p| {
            let s = slot(
                doc_text(&p.title, &p.abstract_text, &p.keywords),
                &mut texts,
            );
            asked += usize::from(s.is_some());
            s
        })
        .collect();
    let mut pub_slot: HashMap<usize, Option<usize>> = HashMap::new();
    for adv in &ds.advisers {
        for &p in &ds.pubs_of[adv.researcher] {
            if let std::collections::hash_map::Entry::Vacant(e) = pub_slot.entry(p) {
                let publ = &ds.publications[p];
                let s = slot(
                    doc_text(&publ.title, &publ.abstract_text, &publ.keywords),
                    &mut texts,
                );
                asked += usize::from(s.is_some());
                e.insert(s);
            }
        }
    }

    let path = cache::cache_path(data_dir, &enc.id);
    let (mut store, mut note) = cache::Cache::open(path.clone(), enc.dim);
    let keys: Vec<cache::TextKey> = texts.iter().map(|t| cache::text_key(t)).collect();
    let missing: Vec<usize> = (0..texts.len())
        .filter(|&i| store.get(&keys[i]).is_none())
        .collect();
    let started = Instant::now();
    if !missing.is_empty() {
        let batch: Vec<&str> = missing.iter().map(|&i| texts[i].as_str()).collect();
        let total = batch.len();
        progress(0, total);
        let vecs = enc.encode(&batch, &mut |done| progress(done, total))?;
        for (&i, v) in missing.iter().zip(vecs) {
            store.insert(keys[i], v);
        }
        if let Err(e) = store.save() {
            note = Some(format!(
                "cannot write the embedding cache {}: {e}; the next run embeds these texts again",
                path.display()
            ));
        }
    }
    let encode_seconds = started.elapsed().as_secs_f64();
    let vec_of = |s: Option<usize>| -> Vec<f32> {
        s.and_then(|i| store.get(&keys[i]))
            .map(<[f32]>::to_vec)
            .unwrap_or_default()
    };
    let ref_year = ds.latest_year();
    let half_life = if half_life_years > 0.0 {
        half_life_years
    } else {
        1.0
    };
    let proposals = prop_slots.iter().map(|&s| vec_of(s)).collect();
    let advisers = ds
        .advisers
        .iter()
        .map(|adv| {
            let mut ap = AdviserPapers::default();
            for &p in &ds.pubs_of[adv.researcher] {
                let v = vec_of(pub_slot.get(&p).copied().flatten());
                if !v.is_empty() {
                    let age = f64::from((ref_year - ds.publications[p].year).max(0));
                    ap.vectors.push(v);
                    ap.recency.push(0.5f64.powf(age / half_life) as f32);
                }
            }
            ap
        })
        .collect();
    let stats = EmbedStats {
        texts: asked,
        unique: texts.len(),
        from_cache: texts.len() - missing.len(),
        embedded: missing.len(),
        encode_seconds,
        cache_file: path,
        cache_note: note,
    };
    Ok(Embeddings {
        proposals,
        advisers,
        stats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_joins_title_and_abstract() {
        assert_eq!(doc_text("Tau", "Spreads.", &[]), "Tau. Spreads.");
        assert_eq!(doc_text("Tau?", "Spreads.", &[]), "Tau? Spreads.");
        assert_eq!(doc_text(" Tau ", "", &[]), "Tau");
        assert_eq!(
            doc_text("", "", &["tau".into(), " ".into(), "PET".into()]),
            "tau; PET"
        );
        assert_eq!(doc_text("", " ", &[]), "");
    }

    #[test]
    fn external_pairs_cover_every_pair() {
        let m = EmbeddingMatrix {
            n_advisers: 2,
            data: vec![0.1, 0.2, 0.3, 0.4],
        };
        let p = external_pairs(&m);
        assert_eq!(p.len(), 4);
        assert_eq!(p[3].0, 1);
        assert_eq!(p[3].1, 1);
        assert!((p[3].2 - 0.4).abs() < 1e-6);
    }

    #[cfg(not(feature = "embedding"))]
    #[test]
    fn without_the_feature_a_model_is_a_clear_error() {
        let e = encode_texts(Path::new("x"), &["a"]).unwrap_err();
        assert!(e.to_string().contains("--features embedding"), "{e}");
    }
}
