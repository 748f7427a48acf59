//! A PO's edits read back: assignment.xlsx (every area sheet) or a CSV with
//! the same columns, each row a `decision` on one pair — `keep` (the pair
//! stays, as a must lock), `remove` (never this pair: must-not) or `add`
//! (a pair the PO wants, as a must lock). A blank decision leaves the pair
//! to the optimiser.
//!
//! This is an input adapter like [`super::io`]: it maps IDs to the data
//! set's indexes and checks every edit against the rules the solve will
//! enforce (conflicts of interest with their evidence, areas, loads, panel
//! rules), so that each problem is reported at its sheet and row rather
//! than as an infeasible solve.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use crate::conflicts::ConflictSet;
use crate::load::locks::{Lock, LockKind};
use crate::model::{AdviserIx, Dataset, ProposalIx};
use crate::table::{self, EncodingChoice, Layout, Names, ReadOptions};

crate::read_row! {
    /// One row of an edited assignment sheet (or an edits CSV): the pair
    /// and the PO's decision. assignment.xlsx heads the columns `Proposal`,
    /// `Adviser` and `Decision`; a CSV may use these names or the
    /// data-file ones; case is ignored, other columns are ignored.
    pub struct EditSheetRow<'a> {
        pub proposal_id: &'a str | "Proposal",
        pub researcher_id: &'a str | "Adviser",
        /// `keep`, `remove`, `add` or blank (no edit).
        pub decision: &'a str | "Decision",
    }
}

/// What a PO decided about a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    Keep,
    Remove,
    Add,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Remove => "remove",
            Decision::Add => "add",
        }
    }
}

/// One decision as read, with where it stands in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditRow {
    /// `assignment.xlsx[A01 Oncology]!row 7` or `edits.csv:line 7`.
    pub place: String,
    pub proposal_id: String,
    pub researcher_id: String,
    pub decision: Decision,
}

/// One problem with an edit: where, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditProblem {
    pub place: String,
    pub message: String,
}

impl fmt::Display for EditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// An edit that passed every check, as the lock it becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedEdit {
    pub row: EditRow,
    pub lock: Lock,
}

/// Reads every decision of an edits file. Sheets without the three columns
/// (Summary, Adviser loads, …) are skipped; rows with a blank decision are
/// no edit. Every problem is returned, not only the first.
pub fn read_edits(path: &Path, encoding: EncodingChoice) -> Result<Vec<EditRow>, Vec<EditProblem>> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tables = table::read_path_all(
        path,
        &ReadOptions {
            encoding,
            header: true,
        },
    )
    .map_err(|e| {
        vec![EditProblem {
            place: match e.line {
                Some(l) => format!("{name}:line {l}"),
                None => name.clone(),
            },
            message: e.message,
        }]
    })?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut sheets_with_columns = 0usize;
    for t in &tables {
        let layout = Layout::find::<EditSheetRow>(&t.header, Names::IgnoreCase);
        if !layout.missing::<EditSheetRow>().is_empty() {
            continue;
        }
        sheets_with_columns += 1;
        let at = |line: u64| match &t.format.sheet {
            Some(s) => format!("{name}[{s}]!row {line}"),
            None => format!("{name}:line {line}"),
        };
        for r in &t.rejected {
            problems.push(EditProblem {
                place: at(r.position.line()),
                message: r.message.clone(),
            });
        }
        for (cells, pos) in t.rows() {
            // Every field is text: a row always reads.
            let Ok(row) = layout.row::<EditSheetRow>(&cells) else {
                continue;
            };
            let (p, a, d) = (row.proposal_id, row.researcher_id, row.decision);
            if d.is_empty() {
                continue;
            }
            let decision = match d.to_ascii_lowercase().as_str() {
                "keep" => Decision::Keep,
                "remove" => Decision::Remove,
                "add" => Decision::Add,
                other => {
                    problems.push(EditProblem {
                        place: at(pos.line()),
                        message: format!(
                            "decision \"{other}\" is not one of keep, remove, add; write one of them or leave the cell blank"
                        ),
                    });
                    continue;
                }
            };
            if p.is_empty() || a.is_empty() {
                problems.push(EditProblem {
                    place: at(pos.line()),
                    message: format!(
                        "decision {} needs both a Proposal and an Adviser (researcher ID); fill in the empty one",
                        decision.as_str()
                    ),
                });
                continue;
            }
            rows.push(EditRow {
                place: at(pos.line()),
                proposal_id: p.to_string(),
                researcher_id: a.to_string(),
                decision,
            });
        }
    }
    if sheets_with_columns == 0 {
        problems.push(EditProblem {
            place: name,
            message: "no sheet or header has the columns Proposal, Adviser and Decision (or proposal_id, researcher_id, decision); use the assignment.xlsx rdmatch wrote, or a CSV with those columns".into(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The rules an edit must keep, as the solve will enforce them.
pub struct EditRules<'a> {
    pub ds: &'a Dataset,
    pub conflicts: &'a ConflictSet,
    /// Advisers each proposal needs (K), by proposal index.
    pub demand: &'a [u32],
    pub restrict_to_areas: bool,
    pub one_per_institution: bool,
}

/// Checks every edit and turns the good ones into locks. An edit is a
/// problem when an ID is unknown, a kept or added pair is excluded by a
/// conflict of interest (with its evidence) or lies outside the adviser's
/// areas, the same pair gets two different decisions, more pairs are kept
/// or added for an adviser than its max load or for a proposal than it
/// needs, or two kept or added advisers of one proposal share an
/// institution while `one_per_institution` is on.
pub fn check_edits(rows: &[EditRow], r: &EditRules) -> (Vec<AppliedEdit>, Vec<EditProblem>) {
    let ds = r.ds;
    let mut problems = Vec::new();
    let mut applied: Vec<AppliedEdit> = Vec::new();
    let mut seen: HashMap<(ProposalIx, AdviserIx), (Decision, &str)> = HashMap::new();
    let problem = |row: &EditRow, message: String| EditProblem {
        place: row.place.clone(),
        message,
    };
    for row in rows {
        let p = ds.proposal_by_id.get(&row.proposal_id).copied();
        let a = ds
            .researcher_by_id
            .get(&row.researcher_id)
            .and_then(|&x| ds.adviser_of[x]);
        let (Some(p), Some(a)) = (p, a) else {
            if p.is_none() {
                problems.push(problem(
                    row,
                    format!(
                        "proposal \"{}\" is not in proposals.csv; correct the Proposal cell",
                        row.proposal_id
                    ),
                ));
            }
            if a.is_none() {
                problems.push(problem(
                    row,
                    format!(
                        "\"{}\" is not an adviser in advisers.csv; correct the Adviser cell (a researcher ID)",
                        row.researcher_id
                    ),
                ));
            }
            continue;
        };
        if let Some(&(d, place)) = seen.get(&(p, a)) {
            if d != row.decision {
                problems.push(problem(
                    row,
                    format!(
                        "{} {} for {} contradicts {} at {place}; keep one decision",
                        row.decision.as_str(),
                        row.researcher_id,
                        row.proposal_id,
                        d.as_str()
                    ),
                ));
            }
            continue;
        }
        seen.insert((p, a), (row.decision, &row.place));
        let kind = match row.decision {
            Decision::Remove => LockKind::MustNot,
            Decision::Keep | Decision::Add => LockKind::Must,
        };
        if kind == LockKind::Must {
            let reasons = r.conflicts.reasons(p, a);
            if r.conflicts.is_excluded(p, a) {
                let ev: Vec<String> = reasons.iter().map(|x| x.to_string()).collect();
                problems.push(problem(
                    row,
                    format!(
                        "cannot {} {} on {}: a conflict of interest excludes the pair ({}); choose another adviser",
                        row.decision.as_str(),
                        row.researcher_id,
                        row.proposal_id,
                        ev.join("; ")
                    ),
                ));
                continue;
            }
            let area = ds.proposals[p].area;
            if r.restrict_to_areas && !ds.advisers[a].areas.contains(&area) {
                problems.push(problem(
                    row,
                    format!(
                        "cannot {} {} on {}: the adviser does not serve area {} (restrict_to_areas is on); choose an adviser of that area or add the area to the adviser in advisers.csv",
                        row.decision.as_str(),
                        row.researcher_id,
                        row.proposal_id,
                        ds.areas[area].id
                    ),
                ));
                continue;
            }
        }
        applied.push(AppliedEdit {
            row: row.clone(),
            lock: Lock {
                proposal: p,
                adviser: a,
                kind,
            },
        });
    }
    // Loads and panel rules over the pinned pairs, reported at the first
    // row that goes over.
    let mut per_adviser: BTreeMap<AdviserIx, u32> = BTreeMap::new();
    let mut per_proposal: BTreeMap<ProposalIx, Vec<AdviserIx>> = BTreeMap::new();
    let mut bad = vec![false; applied.len()];
    for (i, e) in applied.iter().enumerate() {
        if e.lock.kind != LockKind::Must {
            continue;
        }
        let (p, a) = (e.lock.proposal, e.lock.adviser);
        let n = per_adviser.entry(a).or_insert(0);
        *n += 1;
        let max = ds.advisers[a].max_load;
        if *n == max.saturating_add(1) {
            problems.push(problem(
                &e.row,
                format!(
                    "{} is kept or added on more proposals than its max load {max}; remove one of its keep/add rows or raise max_load in advisers.csv",
                    e.row.researcher_id
                ),
            ));
            bad[i] = true;
        }
        let on = per_proposal.entry(p).or_default();
        let k = r.demand.get(p).copied().unwrap_or(0);
        if on.len() as u64 == u64::from(k) {
            problems.push(problem(
                &e.row,
                format!(
                    "{} needs {k} advisers but more are kept or added; remove one of its keep/add rows",
                    e.row.proposal_id
                ),
            ));
            bad[i] = true;
        }
        if r.one_per_institution {
            let inst = ds.adviser_institution(a);
            if let Some(&b) = on.iter().find(|&&b| ds.adviser_institution(b) == inst) {
                problems.push(problem(
                    &e.row,
                    format!(
                        "{} and {} are both kept or added on {} but share the institution {} (one_per_institution is on); keep one",
                        ds.adviser_id(b),
                        e.row.researcher_id,
                        e.row.proposal_id,
                        ds.institutions[inst].name
                    ),
                ));
                bad[i] = true;
            }
        }
        on.push(a);
    }
    let mut k = 0;
    applied.retain(|_| {
        k += 1;
        !bad[k - 1]
    });
    // In the order of the file, as a PO reads it.
    let order: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.place.as_str(), i))
        .collect();
    problems.sort_by_key(|p| order.get(p.place.as_str()).copied().unwrap_or(usize::MAX));
    (applied, problems)
}

crate::table_row! {
    /// One edit of edits.csv: where the PO wrote it and the lock it became.
    pub struct EditOutcomeRow<'a> {
        pub place: &'a str,
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        pub decision: &'a str,
        pub applied_as: &'a str,
    }
}

/// edits.csv: every edit read back and what became of it.
pub fn write_edits_csv<W: std::io::Write>(out: W, applied: &[AppliedEdit]) -> csv::Result<()> {
    let mut w = table::CsvWriter::new(out);
    w.header::<EditOutcomeRow>()?;
    for e in applied {
        w.serialize(&EditOutcomeRow {
            place: &e.row.place,
            proposal_id: &e.row.proposal_id,
            researcher_id: &e.row.researcher_id,
            decision: e.row.decision.as_str(),
            applied_as: match e.lock.kind {
                LockKind::Must => "must",
                LockKind::MustNot => "must-not",
            },
        })?;
    }
    Ok(w.flush()?)
}
