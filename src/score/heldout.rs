//! The held-out benchmark: expertise scores measured on real text.
//!
//! Takes any [`Dataset`] with researchers, publications and authorships (an
//! import of Web of Science, PubMed, … records is enough: no call needed)
//! and hands on a pseudo-call ([`HeldOut`]) whose true answer is known:
//! - every researcher with at least `min_papers` papers has their latest
//!   paper (largest year, ties: the last in file order) held out;
//! - held-out papers leave the literature altogether, so neither their own
//!   author nor a co-author keeps their text in a profile (a co-author who
//!   kept it would rank first by copying, not by expertise);
//! - every researcher with at least `min_remaining` papers left is a
//!   candidate adviser (one area, so every candidate is eligible);
//! - each held-out paper with at least one candidate among its authors is
//!   a proposal (title, abstract and keywords of the paper; PI: its first
//!   candidate author; members: all its authors). Its candidate authors
//!   are the right answer.
//!
//! [`rank_report`] then says where the first true author ranks among all
//! candidates (MRR, recall@1/5/10), and [`calibration`] what a score means
//! (the share of pairs in a score band that are author–paper pairs).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ScoreMatrix;
use crate::load::rows::{
    AdviserRow, AreaRow, AuthorshipRow, InstitutionRow, MemberRow, ProposalRow, PublicationRow,
    ResearcherRow,
};
use crate::model::{
    AdviserIx, Area, Dataset, DeclaredTarget, Member, Proposal, Publication, Role, Tables,
};
use crate::table::CsvRow;

/// The ID of the one area of a held-out call.
pub const HELDOUT_AREA: &str = "HELDOUT";

/// Who is held out and who may review.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeldOutOptions {
    /// A researcher with at least this many papers has the latest held out.
    pub min_papers: usize,
    /// A researcher with at least this many papers left is a candidate.
    pub min_remaining: usize,
    /// `max_load` of every candidate adviser.
    pub max_load: u32,
}

impl Default for HeldOutOptions {
    fn default() -> Self {
        HeldOutOptions {
            min_papers: 3,
            min_remaining: 2,
            max_load: 10,
        }
    }
}

/// A pseudo-call built from held-out papers, with its right answers.
#[derive(Clone, Debug)]
pub struct HeldOut {
    /// One area, the candidates as its advisers, the held-out papers as
    /// proposals, the other papers as the literature.
    pub call: Dataset,
    /// Per proposal of `call`: the advisers who wrote the paper, ascending.
    pub authors: Vec<Vec<AdviserIx>>,
    /// Researchers with at least `min_papers` papers.
    pub researchers_held: usize,
    /// Distinct papers held out.
    pub papers_held: usize,
    /// Held-out papers left out because none of their authors is a candidate.
    pub papers_without_candidate: usize,
}

/// Builds the held-out call of `ds` (see the module doc). Linear in the
/// size of the literature.
pub fn split(ds: &Dataset, opts: &HeldOutOptions) -> HeldOut {
    let n_pubs = ds.publications.len();
    let mut held = vec![false; n_pubs];
    let mut researchers_held = 0;
    for pubs in &ds.pubs_of {
        if pubs.len() < opts.min_papers.max(1) {
            continue;
        }
        researchers_held += 1;
        // pubs_of is ascending, so `max_by_key` (last maximum) takes the
        // last paper in file order among those of the latest year.
        if let Some(&latest) = pubs.iter().max_by_key(|&&p| ds.publications[p].year) {
            held[latest] = true;
        }
    }
    let papers_held = held.iter().filter(|&&h| h).count();

    // The literature without the held-out papers.
    let mut publications: Vec<Publication> = Vec::with_capacity(n_pubs - papers_held);
    let mut remaining = vec![0usize; ds.researchers.len()];
    for (p, publ) in ds.publications.iter().enumerate() {
        if !held[p] {
            for &r in &publ.authors {
                remaining[r] += 1;
            }
            publications.push(publ.clone());
        }
    }

    let area = Area {
        id: HELDOUT_AREA.to_string(),
        name: "Held-out papers".to_string(),
        program: HELDOUT_AREA.to_string(),
        description: String::new(),
        keywords: Vec::new(),
    };
    let mut adviser_of: HashMap<usize, AdviserIx> = HashMap::new();
    let mut advisers = Vec::new();
    for (r, &n) in remaining.iter().enumerate() {
        if n >= opts.min_remaining.max(1) {
            adviser_of.insert(r, advisers.len());
            advisers.push(crate::model::Adviser {
                researcher: r,
                areas: vec![0],
                max_load: opts.max_load,
            });
        }
    }

    let mut proposals = Vec::new();
    let mut authors = Vec::new();
    let mut papers_without_candidate = 0;
    for (p, publ) in ds.publications.iter().enumerate() {
        if !held[p] {
            continue;
        }
        let mut true_authors: Vec<AdviserIx> = publ
            .authors
            .iter()
            .filter_map(|r| adviser_of.get(r).copied())
            .collect();
        let Some(&first) = true_authors.first() else {
            papers_without_candidate += 1;
            continue;
        };
        let pi = advisers[first].researcher;
        true_authors.sort_unstable();
        true_authors.dedup();
        let members = std::iter::once(Member {
            researcher: pi,
            role: Role::Pi,
        })
        .chain(publ.authors.iter().filter(|&&r| r != pi).map(|&r| Member {
            researcher: r,
            role: Role::Collaborator,
        }))
        .collect();
        proposals.push(Proposal {
            id: format!("H-{}", publ.id),
            area: 0,
            title: publ.title.clone(),
            abstract_text: publ.abstract_text.clone(),
            keywords: publ.keywords.clone(),
            pi,
            year: publ.year,
            budget: None,
            members,
        });
        authors.push(true_authors);
    }

    let declared_conflicts = ds
        .declared_conflicts
        .iter()
        .filter(|c| matches!(c.target, DeclaredTarget::Researcher(_)))
        .cloned()
        .collect();
    let call = Dataset::new(Tables {
        institutions: ds.institutions.clone(),
        researchers: ds.researchers.clone(),
        areas: vec![area],
        advisers,
        proposals,
        publications,
        declared_conflicts,
        ..Tables::default()
    });
    HeldOut {
        call,
        authors,
        researchers_held,
        papers_held,
        papers_without_candidate,
    }
}

/// Where the true authors rank (every value in [0, 1]).
#[derive(Clone, Debug, PartialEq)]
pub struct RankReport {
    /// Mean over proposals of 1 / rank of the best-ranked true author.
    pub mrr: f64,
    /// Share of proposals with a true author within the first k.
    pub recall_at_1: f64,
    pub recall_at_5: f64,
    pub recall_at_10: f64,
    /// Median rank of the best-ranked true author.
    pub median_rank: f64,
    pub proposals: usize,
    pub candidates: usize,
}

/// The rank of the best true author in one proposal's list: advisers
/// scoring more come first; among equal scores the order is taken as
/// random, so the expected rank is `greater + 1 + others_tied / (true_tied + 1)`
/// (a list of zeros ranks the author in the middle, not first by ID).
/// Advisers missing from the list score 0.
pub fn best_rank(row: &[super::PairScore], truth: &[AdviserIx], n_candidates: usize) -> f64 {
    let is_true = |a: AdviserIx| truth.binary_search(&a).is_ok();
    let best = row
        .iter()
        .filter(|s| is_true(s.adviser))
        .map(|s| s.score)
        .fold(0.0f64, f64::max);
    let listed_true = row.iter().filter(|s| is_true(s.adviser)).count();
    let (mut greater, mut tied_true, mut tied_other) = (0usize, 0usize, 0usize);
    for s in row {
        if s.score > best {
            greater += 1;
        } else if s.score == best {
            if is_true(s.adviser) {
                tied_true += 1;
            } else {
                tied_other += 1;
            }
        }
    }
    if best == 0.0 {
        // Candidates not in the list score 0 too.
        let unlisted = n_candidates.saturating_sub(row.len());
        let unlisted_true = truth.len().saturating_sub(listed_true);
        tied_true += unlisted_true;
        tied_other += unlisted - unlisted_true.min(unlisted);
    }
    greater as f64 + 1.0 + tied_other as f64 / (tied_true.max(1)) as f64
}

/// MRR and recall@k of `m` (scored with `Keep::All` on `h.call`).
pub fn rank_report(m: &ScoreMatrix, h: &HeldOut) -> RankReport {
    let n_cand = h.call.advisers.len();
    let mut ranks: Vec<f64> = h
        .authors
        .iter()
        .enumerate()
        .map(|(p, truth)| {
            let row = m.per_proposal.get(p).map_or(&[][..], Vec::as_slice);
            best_rank(row, truth, n_cand)
        })
        .collect();
    let n = ranks.len();
    let mean = |f: &dyn Fn(f64) -> f64| {
        if n == 0 {
            0.0
        } else {
            ranks.iter().map(|&r| f(r)).sum::<f64>() / n as f64
        }
    };
    let at = |k: f64| mean(&|r| if r <= k { 1.0 } else { 0.0 });
    let (mrr, r1, r5, r10) = (mean(&|r| 1.0 / r), at(1.0), at(5.0), at(10.0));
    ranks.sort_by(f64::total_cmp);
    let median_rank = match n {
        0 => 0.0,
        _ if n % 2 == 1 => ranks[n / 2],
        _ => (ranks[n / 2 - 1] + ranks[n / 2]) / 2.0,
    };
    RankReport {
        mrr,
        recall_at_1: r1,
        recall_at_5: r5,
        recall_at_10: r10,
        median_rank,
        proposals: n,
        candidates: n_cand,
    }
}

/// One score band of [`calibration`].
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Scores in `[low, high)` (the last band includes 1).
    pub low: f64,
    pub high: f64,
    /// Proposal–adviser pairs in the band.
    pub pairs: usize,
    /// Of which the adviser wrote the paper.
    pub true_pairs: usize,
    /// Proposals whose best true author scores in the band.
    pub best_true: usize,
}

/// What a score means on the held-out benchmark: pairs per score band of
/// width `1/bands` and how many of them are author–paper pairs.
/// `score` picks the number to calibrate (the displayed score, the text
/// component, …).
pub fn calibration(
    m: &ScoreMatrix,
    h: &HeldOut,
    bands: usize,
    score: impl Fn(&super::PairScore) -> f64,
) -> Vec<Band> {
    let bands = bands.max(1);
    let mut out: Vec<Band> = (0..bands)
        .map(|i| Band {
            low: i as f64 / bands as f64,
            high: (i + 1) as f64 / bands as f64,
            pairs: 0,
            true_pairs: 0,
            best_true: 0,
        })
        .collect();
    let band_of = |s: f64| ((s.clamp(0.0, 1.0) * bands as f64) as usize).min(bands - 1);
    for (p, truth) in h.authors.iter().enumerate() {
        let Some(row) = m.per_proposal.get(p) else {
            continue;
        };
        let mut best: Option<f64> = None;
        for s in row {
            let x = score(s);
            let b = band_of(x);
            out[b].pairs += 1;
            if truth.binary_search(&s.adviser).is_ok() {
                out[b].true_pairs += 1;
                best = Some(best.map_or(x, |y: f64| y.max(x)));
            }
        }
        if let Some(x) = best {
            out[band_of(x)].best_true += 1;
        }
    }
    out
}

/// A held-out call that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteCallError {
    #[error("{0} exists and is not empty; --write-call needs a new or empty folder")]
    NotEmpty(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

crate::table_row! {
    /// One row of truth/heldout_authors.csv: a proposal of the held-out
    /// call and one of its true authors (an adviser of the call).
    pub struct HeldOutAuthorRow<'a> {
        pub proposal_id: &'a str,
        pub researcher_id: &'a str,
    }
}

/// Writes `dir/name` from rows `R` (the data folder's own row structs, so
/// the folder has every column the loader reads) and records its row count.
fn write_rows<R: CsvRow>(
    dir: &Path,
    name: &str,
    rows: impl IntoIterator<Item = R>,
    written: &mut Vec<(String, usize)>,
) -> Result<(), WriteCallError> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| WriteCallError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let f = std::fs::File::create(&path).map_err(|source| WriteCallError::Io {
        path: path.clone(),
        source,
    })?;
    let csv_err = |source| WriteCallError::Csv {
        path: path.clone(),
        source,
    };
    let mut w = crate::table::CsvWriter::new(std::io::BufWriter::new(f));
    w.header::<R>().map_err(csv_err)?;
    let mut n = 0;
    for r in rows {
        w.serialize(&r).map_err(csv_err)?;
        n += 1;
    }
    w.flush().map_err(|source| WriteCallError::Io {
        path: path.clone(),
        source,
    })?;
    written.push((name.to_string(), n));
    Ok(())
}

/// Writes `h.call` as a data folder (`institutions.csv`, `researchers.csv`,
/// `areas.csv`, `advisers.csv`, `proposals.csv`, `proposal_members.csv`,
/// `publications.csv`, `authorships.csv`, each with every column of the
/// loader's schema, and `truth/heldout_authors.csv`:
/// proposal_id,researcher_id) that `rdmatch run --data DIR` reads.
/// Returns each file written with its number of rows.
pub fn write_call(h: &HeldOut, dir: &Path) -> Result<Vec<(String, usize)>, WriteCallError> {
    if dir.is_dir()
        && std::fs::read_dir(dir)
            .map_err(|source| WriteCallError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .next()
            .is_some()
    {
        return Err(WriteCallError::NotEmpty(dir.to_path_buf()));
    }
    let ds = &h.call;
    let mut written = Vec::new();
    let join = |v: &[String]| v.join(";");
    write_rows(
        dir,
        "institutions.csv",
        ds.institutions.iter().map(|i| InstitutionRow {
            institution_id: &i.id,
            name: &i.name,
            sector: i.sector.as_str(),
            country: &i.country,
            region: i.region.as_deref().unwrap_or(""),
            ..Default::default()
        }),
        &mut written,
    )?;
    let keywords: Vec<String> = ds.researchers.iter().map(|r| join(&r.keywords)).collect();
    write_rows(
        dir,
        "researchers.csv",
        ds.researchers
            .iter()
            .zip(&keywords)
            .map(|(r, kw)| ResearcherRow {
                researcher_id: &r.id,
                name: &r.name,
                institution_id: &ds.institutions[r.institution].id,
                position: r.position.as_deref().unwrap_or(""),
                keywords: kw,
                orcid: r.orcid.as_deref().unwrap_or(""),
                ..Default::default()
            }),
        &mut written,
    )?;
    let keywords: Vec<String> = ds.areas.iter().map(|a| join(&a.keywords)).collect();
    write_rows(
        dir,
        "areas.csv",
        ds.areas.iter().zip(&keywords).map(|(a, kw)| AreaRow {
            area_id: &a.id,
            name: &a.name,
            program: &a.program,
            description: &a.description,
            keywords: kw,
        }),
        &mut written,
    )?;
    let cells: Vec<(String, String)> = ds
        .advisers
        .iter()
        .map(|a| {
            let areas: Vec<&str> = a.areas.iter().map(|&x| ds.areas[x].id.as_str()).collect();
            (areas.join(";"), a.max_load.to_string())
        })
        .collect();
    write_rows(
        dir,
        "advisers.csv",
        ds.advisers
            .iter()
            .zip(&cells)
            .map(|(a, (areas, max_load))| AdviserRow {
                researcher_id: &ds.researchers[a.researcher].id,
                area_ids: areas,
                max_load,
            }),
        &mut written,
    )?;
    let cells: Vec<(String, String)> = ds
        .proposals
        .iter()
        .map(|p| (join(&p.keywords), p.year.to_string()))
        .collect();
    write_rows(
        dir,
        "proposals.csv",
        ds.proposals
            .iter()
            .zip(&cells)
            .map(|(p, (kw, year))| ProposalRow {
                proposal_id: &p.id,
                area_id: &ds.areas[p.area].id,
                title: &p.title,
                r#abstract: &p.abstract_text,
                keywords: kw,
                pi_id: &ds.researchers[p.pi].id,
                year,
                ..Default::default()
            }),
        &mut written,
    )?;
    write_rows(
        dir,
        "proposal_members.csv",
        ds.proposals.iter().flat_map(|p| {
            p.members.iter().map(|m| MemberRow {
                proposal_id: &p.id,
                researcher_id: &ds.researchers[m.researcher].id,
                role: m.role.as_str(),
            })
        }),
        &mut written,
    )?;
    let cells: Vec<(String, String)> = ds
        .publications
        .iter()
        .map(|p| (p.year.to_string(), join(&p.keywords)))
        .collect();
    write_rows(
        dir,
        "publications.csv",
        ds.publications
            .iter()
            .zip(&cells)
            .map(|(p, (year, kw))| PublicationRow {
                publication_id: &p.id,
                year,
                title: &p.title,
                r#abstract: &p.abstract_text,
                keywords: kw,
                ..Default::default()
            }),
        &mut written,
    )?;
    write_rows(
        dir,
        "authorships.csv",
        ds.publications.iter().flat_map(|p| {
            p.authors.iter().map(|&r| AuthorshipRow {
                publication_id: &p.id,
                researcher_id: &ds.researchers[r].id,
            })
        }),
        &mut written,
    )?;
    write_rows(
        dir,
        "truth/heldout_authors.csv",
        ds.proposals.iter().zip(&h.authors).flat_map(|(p, t)| {
            t.iter().map(|&a| HeldOutAuthorRow {
                proposal_id: &p.id,
                researcher_id: &ds.researchers[ds.advisers[a].researcher].id,
            })
        }),
        &mut written,
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Institution, Researcher, Sector};
    use crate::score::PairScore;

    fn pair(a: AdviserIx, score: f64) -> PairScore {
        PairScore {
            adviser: a,
            score,
            text: score,
            keywords: 0.0,
            area: 0.0,
            top_terms: Vec::new(),
        }
    }

    /// Researchers 0..4; papers (id, year, authors).
    fn literature(papers: &[(&str, i32, &[usize])]) -> Dataset {
        let researchers = (0..5)
            .map(|i| Researcher {
                id: format!("R{i}"),
                name: format!("Researcher {i}"),
                institution: 0,
                position: None,
                keywords: Vec::new(),
                orcid: None,
                gender: None,
                region: None,
            })
            .collect();
        let publications = papers
            .iter()
            .map(|(id, year, authors)| Publication {
                id: id.to_string(),
                year: *year,
                title: format!("title {id}"),
                abstract_text: String::new(),
                keywords: Vec::new(),
                authors: authors.to_vec(),
            })
            .collect();
        Dataset::new(Tables {
            institutions: vec![Institution {
                id: "I0".into(),
                name: "Inst".into(),
                sector: Sector::Academia,
                country: "JP".into(),
                region: None,
            }],
            researchers,
            publications,
            ..Tables::default()
        })
    }

    #[test]
    fn latest_paper_is_held_out_and_leaves_every_profile() {
        // R0: W1 2015, W2 2016, W3 2018 (with R1) → W3 held out.
        // R1: W3, W4 2017, W5 2017 → latest is W3 too (one proposal).
        // R2: W6, W7 (2 papers: not held out, a candidate).
        // R3: W4 only after the split... W4 is R1's; R3 has W8 only.
        let ds = literature(&[
            ("W1", 2015, &[0]),
            ("W2", 2016, &[0]),
            ("W3", 2018, &[0, 1]),
            ("W4", 2017, &[1]),
            ("W5", 2017, &[1, 3]),
            ("W6", 2010, &[2]),
            ("W7", 2011, &[2]),
            ("W8", 2011, &[3]),
        ]);
        let h = split(&ds, &HeldOutOptions::default());
        assert_eq!(h.researchers_held, 2);
        assert_eq!(h.papers_held, 1);
        assert_eq!(h.call.publications.len(), 7);
        assert!(h.call.publications.iter().all(|p| p.id != "W3"));
        // Candidates: R0 (2 left), R1 (2 left), R2 (2); R3 has 2 too (W5, W8).
        let cands: Vec<&str> = (0..h.call.advisers.len())
            .map(|a| h.call.adviser_id(a))
            .collect();
        assert_eq!(cands, vec!["R0", "R1", "R2", "R3"]);
        assert_eq!(h.call.proposals.len(), 1);
        let p = &h.call.proposals[0];
        assert_eq!((p.id.as_str(), p.year, p.pi), ("H-W3", 2018, 0));
        assert_eq!(h.authors, vec![vec![0, 1]]);
        assert_eq!(p.members.len(), 2);
    }

    #[test]
    fn ties_in_year_take_the_last_paper_and_no_candidate_means_no_query() {
        // R0 has 3 papers of 2019 (the last, W3, is held out); W3's only
        // author R0 keeps 2 papers, so W3 is a query.
        // R1 has 3 papers; W6 is held out but R1 keeps 2 → query.
        let ds = literature(&[
            ("W1", 2019, &[0]),
            ("W2", 2019, &[0]),
            ("W3", 2019, &[0]),
            ("W4", 2001, &[1]),
            ("W5", 2002, &[1]),
            ("W6", 2003, &[1]),
        ]);
        let opts = HeldOutOptions {
            min_remaining: 3,
            ..HeldOutOptions::default()
        };
        let h = split(&ds, &opts);
        assert_eq!(h.papers_held, 2);
        // Nobody keeps 3 papers: no candidates, no queries.
        assert_eq!(h.call.advisers.len(), 0);
        assert_eq!(h.papers_without_candidate, 2);
        let h = split(&ds, &HeldOutOptions::default());
        let ids: Vec<&str> = h.call.proposals.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, vec!["H-W3", "H-W6"]);
    }

    #[test]
    fn ranks_mrr_and_recall_by_hand() {
        // Three candidates. Proposal 0: author 2 ranks 2nd → 1/2.
        // Proposal 1: author 0 first → 1. Proposal 2: all zero (three
        // tied, one true) → expected rank 1 + 2/1 = 3 → 1/3.
        let h = HeldOut {
            call: Dataset::new(Tables {
                advisers: (0..3)
                    .map(|r| crate::model::Adviser {
                        researcher: r,
                        areas: vec![0],
                        max_load: 1,
                    })
                    .collect(),
                researchers: literature(&[]).researchers,
                ..Tables::default()
            }),
            authors: vec![vec![2], vec![0], vec![1]],
            researchers_held: 3,
            papers_held: 3,
            papers_without_candidate: 0,
        };
        let m = ScoreMatrix {
            per_proposal: vec![
                vec![pair(0, 0.9), pair(2, 0.5), pair(1, 0.1)],
                vec![pair(0, 0.7), pair(1, 0.2), pair(2, 0.0)],
                vec![],
            ],
        };
        let r = rank_report(&m, &h);
        assert!(
            (r.mrr - (0.5 + 1.0 + 1.0 / 3.0) / 3.0).abs() < 1e-12,
            "{r:?}"
        );
        assert!((r.recall_at_1 - 1.0 / 3.0).abs() < 1e-12);
        assert!((r.recall_at_5 - 1.0).abs() < 1e-12);
        assert_eq!(r.median_rank, 2.0);
        // A tie with the author: 2 others tied, 1 true → rank 1 + 2/2 = 2.
        let row = [pair(0, 0.5), pair(1, 0.5), pair(2, 0.5), pair(3, 0.5)];
        assert_eq!(best_rank(&row, &[1, 2], 4), 2.0);
        let bands = calibration(&m, &h, 10, |s| s.score);
        assert_eq!(bands.iter().map(|b| b.pairs).sum::<usize>(), 6);
        assert_eq!(bands[9].pairs, 1);
        assert_eq!(bands[5].true_pairs, 1);
        assert_eq!(bands[7].best_true, 1);
    }
}
