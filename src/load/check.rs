//! From frames of strings to typed, linked tables: types, empty fields,
//! duplicate IDs, allowed values and references. Every row ends up either
//! accepted or rejected with at least one error naming its line and column.

/// IDs are hashed millions of times (2 per authorship row); foldhash is
/// several times faster than SipHash and sound on strings with long shared
/// prefixes such as `R000123`.
type IdMap<K, V> = foldhash::HashMap<K, V>;

use polars::prelude::{PolarsDataType, StringChunked, StringType};

/// The arrow array behind a polars string column.
type Utf8ViewArray = <StringType as PolarsDataType>::Array;

use crate::model::*;

use super::identifier;
use super::problem::{FileCount, Problem, Severity};
use super::schema::{self, FileSpec};
use super::source::RawFile;

/// Collects the problems of one file and counts its rows.
struct Rows<'a> {
    spec: &'a FileSpec,
    raw: &'a RawFile,
    problems: &'a mut Vec<Problem>,
    /// The spec's columns present in the file, by name (a handful: a
    /// linear search beats hashing the name for every cell).
    cols: Vec<(&'static str, Cells<'a>)>,
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
        let cols = spec
            .columns
            .iter()
            .filter_map(|c| {
                let column = raw.frame.column(c.name).ok()?.str().ok()?;
                Some((c.name, Cells::of(column)))
            })
            .collect();
        Rows {
            spec,
            raw,
            problems,
            cols,
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
        self.cols
            .iter()
            .find(|(n, _)| *n == col)
            .map_or("", |(_, c)| c.get(row).trim())
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

    /// Resolves the ID in `col` against `ids`; an unknown ID is an error on
    /// this row. A blank cell gives `None` quietly: `required_present`
    /// reports blank required cells.
    fn lookup(&mut self, row: usize, col: &str, ids: &Ids) -> Option<usize> {
        let v = self.get(row, col);
        if v.is_empty() {
            return None;
        }
        match ids.resolve(v) {
            Ok(x) => Some(x),
            Err(e) => {
                self.bad_ref(row, col, e);
                None
            }
        }
    }

    /// The accepted index of the ID in `col` of every row (`None` where it
    /// does not resolve), computed in parallel.
    fn resolve_all(&self, col: &str, ids: &Ids) -> Vec<Option<u32>> {
        use rayon::prelude::*;
        let Some(&(_, cells)) = self.cols.iter().find(|(n, _)| *n == col) else {
            return Vec::new();
        };
        (0..self.len())
            .into_par_iter()
            .map(
                |i| match ids.map.get(cells.get(i).trim()).map(|e| &e.state) {
                    Some(IdState::Accepted(x)) => u32::try_from(*x).ok(),
                    _ => None,
                },
            )
            .collect()
    }

    /// Checks every non-empty column of the spec; false if one is blank.
    fn required_present(&mut self, row: usize) -> bool {
        let mut ok = true;
        for c in self
            .spec
            .columns
            .iter()
            .filter(|c| c.required && c.non_empty)
        {
            if self.get(row, c.name).is_empty() {
                self.error(
                    row,
                    c.name,
                    "is empty",
                    format!("is empty; every row needs a {}", c.name),
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

/// One column's cells. The reader builds each column as one polars array;
/// reading that array directly skips the chunk search of
/// `ChunkedArray::get` on every cell.
#[derive(Clone, Copy)]
enum Cells<'a> {
    One(&'a Utf8ViewArray),
    Chunked(&'a StringChunked),
}

impl<'a> Cells<'a> {
    fn of(column: &'a StringChunked) -> Cells<'a> {
        match column.downcast_iter().next() {
            Some(a) if column.chunks().len() == 1 && column.null_count() == 0 => Cells::One(a),
            _ => Cells::Chunked(column),
        }
    }

    /// The cell of row `i`; "" for a missing cell.
    fn get(self, i: usize) -> &'a str {
        match self {
            Cells::One(a) if i < a.len() => a.value(i),
            Cells::One(_) => "",
            Cells::Chunked(c) => c.get(i).unwrap_or(""),
        }
    }
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
    line: u64,
    state: IdState,
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

    /// Registers a new ID, or explains why it cannot be one: `(kind,
    /// message)` for [`Rows::error`].
    fn check_new(&self, id: &str) -> Result<(), (&'static str, String)> {
        identifier::check(id).map_err(|m| ("holds invisible or bidirectional characters", m))?;
        match self.map.get(id) {
            Some(e) => Err(("is a duplicate ID", format!("duplicate ID \"{id}\" (first used on line {}); IDs must be unique, so this row is rejected", e.line))),
            None => Ok(()),
        }
    }

    /// The first row with an ID decides what it refers to.
    fn record(&mut self, id: &str, line: u64, state: IdState) {
        if !id.is_empty() && !self.map.contains_key(id) {
            self.map.insert(id.to_string(), IdEntry { line, state });
        }
    }

    fn accept(&mut self, id: &str, line: u64, ix: usize) {
        self.record(id, line, IdState::Accepted(ix));
    }

    fn reject(&mut self, id: &str, line: u64, root: String) {
        self.record(id, line, IdState::Rejected(root));
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
                let (publications, count) = check_publications(&raw, &mut publ, &mut own);
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
        let mut first: Option<IdMap<(usize, usize), u64>> = None;
        // Publications with many authors (consortium papers) are looked up
        // in a set instead, so no publication makes this quadratic.
        const LONG_LIST: usize = 32;
        let mut many: IdMap<(usize, usize), ()> = IdMap::default();
        // Authorship files list a publication's authors together: the
        // previous row's publication is compared before the map is asked.
        let mut last: Option<(&str, usize)> = None;
        // Each row's researcher, looked up side by side (the map only is
        // read); a row whose ID does not resolve is looked up again below,
        // where its problem is reported.
        let who_ix = r.resolve_all("researcher_id", &res);
        for i in 0..r.len() {
            r.begin();
            let ok = r.required_present(i);
            let (pid, rid) = (r.get(i, "publication_id"), r.get(i, "researcher_id"));
            let p = match last {
                Some((s, x)) if s == pid => Some(x),
                _ => {
                    let p = r.lookup(i, "publication_id", &publ);
                    last = p.map(|x| (pid, x));
                    p
                }
            };
            let who = match who_ix.get(i).copied().flatten() {
                Some(x) => usize::try_from(x).ok(),
                None => None,
            }
            .or_else(|| r.lookup(i, "researcher_id", &res));
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
        for i in 0..r.len() {
            r.begin();
            let ok = r.required_present(i);
            let who = r.lookup(i, "researcher_id", &res);
            let (pid, oid) = (r.get(i, "proposal_id"), r.get(i, "other_researcher_id"));
            let target = match (pid.is_empty(), oid.is_empty()) {
                (false, true) => match prop.resolve(pid) {
                    Ok(p) => Some(DeclaredTarget::Proposal(p)),
                    Err(e) => {
                        r.bad_ref(i, "proposal_id", e);
                        None
                    }
                },
                (true, false) => match res.resolve(oid) {
                    Ok(o) => Some(DeclaredTarget::Researcher(o)),
                    Err(e) => {
                        r.bad_ref(i, "other_researcher_id", e);
                        None
                    }
                },
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
            let reason = r.get(i, "reason");
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
                                r.get(i, "researcher_id"),
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
        for i in 0..r.len() {
            r.begin();
            let ok = r.required_present(i);
            let who = r.lookup(i, "researcher_id", &res);
            let at = r.lookup(i, "institution_id", &inst);
            let span = year_span(&mut r, i);
            if let (true, Some(researcher), Some(institution), Some((start_year, end_year))) =
                (ok, who, at, span)
            {
                t.affiliations.push(Affiliation {
                    researcher,
                    institution,
                    department: opt_string(r.get(i, "department")),
                    start_year,
                    end_year,
                    source: r.get(i, "source").to_string(),
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
        for i in 0..r.len() {
            r.begin();
            let mut ok = r.required_present(i);
            let who = r.lookup(i, "researcher_id", &res);
            let other = r.lookup(i, "other_researcher_id", &res);
            let ks = r.get(i, "relation");
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
        for i in 0..r.len() {
            r.begin();
            let id = r.get(i, "institution_id");
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = inst.check_new(id) {
                r.error(i, "institution_id", kind, m);
                ok = false;
            }
            let sector = Sector::parse(r.get(i, "sector"));
            if sector.is_none() && !r.get(i, "sector").is_empty() {
                r.error(
                    i,
                    "sector",
                    "is not a sector (use one of academia, industry, government, hospital, nonprofit)",
                    format!(
                        "\"{}\" is not a sector; use one of academia, industry, government, hospital, nonprofit",
                        r.get(i, "sector")
                    ),
                );
                ok = false;
            }
            match (ok, sector) {
                (true, Some(sector)) => {
                    inst.accept(id, r.line(i), t.institutions.len());
                    t.institutions.push(Institution {
                        id: id.to_string(),
                        name: r.get(i, "name").to_string(),
                        sector,
                        country: r.get(i, "country").to_string(),
                        region: opt_string(r.get(i, "region")),
                    });
                    r.accepted += 1;
                }
                _ => inst.reject(id, r.line(i), r.root()),
            }
        }
        counts.push(r.count());
    }

    // researchers
    if let Some(raw) = raws[1].take() {
        let mut r = Rows::new(&schema::RESEARCHERS, &raw, problems);
        for i in 0..r.len() {
            r.begin();
            let id = r.get(i, "researcher_id");
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = res.check_new(id) {
                r.error(i, "researcher_id", kind, m);
                ok = false;
            }
            let institution = r.lookup(i, "institution_id", inst);
            match (ok, institution) {
                (true, Some(institution)) => {
                    res.accept(id, r.line(i), t.researchers.len());
                    t.researchers.push(Researcher {
                        id: id.to_string(),
                        name: r.get(i, "name").to_string(),
                        institution,
                        position: opt_string(r.get(i, "position")),
                        keywords: split_list(r.get(i, "keywords")),
                        orcid: opt_string(r.get(i, "orcid")),
                        gender: opt_string(r.get(i, "gender")),
                        region: opt_string(r.get(i, "region")),
                    });
                    r.accepted += 1;
                }
                _ => res.reject(id, r.line(i), r.root()),
            }
        }
        counts.push(r.count());
    }

    // areas
    if let Some(raw) = raws[2].take() {
        let mut r = Rows::new(&schema::AREAS, &raw, problems);
        for i in 0..r.len() {
            r.begin();
            let id = r.get(i, "area_id");
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = area.check_new(id) {
                r.error(i, "area_id", kind, m);
                ok = false;
            }
            if r.get(i, "keywords").is_empty() {
                r.warn(
                    i,
                    "keywords",
                    "is empty (area keywords help scoring and gap analysis)",
                    "is empty; area keywords help scoring and gap analysis".into(),
                );
            }
            if ok {
                area.accept(id, r.line(i), t.areas.len());
                t.areas.push(Area {
                    id: id.to_string(),
                    name: r.get(i, "name").to_string(),
                    program: r.get(i, "program").to_string(),
                    description: r.get(i, "description").to_string(),
                    keywords: split_list(r.get(i, "keywords")),
                });
                r.accepted += 1;
            } else {
                area.reject(id, r.line(i), r.root());
            }
        }
        counts.push(r.count());
    }

    // advisers
    if let Some(raw) = raws[3].take() {
        let mut r = Rows::new(&schema::ADVISERS, &raw, problems);
        let mut seen: IdMap<String, u64> = IdMap::default();
        for i in 0..r.len() {
            r.begin();
            let id = r.get(i, "researcher_id");
            let mut ok = r.required_present(i);
            let researcher = r.lookup(i, "researcher_id", res);
            if let Some(l) = seen.get(id) {
                r.error(
                    i,
                    "researcher_id",
                    "lists an adviser twice",
                    format!("adviser \"{id}\" is listed twice (first on line {l}); merge the rows"),
                );
                ok = false;
            } else if !id.is_empty() {
                seen.insert(id.to_string(), r.line(i));
            }
            let mut areas = Vec::new();
            for a in split_list(r.get(i, "area_ids")) {
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
            let ml = r.get(i, "max_load");
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
        for i in 0..r.len() {
            r.begin();
            let id = r.get(i, "proposal_id");
            let mut ok = r.required_present(i);
            if let Err((kind, m)) = prop.check_new(id) {
                r.error(i, "proposal_id", kind, m);
                ok = false;
            }
            let a = r.lookup(i, "area_id", area);
            let pi = r.lookup(i, "pi_id", res);
            let ys = r.get(i, "year");
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
            let bs = r.get(i, "budget");
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
            if r.get(i, "keywords").is_empty() {
                r.warn(
                    i,
                    "keywords",
                    "is empty (scoring relies on title and abstract only)",
                    "is empty; scoring relies on title and abstract only".into(),
                );
            }
            if r.get(i, "abstract").is_empty() {
                r.warn(
                    i,
                    "abstract",
                    "is empty (scoring relies on title and keywords only)",
                    "is empty; scoring relies on title and keywords only".into(),
                );
            }
            let mut nominated = Vec::new();
            let listed = r.get(i, "excluded_reviewers");
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
                    prop.accept(id, r.line(i), t.proposals.len());
                    t.proposals.push(Proposal {
                        id: id.to_string(),
                        area: area_ix,
                        title: r.get(i, "title").to_string(),
                        abstract_text: r.get(i, "abstract").to_string(),
                        keywords: split_list(r.get(i, "keywords")),
                        pi,
                        year,
                        budget,
                        members: Vec::new(),
                    });
                    r.accepted += 1;
                }
                _ => prop.reject(id, r.line(i), r.root()),
            }
        }
        counts.push(r.count());
    }

    // proposal_members
    if let Some(raw) = raws[5].take() {
        let mut r = Rows::new(&schema::MEMBERS, &raw, problems);
        let mut seen: IdMap<(usize, usize), u64> = IdMap::default();
        for i in 0..r.len() {
            r.begin();
            let ok = r.required_present(i);
            let (pid, rid, role_s) = (
                r.get(i, "proposal_id"),
                r.get(i, "researcher_id"),
                r.get(i, "role"),
            );
            let p = r.lookup(i, "proposal_id", prop);
            let who = r.lookup(i, "researcher_id", res);
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
    raw: &RawFile,
    publ: &mut Ids,
    problems: &mut Vec<Problem>,
) -> (Vec<Publication>, FileCount) {
    let mut publications = Vec::with_capacity(raw.positions.len());
    let mut r = Rows::new(&schema::PUBLICATIONS, raw, problems);
    for i in 0..r.len() {
        r.begin();
        let id = r.get(i, "publication_id");
        let mut ok = r.required_present(i);
        if let Err((kind, m)) = publ.check_new(id) {
            r.error(i, "publication_id", kind, m);
            ok = false;
        }
        let ys = r.get(i, "year");
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
                publ.accept(id, r.line(i), publications.len());
                publications.push(Publication {
                    id: id.to_string(),
                    year,
                    title: r.get(i, "title").to_string(),
                    abstract_text: r.get(i, "abstract").to_string(),
                    keywords: split_list(r.get(i, "keywords")),
                    authors: Vec::new(),
                });
                r.accepted += 1;
            }
            _ => publ.reject(id, r.line(i), r.root()),
        }
    }
    let count = r.count();
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
