//! From frames of strings to typed, linked tables: types, empty fields,
//! duplicate IDs, allowed values and references. Every row ends up either
//! accepted or rejected with at least one error naming its line and column.

use std::collections::{HashMap, HashSet};

use crate::model::*;

use super::identifier;
use super::problem::{FileCount, Problem, Severity};
use super::schema::{self, FileSpec};
use super::source::{column, RawFile};

/// Collects the problems of one file and counts its rows.
struct Rows<'a> {
    spec: &'a FileSpec,
    raw: &'a RawFile,
    problems: &'a mut Vec<Problem>,
    cols: HashMap<&'static str, Vec<&'a str>>,
    accepted: usize,
}

impl<'a> Rows<'a> {
    fn new(spec: &'a FileSpec, raw: &'a RawFile, problems: &'a mut Vec<Problem>) -> Rows<'a> {
        super::limits::check_cells(spec.name, raw, problems);
        let cols = spec
            .columns
            .iter()
            .map(|c| (c.name, column(raw, c.name)))
            .collect();
        Rows {
            spec,
            raw,
            problems,
            cols,
            accepted: 0,
        }
    }

    fn len(&self) -> usize {
        self.raw.lines.len()
    }

    fn line(&self, row: usize) -> u64 {
        self.raw.lines[row]
    }

    /// The trimmed cell; "" when blank or when the optional column is absent.
    fn get(&self, row: usize, col: &str) -> &'a str {
        self.cols.get(col).map(|c| c[row]).unwrap_or("")
    }

    fn push(&mut self, severity: Severity, row: usize, field: &str, message: String) {
        let line = self.line(row);
        self.problems.push(Problem {
            severity,
            file: self.spec.name.to_string(),
            line: Some(line),
            field: Some(field.to_string()),
            message,
        });
    }

    fn error(&mut self, row: usize, field: &str, message: String) {
        self.push(Severity::Error, row, field, message);
    }

    fn warn(&mut self, row: usize, field: &str, message: String) {
        self.push(Severity::Warning, row, field, message);
    }

    /// Resolves the ID in `col` against `ids`; an unknown ID is an error on
    /// this row. A blank cell gives `None` quietly: `required_present`
    /// reports blank required cells.
    fn lookup(&mut self, row: usize, col: &str, ids: &Ids, target_file: &str) -> Option<usize> {
        let v = self.get(row, col);
        if v.is_empty() {
            return None;
        }
        match ids.resolve(v, target_file) {
            Ok(x) => Some(x),
            Err(m) => {
                self.error(row, col, m);
                None
            }
        }
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
                    format!("is empty; every row needs a {}", c.name),
                );
                ok = false;
            }
        }
        ok
    }

    fn count(&self) -> FileCount {
        let read = self.len() + self.raw.rejected;
        FileCount {
            file: self.spec.name.to_string(),
            present: true,
            read,
            accepted: self.accepted,
            rejected: read - self.accepted,
        }
    }
}

/// IDs accepted so far for one entity, and those whose rows were rejected,
/// so a reference to a rejected row says so instead of "unknown".
#[derive(Default)]
struct Ids {
    ix: HashMap<String, usize>,
    first_line: HashMap<String, u64>,
    rejected: HashSet<String>,
}

impl Ids {
    fn resolve(&self, id: &str, target_file: &str) -> Result<usize, String> {
        if let Some(&i) = self.ix.get(id) {
            return Ok(i);
        }
        if self.rejected.contains(id) {
            Err(format!("\"{id}\" refers to a row of {target_file} that was rejected (see its errors above); fix that row"))
        } else {
            Err(format!(
                "\"{id}\" is not in {target_file}; add it there or correct the ID"
            ))
        }
    }

    /// Registers a new ID, or explains why it is a duplicate.
    fn check_new(&self, id: &str) -> Result<(), String> {
        identifier::check(id)?;
        match self.first_line.get(id) {
            Some(l) => Err(format!("duplicate ID \"{id}\" (first used on line {l}); IDs must be unique, so this row is rejected")),
            None => Ok(()),
        }
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
    match s.parse::<i32>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(y),
        Ok(y) => Err(format!(
            "year {y} is outside 1900–2100; write a four-digit year"
        )),
        Err(_) => Err(format!(
            "\"{s}\" is not a year; write a four-digit year such as 2024"
        )),
    }
}

/// Everything the checker produced.
pub struct Checked {
    pub tables: Tables,
    pub counts: Vec<FileCount>,
}

/// Converts the raw files (in `schema::ALL` order; `None` = absent or
/// unusable) into tables. `default_max_load` fills blank `max_load` cells.
pub fn check(
    raws: &[Option<RawFile>],
    default_max_load: u32,
    problems: &mut Vec<Problem>,
) -> Checked {
    let mut t = Tables::default();
    let mut counts = Vec::new();
    let mut inst = Ids::default();
    let mut res = Ids::default();
    let mut area = Ids::default();
    let mut prop = Ids::default();
    let mut publ = Ids::default();

    // institutions
    if let Some(raw) = &raws[0] {
        let mut r = Rows::new(&schema::INSTITUTIONS, raw, problems);
        for i in 0..r.len() {
            let id = r.get(i, "institution_id");
            let mut ok = r.required_present(i);
            if let Err(m) = inst.check_new(id) {
                r.error(i, "institution_id", m);
                ok = false;
            }
            let sector = Sector::parse(r.get(i, "sector"));
            if sector.is_none() && !r.get(i, "sector").is_empty() {
                r.error(
                    i,
                    "sector",
                    format!(
                        "\"{}\" is not a sector; use one of academia, industry, government, hospital, nonprofit",
                        r.get(i, "sector")
                    ),
                );
                ok = false;
            }
            if !id.is_empty() {
                inst.first_line.entry(id.to_string()).or_insert(r.line(i));
            }
            match (ok, sector) {
                (true, Some(sector)) => {
                    inst.ix.insert(id.to_string(), t.institutions.len());
                    t.institutions.push(Institution {
                        id: id.to_string(),
                        name: r.get(i, "name").to_string(),
                        sector,
                        country: r.get(i, "country").to_string(),
                        region: opt_string(r.get(i, "region")),
                    });
                    r.accepted += 1;
                }
                _ => {
                    inst.rejected.insert(id.to_string());
                }
            }
        }
        counts.push(r.count());
    }

    // researchers
    if let Some(raw) = &raws[1] {
        let mut r = Rows::new(&schema::RESEARCHERS, raw, problems);
        for i in 0..r.len() {
            let id = r.get(i, "researcher_id");
            let mut ok = r.required_present(i);
            if let Err(m) = res.check_new(id) {
                r.error(i, "researcher_id", m);
                ok = false;
            }
            let institution = r.lookup(i, "institution_id", &inst, "institutions.csv");
            if !id.is_empty() {
                res.first_line.entry(id.to_string()).or_insert(r.line(i));
            }
            match (ok, institution) {
                (true, Some(institution)) => {
                    res.ix.insert(id.to_string(), t.researchers.len());
                    t.researchers.push(Researcher {
                        id: id.to_string(),
                        name: r.get(i, "name").to_string(),
                        institution,
                        position: opt_string(r.get(i, "position")),
                        keywords: split_list(r.get(i, "keywords")),
                        orcid: opt_string(r.get(i, "orcid")),
                    });
                    r.accepted += 1;
                }
                _ => {
                    res.rejected.insert(id.to_string());
                }
            }
        }
        counts.push(r.count());
    }

    // areas
    if let Some(raw) = &raws[2] {
        let mut r = Rows::new(&schema::AREAS, raw, problems);
        for i in 0..r.len() {
            let id = r.get(i, "area_id");
            let mut ok = r.required_present(i);
            if let Err(m) = area.check_new(id) {
                r.error(i, "area_id", m);
                ok = false;
            }
            if !id.is_empty() {
                area.first_line.entry(id.to_string()).or_insert(r.line(i));
            }
            if r.get(i, "keywords").is_empty() {
                r.warn(
                    i,
                    "keywords",
                    "is empty; area keywords help scoring and gap analysis".into(),
                );
            }
            if ok {
                area.ix.insert(id.to_string(), t.areas.len());
                t.areas.push(Area {
                    id: id.to_string(),
                    name: r.get(i, "name").to_string(),
                    program: r.get(i, "program").to_string(),
                    description: r.get(i, "description").to_string(),
                    keywords: split_list(r.get(i, "keywords")),
                });
                r.accepted += 1;
            } else {
                area.rejected.insert(id.to_string());
            }
        }
        counts.push(r.count());
    }

    // advisers
    if let Some(raw) = &raws[3] {
        let mut r = Rows::new(&schema::ADVISERS, raw, problems);
        let mut seen: HashMap<String, u64> = HashMap::new();
        for i in 0..r.len() {
            let id = r.get(i, "researcher_id");
            let mut ok = r.required_present(i);
            let researcher = r.lookup(i, "researcher_id", &res, "researchers.csv");
            if let Some(l) = seen.get(id) {
                r.error(
                    i,
                    "researcher_id",
                    format!("adviser \"{id}\" is listed twice (first on line {l}); merge the rows"),
                );
                ok = false;
            } else if !id.is_empty() {
                seen.insert(id.to_string(), r.line(i));
            }
            let mut areas = Vec::new();
            for a in split_list(r.get(i, "area_ids")) {
                match area.resolve(&a, "areas.csv") {
                    Ok(x) if areas.contains(&x) => {
                        r.warn(
                            i,
                            "area_ids",
                            format!("area \"{a}\" is listed twice; counted once"),
                        );
                    }
                    Ok(x) => areas.push(x),
                    Err(m) => {
                        r.error(i, "area_ids", m);
                        ok = false;
                    }
                }
            }
            let ml = r.get(i, "max_load");
            let max_load = if ml.is_empty() {
                Some(default_max_load)
            } else {
                match ml.parse::<u32>() {
                    Ok(v) => {
                        if v == 0 {
                            r.warn(
                                i,
                                "max_load",
                                "is 0: this adviser will not be assigned anything".into(),
                            );
                        }
                        Some(v)
                    }
                    Err(_) => {
                        r.error(
                            i,
                            "max_load",
                            format!("\"{ml}\" is not a whole number ≥ 0; leave it blank for the default ({default_max_load})"),
                        );
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
    if let Some(raw) = &raws[4] {
        let mut r = Rows::new(&schema::PROPOSALS, raw, problems);
        for i in 0..r.len() {
            let id = r.get(i, "proposal_id");
            let mut ok = r.required_present(i);
            if let Err(m) = prop.check_new(id) {
                r.error(i, "proposal_id", m);
                ok = false;
            }
            if !id.is_empty() {
                prop.first_line.entry(id.to_string()).or_insert(r.line(i));
            }
            let a = r.lookup(i, "area_id", &area, "areas.csv");
            let pi = r.lookup(i, "pi_id", &res, "researchers.csv");
            let ys = r.get(i, "year");
            let year = if ys.is_empty() {
                None
            } else {
                match parse_year(ys) {
                    Ok(y) => Some(y),
                    Err(m) => {
                        r.error(i, "year", m);
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
                        r.error(i, "budget", format!("\"{bs}\" is not a number ≥ 0; write plain digits (e.g. 50000000) or leave it blank"));
                        ok = false;
                    }
                }
            }
            if r.get(i, "keywords").is_empty() {
                r.warn(
                    i,
                    "keywords",
                    "is empty; scoring relies on title and abstract only".into(),
                );
            }
            if r.get(i, "abstract").is_empty() {
                r.warn(
                    i,
                    "abstract",
                    "is empty; scoring relies on title and keywords only".into(),
                );
            }
            match (ok, a, pi, year) {
                (true, Some(area_ix), Some(pi), Some(year)) => {
                    prop.ix.insert(id.to_string(), t.proposals.len());
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
                _ => {
                    prop.rejected.insert(id.to_string());
                }
            }
        }
        counts.push(r.count());
    }

    // proposal_members
    if let Some(raw) = &raws[5] {
        let mut r = Rows::new(&schema::MEMBERS, raw, problems);
        let mut seen: HashMap<(usize, usize), u64> = HashMap::new();
        for i in 0..r.len() {
            let ok = r.required_present(i);
            let (pid, rid, role_s) = (
                r.get(i, "proposal_id"),
                r.get(i, "researcher_id"),
                r.get(i, "role"),
            );
            let p = r.lookup(i, "proposal_id", &prop, "proposals.csv");
            let who = r.lookup(i, "researcher_id", &res, "researchers.csv");
            let role = Role::parse(role_s);
            if role.is_none() && !role_s.is_empty() {
                r.error(
                    i,
                    "role",
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
                    format!("\"{rid}\" is already a member of \"{pid}\" (line {l}); keep one row per member"),
                );
                continue;
            }
            if role == Role::Pi && t.proposals[p].pi != who {
                let named = &t.researchers[t.proposals[p].pi].id;
                r.error(
                    i,
                    "role",
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
            problems.push(Problem {
                severity: Severity::Warning,
                file: "proposal_members.csv".into(),
                line: None,
                field: Some("researcher_id".into()),
                message: format!(
                    "proposal \"{}\" does not list its PI \"{}\"; added as pi",
                    p.id, t.researchers[p.pi].id
                ),
            });
            p.members.insert(
                0,
                Member {
                    researcher: p.pi,
                    role: Role::Pi,
                },
            );
        }
    }

    // publications
    if let Some(raw) = &raws[6] {
        let mut r = Rows::new(&schema::PUBLICATIONS, raw, problems);
        for i in 0..r.len() {
            let id = r.get(i, "publication_id");
            let mut ok = r.required_present(i);
            if let Err(m) = publ.check_new(id) {
                r.error(i, "publication_id", m);
                ok = false;
            }
            if !id.is_empty() {
                publ.first_line.entry(id.to_string()).or_insert(r.line(i));
            }
            let ys = r.get(i, "year");
            let year = if ys.is_empty() {
                None
            } else {
                match parse_year(ys) {
                    Ok(y) => Some(y),
                    Err(m) => {
                        r.error(i, "year", m);
                        None
                    }
                }
            };
            match (ok, year) {
                (true, Some(year)) => {
                    publ.ix.insert(id.to_string(), t.publications.len());
                    t.publications.push(Publication {
                        id: id.to_string(),
                        year,
                        title: r.get(i, "title").to_string(),
                        abstract_text: r.get(i, "abstract").to_string(),
                        keywords: split_list(r.get(i, "keywords")),
                        authors: Vec::new(),
                    });
                    r.accepted += 1;
                }
                _ => {
                    publ.rejected.insert(id.to_string());
                }
            }
        }
        counts.push(r.count());
    }

    // authorships
    if let Some(raw) = &raws[7] {
        let mut r = Rows::new(&schema::AUTHORSHIPS, raw, problems);
        let mut seen: HashMap<(usize, usize), u64> = HashMap::new();
        for i in 0..r.len() {
            let ok = r.required_present(i);
            let (pid, rid) = (r.get(i, "publication_id"), r.get(i, "researcher_id"));
            let p = r.lookup(i, "publication_id", &publ, "publications.csv");
            let who = r.lookup(i, "researcher_id", &res, "researchers.csv");
            let (Some(p), Some(who), true) = (p, who, ok) else {
                continue;
            };
            if let Some(l) = seen.get(&(p, who)) {
                r.error(
                    i,
                    "researcher_id",
                    format!("\"{rid}\" is already an author of \"{pid}\" (line {l}); remove the duplicate row"),
                );
                continue;
            }
            seen.insert((p, who), r.line(i));
            t.publications[p].authors.push(who);
            r.accepted += 1;
        }
        counts.push(r.count());
    }

    // conflicts (optional)
    if let Some(raw) = &raws[8] {
        let mut r = Rows::new(&schema::CONFLICTS, raw, problems);
        for i in 0..r.len() {
            let ok = r.required_present(i);
            let who = r.lookup(i, "researcher_id", &res, "researchers.csv");
            let (pid, oid) = (r.get(i, "proposal_id"), r.get(i, "other_researcher_id"));
            let target = match (pid.is_empty(), oid.is_empty()) {
                (false, true) => match prop.resolve(pid, "proposals.csv") {
                    Ok(p) => Some(DeclaredTarget::Proposal(p)),
                    Err(m) => {
                        r.error(i, "proposal_id", m);
                        None
                    }
                },
                (true, false) => match res.resolve(oid, "researchers.csv") {
                    Ok(o) => Some(DeclaredTarget::Researcher(o)),
                    Err(m) => {
                        r.error(i, "other_researcher_id", m);
                        None
                    }
                },
                (true, true) => {
                    r.error(
                        i,
                        "proposal_id",
                        "and other_researcher_id are both empty; fill exactly one of them".into(),
                    );
                    None
                }
                (false, false) => {
                    r.error(i, "proposal_id", "and other_researcher_id are both filled; a row declares one conflict, split it into two rows".into());
                    None
                }
            };
            let reason = r.get(i, "reason");
            if let (Some(who), Some(target), true) = (who, target, ok) {
                if reason.is_empty() {
                    r.warn(
                        i,
                        "reason",
                        "is empty; the PO will see \"declared\" as the reason".into(),
                    );
                }
                t.declared_conflicts.push(DeclaredConflict {
                    researcher: who,
                    target,
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

    dataset_warnings(&t, problems);
    Checked { tables: t, counts }
}

/// Problems that are not wrong but that a PO should know about.
fn dataset_warnings(t: &Tables, problems: &mut Vec<Problem>) {
    identifier::warn_lookalikes(t, problems);
    let mut has_pub = vec![false; t.researchers.len()];
    for p in &t.publications {
        for &a in &p.authors {
            has_pub[a] = true;
        }
    }
    let mut w = |file: &str, field: &str, message: String| {
        problems.push(Problem {
            severity: Severity::Warning,
            file: file.into(),
            line: None,
            field: Some(field.into()),
            message,
        })
    };
    for a in &t.advisers {
        if !has_pub[a.researcher] {
            w(
                "advisers.csv",
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
                "publications.csv",
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
                "advisers.csv",
                "area_ids",
                format!("area \"{}\" has proposals but no adviser serves it; add advisers or allow advisers outside their areas ([assign] restrict_to_areas = false)", a.id),
            );
        }
    }
}
