//! External pair scores (e.g. cosine similarities from an embedding model),
//! read from CSV files and blended with weights.
//!
//! Takes files with the header `proposal_id,researcher_id,score` (score in
//! [0, 1]; other columns ignored) and a weight per file; hands on
//! [`ExternalScores`], the weighted mean per pair
//! `Σ_i w_i·s_i / Σ_i w_i` (a pair missing from a file counts as 0 there), so
//! the blend stays in [0, 1]. [`Scorer::with_external`](super::Scorer::with_external)
//! mixes it into the text component.

use std::io::Read;
use std::path::PathBuf;
use std::str::FromStr;

use crate::model::{AdviserIx, Dataset, ProposalIx};

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

/// The rows of one external file: `(proposal, adviser, score)`.
pub type ExternalPairs = Vec<(ProposalIx, AdviserIx, f64)>;

/// Blended external scores: per proposal, `(adviser, score in [0, 1])`
/// sorted by adviser.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExternalScores {
    rows: Vec<Vec<(AdviserIx, f64)>>,
}

impl ExternalScores {
    /// Builds blended scores from `(weight, pairs)` per source (no I/O).
    pub fn blend(n_proposals: usize, sources: &[(f64, ExternalPairs)]) -> Self {
        let total: f64 = sources.iter().map(|s| s.0).sum();
        let mut rows: Vec<Vec<(AdviserIx, f64)>> = vec![Vec::new(); n_proposals];
        for (w, pairs) in sources {
            for &(p, a, s) in pairs {
                rows[p].push((a, w * s / total));
            }
        }
        for r in &mut rows {
            r.sort_by_key(|x| x.0);
            let mut merged: Vec<(AdviserIx, f64)> = Vec::with_capacity(r.len());
            for &(a, s) in r.iter() {
                match merged.last_mut() {
                    Some((la, ls)) if *la == a => *ls += s,
                    _ => merged.push((a, s)),
                }
            }
            *r = merged;
        }
        ExternalScores { rows }
    }

    /// The pairs of proposal `p`, by adviser.
    pub fn row(&self, p: ProposalIx) -> &[(AdviserIx, f64)] {
        self.rows.get(p).map_or(&[], Vec::as_slice)
    }

    /// The blended score of a pair, if any file named it.
    pub fn get(&self, p: ProposalIx, a: AdviserIx) -> Option<f64> {
        let r = self.row(p);
        r.binary_search_by_key(&a, |x| x.0).ok().map(|i| r[i].1)
    }
}

/// An external score file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    #[error("external scores {spec:?}: {message}")]
    Spec { spec: String, message: String },
    #[error("cannot read external scores {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Header { path: String, message: String },
    #[error("{path}:{line}: {source}")]
    Csv {
        path: String,
        line: u64,
        #[source]
        source: csv::Error,
    },
    #[error("{path}:{line}: column '{field}': {message}")]
    Field {
        path: String,
        line: u64,
        field: &'static str,
        message: String,
    },
}

/// Reads and blends external score files (see the module doc).
pub fn read_external(
    sources: &[ExternalSource],
    ds: &Dataset,
) -> Result<ExternalScores, ExternalError> {
    let mut parsed = Vec::with_capacity(sources.len());
    for s in sources {
        let name = s.path.display().to_string();
        let f = std::fs::File::open(&s.path).map_err(|source| ExternalError::Io {
            path: name.clone(),
            source,
        })?;
        parsed.push((s.weight, parse_external(&name, f, ds)?));
    }
    Ok(ExternalScores::blend(ds.proposals.len(), &parsed))
}

/// Parses one external score file; `name` is used in error messages.
/// Every ID must exist, the researcher must be an adviser, the score must be
/// a number in [0, 1], and a pair may appear only once.
pub fn parse_external(
    name: &str,
    r: impl Read,
    ds: &Dataset,
) -> Result<ExternalPairs, ExternalError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(r);
    let headers = rdr
        .headers()
        .map_err(|source| ExternalError::Csv {
            path: name.into(),
            line: 1,
            source,
        })?
        .clone();
    let col = |h: &str| headers.iter().position(|x| x == h);
    let (Some(cp), Some(cr), Some(cs)) = (col("proposal_id"), col("researcher_id"), col("score"))
    else {
        return Err(ExternalError::Header {
            path: name.into(),
            message: format!(
                "the header must have columns proposal_id,researcher_id,score (found: {})",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        });
    };
    let mut out = Vec::new();
    let mut seen: std::collections::HashMap<(ProposalIx, AdviserIx), u64> = Default::default();
    for rec in rdr.records() {
        let rec = rec.map_err(|source| {
            let line = source.position().map_or(0, |p| p.line());
            ExternalError::Csv {
                path: name.into(),
                line,
                source,
            }
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |field: &'static str, message: String| ExternalError::Field {
            path: name.into(),
            line,
            field,
            message,
        };
        let pid = rec.get(cp).unwrap_or("");
        let rid = rec.get(cr).unwrap_or("");
        let sc = rec.get(cs).unwrap_or("");
        let p = *ds
            .proposal_by_id
            .get(pid)
            .ok_or_else(|| field("proposal_id", format!("{pid:?} is not in proposals.csv")))?;
        let r = *ds.researcher_by_id.get(rid).ok_or_else(|| {
            field(
                "researcher_id",
                format!("{rid:?} is not in researchers.csv"),
            )
        })?;
        let a = ds.adviser_of[r].ok_or_else(|| {
            field(
                "researcher_id",
                format!("{rid:?} is not an adviser (advisers.csv)"),
            )
        })?;
        let s: f64 = sc
            .parse()
            .ok()
            .filter(|x: &f64| (0.0..=1.0).contains(x))
            .ok_or_else(|| field("score", format!("{sc:?} is not a number in [0, 1]")))?;
        if let Some(first) = seen.insert((p, a), line) {
            return Err(field(
                "researcher_id",
                format!("pair ({pid}, {rid}) already given on line {first}; keep one row per pair"),
            ));
        }
        out.push((p, a, s));
    }
    Ok(out)
}
