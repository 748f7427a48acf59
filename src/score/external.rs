//! External pair scores (e.g. cosine similarities from an embedding model),
//! read from score files and blended with the lexical score by weight.
//!
//! Each file is read by [`read_score_file`] (layouts, column aliases and the
//! rule that maps its scores to [0, 1] are documented there) and has a
//! weight `W` (`--scores FILE:W`, default 1); the lexical score has weight
//! `[score] lexical_weight` (default 1). A pair that a file does not score
//! is unknown to that file, not 0: the pair's text component is the
//! weighted mean over the lexical score and the files that did score it,
//! `(w_lex·lexical + Σ_{i scored} w_i·s_i) / (w_lex + Σ_{i scored} w_i)`,
//! so one file that scores one pair changes that pair only.

use std::path::PathBuf;
use std::str::FromStr;

use crate::model::{AdviserIx, Dataset, ProposalIx};
use crate::table::EncodingChoice;

pub use super::score_file::{read_score_file, ScoreFile, ScoreFileError, ScoreFileRecord};

/// One external score file and its weight, written `path` (weight 1) or
/// `path:weight`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalSource {
    pub path: PathBuf,
    pub weight: f64,
}

impl FromStr for ExternalSource {
    type Err = ExternalError;

    /// Parses `path` or `path:weight`. The text after the last `:` is a
    /// weight only when it parses as a number, so `C:\x.csv` stays a path.
    fn from_str(spec: &str) -> Result<ExternalSource, ExternalError> {
        let (path, weight) = match spec.rsplit_once(':') {
            Some((p, w)) if !p.is_empty() && w.trim().parse::<f64>().is_ok() => {
                (p, w.trim().parse::<f64>().unwrap_or(1.0))
            }
            _ => (spec, 1.0),
        };
        if path.trim().is_empty() {
            return Err(ExternalError::Spec {
                spec: spec.to_string(),
                message: "no file name; write path or path:weight".into(),
            });
        }
        if !(weight.is_finite() && weight > 0.0) {
            return Err(ExternalError::Spec {
                spec: spec.to_string(),
                message: format!("weight {weight} must be a number > 0"),
            });
        }
        Ok(ExternalSource {
            path: PathBuf::from(path),
            weight,
        })
    }
}

/// The rows of one external file: `(proposal, adviser, score in [0, 1])`.
pub type ExternalPairs = Vec<(ProposalIx, AdviserIx, f64)>;

/// Blended external scores: per proposal, `(adviser, Σ w_i·s_i, Σ w_i)`
/// over the files that scored the pair, sorted by adviser.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExternalScores {
    rows: Vec<Vec<(AdviserIx, f64, f64)>>,
}

impl ExternalScores {
    /// Builds blended scores from `(weight, pairs)` per source (no I/O).
    pub fn blend(n_proposals: usize, sources: &[(f64, ExternalPairs)]) -> Self {
        let mut rows: Vec<Vec<(AdviserIx, f64, f64)>> = vec![Vec::new(); n_proposals];
        for (w, pairs) in sources {
            for &(p, a, s) in pairs {
                if let Some(r) = rows.get_mut(p) {
                    r.push((a, w * s, *w));
                }
            }
        }
        for r in &mut rows {
            r.sort_by_key(|x| x.0);
            let mut merged: Vec<(AdviserIx, f64, f64)> = Vec::with_capacity(r.len());
            for &(a, ws, w) in r.iter() {
                match merged.last_mut() {
                    Some((la, lws, lw)) if *la == a => {
                        *lws += ws;
                        *lw += w;
                    }
                    _ => merged.push((a, ws, w)),
                }
            }
            *r = merged;
        }
        ExternalScores { rows }
    }

    /// Adds one more source of weight `weight` (the embedding model's
    /// scores, `score::embed`), as if it had been given to [`Self::blend`].
    pub fn add_source(&mut self, n_proposals: usize, weight: f64, pairs: ExternalPairs) {
        let mut merged = ExternalScores::blend(n_proposals, &[(weight, pairs)]);
        for (p, row) in merged.rows.iter_mut().enumerate() {
            for &(a, ws, w) in self.row(p) {
                match row.binary_search_by_key(&a, |x| x.0) {
                    Ok(i) => {
                        row[i].1 += ws;
                        row[i].2 += w;
                    }
                    Err(i) => row.insert(i, (a, ws, w)),
                }
            }
        }
        *self = merged;
    }

    /// The pairs of proposal `p`, by adviser: `(adviser, Σ w·s, Σ w)`.
    pub fn row(&self, p: ProposalIx) -> &[(AdviserIx, f64, f64)] {
        self.rows.get(p).map_or(&[], Vec::as_slice)
    }

    /// The weighted mean of the files that scored a pair, if any did.
    pub fn get(&self, p: ProposalIx, a: AdviserIx) -> Option<f64> {
        let r = self.row(p);
        r.binary_search_by_key(&a, |x| x.0)
            .ok()
            .map(|i| r[i].1 / r[i].2)
    }

    /// The text component of a pair: the lexical score blended with the
    /// files that scored the pair (see the module doc).
    pub fn blend_text(lexical: f64, lexical_weight: f64, ws: f64, w: f64) -> f64 {
        let total = lexical_weight + w;
        if total > 0.0 {
            ((lexical_weight * lexical + ws) / total).clamp(0.0, 1.0)
        } else {
            lexical
        }
    }
}

/// An external score file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    #[error("--scores {spec:?}: {message}")]
    Spec { spec: String, message: String },
    #[error(transparent)]
    File(#[from] ScoreFileError),
    #[error("{path}:{line}: column '{field}': {message}")]
    Field {
        path: String,
        line: u64,
        field: String,
        message: String,
    },
}

/// External scores and what was read, for the manifest and the user.
pub struct ReadExternal {
    pub scores: ExternalScores,
    pub records: Vec<ScoreFileRecord>,
    /// One line per file: what was recognised.
    pub descriptions: Vec<String>,
}

/// Reads and blends external score files (see the module doc).
pub fn read_external(
    sources: &[ExternalSource],
    ds: &Dataset,
    encoding: EncodingChoice,
) -> Result<ReadExternal, ExternalError> {
    let mut parsed = Vec::with_capacity(sources.len());
    let mut records = Vec::with_capacity(sources.len());
    let mut descriptions = Vec::with_capacity(sources.len());
    for s in sources {
        let f = read_score_file(&s.path, encoding)?;
        parsed.push((s.weight, resolve(&f, ds)?));
        records.push(f.record(s.weight));
        descriptions.push(f.describe());
    }
    Ok(ReadExternal {
        scores: ExternalScores::blend(ds.proposals.len(), &parsed),
        records,
        descriptions,
    })
}

/// The pairs of a score file as indices of `ds`: every ID must exist and
/// the researcher must be an adviser.
pub fn resolve(f: &ScoreFile, ds: &Dataset) -> Result<ExternalPairs, ExternalError> {
    let name = f.path.display().to_string();
    let cols = match &f.header {
        Some([p, r, _]) => [p.clone(), r.clone()],
        None => ["paper".into(), "reviewer".into()],
    };
    f.rows
        .iter()
        .map(|row| {
            let field = |k: usize, message: String| ExternalError::Field {
                path: name.clone(),
                line: row.line,
                field: cols[k].clone(),
                message,
            };
            let (pid, rid) = (f.proposal_id(row), f.researcher_id(row));
            let p = *ds
                .proposal_by_id
                .get(pid)
                .ok_or_else(|| field(0, format!("{pid:?} is not in proposals.csv")))?;
            let r = *ds
                .researcher_by_id
                .get(rid)
                .ok_or_else(|| field(1, format!("{rid:?} is not in researchers.csv")))?;
            let a = ds.adviser_of[r]
                .ok_or_else(|| field(1, format!("{rid:?} is not an adviser (advisers.csv)")))?;
            Ok((p, a, row.score))
        })
        .collect()
}
