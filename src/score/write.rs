//! Writing a [`ScoreMatrix`] as CSV.

use std::io::Write;

use super::ScoreMatrix;
use crate::model::Dataset;

/// Writes `proposal_id,researcher_id,score,text,keywords,area,top_terms`,
/// one row per kept pair in matrix order; floats with 6 decimals, top terms
/// joined by `;`.
pub fn write_scores_csv(ds: &Dataset, m: &ScoreMatrix, w: impl Write) -> Result<(), csv::Error> {
    let mut out = crate::table::CsvWriter::new(w);
    out.write_record([
        "proposal_id",
        "researcher_id",
        "score",
        "text",
        "keywords",
        "area",
        "top_terms",
    ])?;
    for (p, row) in m.per_proposal.iter().enumerate() {
        for s in row {
            out.write_record([
                ds.proposals[p].id.as_str(),
                ds.adviser_id(s.adviser),
                &crate::table::num(s.score),
                &crate::table::num(s.text),
                &crate::table::num(s.keywords),
                &crate::table::num(s.area),
                &s.top_terms.join(";"),
            ])?;
        }
    }
    out.flush()?;
    Ok(())
}
