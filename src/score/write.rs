//! Writing a [`ScoreMatrix`] as CSV.

use std::io::Write;

use super::ScoreMatrix;
use crate::model::Dataset;

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
    let mut header = vec![
        "proposal_id",
        "researcher_id",
        "score",
        "text",
        "keywords",
        "area",
        "top_terms",
    ];
    if let Some((name, _)) = extra {
        header.push(name);
    }
    out.write_record(&header)?;
    for (p, row) in m.per_proposal.iter().enumerate() {
        for s in row {
            let mut rec = vec![
                ds.proposals[p].id.clone(),
                ds.adviser_id(s.adviser).to_string(),
                crate::table::num(s.score),
                crate::table::num(s.text),
                crate::table::num(s.keywords),
                crate::table::num(s.area),
                s.top_terms.join(";"),
            ];
            if let Some((_, cell)) = extra {
                rec.push(cell(p, s.adviser));
            }
            out.write_record(&rec)?;
        }
    }
    out.flush()?;
    Ok(())
}
