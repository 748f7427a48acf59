//! The typed rows of the input files: one struct per file of
//! [`schema`](super::schema), one `&str` field per column, each cell trimmed.
//! The check stage reads a row as one of these and turns it into the model's
//! types; the column names stay those of `schema.rs`, which a compile-time
//! assertion holds each struct to (same names, same order), so the schema is
//! the one list and a struct that drifts from it does not build.
//!
//! The same structs are what rdmatch writes a data folder with (the
//! held-out call of `eval-scores --write-call`): each is a
//! [`CsvRow`](crate::table::CsvRow) whose columns are the schema's, so a
//! written folder has every column the loader reads, in its order.

use polars::prelude::{PolarsDataType, StringChunked, StringType};

use super::schema::{self, FileSpec};

/// The arrow array behind a polars string column.
type Utf8ViewArray = <StringType as PolarsDataType>::Array;

/// One column's cells. The reader builds each column as one polars array;
/// reading that array directly skips the chunk search of
/// `ChunkedArray::get` on every cell.
#[derive(Clone, Copy)]
pub(super) enum Cells<'a> {
    One(&'a Utf8ViewArray),
    Chunked(&'a StringChunked),
    /// An optional column the file does not have: every cell is blank.
    Absent,
}

impl<'a> Cells<'a> {
    pub(super) fn of(column: Option<&'a StringChunked>) -> Cells<'a> {
        let Some(column) = column else {
            return Cells::Absent;
        };
        match column.downcast_iter().next() {
            Some(a) if column.chunks().len() == 1 && column.null_count() == 0 => Cells::One(a),
            _ => Cells::Chunked(column),
        }
    }

    /// The cell of row `i`; "" for a missing cell.
    pub(super) fn get(self, i: usize) -> &'a str {
        match self {
            Cells::One(a) if i < a.len() => a.value(i),
            Cells::One(_) | Cells::Absent => "",
            Cells::Chunked(c) => c.get(i).unwrap_or(""),
        }
    }
}

/// A row of an input file as its cells, in the order of its columns
/// ([`CsvRow::COLUMNS`](crate::table::CsvRow::COLUMNS)), for writers that
/// keep a file's other columns (`rdmatch import`).
pub trait TextRow<'a>: crate::table::CsvRow {
    fn cells(&self) -> Vec<&'a str>;
}

/// True when `names` are the columns of `spec`, in order; evaluated at
/// compile time for every row struct.
const fn same_columns(spec: &FileSpec, names: &[&str]) -> bool {
    if spec.columns.len() != names.len() {
        return false;
    }
    let mut i = 0;
    while i < names.len() {
        let (a, b) = (spec.columns[i].name.as_bytes(), names[i].as_bytes());
        // A keyword column (`abstract`) is the raw identifier `r#abstract`.
        let skip = if b.len() > 2 && b[0] == b'r' && b[1] == b'#' {
            2
        } else {
            0
        };
        if a.len() + skip != b.len() {
            return false;
        }
        let mut j = 0;
        while j < a.len() {
            if a[j] != b[j + skip] {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

/// True when `spec` has a column `name`; evaluated at compile time where a
/// check names a column outside its row struct.
pub(super) const fn has_column(spec: &FileSpec, name: &str) -> bool {
    let mut i = 0;
    while i < spec.columns.len() {
        let (a, b) = (spec.columns[i].name.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Declares the row struct of one input file from its spec in `schema.rs`.
macro_rules! input_row {
    ($(#[$m:meta])* $name:ident = $spec:path { $($field:ident),* $(,)? }) => {
        $(#[$m])*
        // A row holds every column of its file; the check reads the ones
        // it needs (reference columns it resolves for the whole column).
        #[allow(dead_code)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
        pub struct $name<'a> {
            $(pub $field: &'a str),*
        }
        const _: () = assert!(
            same_columns(&$spec, &[$(stringify!($field)),*]),
            concat!(stringify!($name), " must have the columns of ", stringify!($spec), ", in order")
        );
        impl<'a> $crate::table::CsvRow for $name<'a> {
            // The schema's names (the field of `abstract` is `r#abstract`).
            const COLUMNS: &'static [&'static str] = &{
                const N: usize = [$(stringify!($field)),*].len();
                let mut names = [""; N];
                let mut i = 0;
                while i < N {
                    names[i] = $spec.columns[i].name;
                    i += 1;
                }
                names
            };
        }
        impl<'a> TextRow<'a> for $name<'a> {
            fn cells(&self) -> Vec<&'a str> {
                vec![$(self.$field),*]
            }
        }
        impl<'a> $name<'a> {
            /// Row `i` of the file, from its columns in spec order (see
            /// [`Cells`]), each cell trimmed.
            #[allow(dead_code)]
            pub(super) fn at(cells: &[Cells<'a>], i: usize) -> $name<'a> {
                let mut c = cells.iter();
                // Struct fields are evaluated in the order written, which
                // is the spec's order.
                $name {
                    $($field: c.next().map_or("", |x| x.get(i).trim())),*
                }
            }
        }
    };
}

input_row!(
    /// A row of institutions.csv.
    InstitutionRow = schema::INSTITUTIONS {
        institution_id, name, sector, country, region, sector_source
    }
);
input_row!(
    /// A row of researchers.csv.
    ResearcherRow = schema::RESEARCHERS {
        researcher_id, name, institution_id, position, keywords, orcid, erad_id, gender, region
    }
);
input_row!(
    /// A row of areas.csv.
    AreaRow = schema::AREAS { area_id, name, program, description, keywords }
);
input_row!(
    /// A row of advisers.csv.
    AdviserRow = schema::ADVISERS { researcher_id, area_ids, max_load }
);
input_row!(
    /// A row of proposals.csv.
    ProposalRow = schema::PROPOSALS {
        proposal_id, area_id, title, r#abstract, keywords, pi_id, year, budget, excluded_reviewers
    }
);
input_row!(
    /// A row of proposal_members.csv.
    MemberRow = schema::MEMBERS { proposal_id, researcher_id, role }
);
input_row!(
    /// A row of publications.csv.
    PublicationRow = schema::PUBLICATIONS {
        publication_id, year, title, r#abstract, keywords, doi, pmid, wos_ut, scopus_eid, openalex_id
    }
);
input_row!(
    /// A row of authorships.csv.
    AuthorshipRow = schema::AUTHORSHIPS { publication_id, researcher_id }
);
input_row!(
    /// A row of conflicts.csv.
    ConflictRow = schema::CONFLICTS { researcher_id, proposal_id, other_researcher_id, reason }
);
input_row!(
    /// A row of affiliations.csv.
    AffiliationRow = schema::AFFILIATIONS {
        researcher_id, institution_id, department, start_year, end_year, source
    }
);
input_row!(
    /// A row of relations.csv.
    RelationRow = schema::RELATIONS {
        researcher_id, other_researcher_id, relation, start_year, end_year
    }
);
