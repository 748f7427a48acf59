//! Writing a [`ScoreMatrix`] as CSV.

use std::io::Write;

use super::ScoreMatrix;
use crate::model::Dataset;
use crate::table::CsvRow;

crate::table_row! {
    /// One pair of scores.csv: the blended score and its components.
    pub struct ScoreRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
        pub score: f64,
        pub text: f64,
        pub keywords: f64,
        pub area: f64,
        /// The terms that matched most, `;`-joined.
        pub top_terms: String,
    }
}

/// Writes `proposal_id,researcher_id,score,text,keywords,area,top_terms`,
/// one row per kept pair in matrix order; floats with 6 decimals, top terms
/// joined by `;`.
pub fn write_scores_csv(ds: &Dataset, m: &ScoreMatrix, w: impl Write) -> Result<(), csv::Error> {
    write_scores_csv_with(ds, m, w, None)
}

/// A column appended to scores.csv: its name and its cell for (proposal, adviser).
pub type ExtraColumn<'a> = (&'a str, &'a dyn Fn(usize, usize) -> String);

/// [`write_scores_csv`] with one more column: `extra = (name, cell)` gives
/// the column's name and its cell for (proposal, adviser) — `rdmatch score`
/// adds `conflict` (the pair's conflict reasons, empty when none).
pub fn write_scores_csv_with(
    ds: &Dataset,
    m: &ScoreMatrix,
    w: impl Write,
    extra: Option<ExtraColumn<'_>>,
) -> Result<(), csv::Error> {
    let mut out = crate::table::CsvWriter::new(w);
    let names = ScoreRow::COLUMNS.iter().copied();
    out.write_record(names.chain(extra.map(|(name, _)| name)))?;
    for (p, row) in m.per_proposal.iter().enumerate() {
        for s in row {
            let rec = ScoreRow {
                proposal_id: &ds.proposals[p].id,
                researcher_id: ds.adviser_id(s.adviser),
                score: s.score,
                text: s.text,
                keywords: s.keywords,
                area: s.area,
                top_terms: s.top_terms.join(";"),
            };
            out.serialize_with(&rec, extra.map(|(_, cell)| cell(p, s.adviser)))?;
        }
    }
    out.flush()?;
    Ok(())
}
