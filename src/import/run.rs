//! One import: open the folder, stream each file through its parser,
//! match authors and merge works record by record, then write the folder
//! and the report in one staged step.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::folder::{Folder, Table};
use super::identity::{Method, Outcome, People, Person, PersonIx, Query};
use super::institution;
use super::merge::Works;
use super::names::{fold, PersonName};
use super::report::{
    AuthorLogRow, Confidence, CsvBuf, DecisionRow, ImportSummary, MatchRow, SkippedRow,
};
use super::{
    normalise_orcid, parse_file, Format, ImportError, ImportedAffiliation, ImportedAuthor,
    ImportedPerson, ImportedWork, Item, RecordRef,
};
use crate::load::rows::{AffiliationRow, AuthorshipRow, InstitutionRow, ResearcherRow};
use crate::table::{CsvRow, Layout, Names};

/// What to import and how.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub format: Format,
    pub files: Vec<PathBuf>,
    pub data: PathBuf,
    /// Add authors who match no researcher as new researchers, and their
    /// affiliations as institutions.
    pub add_unmatched: bool,
    /// A matches.csv with `researcher_id` filled in by a person.
    pub resolve: Option<PathBuf>,
    /// Mode of the files written (before the umask).
    pub file_mode: u32,
}

/// The institution rows of an author with no affiliation.
pub const UNKNOWN_INSTITUTION: &str = crate::model::UNKNOWN_INSTITUTION_ID;

/// Decisions read back: (record, position, folded author) → researcher_id,
/// `new` or `skip`.
type Decisions = HashMap<(String, String, String), String>;

struct Institutions {
    by_key: HashMap<String, String>,
    ids: HashSet<String>,
    next: usize,
}

impl Institutions {
    fn new(t: &Table) -> Institutions {
        let mut s = Institutions {
            by_key: HashMap::new(),
            ids: HashSet::new(),
            next: 1,
        };
        let (id, name) = (t.col("institution_id"), t.col("name"));
        for r in 0..t.rows.len() {
            let i = t.get(r, id).to_string();
            let k = institution::key(t.get(r, name));
            if !k.is_empty() {
                s.by_key.entry(k).or_insert_with(|| i.clone());
            }
            s.ids.insert(i);
        }
        s
    }

    fn lookup(&self, a: &ImportedAffiliation) -> Option<String> {
        std::iter::once(&a.name)
            .chain(&a.other_names)
            .find_map(|n| self.by_key.get(&institution::key(n)).cloned())
    }

    fn get_or_add(&mut self, t: &mut Table, a: &ImportedAffiliation, added: &mut usize) -> String {
        if let Some(i) = self.lookup(a) {
            return i;
        }
        let id = loop {
            let id = format!("I{:06}", self.next);
            self.next += 1;
            if !self.ids.contains(&id) {
                break id;
            }
        };
        let guess = institution::guess_sector(&a.name, a.kind.as_deref());
        let country = a.country.clone().unwrap_or_else(|| "unknown".into());
        t.push_row(&InstitutionRow {
            institution_id: &id,
            name: &a.name,
            sector: guess.sector,
            country: &country,
            sector_source: &guess.how,
            ..Default::default()
        });
        for n in std::iter::once(&a.name).chain(&a.other_names) {
            self.by_key
                .entry(institution::key(n))
                .or_insert_with(|| id.clone());
        }
        self.ids.insert(id.clone());
        *added += 1;
        id
    }

    fn unknown(&mut self, t: &mut Table, added: &mut usize) -> String {
        if !self.ids.contains(UNKNOWN_INSTITUTION) {
            t.push_row(&InstitutionRow {
                institution_id: UNKNOWN_INSTITUTION,
                name: "(affiliation not given)",
                sector: "academia",
                country: "unknown",
                sector_source: "placeholder: the source gave no affiliation",
                ..Default::default()
            });
            self.ids.insert(UNKNOWN_INSTITUTION.into());
            *added += 1;
        }
        UNKNOWN_INSTITUTION.into()
    }
}

/// What was decided for one author of a record.
enum Decision {
    Person(PersonIx, Method, f64),
    Add,
    Ambiguous(Vec<PersonIx>, String),
    Unmatched(Vec<PersonIx>),
    Collective,
    Duplicate(PersonIx),
    Skip,
}

struct Importer {
    opts: ImportOptions,
    folder: Folder,
    people: People,
    insts: Institutions,
    works: Works,
    authorships: HashSet<(String, String)>,
    affiliations: HashSet<Vec<String>>,
    researcher_ids: HashSet<String>,
    next_researcher: usize,
    /// Row of each person in researchers.csv.
    person_rows: Vec<usize>,
    decisions: Decisions,
    /// Decisions that were used (kept in import/decisions.csv).
    used_decisions: Vec<MatchRow>,
    summary: ImportSummary,
    matches: CsvBuf,
    authors_log: CsvBuf,
    skipped: CsvBuf,
}

/// Imports `opts.files` into `opts.data`; the folder is written only when
/// every file was read.
pub fn run(opts: &ImportOptions) -> Result<ImportSummary, ImportError> {
    let t0 = Instant::now();
    let mut folder = Folder::open(&opts.data)?;
    let mut decisions = read_decisions(&opts.data.join("import").join("decisions.csv"), false)?;
    if let Some(r) = &opts.resolve {
        decisions.extend(read_decisions(r, true)?);
    }
    let works = Works::new(&mut folder.publications);
    let insts = Institutions::new(&folder.institutions);
    let mut imp = Importer {
        people: People::default(),
        insts,
        works,
        authorships: HashSet::new(),
        affiliations: HashSet::new(),
        researcher_ids: HashSet::new(),
        next_researcher: 1,
        person_rows: Vec::new(),
        decisions,
        used_decisions: Vec::new(),
        summary: ImportSummary {
            format: opts.format.to_string(),
            files: opts.files.iter().map(|f| f.display().to_string()).collect(),
            ..Default::default()
        },
        matches: CsvBuf::new::<MatchRow>(),
        authors_log: CsvBuf::new::<AuthorLogRow>(),
        skipped: CsvBuf::new::<SkippedRow>(),
        opts: opts.clone(),
        folder,
    };
    imp.index_folder();
    for f in &opts.files {
        parse_file(opts.format, f, &mut |item| {
            imp.item(item);
            Ok(())
        })?;
    }
    imp.summary.seconds = t0.elapsed().as_secs_f64();
    let mut decisions_out = CsvBuf::new::<MatchRow>();
    for d in &imp.used_decisions {
        decisions_out.row(d);
    }
    let summary = imp.summary.clone();
    let report = summary.render();
    let json = serde_json::to_vec_pretty(&summary).unwrap_or_default();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("report.txt", report.into_bytes()),
        ("summary.json", json),
        ("matches.csv", imp.matches.into_bytes()),
        ("authors.csv", imp.authors_log.into_bytes()),
        ("skipped.csv", imp.skipped.into_bytes()),
        ("decisions.csv", decisions_out.into_bytes()),
    ];
    imp.folder.write(&files, opts.file_mode)?;
    Ok(summary)
}

/// Reads a matches.csv (or the kept decisions): rows with `researcher_id`
/// filled. `strict`: an unreadable file is an error, not nothing.
fn read_decisions(path: &Path, strict: bool) -> Result<Decisions, ImportError> {
    let mut out = Decisions::new();
    if !path.is_file() {
        if strict {
            return Err(ImportError::Folder(format!(
                "--resolve {}: no such file; pass the matches.csv written by an import (DATA/import/matches.csv) with its researcher_id column filled",
                path.display()
            )));
        }
        return Ok(out);
    }
    let t = crate::table::read_path(
        path,
        &crate::table::ReadOptions {
            header: true,
            ..Default::default()
        },
    )
    .map_err(|e| ImportError::Folder(format!("{}: {}", path.display(), e.message)))?;
    let layout = Layout::find::<DecisionRow>(&t.header, Names::Exact).untrimmed();
    if let Some(c) = layout.missing::<DecisionRow>().first() {
        return Err(ImportError::Folder(format!(
            "{}: has no column '{c}'; it must keep the header of import/matches.csv ({})",
            path.display(),
            MatchRow::COLUMNS.join(",")
        )));
    }
    for (cells, _) in t.rows() {
        // Every field is text: a row always reads.
        let Ok(row) = layout.row::<DecisionRow>(&cells) else {
            continue;
        };
        let d = row.researcher_id.trim();
        if d.is_empty() {
            continue;
        }
        out.insert(
            (
                row.record.to_string(),
                row.position.to_string(),
                fold(row.author),
            ),
            d.to_string(),
        );
    }
    Ok(out)
}

impl Importer {
    fn index_folder(&mut self) {
        let t = &self.folder.researchers;
        let (id, name, inst, orcid, erad) = (
            t.col("researcher_id"),
            t.col("name"),
            t.col("institution_id"),
            t.col("orcid"),
            t.col("erad_id"),
        );
        let mut by_id = HashMap::new();
        for r in 0..t.rows.len() {
            let rid = t.get(r, id).to_string();
            let p = Person {
                id: rid.clone(),
                names: vec![PersonName::parse(t.get(r, name))],
                institutions: vec![t.get(r, inst).to_string()],
                orcids: t
                    .get(r, orcid)
                    .split(';')
                    .filter_map(normalise_orcid)
                    .collect(),
                erad: Some(t.get(r, erad).trim().to_string()).filter(|e| !e.is_empty()),
            };
            let ix = self.people.add(p);
            self.person_rows.push(r);
            by_id.insert(rid.clone(), ix);
            self.researcher_ids.insert(rid);
        }
        let a = &self.folder.affiliations;
        for r in 0..a.rows.len() {
            self.affiliations.insert(affiliation_key(a, r));
            if let Some(&ix) = by_id.get(a.get(r, a.col("researcher_id"))) {
                self.people
                    .add_institution(ix, a.get(r, a.col("institution_id")).to_string());
            }
        }
        let s = &self.folder.authorships;
        for r in 0..s.rows.len() {
            self.authorships.insert((
                s.get(r, s.col("publication_id")).to_string(),
                s.get(r, s.col("researcher_id")).to_string(),
            ));
        }
    }

    fn item(&mut self, item: Item) {
        self.summary.records_read += 1;
        match item {
            Item::Skipped { record, reason } => self.skip(&record, &reason),
            Item::Work(w) => self.work(w, None),
            Item::Person(p) => self.person(p),
        }
    }

    fn skip(&mut self, r: &RecordRef, reason: &str) {
        self.summary.records_skipped += 1;
        self.skipped.row(&SkippedRow {
            file: &r.file,
            line: r.line,
            json_path: r.path.as_deref().unwrap_or(""),
            reason,
        });
    }

    fn decide(
        &mut self,
        label: &str,
        pos: usize,
        a: &ImportedAuthor,
        taken: &HashSet<PersonIx>,
    ) -> Decision {
        if a.collective {
            return Decision::Collective;
        }
        let key = (label.to_string(), pos.to_string(), fold(&a.name));
        if let Some(d) = self.decisions.get(&key).cloned() {
            let row = MatchRow {
                record: label.to_string(),
                file: String::new(),
                position: pos,
                author: a.name.clone(),
                affiliation: String::new(),
                candidates: String::new(),
                reason: "decided".into(),
                researcher_id: d.clone(),
                note: String::new(),
            };
            let decision = match d.as_str() {
                "new" => Some(Decision::Add),
                "skip" => Some(Decision::Skip),
                id => self
                    .people
                    .by_id(id)
                    .map(|ix| Decision::Person(ix, Method::Resolved, 1.0)),
            };
            if let Some(dec) = decision {
                if !self.used_decisions.contains(&row) {
                    self.used_decisions.push(row);
                }
                return dec;
            }
        }
        let mut inst: Vec<String> = a
            .affiliations
            .iter()
            .filter_map(|f| self.insts.lookup(f))
            .collect();
        // No affiliation: the placeholder institution of earlier authors
        // without one.
        let placeholder = a.affiliations.is_empty() && self.insts.ids.contains(UNKNOWN_INSTITUTION);
        if placeholder {
            inst.push(UNKNOWN_INSTITUTION.to_string());
        }
        let mut names = vec![PersonName::parse(&a.name)];
        names.extend(a.other_names.iter().map(|n| PersonName::parse(n)));
        let q = Query {
            names,
            orcids: &a.orcids,
            erad: a.erad_id.as_deref(),
            institutions: &inst,
            has_affiliation: !a.affiliations.is_empty(),
            placeholder,
        };
        match self.people.find(&q, taken) {
            Outcome::Matched { person, .. } if taken.contains(&person) => {
                Decision::Duplicate(person)
            }
            Outcome::Matched {
                person,
                method,
                confidence,
            } => Decision::Person(person, method, confidence),
            Outcome::Ambiguous { candidates, reason } => Decision::Ambiguous(candidates, reason),
            Outcome::Unmatched { near } if self.opts.add_unmatched => {
                let _ = near;
                Decision::Add
            }
            Outcome::Unmatched { near } => Decision::Unmatched(near),
        }
    }

    fn record_label(w: &ImportedWork) -> String {
        w.ids
            .label()
            .or_else(|| w.record.as_ref().map(|r| r.to_string()))
            .unwrap_or_default()
    }

    /// Imports one work; `fixed` is the person of a person record (its
    /// only author).
    fn work(&mut self, w: ImportedWork, fixed: Option<(PersonIx, Method, f64)>) {
        self.summary.works_read += 1;
        if w.title.trim().is_empty() || w.year.is_none() {
            let rec = w.record.clone().unwrap_or_else(|| RecordRef::json("", ""));
            let why = if w.title.trim().is_empty() {
                "no title"
            } else {
                "no publication year"
            };
            self.skip(&rec, why);
            return;
        }
        let label = Self::record_label(&w);
        let mut decided: Vec<Decision> = Vec::with_capacity(w.authors.len());
        if let Some((ix, m, c)) = fixed {
            decided.push(Decision::Person(ix, m, c));
        } else {
            let mut taken = HashSet::new();
            for (i, a) in w.authors.iter().enumerate() {
                if !a.collective {
                    self.summary.authors_read += 1;
                }
                let d = self.decide(&label, i + 1, a, &taken);
                if let Decision::Person(ix, ..) = d {
                    taken.insert(ix);
                }
                decided.push(d);
            }
        }
        let known = decided
            .iter()
            .any(|d| matches!(d, Decision::Person(..) | Decision::Add));
        let pub_id = match self.works.find(&self.folder.publications, &w) {
            Some((row, by)) => {
                self.summary.publications_merged += 1;
                *self
                    .summary
                    .merged_by
                    .entry(by.as_str().to_string())
                    .or_default() += 1;
                if self.works.merge(&mut self.folder.publications, row, &w) {
                    self.summary.publications_enriched += 1;
                }
                let t = &self.folder.publications;
                t.get(row, t.col("publication_id")).to_string()
            }
            None if known => {
                self.summary.publications_added += 1;
                self.works.add(&mut self.folder.publications, &w)
            }
            None => {
                self.summary.works_without_known_author += 1;
                String::new()
            }
        };
        let year = w.year;
        let source = label.clone();
        let fixed_author = fixed.map(|_| ImportedAuthor::default());
        for (i, d) in decided.into_iter().enumerate() {
            let a = fixed_author.as_ref().unwrap_or_else(|| &w.authors[i]);
            let pos = i + 1;
            match d {
                Decision::Collective => self.summary.collective += 1,
                Decision::Skip => self.summary.skipped_by_decision += 1,
                Decision::Duplicate(ix) => {
                    self.summary.duplicates_in_record += 1;
                    let id = self.people.get(ix).id.clone();
                    self.log(
                        &label,
                        &pub_id,
                        pos,
                        a,
                        &id,
                        "duplicate",
                        None,
                        "the same researcher as another author of this record",
                    );
                }
                Decision::Ambiguous(c, reason) => {
                    self.summary.ambiguous += 1;
                    self.list_ambiguous(&label, &w, pos, a, &c, &reason);
                    self.log(&label, &pub_id, pos, a, "", "ambiguous", None, &reason);
                }
                Decision::Unmatched(near) => {
                    self.summary.unmatched += 1;
                    let note = if near.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "same name as {} at another institution",
                            self.describe(&near)
                        )
                    };
                    self.log(&label, &pub_id, pos, a, "", "unmatched", None, &note);
                }
                Decision::Add => {
                    if pub_id.is_empty() {
                        continue;
                    }
                    let ix = self.add_researcher(a, year);
                    self.attach(ix, a, &pub_id, year, &source, Method::New);
                    let id = self.people.get(ix).id.clone();
                    self.log(
                        &label,
                        &pub_id,
                        pos,
                        a,
                        &id,
                        Method::New.as_str(),
                        Some(1.0),
                        "",
                    );
                }
                Decision::Person(ix, method, conf) => {
                    if pub_id.is_empty() {
                        continue;
                    }
                    if fixed.is_none() {
                        self.attach(ix, a, &pub_id, year, &source, method);
                        *self
                            .summary
                            .matched
                            .entry(method.as_str().into())
                            .or_default() += 1;
                    } else {
                        self.authorship(&pub_id, ix);
                    }
                    let id = self.people.get(ix).id.clone();
                    self.log(
                        &label,
                        &pub_id,
                        pos,
                        a,
                        &id,
                        method.as_str(),
                        Some(conf),
                        "",
                    );
                }
            }
        }
        for (name, id) in &w.unplaced_orcids {
            self.summary.orcids_unplaced += 1;
            self.authors_log.row(&AuthorLogRow {
                record: &label,
                publication_id: &pub_id,
                position: None,
                author: name,
                orcid: id,
                affiliation: "",
                researcher_id: "",
                method: "orcid-unplaced",
                confidence: None,
                note: "an ORCID iD in the record whose name fits none of its authors",
            });
        }
    }

    fn describe(&self, c: &[PersonIx]) -> String {
        c.iter()
            .map(|ix| self.people.get(*ix).id.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn list_ambiguous(
        &mut self,
        label: &str,
        w: &ImportedWork,
        pos: usize,
        a: &ImportedAuthor,
        c: &[PersonIx],
        reason: &str,
    ) {
        let t = &self.folder.researchers;
        let it = &self.folder.institutions;
        let cands: Vec<String> = c
            .iter()
            .map(|ix| {
                let row = self.person_rows[ix.0];
                let inst = t.get(row, t.col("institution_id"));
                let iname = (0..it.rows.len())
                    .find(|&r| it.get(r, it.col("institution_id")) == inst)
                    .map(|r| it.get(r, it.col("name")).to_string())
                    .unwrap_or_default();
                format!(
                    "{} {} ({})",
                    self.people.get(*ix).id,
                    t.get(row, t.col("name")),
                    iname
                )
            })
            .collect();
        let rec = w.record.as_ref().map(|r| r.to_string()).unwrap_or_default();
        let aff = affiliation_text(a);
        self.matches.row(&MatchRow {
            record: label.to_string(),
            file: rec,
            position: pos,
            author: a.name.clone(),
            affiliation: aff,
            candidates: cands.join(" | "),
            reason: reason.to_string(),
            researcher_id: String::new(),
            note: "fill researcher_id with one of the candidates (or any researcher ID), `new` or `skip`".into(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn log(
        &mut self,
        label: &str,
        pub_id: &str,
        pos: usize,
        a: &ImportedAuthor,
        rid: &str,
        method: &str,
        conf: Option<f64>,
        note: &str,
    ) {
        let orcid = a.orcids.join(";");
        let affiliation = affiliation_text(a);
        self.authors_log.row(&AuthorLogRow {
            record: label,
            publication_id: pub_id,
            position: Some(pos),
            author: &a.name,
            orcid: &orcid,
            affiliation: &affiliation,
            researcher_id: rid,
            method,
            confidence: conf.map(Confidence),
            note,
        });
    }

    fn authorship(&mut self, pub_id: &str, ix: PersonIx) {
        let rid = self.people.get(ix).id.clone();
        if self.authorships.insert((pub_id.to_string(), rid.clone())) {
            self.folder.authorships.push_row(&AuthorshipRow {
                publication_id: pub_id,
                researcher_id: &rid,
            });
            self.summary.authorships_added += 1;
        }
    }

    /// The authorship, the affiliations of the paper (with its year), and
    /// identifiers and spellings the researcher did not have.
    fn attach(
        &mut self,
        ix: PersonIx,
        a: &ImportedAuthor,
        pub_id: &str,
        year: Option<i32>,
        source: &str,
        method: Method,
    ) {
        self.authorship(pub_id, ix);
        for f in &a.affiliations {
            let y = year.map(|y| y.to_string()).unwrap_or_default();
            self.affiliation(ix, f, &y, &y, source);
        }
        let sure = !matches!(method, Method::NameAffiliation);
        self.enrich(ix, a, sure);
    }

    fn affiliation(
        &mut self,
        ix: PersonIx,
        f: &ImportedAffiliation,
        start: &str,
        end: &str,
        source: &str,
    ) {
        if f.name.trim().is_empty() {
            return;
        }
        let iid = self.insts.get_or_add(
            &mut self.folder.institutions,
            f,
            &mut self.summary.institutions_added,
        );
        self.people.add_institution(ix, iid.clone());
        let rid = self.people.get(ix).id.clone();
        let row = vec![
            rid,
            iid,
            f.department.clone().unwrap_or_default(),
            start.to_string(),
            end.to_string(),
            source.to_string(),
        ];
        if self.affiliations.insert(row.clone()) {
            let cells: Vec<(&str, &str)> = AffiliationRow::COLUMNS
                .iter()
                .copied()
                .zip(row.iter().map(String::as_str))
                .collect();
            self.folder.affiliations.push(&cells);
            self.summary.affiliations_added += 1;
        }
    }

    /// Adds the author's spellings for later name matches, ORCID iDs no
    /// researcher has (to a researcher without one, or when the match is
    /// sure: by identifier, decision or as a new researcher) and the e-Rad
    /// number when the match is sure.
    fn enrich(&mut self, ix: PersonIx, a: &ImportedAuthor, sure: bool) {
        let row = self.person_rows[ix.0];
        for n in std::iter::once(&a.name).chain(&a.other_names) {
            self.people.add_name(ix, PersonName::parse(n));
        }
        let mut gained = false;
        let take_orcid = sure || self.people.get(ix).orcids.is_empty();
        for o in a.orcids.iter().filter(|_| take_orcid) {
            if self.people.by_orcid(o).is_none() {
                self.people.add_orcid(ix, o.clone());
                gained = true;
            }
        }
        if gained {
            let c = self.folder.researchers.ensure_col("orcid");
            let v = self.people.get(ix).orcids.join(";");
            self.folder.researchers.set(row, c, v);
        }
        if let Some(e) = a.erad_id.as_ref().filter(|_| sure) {
            if self.people.get(ix).erad.is_none() {
                self.people.set_erad(ix, e.clone());
                let c = self.folder.researchers.ensure_col("erad_id");
                self.folder.researchers.set(row, c, e.clone());
                gained = true;
            }
        }
        if gained && row < self.folder.researchers.rows_before {
            self.summary.researchers_enriched += 1;
        }
    }

    fn add_researcher(&mut self, a: &ImportedAuthor, year: Option<i32>) -> PersonIx {
        let _ = year;
        let id = loop {
            let id = format!("R{:06}", self.next_researcher);
            self.next_researcher += 1;
            if !self.researcher_ids.contains(&id) {
                break id;
            }
        };
        self.researcher_ids.insert(id.clone());
        let inst = match a.affiliations.iter().find(|f| !f.name.trim().is_empty()) {
            Some(f) => self.insts.get_or_add(
                &mut self.folder.institutions,
                f,
                &mut self.summary.institutions_added,
            ),
            None => self.insts.unknown(
                &mut self.folder.institutions,
                &mut self.summary.institutions_added,
            ),
        };
        let row = self.folder.researchers.push_row(&ResearcherRow {
            researcher_id: &id,
            name: &a.name,
            institution_id: &inst,
            ..Default::default()
        });
        let ix = self.people.add(Person {
            id,
            names: vec![PersonName::parse(&a.name)],
            institutions: vec![inst],
            orcids: Vec::new(),
            erad: None,
        });
        self.person_rows.push(row);
        self.summary.researchers_added += 1;
        *self
            .summary
            .matched
            .entry(Method::New.as_str().into())
            .or_default() += 1;
        ix
    }

    fn person(&mut self, p: ImportedPerson) {
        self.summary.persons_read += 1;
        self.summary.authors_read += 1;
        let a = &p.person;
        let label = a
            .orcids
            .first()
            .map(|o| format!("orcid:{o}"))
            .or_else(|| a.erad_id.as_ref().map(|e| format!("erad:{e}")))
            .or_else(|| p.record.as_ref().map(|r| r.to_string()))
            .unwrap_or_default();
        let rec_text = p.record.as_ref().map(|r| r.to_string()).unwrap_or_default();
        // The current employment first: it is the institution name matches use.
        let d = self.decide(&label, 1, a, &HashSet::new());
        let (ix, method, conf) = match d {
            Decision::Person(ix, m, c) => {
                *self.summary.matched.entry(m.as_str().into()).or_default() += 1;
                (ix, m, c)
            }
            Decision::Add => {
                let mut current = a.clone();
                current.affiliations.sort_by_key(|f| {
                    (
                        f.end_year.is_some(),
                        std::cmp::Reverse(f.end_year.or(f.start_year)),
                    )
                });
                (self.add_researcher(&current, None), Method::New, 1.0)
            }
            Decision::Ambiguous(c, reason) => {
                self.summary.ambiguous += 1;
                let w = ImportedWork {
                    record: p.record.clone(),
                    ..Default::default()
                };
                self.list_ambiguous(&label, &w, 1, a, &c, &reason);
                self.log(
                    &label,
                    "",
                    1,
                    a,
                    "",
                    "ambiguous",
                    None,
                    &format!(
                        "{reason}; its {} works are not imported until it is resolved",
                        p.works.len()
                    ),
                );
                return;
            }
            Decision::Unmatched(_)
            | Decision::Skip
            | Decision::Collective
            | Decision::Duplicate(_) => {
                self.summary.unmatched += 1;
                self.log(
                    &label,
                    "",
                    1,
                    a,
                    "",
                    "unmatched",
                    None,
                    &format!("{rec_text}: not in researchers.csv; --add-unmatched adds the person"),
                );
                return;
            }
        };
        for f in &a.affiliations {
            let s = f.start_year.map(|y| y.to_string()).unwrap_or_default();
            let e = f.end_year.map(|y| y.to_string()).unwrap_or_default();
            self.affiliation(ix, f, &s, &e, &label);
        }
        self.enrich(ix, a, !matches!(method, Method::NameAffiliation));
        let id = self.people.get(ix).id.clone();
        self.log(
            &label,
            "",
            1,
            a,
            &id,
            method.as_str(),
            Some(conf),
            &format!("{} works", p.works.len()),
        );
        for w in p.works {
            self.work(w, Some((ix, method, conf)));
        }
    }
}

fn affiliation_key(t: &Table, r: usize) -> Vec<String> {
    AffiliationRow::COLUMNS
        .iter()
        .map(|c| t.get(r, t.col(c)).to_string())
        .collect()
}

fn affiliation_text(a: &ImportedAuthor) -> String {
    a.affiliations
        .iter()
        .map(|f| match &f.department {
            Some(d) => format!("{}, {d}", f.name),
            None => f.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
