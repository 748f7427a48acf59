//! Standalone file forms of the assignment: reading scores.csv and
//! conflicts.csv into a [`Problem`], writing assignment.csv, alternates.csv
//! and loads.csv. Readers return errors that name file, line and field;
//! writers take any `impl Write` so they can be tested in memory. Rows are
//! written in proposal-ID (resp. researcher-ID) order, scores with 6
//! decimals, so outputs are byte-stable.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use crate::load::locks::{parse_lock, LockKind, LockRow};
use crate::score::{read_score_file, ScoreFileError};
use crate::table::{self, CsvRow, EncodingChoice, InputRow, Layout, Names, ReadOptions};

use super::builder::Exclusion;
use super::{ranks, Problem, ProblemBuilder, Solution};

/// Reading or writing assignment files failed.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: malformed CSV: {message}")]
    Csv {
        path: String,
        line: u64,
        message: String,
    },
    #[error(
        "{path}: missing column(s) {missing}; columns found: {found}. The header needs {required}"
    )]
    MissingColumns {
        path: String,
        missing: String,
        found: String,
        required: String,
    },
    #[error("{path}:{line}: column '{field}': {value:?} {message}")]
    BadValue {
        path: String,
        line: u64,
        field: String,
        value: String,
        message: String,
    },
    #[error(transparent)]
    Scores(#[from] ScoreFileError),
    #[error("cannot write output: {0}")]
    Write(#[from] std::io::Error),
}

/// Reads a standalone problem: a score file in any layout
/// [`read_score_file`] reads (scores mapped to [0, 1] by its rule), and
/// optionally conflicts.csv (`proposal_id,researcher_id[,excluded][,...]`).
/// The conflicts file fails closed: every row excludes its pair unless its
/// `excluded` cell says `false`, `0` or `no` (a blank cell excludes). IDs are
/// matched exactly; an ID that matches a score-file ID only after removing
/// white space or ignoring case is applied to that ID and warned about;
/// an ID that matches nothing is warned about with its line. Proposal and
/// researcher IDs come from the scores file and are ordered
/// lexicographically. Every proposal needs `k` advisers, every researcher
/// takes `[min_load, max_load]`; every scored pair that is not a conflict is
/// a candidate. Returns the problem and the warnings.
pub fn problem_from_files(
    scores: &Path,
    conflicts: Option<&Path>,
    k: u32,
    max_load: u32,
    min_load: u32,
) -> Result<(Problem, Vec<String>), AssignError> {
    problem_from_files_with_locks(scores, conflicts, None, k, max_load, min_load)
}

/// Reads a table for the standalone form; every failure names the file.
fn read_table(path: &Path) -> Result<table::RawTable, AssignError> {
    let name = path.display().to_string();
    let t = table::read_path(
        path,
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
    if let Some(r) = t.rejected.first() {
        return Err(AssignError::Csv {
            path: name,
            line: r.position.line(),
            message: r.message.clone(),
        });
    }
    Ok(t)
}

/// Where the fields of `R` are in `t`, or an error naming the required
/// columns the header lacks.
pub(crate) fn layout<R: InputRow>(t: &table::RawTable, path: &Path) -> Result<Layout, AssignError> {
    let layout = Layout::find::<R>(&t.header, Names::Exact);
    let missing = layout.missing::<R>();
    if !missing.is_empty() {
        let required: Vec<&str> = R::FIELDS
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        return Err(AssignError::MissingColumns {
            path: path.display().to_string(),
            missing: missing.join(", "),
            found: t.header.join(", "),
            required: required.join(","),
        });
    }
    Ok(layout)
}

crate::read_row! {
    /// One row of the standalone conflicts file (`assign --scores FILE
    /// --conflicts FILE`): the pair it excludes, unless `excluded` says
    /// `false`, `0` or `no`. Other columns are ignored, so rdmatch's own
    /// conflicts.csv reads as it is.
    pub struct StandaloneConflictRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        pub excluded: Option<&'a str>,
    }
}

/// One row of `t` as `R`; rows of text fields always read.
fn typed<'t, R: serde::Deserialize<'t>>(
    layout: &Layout,
    cells: &table::read::Row<'t>,
    path: &str,
    line: u64,
) -> Result<R, AssignError> {
    layout.row(cells).map_err(|e| AssignError::BadValue {
        path: path.to_string(),
        line,
        field: e.field.map_or("", |k| layout.name(k)).to_string(),
        value: String::new(),
        message: e.message,
    })
}

/// [`problem_from_files`] with a locks file (`proposal_id,researcher_id,lock`,
/// lock `must` or `must-not`, as in the data form). A lock naming an ID
/// the scores file does not have, a must-lock on a pair the scores file
/// does not score, or one on a conflict is an error naming file, line and
/// column.
pub fn problem_from_files_with_locks(
    scores: &Path,
    conflicts: Option<&Path>,
    locks: Option<&Path>,
    k: u32,
    max_load: u32,
    min_load: u32,
) -> Result<(Problem, Vec<String>), AssignError> {
    let file = read_score_file(scores, EncodingChoice::Auto)?;
    let rows = &file.rows;
    // IDs in lexicographic order; the file's own ID numbers (first-seen
    // order) map to them through one permutation per side.
    fn index(ids: &[String]) -> (Vec<usize>, foldhash::HashMap<&str, usize>) {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_unstable_by(|&a, &b| ids[a].cmp(&ids[b]));
        let mut rank = vec![0; ids.len()];
        for (i, &o) in order.iter().enumerate() {
            rank[o] = i;
        }
        let ix = order
            .iter()
            .enumerate()
            .map(|(i, &o)| (ids[o].as_str(), i))
            .collect();
        (rank, ix)
    }
    let (prank, pix) = index(&file.proposal_ids);
    let (rrank, rix) = index(&file.researcher_ids);
    let sorted = |ids: &[String], rank: &[usize]| {
        let mut out = vec![String::new(); ids.len()];
        for (id, &r) in ids.iter().zip(rank) {
            out[r] = id.clone();
        }
        out
    };
    let mut b = ProblemBuilder::new(
        sorted(&file.proposal_ids, &prank),
        sorted(&file.researcher_ids, &rrank),
        k,
        min_load,
        max_load,
        0,
    );
    let mut warnings = Vec::new();
    let mut conflict_pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    if let Some(cpath) = conflicts {
        let cname = cpath.display().to_string();
        let t = read_table(cpath)?;
        // IDs as written: the loose match below warns about white space.
        let l = layout::<StandaloneConflictRow>(&t, cpath)?.untrimmed();
        let ploose = Loose::new(&pix);
        let rloose = Loose::new(&rix);
        let mut unmatched = 0usize;
        for (rec, pos) in t.rows() {
            let line = pos.line();
            let row: StandaloneConflictRow = typed(&l, &rec, &cname, line)?;
            let v = row.excluded.unwrap_or("").trim();
            let on =
                match v.to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "" => true,
                    "false" | "0" | "no" => false,
                    _ => return Err(AssignError::BadValue {
                        path: cname,
                        line,
                        field: "excluded".into(),
                        value: v.into(),
                        message:
                            "is not a boolean; write true or false (a blank cell excludes the pair)"
                                .into(),
                    }),
                };
            if !on {
                continue;
            }
            let p = ploose.find(row.proposal_id, &cname, line, "proposal_id", &mut warnings);
            let r = rloose.find(
                row.researcher_id,
                &cname,
                line,
                "researcher_id",
                &mut warnings,
            );
            if p.is_empty() || r.is_empty() {
                unmatched += 1;
            }
            for &pi in &p {
                for &ri in &r {
                    b.exclude(pi, ri, Exclusion::Conflict);
                    conflict_pairs.insert((pi, ri));
                }
            }
        }
        if unmatched > 0 {
            warnings.push(format!(
                "{cname}: {unmatched} conflict row(s) name an ID that is in no row of the scores file; they exclude nothing (see the lines above)"
            ));
        }
    }
    if let Some(lpath) = locks {
        let lname = lpath.display().to_string();
        let t = read_table(lpath)?;
        let l = layout::<LockRow>(&t, lpath)?;
        let scored: BTreeSet<(&str, &str)> = rows
            .iter()
            .map(|r| (file.proposal_id(r), file.researcher_id(r)))
            .collect();
        for (rec, pos) in t.rows() {
            let bad = |field: &str, value: &str, message: String| AssignError::BadValue {
                path: lname.clone(),
                line: pos.line(),
                field: field.into(),
                value: value.into(),
                message,
            };
            let row: LockRow = typed(&l, &rec, &lname, pos.line())?;
            let (p, r, lock) = (row.proposal_id, row.researcher_id, row.lock);
            let pi = *pix.get(p).ok_or_else(|| {
                bad(
                    "proposal_id",
                    p,
                    format!("is not a proposal of {}", scores.display()),
                )
            })?;
            let ri = *rix.get(r).ok_or_else(|| {
                bad(
                    "researcher_id",
                    r,
                    format!("is not a researcher of {}", scores.display()),
                )
            })?;
            match parse_lock(lock) {
                Some(LockKind::Must) => {
                    if conflict_pairs.contains(&(pi, ri)) {
                        return Err(bad(
                            "lock",
                            lock,
                            format!("pins ({p}, {r}) but the conflicts file excludes the pair; remove the lock or the conflict"),
                        ));
                    }
                    if !scored.contains(&(p, r)) {
                        return Err(bad(
                            "lock",
                            lock,
                            format!("pins ({p}, {r}) but the scores file has no score for the pair; add one"),
                        ));
                    }
                    b.lock(pi, ri);
                }
                Some(LockKind::MustNot) => {
                    if !conflict_pairs.contains(&(pi, ri)) {
                        b.exclude(pi, ri, Exclusion::Lock);
                    }
                }
                None => {
                    return Err(bad(
                        "lock",
                        lock,
                        "is not a lock; use must or must-not".into(),
                    ))
                }
            }
        }
    }
    for r in rows {
        b.add_score(
            prank[r.proposal as usize],
            rrank[r.researcher as usize],
            r.score,
        );
    }
    Ok((b.build(), warnings))
}

/// IDs of the scores file, also by a loose key (no white space, lower case)
/// for IDs that a conflicts file spells differently.
struct Loose<'a> {
    exact: &'a foldhash::HashMap<&'a str, usize>,
    /// Loose key → the IDs with that key.
    loose: BTreeMap<String, Vec<&'a str>>,
}

fn loose_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl<'a> Loose<'a> {
    fn new(exact: &'a foldhash::HashMap<&'a str, usize>) -> Self {
        let mut loose: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for id in exact.keys() {
            loose.entry(loose_key(id)).or_default().push(id);
        }
        for ids in loose.values_mut() {
            ids.sort_unstable();
        }
        Loose { exact, loose }
    }

    /// The indexes `raw` stands for (one, or every loose match when
    /// ambiguous), warning when it only matches loosely or not at all.
    fn find(
        &self,
        raw: &str,
        file: &str,
        line: u64,
        field: &str,
        warnings: &mut Vec<String>,
    ) -> Vec<usize> {
        if let Some(&i) = self.exact.get(raw) {
            return vec![i];
        }
        let trimmed = raw.trim();
        if let Some(&i) = self.exact.get(trimmed) {
            warnings.push(format!(
                "{file}:{line}: column '{field}': {raw:?} has white space around the ID; applied to {trimmed:?}"
            ));
            return vec![i];
        }
        match self.loose.get(&loose_key(raw)).map(Vec::as_slice) {
            Some([id]) => {
                let what = if raw.trim().to_lowercase() == id.to_lowercase() {
                    "differs only by case from"
                } else {
                    "differs only by case or white space from"
                };
                warnings.push(format!(
                    "{file}:{line}: column '{field}': {raw:?} {what} the scores file's {id:?}; the conflict is applied to {id:?} — correct the ID"
                ));
                self.exact.get(id).copied().into_iter().collect()
            }
            Some(ids) if ids.len() > 1 => {
                // Ambiguous: exclude every candidate (fail closed).
                warnings.push(format!(
                    "{file}:{line}: column '{field}': {raw:?} matches several IDs of the scores file when case and white space are ignored ({}); the conflict is applied to each — correct the ID",
                    ids.join(", ")
                ));
                ids.iter()
                    .filter_map(|id| self.exact.get(id).copied())
                    .collect()
            }
            _ => {
                warnings.push(format!(
                    "{file}:{line}: column '{field}': {raw:?} is not an ID of the scores file; the row excludes nothing — correct the ID if it is a typo"
                ));
                Vec::new()
            }
        }
    }
}

/// Extra columns appended to assignment.csv: `header` names them and
/// `cells(proposal, adviser)` gives one value per header entry.
pub struct ExtraColumns<'a> {
    pub header: Vec<String>,
    pub cells: &'a dyn Fn(usize, usize) -> Vec<String>,
}

fn order_by_id(ids: &[String]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..ids.len()).collect();
    o.sort_by(|&a, &b| ids[a].cmp(&ids[b]));
    o
}

crate::table_row! {
    /// One pair of assignment.csv (before its run-time score columns) and
    /// of alternates.csv; rank = position among the proposal's candidates
    /// (1 = best).
    pub struct PairRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        pub score: f64,
        pub rank: usize,
    }
}

impl<'a> PairRow<'a> {
    fn of(p: &'a Problem, pp: usize, a: usize, rank: usize) -> PairRow<'a> {
        PairRow {
            proposal_id: &p.proposal_ids[pp],
            researcher_id: &p.adviser_ids[a],
            score: p.score_of(pp, a).unwrap_or(0.0),
            rank,
        }
    }
}

crate::table_row! {
    /// One adviser of loads.csv.
    pub struct LoadRow<'a> {
        pub researcher_id: &'a str,
        pub assigned: u32,
        pub min_load: u32,
        pub max_load: u32,
    }
}

crate::table_row! {
    /// One short proposal of shortfall.csv. The counts are text: the rule
    /// decides their unit (advisers, or non-academic places).
    pub struct ShortfallRow {
        pub proposal_id: String,
        pub area: String,
        pub rule: String,
        pub needed: String,
        pub assigned: String,
        pub missing: String,
        pub why: String,
    }
}

/// assignment.csv: `proposal_id,researcher_id,score,rank[,extra...]`, one row
/// per assigned pair; rank = position among the proposal's candidates
/// (1 = best).
pub fn write_assignment_csv<W: Write>(
    out: W,
    p: &Problem,
    s: &Solution,
    extra: Option<&ExtraColumns>,
) -> Result<(), AssignError> {
    let mut w = crate::table::CsvWriter::new(out);
    let extra_names = extra
        .iter()
        .flat_map(|x| x.header.iter().map(String::as_str));
    w.write_record(PairRow::COLUMNS.iter().copied().chain(extra_names))
        .map_err(std::io::Error::from)?;
    let rk = ranks(p, s);
    for pp in order_by_id(&p.proposal_ids) {
        for (i, &a) in s.assigned[pp].iter().enumerate() {
            let row = PairRow::of(p, pp, a, rk[pp][i]);
            let cells = extra.map(|x| (x.cells)(pp, a)).unwrap_or_default();
            w.serialize_with(&row, cells)
                .map_err(std::io::Error::from)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// alternates.csv: `proposal_id,researcher_id,score,rank` for the lists from
/// [`super::alternates`]; rank among the proposal's candidates (1 = best).
pub fn write_alternates_csv<W: Write>(
    out: W,
    p: &Problem,
    alternates: &[Vec<usize>],
) -> Result<(), AssignError> {
    let mut w = crate::table::CsvWriter::new(out);
    w.header::<PairRow>().map_err(std::io::Error::from)?;
    for pp in order_by_id(&p.proposal_ids) {
        for &a in &alternates[pp] {
            let row = PairRow::of(p, pp, a, super::rank_of(p, pp, a));
            w.serialize(&row).map_err(std::io::Error::from)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// loads.csv: `researcher_id,assigned,min_load,max_load`, one row per adviser.
pub fn write_loads_csv<W: Write>(out: W, p: &Problem, s: &Solution) -> Result<(), AssignError> {
    let mut w = crate::table::CsvWriter::new(out);
    w.header::<LoadRow>().map_err(std::io::Error::from)?;
    for a in order_by_id(&p.adviser_ids) {
        w.serialize(&LoadRow {
            researcher_id: &p.adviser_ids[a],
            assigned: s.loads[a],
            min_load: p.min_load[a],
            max_load: p.max_load[a],
        })
        .map_err(std::io::Error::from)?;
    }
    w.flush()?;
    Ok(())
}

/// shortfall.csv: `proposal_id,area,rule,needed,assigned,missing,why`, one
/// row per proposal left short: by the partial assignment of an infeasible
/// call (`rule` conflicts / area / institution / locks / loads / min_loads:
/// advisers missing), and by a non-academic quota the pool and loads could
/// not meet (`rule` quota: quota places missing). Proposal-ID order.
pub fn write_shortfall_csv<W: Write>(
    out: W,
    p: &Problem,
    result: &Result<Solution, super::Infeasible>,
) -> Result<(), AssignError> {
    let mut w = crate::table::CsvWriter::new(out);
    w.header::<ShortfallRow>().map_err(std::io::Error::from)?;
    let area = |pp: usize| p.proposal_area.get(pp).cloned().unwrap_or_default();
    let mut rows: Vec<(usize, ShortfallRow)> = Vec::new();
    let sol = match result {
        Ok(s) => Some(s),
        Err(inf) => {
            for r in &inf.diagnosis.shortfall {
                rows.push((
                    r.proposal,
                    ShortfallRow {
                        proposal_id: p.proposal_ids[r.proposal].clone(),
                        area: area(r.proposal),
                        rule: r.rule.to_string(),
                        needed: r.needed.to_string(),
                        assigned: r.assigned.to_string(),
                        missing: r.missing.to_string(),
                        why: r.why.clone(),
                    },
                ));
            }
            inf.partial.as_ref().map(|x| &x.solution)
        }
    };
    if let Some(s) = sol {
        rows.extend(super::panel::shortfall_rows(p, s));
        for q in &s.stats.quota_short {
            let pp = q.proposal;
            let pool: Vec<usize> = p.candidates[pp]
                .iter()
                .map(|c| c.adviser)
                .filter(|&a| p.adviser_non_academic[a])
                .collect();
            let full = pool
                .iter()
                .filter(|&&a| s.loads[a] >= p.max_load[a] && !s.assigned[pp].contains(&a))
                .count();
            let why = if pool.is_empty() {
                "no non-academic adviser is eligible for this proposal".to_string()
            } else {
                format!(
                    "{} non-academic eligible advisers, {full} of them at max load with other proposals (the quota is met on as many proposals as their places allow)",
                    pool.len()
                )
            };
            rows.push((
                pp,
                ShortfallRow {
                    proposal_id: p.proposal_ids[pp].clone(),
                    area: area(pp),
                    rule: "quota".into(),
                    needed: q.quota.to_string(),
                    assigned: q.met.to_string(),
                    missing: (q.quota - q.met).to_string(),
                    why,
                },
            ));
        }
    }
    rows.sort_by(|x, y| p.proposal_ids[x.0].cmp(&p.proposal_ids[y.0]));
    for (_, r) in rows {
        w.serialize(&r).map_err(std::io::Error::from)?;
    }
    w.flush()?;
    Ok(())
}

/// solver.json: what the solver did and what was in force — objective,
/// totals, the candidate cut and its certificate, quota capping and
/// shortfall, the fair objective's bound and gap, the partial assignment
/// of an infeasible call — plus `settings` from the caller (e.g. where the
/// max loads came from).
pub fn solver_json(
    p: &Problem,
    objective: super::Objective,
    result: &Result<Solution, super::Infeasible>,
    settings: serde_json::Value,
) -> serde_json::Value {
    use serde_json::json;
    let (sol, partial) = match result {
        Ok(s) => (Some(s), None),
        Err(inf) => (
            inf.partial.as_ref().map(|x| &x.solution),
            inf.partial.as_deref(),
        ),
    };
    let st = sol.map(|s| &s.stats);
    let cut = st.map(|s| &s.cut);
    let fair = st.and_then(|s| s.fair_bound).map(|b| {
        let w = sol.map_or(0.0, |s| s.weakest);
        json!({
            "weakest": w,
            "upper_bound": b,
            "gap": (b - w).max(0.0),
            "exact": st.and_then(|s| s.fair_exact),
        })
    });
    json!({
        "objective": match objective { super::Objective::Total => "total", super::Objective::Fair => "fair" },
        "feasible": result.is_ok(),
        "proposals": p.proposal_ids.len(),
        "advisers": p.adviser_ids.len(),
        "candidate_pairs": p.candidates.iter().map(Vec::len).sum::<usize>(),
        "assigned_pairs": sol.map(|s| s.assigned.iter().map(Vec::len).sum::<usize>()),
        "total_score": sol.map(|s| s.total),
        "weakest_proposal": sol.map(|s| s.weakest),
        "nodes": st.map(|s| s.nodes),
        "arcs": st.map(|s| s.arcs),
        "searches": st.map(|s| s.searches),
        "candidate_cut": cut.map(|c| json!({
            "cut": c.cut,
            "rounds": c.rounds,
            "pairs_checked": c.pairs_checked,
            "pairs_added": c.pairs_added,
            "widened_to_all": c.widened_to_all,
            "certified_optimal": c.certified,
            "summary": c.describe(),
        })),
        "quota": st.map(|s| json!({
            "proposals_with_quota": p.min_non_academic.iter().filter(|&&q| q > 0).count(),
            "capped_to_k": s.quota_capped.len(),
            "proposals_short": s.quota_short.len(),
        })),
        "fair": fair,
        "randomized": st.and_then(|s| s.randomized.as_deref()).map(|r| json!({
            "seed": r.seed,
            "max_probability": r.max_probability,
            "expected_score": r.expected_score,
            "deterministic_optimum": r.deterministic_optimum,
            "ratio": r.ratio,
            "largest_probability": r.largest_probability,
            "sampled_score": r.sampled_score,
            "fractional_pairs": r.fractional_pairs,
            "rounding_steps": r.rounding_steps,
            "fractional_solves": r.solves,
            "pairs_added": r.pairs_added,
        })),
        "panel": st.and_then(|s| s.panel.as_deref()).map(super::panel::json),
        "partial": partial.map(|x| json!({
            "filled": x.filled(),
            "missing": x.missing(),
            "proposals_short": x.unfilled.iter().filter(|&&u| u > 0).count(),
            "min_loads_dropped": x.min_loads_dropped,
            "locks_dropped": x.locks_dropped.len(),
        })),
        "binding": match result {
            Err(inf) => inf.diagnosis.binding.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
            Ok(_) => Vec::new(),
        },
        "settings": settings,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{alternates, solve, Objective};
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn files_round_trip_to_csv_outputs() {
        let d = tempfile::tempdir().unwrap();
        let s = write(
            d.path(),
            "scores.csv",
            "proposal_id,researcher_id,score,note\nP2,R1,0.9,x\nP1,R1,0.8,\nP1,R2,0.5,\nP2,R2,0.1,\nP1,R3,0.7,\n",
        );
        let c = write(
            d.path(),
            "conflicts.csv",
            "proposal_id,researcher_id,reason,excluded\nP1,R1,coauthor,true\nP2,R2,x,false\n",
        );
        let (p, _) = problem_from_files(&s, Some(&c), 1, 1, 0).unwrap();
        assert_eq!(p.proposal_ids, vec!["P1", "P2"]);
        assert_eq!(p.ineligible[0].conflict, 1);
        let sol = solve(&p, Objective::Total).unwrap();
        let mut buf = Vec::new();
        write_assignment_csv(&mut buf, &p, &sol, None).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "proposal_id,researcher_id,score,rank\nP1,R3,0.700000,1\nP2,R1,0.900000,1\n"
        );
        let alts = alternates(&p, &sol, 2);
        let mut buf = Vec::new();
        write_alternates_csv(&mut buf, &p, &alts).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "proposal_id,researcher_id,score,rank\nP1,R2,0.500000,2\nP2,R2,0.100000,2\n"
        );
        let mut buf = Vec::new();
        write_loads_csv(&mut buf, &p, &sol).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "researcher_id,assigned,min_load,max_load\nR1,1,0,1\nR2,0,0,1\nR3,1,0,1\n"
        );
        let extra = ExtraColumns {
            header: vec!["top_terms".into()],
            cells: &|pp, a| vec![format!("{pp}-{a}")],
        };
        let mut buf = Vec::new();
        write_assignment_csv(&mut buf, &p, &sol, Some(&extra)).unwrap();
        assert!(String::from_utf8(buf)
            .unwrap()
            .starts_with("proposal_id,researcher_id,score,rank,top_terms\nP1,R3,0.700000,1,0-2\n"));
    }

    /// Regression (blank `excluded` fails open): a blank cell meant "not
    /// excluded", so a half-filled conflicts file let conflicted pairs be
    /// assigned. Every row excludes unless it says false.
    #[test]
    fn regression_blank_excluded_cell_excludes() {
        let d = tempfile::tempdir().unwrap();
        let s = write(
            d.path(),
            "scores.csv",
            "proposal_id,researcher_id,score\nP1,R1,0.9\nP1,R2,0.5\nP1,R3,0.4\n",
        );
        let c = write(
            d.path(),
            "conflicts.csv",
            "proposal_id,researcher_id,excluded,reason\nP1,R1,,co-author\nP1,R2,false,flag only\nP1,R3,no,\n",
        );
        let (p, warnings) = problem_from_files(&s, Some(&c), 1, 1, 0).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(p.ineligible[0].conflict, 1);
        let sol = solve(&p, Objective::Total).unwrap();
        assert_eq!(p.adviser_ids[sol.assigned[0][0]], "R2");
        // No excluded column: every row is a conflict.
        let c = write(
            d.path(),
            "c2.csv",
            "proposal_id,researcher_id\nP1,R1\nP1,R2\n",
        );
        let (p, _) = problem_from_files(&s, Some(&c), 1, 1, 0).unwrap();
        assert_eq!(p.ineligible[0].conflict, 2);
    }

    /// Regression (case-mismatched IDs dropped silently): `r1` or ` P1 `
    /// matched nothing and the conflict was lost without a word. Now it is
    /// applied to the one ID it can mean and warned about with its line;
    /// an ID that matches nothing is warned about too.
    #[test]
    fn regression_case_mismatched_ids_are_applied_and_warned() {
        let d = tempfile::tempdir().unwrap();
        let s = write(
            d.path(),
            "scores.csv",
            "proposal_id,researcher_id,score\nP1,R1,0.9\nP1,R2,0.5\nP2,R1,0.3\nP2,R2,0.2\n",
        );
        let c = write(
            d.path(),
            "conflicts.csv",
            "proposal_id,researcher_id,excluded\np1,r1,true\n\" P2\",R 2,true\nP1,R9,true\n",
        );
        let (p, warnings) = problem_from_files(&s, Some(&c), 1, 2, 0).unwrap();
        let cname = c.display().to_string();
        let all = warnings.join("\n");
        for want in [
            format!("{cname}:2: column 'proposal_id': \"p1\" differs only by case from the scores file's \"P1\""),
            format!("{cname}:2: column 'researcher_id': \"r1\" differs only by case from the scores file's \"R1\""),
            format!("{cname}:3: column 'proposal_id': \" P2\" has white space around the ID"),
            format!("{cname}:3: column 'researcher_id': \"R 2\" differs only by case or white space from the scores file's \"R2\""),
            format!("{cname}:4: column 'researcher_id': \"R9\" is not an ID of the scores file"),
            "1 conflict row(s) name an ID that is in no row of the scores file".to_string(),
        ] {
            assert!(all.contains(&want), "missing {want:?} in\n{all}");
        }
        assert_eq!((p.ineligible[0].conflict, p.ineligible[1].conflict), (1, 1));
        let sol = solve(&p, Objective::Total).unwrap();
        assert_eq!(p.adviser_ids[sol.assigned[0][0]], "R2");
        assert_eq!(p.adviser_ids[sol.assigned[1][0]], "R1");
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let d = tempfile::tempdir().unwrap();
        let s = write(
            d.path(),
            "scores.csv",
            "proposal_id,researcher_id,score\nP1,R1,0.5\nP1,R2,high\n",
        );
        let e = problem_from_files(&s, None, 1, 1, 0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("scores.csv:3: column 'score': \"high\" is not a number"),
            "{e}"
        );
        let s = write(
            d.path(),
            "s3.csv",
            "proposal,researcher_id,value\nP1,R1,x\n",
        );
        let e = problem_from_files(&s, None, 1, 1, 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is not a header rdmatch recognises"), "{e}");
        let s = write(
            d.path(),
            "s4.csv",
            "proposal_id,researcher_id,score\nP1,R1,0.5\nP1,R1,0.6\n",
        );
        let e = problem_from_files(&s, None, 1, 1, 0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s4.csv:3: column 'researcher_id': pair (P1, R1) is given on line 2 and again on line 3"),
            "{e}"
        );
    }
}
