//! Stable re-runs: the pairs of a previous assignment, and what changed.
//!
//! A previous pair that still holds (both IDs still in the call, the pair
//! still eligible) earns [`Problem::stability_weight`] score points on top
//! of its score in the objective, so the solver moves it only when the move
//! gains more than that in total score; at a weight of 1 or more (the
//! default) no move pays, and the re-run changes as few pairs as the new
//! inputs force, then maximises the score. Reported totals never include the
//! weight.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use crate::table::{self, EncodingChoice, Layout, Names, ReadOptions};

use super::{AssignError, Problem, Solution};

/// The (proposal ID, researcher ID) pairs of an earlier assignment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Previous {
    pub pairs: BTreeSet<(String, String)>,
    /// Where they were read from.
    pub source: String,
}

crate::read_row! {
    /// One pair of a previous assignment, as `--previous-assignment` reads
    /// it: assignment.csv's first two columns (its others are ignored).
    pub struct PreviousPairRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
    }
}

/// Reads `RUN/assignment.csv` (RUN a run or `assign` output folder) or a
/// CSV/xlsx file with `proposal_id,researcher_id` columns.
pub fn read_previous(path: &Path) -> Result<Previous, AssignError> {
    let file = if path.is_dir() {
        path.join("assignment.csv")
    } else {
        path.to_path_buf()
    };
    let name = file.display().to_string();
    let t = table::read_path(
        &file,
        &ReadOptions {
            encoding: EncodingChoice::Auto,
            header: true,
        },
    )
    .map_err(|e| AssignError::Csv {
        path: name.clone(),
        line: e.line.unwrap_or(0),
        message: e.message,
    })?;
    let layout = Layout::find::<PreviousPairRow>(&t.header, Names::Exact);
    if !layout.missing::<PreviousPairRow>().is_empty() {
        return Err(AssignError::MissingColumns {
            path: name,
            missing: "proposal_id, researcher_id".into(),
            found: t.header.join(", "),
            required: "proposal_id,researcher_id".into(),
        });
    }
    let mut pairs = BTreeSet::new();
    for (cells, _) in t.rows() {
        // Both fields are text: a row always reads.
        let Ok(row) = layout.row::<PreviousPairRow>(&cells) else {
            continue;
        };
        if !row.proposal_id.is_empty() && !row.researcher_id.is_empty() {
            pairs.insert((row.proposal_id.to_string(), row.researcher_id.to_string()));
        }
    }
    Ok(Previous {
        pairs,
        source: name,
    })
}

/// The previous pairs as indexes of `ids` (proposal IDs, adviser IDs);
/// pairs naming an ID that is gone are left out.
pub fn index_pairs(
    prev: &Previous,
    proposal_ids: &[String],
    adviser_ids: &[String],
) -> Vec<(usize, usize)> {
    let pix: BTreeMap<&str, usize> = proposal_ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let aix: BTreeMap<&str, usize> = adviser_ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    prev.pairs
        .iter()
        .filter_map(|(p, r)| Some((*pix.get(p.as_str())?, *aix.get(r.as_str())?)))
        .collect()
}

/// One changed pair and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub proposal_id: String,
    pub researcher_id: String,
    /// `removed` or `added`.
    pub change: &'static str,
    pub why: String,
}

/// What changed from `prev` to `s`, and why. `ineligible(p, a)` words why
/// a pair that is no longer a candidate is out (e.g. the conflict found).
pub fn changes(
    p: &Problem,
    s: &Solution,
    prev: &Previous,
    ineligible: &dyn Fn(usize, usize) -> String,
) -> Vec<Change> {
    let pix: BTreeMap<&str, usize> = p
        .proposal_ids
        .iter()
        .enumerate()
        .map(|(i, x)| (x.as_str(), i))
        .collect();
    let aix: BTreeMap<&str, usize> = p
        .adviser_ids
        .iter()
        .enumerate()
        .map(|(i, x)| (x.as_str(), i))
        .collect();
    let now: BTreeSet<(String, String)> = s
        .assigned
        .iter()
        .enumerate()
        .flat_map(|(pp, l)| {
            l.iter()
                .map(move |&a| (p.proposal_ids[pp].clone(), p.adviser_ids[a].clone()))
        })
        .collect();
    let prev_props: BTreeSet<&str> = prev.pairs.iter().map(|x| x.0.as_str()).collect();
    let mut out = Vec::new();
    let mut removed_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (pid, rid) in prev.pairs.difference(&now) {
        let why = match (pix.get(pid.as_str()), aix.get(rid.as_str())) {
            (None, _) => "proposal withdrawn".to_string(),
            (_, None) => "adviser withdrawn".to_string(),
            (Some(&pp), Some(&a)) => {
                if p.score_of(pp, a).is_none() {
                    format!("no longer eligible: {}", ineligible(pp, a))
                } else {
                    "moved: the places were needed elsewhere or a better pair was worth more than the stability weight".to_string()
                }
            }
        };
        removed_of.entry(pid).or_default().push(rid);
        out.push(Change {
            proposal_id: pid.clone(),
            researcher_id: rid.clone(),
            change: "removed",
            why,
        });
    }
    for (pid, rid) in now.difference(&prev.pairs) {
        let why = if !prev_props.contains(pid.as_str()) {
            "new proposal".to_string()
        } else {
            match removed_of.get(pid.as_str()) {
                Some(r) => format!("replaces {}", r.join(", ")),
                None => "added".to_string(),
            }
        };
        out.push(Change {
            proposal_id: pid.clone(),
            researcher_id: rid.clone(),
            change: "added",
            why,
        });
    }
    out.sort_by(|x, y| {
        (&x.proposal_id, x.change, &x.researcher_id).cmp(&(
            &y.proposal_id,
            y.change,
            &y.researcher_id,
        ))
    });
    out
}

crate::table_row! {
    /// One pair of assignment_changes.csv that left or joined a panel.
    pub struct ChangeRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        pub change: &'a str,
        pub why: &'a str,
    }
}

/// assignment_changes.csv: `proposal_id,researcher_id,change,why`.
pub fn write_changes_csv<W: Write>(out: W, changes: &[Change]) -> Result<(), AssignError> {
    let mut w = crate::table::CsvWriter::new(out);
    w.header::<ChangeRow>().map_err(std::io::Error::from)?;
    for c in changes {
        w.serialize(&ChangeRow {
            proposal_id: &c.proposal_id,
            researcher_id: &c.researcher_id,
            change: c.change,
            why: &c.why,
        })
        .map_err(std::io::Error::from)?;
    }
    w.flush()?;
    Ok(())
}
