//! One publication, many sources: a record is the publication already in
//! publications.csv (or added earlier in the same import) that shares its
//! DOI, PMID, WoS UT, Scopus EID or OpenAlex ID (in that order), else its
//! normalised title and year when no identifier of the same kind differs.
//! A merged publication keeps every identifier (two of one kind as a
//! `;`-list), the richest abstract and every keyword.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::folder::Table;
use super::names::title_key;
use super::{ImportedWork, WorkIds};

/// The identifier columns of publications.csv, in matching order.
pub const ID_COLUMNS: [&str; 5] = ["doi", "pmid", "wos_ut", "scopus_eid", "openalex_id"];

fn ids_of(w: &WorkIds) -> [Option<&String>; 5] {
    [
        w.doi.as_ref(),
        w.pmid.as_ref(),
        w.wos_ut.as_ref(),
        w.scopus_eid.as_ref(),
        w.openalex_id.as_ref(),
    ]
}

/// How a record was found to be an existing publication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchedBy {
    Id(usize),
    TitleYear,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Id(k) => ID_COLUMNS[k],
            MatchedBy::TitleYear => "title+year",
        }
    }
}

/// The publications table with its look-up indexes.
pub struct Works {
    by_id: [HashMap<String, usize>; 5],
    by_title: HashMap<(String, String), Vec<usize>>,
    ids: HashSet<String>,
    next: usize,
}

impl Works {
    pub fn new(t: &mut Table) -> Works {
        // Appending the identifier columns alone is no change to write.
        let changed = t.changed;
        for c in ID_COLUMNS {
            t.ensure_col(c);
        }
        let mut w = Works {
            by_id: Default::default(),
            by_title: HashMap::new(),
            ids: HashSet::new(),
            next: 1,
        };
        for row in 0..t.rows.len() {
            w.index(t, row);
        }
        t.changed = changed;
        w
    }

    fn index(&mut self, t: &Table, row: usize) {
        self.ids
            .insert(t.get(row, t.col("publication_id")).to_string());
        for (k, c) in ID_COLUMNS.iter().enumerate() {
            for v in t
                .get(row, t.col(c))
                .split(';')
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                self.by_id[k].entry(v.to_string()).or_insert(row);
            }
        }
        let key = (
            title_key(t.get(row, t.col("title"))),
            t.get(row, t.col("year")).to_string(),
        );
        if !key.0.is_empty() {
            self.by_title.entry(key).or_default().push(row);
        }
    }

    /// The row of the publication `w` is, if any.
    pub fn find(&self, t: &Table, w: &ImportedWork) -> Option<(usize, MatchedBy)> {
        for (k, v) in ids_of(&w.ids).into_iter().enumerate() {
            if let Some(row) = v.and_then(|v| self.by_id[k].get(v)) {
                return Some((*row, MatchedBy::Id(k)));
            }
        }
        let key = (
            title_key(&w.title),
            w.year.map(|y| y.to_string()).unwrap_or_default(),
        );
        let rows = self.by_title.get(&key)?;
        rows.iter()
            .copied()
            .find(|&row| {
                ids_of(&w.ids).into_iter().enumerate().all(|(k, v)| {
                    let have = t.get(row, t.col(ID_COLUMNS[k]));
                    v.is_none_or(|v| have.is_empty() || have.split(';').any(|h| h.trim() == v))
                })
            })
            .map(|row| (row, MatchedBy::TitleYear))
    }

    /// Adds `w` as a new publication; its ID.
    pub fn add(&mut self, t: &mut Table, w: &ImportedWork) -> String {
        let id = loop {
            let id = format!("W{:06}", self.next);
            self.next += 1;
            if !self.ids.contains(&id) {
                break id;
            }
        };
        let year = w.year.map(|y| y.to_string()).unwrap_or_default();
        let kw = keywords_cell(&w.keywords);
        let abs = w.abstract_text.clone().unwrap_or_default();
        let ids = ids_of(&w.ids);
        let mut cells: Vec<(&str, &str)> = vec![
            ("publication_id", &id),
            ("year", &year),
            ("title", &w.title),
            ("abstract", &abs),
            ("keywords", &kw),
        ];
        for (k, v) in ids.iter().enumerate() {
            if let Some(v) = v {
                cells.push((ID_COLUMNS[k], v));
            }
        }
        let row = t.push(&cells);
        self.index(t, row);
        id
    }

    /// Merges `w` into row `row`: missing identifiers, a longer abstract,
    /// keywords not yet listed. Whether anything changed.
    pub fn merge(&mut self, t: &mut Table, row: usize, w: &ImportedWork) -> bool {
        let before = t.changed;
        t.changed = false;
        for (k, v) in ids_of(&w.ids).into_iter().enumerate() {
            let c = t.ensure_col(ID_COLUMNS[k]);
            if let Some(v) = v {
                let have = &t.rows[row][c];
                // A second identifier of one kind (WoS lists some papers
                // twice, under two UTs) is kept beside the first.
                if !have.split(';').any(|h| h.trim() == v) {
                    let cell = if have.is_empty() {
                        v.clone()
                    } else {
                        format!("{have};{v}")
                    };
                    t.set(row, c, cell);
                    self.by_id[k].entry(v.clone()).or_insert(row);
                }
            }
        }
        if let Some(a) = &w.abstract_text {
            let c = t.ensure_col("abstract");
            if a.chars().count() > t.rows[row][c].chars().count() {
                t.set(row, c, a.clone());
            }
        }
        if !w.keywords.is_empty() {
            let c = t.ensure_col("keywords");
            let mut have: Vec<String> = t.rows[row][c]
                .split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let n = have.len();
            for k in &w.keywords {
                let k = k.replace(';', ",");
                if !have.iter().any(|h| h.eq_ignore_ascii_case(&k)) {
                    have.push(k);
                }
            }
            if have.len() > n {
                t.set(row, c, have.join(";"));
            }
        }
        let changed = t.changed;
        t.changed = before || changed;
        changed
    }
}

/// Keywords as a `;`-list cell (a `;` inside a keyword becomes `,`).
pub fn keywords_cell(k: &[String]) -> String {
    k.iter()
        .map(|k| k.trim().replace(';', ","))
        .filter(|k| !k.is_empty())
        .collect::<Vec<_>>()
        .join(";")
}
