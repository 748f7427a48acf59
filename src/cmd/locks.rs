//! `locks.csv`: pairs a PO pins as hard rules (must / must-not).

use std::path::Path;

use anyhow::{bail, Context};

use crate::model::{AdviserIx, Dataset, ProposalIx};

/// What a lock demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Must,
    MustNot,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub proposal: ProposalIx,
    pub adviser: AdviserIx,
    pub kind: LockKind,
}

/// Reads `proposal_id,researcher_id,lock` rows; every error names the file,
/// line and column.
pub fn read_locks(path: &Path, ds: &Dataset) -> anyhow::Result<Vec<Lock>> {
    let name = path.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot read {name}"))?;
    let header: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{name}:1: cannot read the header"))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |c: &str| -> anyhow::Result<usize> {
        header.iter().position(|h| h == c).with_context(|| {
            format!(
                "{name}:1: column '{c}': required column is missing; the header has: {}. A locks file has proposal_id,researcher_id,lock",
                header.join(",")
            )
        })
    };
    let (cp, cr, cl) = (col("proposal_id")?, col("researcher_id")?, col("lock")?);
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{name}: not valid CSV"))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let get = |i: usize| rec.get(i).unwrap_or("");
        let Some(&proposal) = ds.proposal_by_id.get(get(cp)) else {
            bail!(
                "{name}:{line}: column 'proposal_id': \"{}\" is not in proposals.csv",
                get(cp)
            );
        };
        let Some(adviser) = ds
            .researcher_by_id
            .get(get(cr))
            .and_then(|&r| ds.adviser_of[r])
        else {
            bail!(
                "{name}:{line}: column 'researcher_id': \"{}\" is not an adviser in advisers.csv",
                get(cr)
            );
        };
        let kind = match get(cl).to_ascii_lowercase().as_str() {
            "must" => LockKind::Must,
            "must-not" | "must_not" => LockKind::MustNot,
            other => bail!(
                "{name}:{line}: column 'lock': \"{other}\" is not a lock; use must or must-not"
            ),
        };
        out.push(Lock {
            proposal,
            adviser,
            kind,
        });
    }
    Ok(out)
}
