//! The import report: counts (printed and written to `import/report.txt`
//! and `import/summary.json`), every author occurrence with how it was
//! matched (`import/authors.csv`), the ambiguous authors for a person to
//! decide (`import/matches.csv`), and the records not imported
//! (`import/skipped.csv`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::load::thousands;
use crate::table::{CsvRow, CsvWriter};

/// What one import did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportSummary {
    pub format: String,
    pub files: Vec<String>,
    /// Records in the files: works, person records and skipped records.
    pub records_read: usize,
    /// Records without a usable title, authors or year (in skipped.csv).
    pub records_skipped: usize,
    /// ORCID or researchmap person records.
    pub persons_read: usize,
    /// Works read (including the works of person records).
    pub works_read: usize,
    pub publications_added: usize,
    /// Works that were a publication already there (or read earlier).
    pub publications_merged: usize,
    /// Merged works by the key that found them (`doi`, `pmid`, …, `title+year`).
    pub merged_by: BTreeMap<String, usize>,
    /// Merges that added an identifier, a longer abstract or keywords.
    pub publications_enriched: usize,
    /// New works none of whose authors is (or was added as) a researcher:
    /// not added (rerun with `--add-unmatched`, or resolve their authors).
    pub works_without_known_author: usize,
    /// Author occurrences (group authors not included) and person records.
    pub authors_read: usize,
    /// Authors matched to a researcher, by method (`orcid`, `erad`,
    /// `name+affiliation`, `resolved`, `new` = added as a researcher).
    pub matched: BTreeMap<String, usize>,
    pub researchers_added: usize,
    /// Authors who match no researcher and were not added.
    pub unmatched: usize,
    /// Authors listed in matches.csv for a person to decide.
    pub ambiguous: usize,
    /// Group authors (`CA`, `CN`): counted, never researchers.
    pub collective: usize,
    /// An author who is the same researcher as another author of the record.
    pub duplicates_in_record: usize,
    /// Authors a matches.csv decision said to skip.
    pub skipped_by_decision: usize,
    pub authorships_added: usize,
    pub institutions_added: usize,
    pub affiliations_added: usize,
    /// Researchers who gained an ORCID iD or e-Rad number.
    pub researchers_enriched: usize,
    /// ORCID iDs the records give that fit none of their authors.
    pub orcids_unplaced: usize,
    pub seconds: f64,
}

impl ImportSummary {
    pub fn matched_total(&self) -> usize {
        self.matched.values().sum()
    }

    /// The summary as printed and written to `import/report.txt`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let t = thousands;
        let _ = writeln!(s, "import {} ({} file(s))", self.format, self.files.len());
        let _ = writeln!(
            s,
            "  records read            {:>9}   ({} skipped: no usable title, authors or year; listed in import/skipped.csv)",
            t(self.records_read),
            t(self.records_skipped)
        );
        if self.persons_read > 0 {
            let _ = writeln!(s, "  person records          {:>9}", t(self.persons_read));
        }
        let _ = writeln!(s, "  works read              {:>9}", t(self.works_read));
        let _ = writeln!(
            s,
            "  publications added      {:>9}",
            t(self.publications_added)
        );
        let by: Vec<String> = self
            .merged_by
            .iter()
            .map(|(k, v)| format!("{k} {}", t(*v)))
            .collect();
        let _ =
            writeln!(
            s,
            "  publications merged     {:>9}   ({}; {} gained identifiers, abstract or keywords)",
            t(self.publications_merged),
            if by.is_empty() { "-".to_string() } else { by.join(", ") },
            t(self.publications_enriched)
        );
        if self.works_without_known_author > 0 {
            let _ = writeln!(
                s,
                "  not added               {:>9}   (new works with no known author: use --add-unmatched or resolve their authors)",
                t(self.works_without_known_author)
            );
        }
        let _ = writeln!(s, "  authors read            {:>9}", t(self.authors_read));
        for (k, v) in &self.matched {
            let label = if k == "new" {
                "added as new researchers".to_string()
            } else {
                format!("matched by {k}")
            };
            let _ = writeln!(s, "    {label:<22}{:>9}", t(*v));
        }
        let _ = writeln!(s, "    unmatched, not added  {:>9}", t(self.unmatched));
        let _ = writeln!(
            s,
            "    ambiguous             {:>9}   (listed in import/matches.csv: fill researcher_id and import again with --resolve)",
            t(self.ambiguous)
        );
        if self.duplicates_in_record > 0 {
            let _ = writeln!(
                s,
                "    same person twice     {:>9}",
                t(self.duplicates_in_record)
            );
        }
        if self.skipped_by_decision > 0 {
            let _ = writeln!(
                s,
                "    skipped by decision   {:>9}",
                t(self.skipped_by_decision)
            );
        }
        if self.collective > 0 {
            let _ = writeln!(
                s,
                "  group authors           {:>9}   (never researchers)",
                t(self.collective)
            );
        }
        let _ = writeln!(
            s,
            "  researchers added       {:>9}",
            t(self.researchers_added)
        );
        if self.researchers_enriched > 0 {
            let _ = writeln!(
                s,
                "  researchers given an ID {:>9}   (ORCID iD or e-Rad number)",
                t(self.researchers_enriched)
            );
        }
        let _ = writeln!(
            s,
            "  authorships added       {:>9}",
            t(self.authorships_added)
        );
        let _ = writeln!(
            s,
            "  institutions added      {:>9}   (sector guessed: see sector_source)",
            t(self.institutions_added)
        );
        let _ = writeln!(
            s,
            "  affiliations added      {:>9}",
            t(self.affiliations_added)
        );
        if self.orcids_unplaced > 0 {
            let _ = writeln!(
                s,
                "  ORCID iDs not placed    {:>9}   (no author of the record fits the name beside them; in import/authors.csv)",
                t(self.orcids_unplaced)
            );
        }
        let _ = writeln!(s, "  time                    {:>8.2} s", self.seconds);
        s
    }
}

/// A CSV file in memory, written through the one CSV writer: a header
/// of one row type and rows of that type.
pub struct CsvBuf {
    w: CsvWriter<Vec<u8>>,
    columns: &'static [&'static str],
}

impl CsvBuf {
    /// A file of rows `R`, its header written.
    pub fn new<R: CsvRow>() -> CsvBuf {
        let mut w = CsvWriter::new(Vec::new());
        // Writing to memory cannot fail.
        let _ = w.header::<R>();
        CsvBuf {
            w,
            columns: R::COLUMNS,
        }
    }
    /// One row, of the type the file was made for.
    pub fn row<R: CsvRow>(&mut self, row: &R) {
        debug_assert_eq!(R::COLUMNS, self.columns, "a row of another file");
        let _ = self.w.serialize(row);
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().unwrap_or_default()
    }
}

crate::table_row! {
    /// One row of import/matches.csv (and of import/decisions.csv, the
    /// decisions an import applied): an author a person decides about by
    /// filling `researcher_id` (a researcher ID, `new` or `skip`).
    pub struct MatchRow {
        /// The record's label (`file:line` or its identifier).
        pub record: String,
        pub file: String,
        /// 1-based position of the author in the record.
        pub position: usize,
        pub author: String,
        pub affiliation: String,
        /// `ID name (institution)`, ` | `-joined.
        pub candidates: String,
        pub reason: String,
        pub researcher_id: String,
        pub note: String,
    }
}

crate::read_row! {
    /// The columns of a filled-in matches.csv that `import --resolve`
    /// reads back (its other columns are ignored, so a person may add or
    /// drop them): which author of which record is whom.
    pub struct DecisionRow<'a> {
        pub record: &'a str,
        pub position: &'a str,
        pub author: &'a str,
        pub researcher_id: &'a str,
    }
}

crate::table_row! {
    /// One row of import/authors.csv: every author occurrence and how it
    /// was matched.
    pub struct AuthorLogRow<'a> {
        pub record: &'a str,
        pub publication_id: &'a str,
        /// Empty for an ORCID iD that fits no author of the record.
        pub position: Option<usize>,
        pub author: &'a str,
        /// `;`-joined.
        pub orcid: &'a str,
        pub affiliation: &'a str,
        pub researcher_id: &'a str,
        pub method: &'a str,
        pub confidence: Option<Confidence>,
        pub note: &'a str,
    }
}

/// A match's confidence in [0, 1], written with two decimals (`0.90`): a
/// heuristic's grade, which six decimals would dress up as a measurement
/// (the one exception to the six-decimal float format).
#[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize)]
pub struct Confidence(pub f64);

impl Serialize for Confidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:.2}", self.0))
    }
}

crate::table_row! {
    /// One row of import/skipped.csv: a record not imported, and why.
    pub struct SkippedRow<'a> {
        pub file: &'a str,
        pub line: Option<u64>,
        pub json_path: &'a str,
        pub reason: &'a str,
    }
}
