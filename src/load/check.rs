//! From frames of strings to typed, linked tables: types, empty fields,
//! duplicate IDs, allowed values and references. Every row ends up either
//! accepted or rejected with at least one error naming its line and column.

/// IDs are hashed millions of times (2 per authorship row); foldhash is
/// several times faster than SipHash and sound on strings with long shared
/// prefixes such as `R000123`.
type IdMap<K, V> = foldhash::HashMap<K, V>;

use std::borrow::Cow;

use polars::prelude::{ChunkApply, GroupsType, IntoGroupsType};

use crate::model::*;

use super::rows::*;

use super::identifier;
use super::problem::{FileCount, Problem, Severity};
use super::schema::{self, FileSpec};
use super::source::RawFile;

/// Collects the problems of one file and counts its rows.
struct Rows<'a> {
    spec: &'a FileSpec,
    raw: &'a RawFile,
    problems: &'a mut Vec<Problem>,
    /// The cells of each of the spec's columns, in spec order
    /// ([`Cells::Absent`] for an optional column the file lacks).
    cells: Vec<Cells<'a>>,
    /// The required columns with at least one blank cell, each with the
    /// rows where it is blank: found column by column, before the rows are
    /// read.
    blank: Vec<(&'static str, Vec<bool>)>,
    /// The columns whose text goes into workbook cells.
    workbook: &'static [&'static str],
    accepted: usize,
    /// The file where the chain of rejections that reached the current row
    /// started, when the row is rejected only through references.
    cascade: Option<String>,
    /// The current row has an error of its own.
    own_error: bool,
}

impl<'a> Rows<'a> {
    fn new(spec: &'a FileSpec, raw: &'a RawFile, problems: &'a mut Vec<Problem>) -> Rows<'a> {
        let cells: Vec<Cells<'a>> = spec
            .columns
            .iter()
            .map(|c| Cells::of(raw.frame.column(c.name).ok().and_then(|x| x.str().ok())))
            .collect();
        let blank = blank_cells(spec, &cells, raw.positions.len());
        Rows {
            spec,
            raw,
            problems,
            cells,
            blank,
            workbook: super::limits::workbook_columns(spec.name),
            accepted: 0,
            cascade: None,
            own_error: false,
        }
    }

    fn len(&self) -> usize {
        self.raw.positions.len()
    }

    fn line(&self, row: usize) -> u64 {
        self.raw.line(row)
    }

    /// Starts a row: forgets what the previous row's errors were.
    fn begin(&mut self) {
        self.cascade = None;
        self.own_error = false;
    }

    /// The file where this row's rejection started: its own, unless every
    /// error of the row is a reference to a rejected row.
    fn root(&self) -> String {
        match (&self.cascade, self.own_error) {
            (Some(root), false) => root.clone(),
            _ => self.raw.name.clone(),
        }
    }

    /// The trimmed cell; "" when blank or when the optional column is absent.
    fn get(&self, row: usize, col: &str) -> &'a str {
        self.column(col).get(row).trim()
    }

    /// The cells of `col` (a handful of columns: a linear search beats
    /// hashing the name).
    fn column(&self, col: &str) -> Cells<'a> {
        self.spec
            .columns
            .iter()
            .position(|c| c.name == col)
            .map_or(Cells::Absent, |k| self.cells[k])
    }

    fn push(
        &mut self,
        severity: Severity,
        row: usize,
        field: &str,
        kind: Option<&str>,
        cascade_from: Option<String>,
        message: String,
    ) {
        if severity == Severity::Error {
            match &cascade_from {
                Some(root) => {
                    self.cascade.get_or_insert_with(|| root.clone());
                }
                None => self.own_error = true,
            }
        }
        self.problems.push(Problem {
            severity,
            file: self.raw.name.clone(),
            line: Some(self.line(row)),
            cell: self.raw.cell(row, field),
            field: Some(field.to_string()),
            message,
            kind: kind.map(str::to_string),
            cascade_from,
        });
    }

    /// An error of this row's own; `kind` is the message without the
    /// row's values, so repeats print as one line.
    fn error(&mut self, row: usize, field: &str, kind: &str, message: String) {
        self.push(Severity::Error, row, field, Some(kind), None, message);
    }

    fn warn(&mut self, row: usize, field: &str, kind: &str, message: String) {
        self.push(Severity::Warning, row, field, Some(kind), None, message);
    }

    fn bad_ref(&mut self, row: usize, field: &str, e: RefError) {
        match e {
            RefError::Unknown(m) => {
                self.error(row, field, "is not an ID of the file it refers to", m)
            }
            RefError::Rejected { message, root } => self.push(
                Severity::Error,
                row,
                field,
                Some("refers to a rejected row"),
                Some(root),
                message,
            ),
        }
    }

    /// Row `i`'s ID in `col` as [`Rows::resolve_column`] found it: the
    /// accepted index, or `None` with the row's error pushed. A blank cell
    /// gives `None` quietly: `required_present` reports blank required
    /// cells.
    fn lookup(&mut self, i: usize, col: &str, code: u32, ids: &Ids) -> Option<usize> {
        match resolved(code, self.get(i, col), ids)? {
            Ok(x) => Some(x),
            Err(e) => {
                self.bad_ref(i, col, e);
                None
            }
        }
    }

    /// The ID in `col` of every row looked up in `ids` for the whole
    /// column at once, in parallel: the accepted index, [`BLANK`] or
    /// [`NOT_ACCEPTED`] (unknown, or a rejected row: the message is made
    /// for those rows only). This is the anti-join of the column against
    /// the referenced file's accepted IDs; polars' own anti-join needs its
    /// `semi_anti_join` feature, which this build leaves out, and the IDs'
    /// map is needed anyway for the rejected rows' messages.
    fn resolve_column(&self, col: &str, ids: &Ids) -> Vec<u32> {
        use rayon::prelude::*;
        const CHUNK: usize = 1 << 14;
        let cells = self.column(col);
        let mut out = vec![BLANK; self.len()];
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(k, chunk)| {
                // Files list a publication's (a proposal's) rows together:
                // the previous row's ID is compared before the map is asked.
                let mut last: Option<(&str, u32)> = None;
                for (j, slot) in chunk.iter_mut().enumerate() {
                    let id = cells.get(k * CHUNK + j).trim();
                    *slot = match last {
                        Some((s, code)) if s == id => code,
                        _ => {
                            let code = ids.code(id);
                            last = Some((id, code));
                            code
                        }
                    };
                }
            });
        out
    }

    /// The rows whose ID in `col` an earlier row already has, each mapped
    /// to that first row: found for the whole column by polars' hash
    /// group-by. Blank IDs are not duplicates (`required_present` reports
    /// them).
    fn duplicates(&self, col: &str) -> IdMap<usize, usize> {
        let mut out = IdMap::default();
        let Some(ca) = self.raw.frame.column(col).ok().and_then(|c| c.str().ok()) else {
            return out;
        };
        // IDs compare trimmed; the copy is made only when a cell needs it.
        let trimmed;
        let ca = if ca.iter().flatten().any(|v| v.trim().len() != v.len()) {
            trimmed = ca.apply_values(|v| Cow::Borrowed(v.trim()));
            &trimmed
        } else {
            ca
        };
        let mut mark = |rows: &mut dyn Iterator<Item = usize>| {
            let rows: Vec<usize> = rows.collect();
            let Some(&first) = rows.iter().min() else {
                return;
            };
            if ca.get(first).unwrap_or("").is_empty() {
                return;
            }
            out.extend(rows.into_iter().filter(|&j| j != first).map(|j| (j, first)));
        };
        match ca.group_tuples(true, false) {
            Ok(GroupsType::Idx(groups)) => {
                for (_, all) in groups.iter() {
                    if all.len() > 1 {
                        mark(&mut all.iter().map(|&j| j as usize));
                    }
                }
            }
            Ok(GroupsType::Slice { groups, .. }) => {
                for &[first, len] in groups.iter() {
                    if len > 1 {
                        mark(&mut (first as usize..(first + len) as usize));
                    }
                }
            }
            // Grouping strings does not fail; were it to, the rows are
            // compared through a map instead.
            Err(_) => {
                let mut seen: IdMap<&str, usize> = IdMap::default();
                let mut dups = IdMap::default();
                for (j, v) in ca.iter().enumerate() {
                    let v = v.unwrap_or("");
                    if v.is_empty() {
                        continue;
                    }
                    if let Some(&first) = seen.get(v) {
                        dups.insert(j, first);
                    } else {
                        seen.insert(v, j);
                    }
                }
                return dups;
            }
        }
        out
    }

    /// The line of the first row with row `i`'s ID, when `i` repeats it.
    fn first_line(&self, dups: &IdMap<usize, usize>, i: usize) -> Option<u64> {
        dups.get(&i).map(|&first| self.line(first))
    }

    /// Checks every non-empty column of the spec; false if one is blank.
    fn required_present(&mut self, row: usize) -> bool {
        let mut ok = true;
        for k in 0..self.blank.len() {
            let (name, blank) = (self.blank[k].0, self.blank[k].1[row]);
            if blank {
                self.error(
                    row,
                    name,
                    "is empty",
                    format!("is empty; every row needs a {name}"),
                );
                ok = false;
            }
        }
        // Text that goes into a workbook cell must fit one.
        for &col in self.workbook {
            if let Some(m) = super::limits::too_long(self.get(row, col)) {
                self.error(row, col, "is longer than an Excel cell holds", m);
                ok = false;
            }
        }
        ok
    }

    fn count(&self) -> FileCount {
        let read = self.len() + self.raw.rejected;
        FileCount {
            file: self.raw.name.clone(),
            present: true,
            format: self.raw.format.to_string(),
            read,
            accepted: self.accepted,
            rejected: read - self.accepted,
        }
    }
}

/// The cell of a reference column is blank.
const BLANK: u32 = u32::MAX;
/// The cell of a reference column names no accepted row (or an index too
/// large for a `u32`): looked up again for its message.
const NOT_ACCEPTED: u32 = u32::MAX - 1;

/// A code of [`Rows::resolve_column`] as the result of [`Ids::resolve`];
/// `None` for a blank cell.
fn resolved(code: u32, id: &str, ids: &Ids) -> Option<Result<usize, RefError>> {
    match code {
        BLANK => None,
        c if c < NOT_ACCEPTED => usize::try_from(c).ok().map(Ok),
        _ => Some(ids.resolve(id)),
    }
}

/// For each required column, the rows where it is blank (trimmed); only
/// the columns that have such a row.
fn blank_cells(
    spec: &FileSpec,
    cells: &[Cells<'_>],
    rows: usize,
) -> Vec<(&'static str, Vec<bool>)> {
    spec.columns
        .iter()
        .zip(cells)
        .filter(|(c, _)| c.required && c.non_empty)
        .filter_map(|(c, cells)| {
            let blank: Vec<bool> = (0..rows).map(|i| cells.get(i).trim().is_empty()).collect();
            blank.contains(&true).then_some((c.name, blank))
        })
        .collect()
}

/// Why a reference does not resolve.
enum RefError {
    Unknown(String),
    /// The ID's row was rejected; `root` is where that chain started.
    Rejected {
        message: String,
        root: String,
    },
}

/// IDs seen so far for one entity: accepted (with their index) or
/// rejected (with the file where the chain of rejections started), and the
/// line where each was first used. One map, one `String` per ID.
struct Ids {
    /// The file the IDs come from, as the user named it.
    file: String,
    map: IdMap<String, IdEntry>,
}

struct IdEntry {
    state: IdState,
}

/// Checks a new ID, or explains why it cannot be one: `(kind, message)`
/// for [`Rows::error`]; `first` is the line of an earlier row with the same
/// ID (see [`Rows::duplicates`]).
fn check_new(id: &str, first: Option<u64>) -> Result<(), (&'static str, String)> {
    identifier::check(id).map_err(|m| ("holds invisible or bidirectional characters", m))?;
    match first {
        Some(line) => Err(("is a duplicate ID", format!("duplicate ID \"{id}\" (first used on line {line}); IDs must be unique, so this row is rejected"))),
        None => Ok(()),
    }
}

enum IdState {
    Accepted(usize),
    Rejected(String),
}

impl Ids {
    fn named(file: &str, rows: usize) -> Ids {
        Ids {
            file: file.to_string(),
            map: IdMap::with_capacity_and_hasher(rows, Default::default()),
        }
    }

    fn resolve(&self, id: &str) -> Result<usize, RefError> {
        let target_file = &self.file;
        match self.map.get(id).map(|e| &e.state) {
            Some(IdState::Accepted(i)) => Ok(*i),
            Some(IdState::Rejected(root)) => Err(RefError::Rejected {
                message: format!("\"{id}\" refers to a row of {target_file} that was rejected (see its errors above); fix that row"),
                root: root.clone(),
            }),
            None => Err(RefError::Unknown(format!(
                "\"{id}\" is not in {target_file}; add it there or correct the ID"
            ))),
        }
    }

    /// The code of [`Rows::resolve_column`] for `id`.
    fn code(&self, id: &str) -> u32 {
        if id.is_empty() {
            return BLANK;
        }
        match self.map.get(id).map(|e| &e.state) {
            Some(IdState::Accepted(x)) => u32::try_from(*x)
                .ok()
                .filter(|&x| x < NOT_ACCEPTED)
                .unwrap_or(NOT_ACCEPTED),
            _ => NOT_ACCEPTED,
        }
    }

    /// The first row with an ID decides what it refers to.
    fn record(&mut self, id: &str, state: IdState) {
        if !id.is_empty() && !self.map.contains_key(id) {
            self.map.insert(id.to_string(), IdEntry { state });
        }
    }

    fn accept(&mut self, id: &str, ix: usize) {
        self.record(id, IdState::Accepted(ix));
    }

    fn reject(&mut self, id: &str, root: String) {
        self.record(id, IdState::Rejected(root));
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn opt_string(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn parse_year(s: &str) -> Result<i32, String> {
    // i64 first, so 99999 and 3000000000 are "outside the range", not
    // "not a year" and never a wrapped number.
    match s.parse::<i64>() {
        Ok(y) if (1900..=2100).contains(&y) => i32::try_from(y).map_err(|_| String::new()),
        Ok(y) => Err(format!(
            "year {y} is outside 1900–2100; write a four-digit year"
        )),
        Err(_) => Err(format!(
            "\"{s}\" is not a year; write a four-digit year such as 2024"
        )),
    }
}

/// The optional `start_year`/`end_year` cells of a row: blank = open end;
/// `None` (with errors pushed) when a cell is not a year or the span ends
/// before it starts.
fn year_span(r: &mut Rows<'_>, i: usize) -> Option<(Option<i32>, Option<i32>)> {
    let year = |r: &mut Rows<'_>, col: &str| -> Result<Option<i32>, ()> {
        let v = r.get(i, col);
        if v.is_empty() {
            return Ok(None);
        }
        parse_year(v).map(Some).map_err(|m| {
            r.error(i, col, "is not a year in 1900–2100", m);
        })
    };
    let (start, end) = (year(r, "start_year"), year(r, "end_year"));
    let (Ok(start), Ok(end)) = (start, end) else {
        return None;
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            r.error(
                i,
                "end_year",
                "is before start_year",
                format!("{e} is before start_year {s}; swap them or correct the year"),
            );
            return None;
        }
    }
    Some((start, end))
}

/// The largest `max_load` accepted: no call has more proposals than this,
/// and a larger number is a typo (or a wrapped negative) rather than a plan.
pub const MAX_LOAD_LIMIT: u32 = 100_000;

fn parse_max_load(s: &str, default_max_load: u32) -> Result<u32, String> {
    match s.parse::<u64>() {
        Ok(v) if v <= u64::from(MAX_LOAD_LIMIT) => u32::try_from(v).map_err(|_| String::new()),
        Ok(v) => Err(format!(
            "{v} is larger than the largest max_load rdmatch accepts ({MAX_LOAD_LIMIT}); write the number of proposals this adviser can review, or leave it blank for the default ({default_max_load})"
        )),
        Err(_) => Err(format!(
            "\"{s}\" is not a whole number ≥ 0; leave it blank for the default ({default_max_load})"
        )),
    }
}

/// Everything the checker produced.
pub struct Checked {
    pub tables: Tables,
    pub counts: Vec<FileCount>,
}

/// The name under which the raw file (or, when it is absent, the spec)
/// is known to the user.
fn name_of(raw: &Option<RawFile>, spec: &FileSpec) -> String {
    raw.as_ref()
        .map_or_else(|| spec.name.to_string(), |r| r.name.clone())
}

fn rows_of(raw: &Option<RawFile>) -> usize {
    raw.as_ref().map_or(0, |r| r.positions.len())
}

/// Converts the raw files (in `schema::ALL` order; `None` = absent or
/// unusable) into tables. `default_max_load` fills blank `max_load` cells.
/// Rows with an error are left out of the tables; their IDs are remembered
/// so that rows referring to them are rejected too, with the file where the
/// chain started.
pub fn check(
    mut raws: Vec<Option<RawFile>>,
    default_max_load: u32,
    problems: &mut Vec<Problem>,
) -> Checked {
    let mut t = Tables::default();
    let mut counts = Vec::new();
    let mut inst = Ids::named(&name_of(&raws[0], &schema::INSTITUTIONS), rows_of(&raws[0]));
    let mut res = Ids::named(&name_of(&raws[1], &schema::RESEARCHERS), rows_of(&raws[1]));
    let mut area = Ids::named(&name_of(&raws[2], &schema::AREAS), rows_of(&raws[2]));
    let mut prop = Ids::named(&name_of(&raws[4], &schema::PROPOSALS), rows_of(&raws[4]));
    let mut publ = Ids::named(&name_of(&raws[6], &schema::PUBLICATIONS), rows_of(&raws[6]));
    let names = [&raws[3], &raws[6]].map(|r| r.as_ref().map(|r| r.name.clone()));
    let members_file = name_of(&raws[5], &schema::MEMBERS);

    // publications.csv refers to no other file: it is checked while the
    // files of people and proposals are.
    let pub_raw = raws[6].take();
    let (publications, ()) = rayon::join(
        || {
            pub_raw.map(|raw| {
                let mut own = Vec::new();
                let (publications, count) = check_publications(raw, &mut publ, &mut own);
                (publications, count, own)
            })
        },
        || {
            check_people(
                &mut raws,
                &mut t,
                &mut counts,
                [&mut inst, &mut res, &mut area, &mut prop],
                default_max_load,
                &members_file,
                problems,
            )
        },
    );
    if let Some((publications, count, own)) = publications {
        t.publications = publications;
        counts.push(count);
        problems.extend(own);
    }

    // authorships
    if let Some(raw) = raws[7].take() {
        let mut r = Rows::new(&schema::AUTHORSHIPS, &raw, problems);
        // A publication has a handful of authors: a duplicate is found in
        // its own list; the map of first lines is built only for the
        // message, the first time there is one.
        let pub_refs = r.resolve_column("publication_id", &publ);
        let who_refs = r.resolve_column("researcher_id", &res);
        let mut first: Option<IdMap<(usize, usize), u64>> = None;
        // Publications with many authors (consortium papers) are looked up
        // in a set instead, so no publication makes this quadratic.
        const LONG_LIST: usize = 32;
        let mut many: IdMap<(usize, usize), ()> = IdMap::default();
        for i in 0..r.len() {
            r.begin();
            let row = AuthorshipRow::at(&r.cells, i);
            let ok = r.required_present(i);
            let (pid, rid) = (row.publication_id, row.researcher_id);
            let p = r.lookup(i, "publication_id", pub_refs[i], &publ);
            let who = r.lookup(i, "researcher_id", who_refs[i], &res);
            let (Some(p), Some(who), true) = (p, who, ok) else {
                continue;
            };
            let authors = &t.publications[p].authors;
            let duplicate = if authors.len() < LONG_LIST {
                authors.contains(&who)
            } else {
                many.contains_key(&(p, who))
            };
            if duplicate {
                let map = first.get_or_insert_with(|| {
                    let mut m = IdMap::default();
                    for j in 0..i {
                        let key = (r.get(j, "publication_id"), r.get(j, "researcher_id"));
                        if let (Ok(pj), Ok(aj)) = (publ.resolve(key.0), res.resolve(key.1)) {
                            m.entry((pj, aj)).or_insert(r.line(j));
                        }
                    }
                    m
                });
                let l = map.get(&(p, who)).copied().unwrap_or(0);
                r.error(
                    i,
                    "researcher_id",
                    "repeats an author of the same publication",
                    format!("\"{rid}\" is already an author of \"{pid}\" (line {l}); remove the duplicate row"),
                );
                continue;
            }
            if let Some(map) = first.as_mut() {
                map.insert((p, who), r.line(i));
            }
            let authors = &mut t.publications[p].authors;
            authors.push(who);
            if authors.len() == LONG_LIST {
                many.extend(authors.iter().map(|&a| ((p, a), ())));
            } else if authors.len() > LONG_LIST {
                many.insert((p, who), ());
            }
            r.accepted += 1;
        }
        counts.push(r.count());
    }

    // conflicts (optional)
    if let Some(raw) = raws[8].take() {
        let mut r = Rows::new(&schema::CONFLICTS, &raw, problems);
        // Researcher pairs declared so far (unordered) → first line.
        let mut pairs: IdMap<(usize, usize), u64> = IdMap::default();
        let who_refs = r.resolve_column("researcher_id", &res);
        let prop_refs = r.resolve_column("proposal_id", &prop);
        let other_refs = r.resolve_column("other_researcher_id", &res);
        for i in 0..r.len() {
            r.begin();
            let row = ConflictRow::at(&r.cells, i);
            let ok = r.required_present(i);
            let who = r.lookup(i, "researcher_id", who_refs[i], &res);
            let (pid, oid) = (row.proposal_id, row.other_researcher_id);
            let target = match (pid.is_empty(), oid.is_empty()) {
                (false, true) => {
                    match resolved(prop_refs[i], pid, &prop).unwrap_or_else(|| prop.resolve(pid)) {
                        Ok(p) => Some(DeclaredTarget::Proposal(p)),
                        Err(e) => {
                            r.bad_ref(i, "proposal_id", e);
                            None
                        }
                    }
                }
                (true, false) => {
                    match resolved(other_refs[i], oid, &res).unwrap_or_else(|| res.resolve(oid)) {
                        Ok(o) => Some(DeclaredTarget::Researcher(o)),
                        Err(e) => {
                            r.bad_ref(i, "other_researcher_id", e);
                            None
                        }
                    }
                }
                (true, true) => {
                    r.error(
                        i,
                        "proposal_id",
                        "and other_researcher_id are both empty",
                        "and other_researcher_id are both empty; fill exactly one of them".into(),
                    );
                    None
                }
                (false, false) => {
                    r.error(i, "proposal_id", "and other_researcher_id are both filled", "and other_researcher_id are both filled; a row declares one conflict, split it into two rows".into());
                    None
                }
            };
            let reason = row.reason;
            if let (Some(who), Some(target), true) = (who, target, ok) {
                if let DeclaredTarget::Researcher(o) = target {
                    let key = (who.min(o), who.max(o));
                    match pairs.get(&key) {
                        Some(&first) => r.warn(
                            i,
                            "other_researcher_id",
                            "repeats a researcher pair declared on an earlier line",
                            format!(
                                "declares the pair \"{}\" – \"{}\" again (first on line {first}); a researcher–researcher declaration works both ways, so one row is enough",
                                row.researcher_id,
                                oid
                            ),
                        ),
                        None => {
                            pairs.insert(key, r.line(i));
                        }
                    }
                }
                if reason.is_empty() {
                    r.warn(
                        i,
                        "reason",
                        "is empty (the PO will see \"declared\" as the reason)",
                        "is empty; the PO will see \"declared\" as the reason".into(),
                    );
                }
                t.declared_conflicts.push(DeclaredConflict {
                    researcher: who,
                    target,
                    line: r.line(i),
                    reason: if reason.is_empty() {
                        "declared".into()
                    } else {
                        reason.to_string()
                    },
                });
                r.accepted += 1;
            }
        }
        counts.push(r.count());
    }

    // affiliations (optional)
    if let Some(raw) = raws[9].take() {
        let mut r = Rows::new(&schema::AFFILIATIONS, &raw, problems);
        let who_refs = r.resolve_column("researcher_id", &res);
        let at_refs = r.resolve_column("institution_id", &inst);
        for i in 0..r.len() {
            r.begin();
            let row = AffiliationRow::at(&r.cells, i);
            let ok = r.required_present(i);
            let who = r.lookup(i, "researcher_id", who_refs[i], &res);
            let at = r.lookup(i, "institution_id", at_refs[i], &inst);
            let span = year_span(&mut r, i);
            if let (true, Some(researcher), Some(institution), Some((start_year, end_year))) =
                (ok, who, at, span)
            {
                t.affiliations.push(Affiliation {
                    researcher,
                    institution,
                    department: opt_string(row.department),
                    start_year,
                    end_year,
                    source: row.source.to_string(),
                    line: r.line(i),
                });
                r.accepted += 1;
            }
        }
        counts.push(r.count());
    }

    // relations (optional)
    if let Some(raw) = raws[10].take() {
        let mut r = Rows::new(&schema::RELATIONS, &raw, problems);
        let who_refs = r.resolve_column("researcher_id", &res);
        let other_refs = r.resolve_column("other_researcher_id", &res);
        for i in 0..r.len() {
            r.begin();
            let row = RelationRow::at(&r.cells, i);
            let mut ok = r.required_present(i);
            let who = r.lookup(i, "researcher_id", who_refs[i], &res);
            let other = r.lookup(i, "other_researcher_id", other_refs[i], &res);
            let ks = row.relation;
            let kind = RelationKind::parse(ks);
            if kind.is_none() && !ks.is_empty() {
                r.error(
                    i,
                    "relation",
                    "is not a relation (use advisor, student, family, employer, supervisor or collaborator)",
                    format!("\"{ks}\" is not a relation; use advisor, student, family, employer, supervisor or collaborator"),
                );
            }
            if who.is_some() && who == other {
                r.error(
                    i,
                    "other_researcher_id",
                    "names the same researcher as researcher_id",
                    "names the same researcher as researcher_id; a relation is between two people"
                        .into(),
                );
                ok = false;
            }
            let span = year_span(&mut r, i);
            if let (true, Some(researcher), Some(other), Some(kind), Some((start_year, end_year))) =
                (ok, who, other, kind, span)
            {
                t.relations.push(Relation {
                    researcher,
                    other,
                    kind,
                    start_year,
                    end_year,
                    line: r.line(i),
                });
                r.accepted += 1;
            }
        }
        counts.push(r.count());
    }

    dataset_warnings(&t, &names, problems);
    Checked { tables: t, counts }
}

/// Checks the files of institutions, people, areas and proposals, in the
/// order their references need.
fn check_people(
    raws: &mut [Option<RawFile>],
    t: &mut Tables,
    counts: &mut Vec<FileCount>,
    [inst, res, area, prop]: [&mut Ids; 4],
    default_max_load: u32,
    members_file: &str,
    problems: &mut Vec<Problem>,
) {
    // institutions
    if let Some(raw) = raws[0].take() {
        let mut r = Rows::new(&schema::INSTITUTIONS, &raw, problems);
        let dups = r.duplicates("institution_id");
        for i in 0..r.len() {
            r.begin();
            let row = InstitutionRow::at(&r.cells, i);
            let id = row.institution_id;
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = check_new(id, r.first_line(&dups, i)) {
                r.error(i, "institution_id", kind, m);
                ok = false;
            }
            let sector = Sector::parse(row.sector);
            if sector.is_none() && !row.sector.is_empty() {
                r.error(
                    i,
                    "sector",
                    "is not a sector (use one of academia, industry, government, hospital, nonprofit)",
                    format!(
                        "\"{}\" is not a sector; use one of academia, industry, government, hospital, nonprofit",
                        row.sector
                    ),
                );
                ok = false;
            }
            match (ok, sector) {
                (true, Some(sector)) => {
                    inst.accept(id, t.institutions.len());
                    t.institutions.push(Institution {
                        id: id.to_string(),
                        name: row.name.to_string(),
                        sector,
                        country: row.country.to_string(),
                        region: opt_string(row.region),
                    });
                    r.accepted += 1;
                }
                _ => inst.reject(id, r.root()),
            }
        }
        counts.push(r.count());
    }

    // researchers
    if let Some(raw) = raws[1].take() {
        let mut r = Rows::new(&schema::RESEARCHERS, &raw, problems);
        let dups = r.duplicates("researcher_id");
        let inst_refs = r.resolve_column("institution_id", inst);
        for (i, &inst_ref) in inst_refs.iter().enumerate() {
            r.begin();
            let row = ResearcherRow::at(&r.cells, i);
            let id = row.researcher_id;
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = check_new(id, r.first_line(&dups, i)) {
                r.error(i, "researcher_id", kind, m);
                ok = false;
            }
            let institution = r.lookup(i, "institution_id", inst_ref, inst);
            match (ok, institution) {
                (true, Some(institution)) => {
                    res.accept(id, t.researchers.len());
                    t.researchers.push(Researcher {
                        id: id.to_string(),
                        name: row.name.to_string(),
                        institution,
                        position: opt_string(row.position),
                        keywords: split_list(row.keywords),
                        orcid: opt_string(row.orcid),
                        gender: opt_string(row.gender),
                        region: opt_string(row.region),
                    });
                    r.accepted += 1;
                }
                _ => res.reject(id, r.root()),
            }
        }
        counts.push(r.count());
    }

    // areas
    if let Some(raw) = raws[2].take() {
        let mut r = Rows::new(&schema::AREAS, &raw, problems);
        let dups = r.duplicates("area_id");
        for i in 0..r.len() {
            r.begin();
            let row = AreaRow::at(&r.cells, i);
            let id = row.area_id;
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = check_new(id, r.first_line(&dups, i)) {
                r.error(i, "area_id", kind, m);
                ok = false;
            }
            if row.keywords.is_empty() {
                r.warn(
                    i,
                    "keywords",
                    "is empty (area keywords help scoring and gap analysis)",
                    "is empty; area keywords help scoring and gap analysis".into(),
                );
            }
            if ok {
                area.accept(id, t.areas.len());
                t.areas.push(Area {
                    id: id.to_string(),
                    name: row.name.to_string(),
                    program: row.program.to_string(),
                    description: row.description.to_string(),
                    keywords: split_list(row.keywords),
                });
                r.accepted += 1;
            } else {
                area.reject(id, r.root());
            }
        }
        counts.push(r.count());
    }

    // advisers
    if let Some(raw) = raws[3].take() {
        let mut r = Rows::new(&schema::ADVISERS, &raw, problems);
        let dups = r.duplicates("researcher_id");
        let who_refs = r.resolve_column("researcher_id", res);
        for (i, &who_ref) in who_refs.iter().enumerate() {
            r.begin();
            let row = AdviserRow::at(&r.cells, i);
            let id = row.researcher_id;
            let mut ok = r.required_present(i);
            let researcher = r.lookup(i, "researcher_id", who_ref, res);
            if let Some(l) = r.first_line(&dups, i) {
                r.error(
                    i,
                    "researcher_id",
                    "lists an adviser twice",
                    format!("adviser \"{id}\" is listed twice (first on line {l}); merge the rows"),
                );
                ok = false;
            }
            let mut areas = Vec::new();
            for a in split_list(row.area_ids) {
                match area.resolve(&a) {
                    Ok(x) if areas.contains(&x) => {
                        r.warn(
                            i,
                            "area_ids",
                            "lists an area twice (counted once)",
                            format!("area \"{a}\" is listed twice; counted once"),
                        );
                    }
                    Ok(x) => areas.push(x),
                    Err(e) => {
                        r.bad_ref(i, "area_ids", e);
                        ok = false;
                    }
                }
            }
            let ml = row.max_load;
            let max_load = if ml.is_empty() {
                Some(default_max_load)
            } else {
                match parse_max_load(ml, default_max_load) {
                    Ok(v) => {
                        if v == 0 {
                            r.warn(
                                i,
                                "max_load",
                                "is 0 (the adviser will not be assigned anything)",
                                "is 0: this adviser will not be assigned anything".into(),
                            );
                        }
                        Some(v)
                    }
                    Err(m) => {
                        r.error(i, "max_load", "is not a valid max_load", m);
                        None
                    }
                }
            };
            if let (true, Some(researcher), Some(max_load)) =
                (ok && !areas.is_empty(), researcher, max_load)
            {
                t.advisers.push(Adviser {
                    researcher,
                    areas,
                    max_load,
                });
                r.accepted += 1;
            }
        }
        counts.push(r.count());
    }

    // proposals
    if let Some(raw) = raws[4].take() {
        let mut r = Rows::new(&schema::PROPOSALS, &raw, problems);
        let dups = r.duplicates("proposal_id");
        let area_refs = r.resolve_column("area_id", area);
        let pi_refs = r.resolve_column("pi_id", res);
        for i in 0..r.len() {
            r.begin();
            let row = ProposalRow::at(&r.cells, i);
            let id = row.proposal_id;
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = check_new(id, r.first_line(&dups, i)) {
                r.error(i, "proposal_id", kind, m);
                ok = false;
            }
            let a = r.lookup(i, "area_id", area_refs[i], area);
            let pi = r.lookup(i, "pi_id", pi_refs[i], res);
            let ys = row.year;
            let year = if ys.is_empty() {
                None
            } else {
                match parse_year(ys) {
                    Ok(y) => Some(y),
                    Err(m) => {
                        r.error(i, "year", "is not a year in 1900–2100", m);
                        None
                    }
                }
            };
            let bs = row.budget;
            let mut budget = None;
            if !bs.is_empty() {
                match bs.replace('_', "").parse::<f64>() {
                    Ok(b) if b.is_finite() && b >= 0.0 => budget = Some(b),
                    _ => {
                        r.error(i, "budget", "is not a number ≥ 0", format!("\"{bs}\" is not a number ≥ 0; write plain digits (e.g. 50000000) or leave it blank"));
                        ok = false;
                    }
                }
            }
            if row.keywords.is_empty() {
                r.warn(
                    i,
                    "keywords",
                    "is empty (scoring relies on title and abstract only)",
                    "is empty; scoring relies on title and abstract only".into(),
                );
            }
            if row.r#abstract.is_empty() {
                r.warn(
                    i,
                    "abstract",
                    "is empty (scoring relies on title and keywords only)",
                    "is empty; scoring relies on title and keywords only".into(),
                );
            }
            let mut nominated = Vec::new();
            let listed = row.excluded_reviewers;
            for x in split_list(listed) {
                match res.resolve(&x) {
                    Ok(who) if !nominated.contains(&who) => nominated.push(who),
                    Ok(_) => {}
                    Err(e) => {
                        r.bad_ref(i, "excluded_reviewers", e);
                        ok = false;
                    }
                }
            }
            match (ok, a, pi, year) {
                (true, Some(area_ix), Some(pi), Some(year)) => {
                    let line = r.line(i);
                    t.nominated
                        .extend(nominated.into_iter().map(|researcher| Nominated {
                            proposal: t.proposals.len(),
                            researcher,
                            line,
                        }));
                    prop.accept(id, t.proposals.len());
                    t.proposals.push(Proposal {
                        id: id.to_string(),
                        area: area_ix,
                        title: row.title.to_string(),
                        abstract_text: row.r#abstract.to_string(),
                        keywords: split_list(row.keywords),
                        pi,
                        year,
                        budget,
                        members: Vec::new(),
                    });
                    r.accepted += 1;
                }
                _ => prop.reject(id, r.root()),
            }
        }
        counts.push(r.count());
    }

    // proposal_members
    if let Some(raw) = raws[5].take() {
        let mut r = Rows::new(&schema::MEMBERS, &raw, problems);
        let mut seen: IdMap<(usize, usize), u64> = IdMap::default();
        let prop_refs = r.resolve_column("proposal_id", prop);
        let who_refs = r.resolve_column("researcher_id", res);
        for i in 0..r.len() {
            r.begin();
            let row = MemberRow::at(&r.cells, i);
            let ok = r.required_present(i);
            let (pid, rid, role_s) = (row.proposal_id, row.researcher_id, row.role);
            let p = r.lookup(i, "proposal_id", prop_refs[i], prop);
            let who = r.lookup(i, "researcher_id", who_refs[i], res);
            let role = Role::parse(role_s);
            if role.is_none() && !role_s.is_empty() {
                r.error(
                    i,
                    "role",
                    "is not a role (use pi, co-pi or collaborator)",
                    format!("\"{role_s}\" is not a role; use pi, co-pi or collaborator"),
                );
            }
            let (Some(p), Some(who), Some(role), true) = (p, who, role, ok) else {
                continue;
            };
            if let Some(l) = seen.get(&(p, who)) {
                r.error(
                    i,
                    "researcher_id",
                    "repeats a member of the same proposal",
                    format!("\"{rid}\" is already a member of \"{pid}\" (line {l}); keep one row per member"),
                );
                continue;
            }
            if role == Role::Pi && t.proposals[p].pi != who {
                let named = &t.researchers[t.proposals[p].pi].id;
                r.error(
                    i,
                    "role",
                    "names a pi other than the proposal's pi_id",
                    format!("\"{rid}\" is listed as pi but proposals.csv names \"{named}\" as the PI of \"{pid}\"; make them agree"),
                );
                continue;
            }
            seen.insert((p, who), r.line(i));
            t.proposals[p].members.push(Member {
                researcher: who,
                role,
            });
            r.accepted += 1;
        }
        counts.push(r.count());
    }
    // The PI is always a member; say so when the members file forgot.
    for p in t.proposals.iter_mut() {
        if !p.members.iter().any(|m| m.researcher == p.pi) {
            problems.push(Problem::file_warning(
                members_file,
                Some("researcher_id"),
                format!(
                    "proposal \"{}\" does not list its PI \"{}\"; added as pi",
                    p.id, t.researchers[p.pi].id
                ),
            ));
            p.members.insert(
                0,
                Member {
                    researcher: p.pi,
                    role: Role::Pi,
                },
            );
        }
    }
}

/// Checks publications.csv. It refers to no other file, so it is checked
/// while the files of people and proposals are (they are most of the
/// other half of the work).
fn check_publications(
    mut raw: RawFile,
    publ: &mut Ids,
    problems: &mut Vec<Problem>,
) -> (Vec<Publication>, FileCount) {
    let mut publications = Vec::with_capacity(raw.positions.len());
    // The row behind each accepted publication, for the text columns below.
    let mut rows: Vec<usize> = Vec::with_capacity(raw.positions.len());
    let count = {
        let mut r = Rows::new(&schema::PUBLICATIONS, &raw, problems);
        let dups = r.duplicates("publication_id");
        for i in 0..r.len() {
            r.begin();
            let row = PublicationRow::at(&r.cells, i);
            let id = row.publication_id;
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = check_new(id, r.first_line(&dups, i)) {
                r.error(i, "publication_id", kind, m);
                ok = false;
            }
            let ys = row.year;
            let year = if ys.is_empty() {
                None
            } else {
                match parse_year(ys) {
                    Ok(y) => Some(y),
                    Err(m) => {
                        r.error(i, "year", "is not a year in 1900–2100", m);
                        None
                    }
                }
            };
            match (ok, year) {
                (true, Some(year)) => {
                    publ.accept(id, publications.len());
                    publications.push(Publication {
                        id: id.to_string(),
                        year,
                        title: String::new(),
                        abstract_text: String::new(),
                        keywords: Vec::new(),
                        authors: Vec::new(),
                    });
                    rows.push(i);
                    r.accepted += 1;
                }
                _ => publ.reject(id, r.root()),
            }
        }
        r.count()
    };
    // The texts are most of a call's bytes: each column is copied into the
    // publications and then freed, so the file's frame and the
    // publications never both hold all of them.
    const TEXTS: [&str; 3] = ["title", "keywords", "abstract"];
    const _: () = assert!(
        has_column(&schema::PUBLICATIONS, TEXTS[0])
            && has_column(&schema::PUBLICATIONS, TEXTS[1])
            && has_column(&schema::PUBLICATIONS, TEXTS[2])
    );
    for name in TEXTS {
        // An optional column the file lacks stays blank.
        let Ok(column) = raw.frame.drop_in_place(name) else {
            continue;
        };
        let cells = Cells::of(column.str().ok());
        for (publication, &i) in publications.iter_mut().zip(&rows) {
            // Trimmed, as every cell of a row struct is.
            let text = cells.get(i).trim();
            match name {
                "title" => publication.title = text.to_string(),
                "keywords" => publication.keywords = split_list(text),
                _ => publication.abstract_text = text.to_string(),
            }
        }
    }
    (publications, count)
}

/// Problems that are not wrong but that a PO should know about.
fn dataset_warnings(t: &Tables, names: &[Option<String>; 2], problems: &mut Vec<Problem>) {
    identifier::warn_lookalikes(t, problems);
    let advisers_file = names[0].clone().unwrap_or_else(|| "advisers.csv".into());
    let publications_file = names[1]
        .clone()
        .unwrap_or_else(|| "publications.csv".into());
    let mut has_pub = vec![false; t.researchers.len()];
    for p in &t.publications {
        for &a in &p.authors {
            has_pub[a] = true;
        }
    }
    let mut w = |file: &str, field: &str, message: String| {
        problems.push(Problem::file_warning(file, Some(field), message))
    };
    for a in &t.advisers {
        if !has_pub[a.researcher] {
            w(
                &advisers_file,
                "researcher_id",
                format!(
                    "adviser \"{}\" has no publications in publications.csv; their expertise rests on declared keywords only",
                    t.researchers[a.researcher].id
                ),
            );
        }
    }
    for p in &t.publications {
        if p.authors.is_empty() {
            w(
                &publications_file,
                "publication_id",
                format!(
                    "publication \"{}\" has no authors in authorships.csv; it is not used",
                    p.id
                ),
            );
        }
    }
    let mut served = vec![false; t.areas.len()];
    for a in &t.advisers {
        for &x in &a.areas {
            served[x] = true;
        }
    }
    let mut has_prop = vec![false; t.areas.len()];
    for p in &t.proposals {
        has_prop[p.area] = true;
    }
    for (i, a) in t.areas.iter().enumerate() {
        if has_prop[i] && !served[i] {
            w(
                &advisers_file,
                "area_ids",
                format!("area \"{}\" has proposals but no adviser serves it; add advisers or allow advisers outside their areas ([assign] restrict_to_areas = false)", a.id),
            );
        }
    }
}
