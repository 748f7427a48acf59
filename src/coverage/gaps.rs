//! Topic gaps (what proposals of an area ask for that no eligible adviser
//! carries) and idle advisers (whom no proposal needs).
//!
//! A proposal's *items* are its `gap_proposal_terms` strongest profile terms
//! and all its keyword phrases, both in [`normalize_keyword`] form. An
//! adviser *carries* an item with relative weight `w / w_max` (the item's
//! weight in the adviser's profile over the adviser's largest weight, so 0–1
//! whatever the scorer's scale), or 1 when it is one of the adviser's
//! declared keywords. An item is a gap for the proposal when the best
//! relative weight over the proposal's eligible advisers is below
//! `gap_weak_weight`. Per area, gaps are ranked by proposals affected
//! (descending), then best adviser weight (ascending: least carried first),
//! then the term.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::CoverageConfig;
use crate::model::{AdviserIx, ProposalIx};
use crate::text::{for_each_word, normalize_keyword, Analyzer};

use super::CoverageInput;

/// Where a gap term comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GapSource {
    /// A term of the proposals' text profiles.
    Term,
    /// A keyword phrase the proposals declare.
    Keyword,
    /// Both, in the area's proposals.
    Both,
}

impl GapSource {
    pub fn as_str(self) -> &'static str {
        match self {
            GapSource::Term => "term",
            GapSource::Keyword => "keyword",
            GapSource::Both => "both",
        }
    }
    fn from_bits(b: u8) -> GapSource {
        match b {
            TERM => GapSource::Term,
            KEYWORD => GapSource::Keyword,
            _ => GapSource::Both,
        }
    }
}

const TERM: u8 = 1;
const KEYWORD: u8 = 2;
/// Example proposal IDs listed per gap.
const EXAMPLES: usize = 3;

/// A gap term of an area (`coverage_gaps.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GapTerm {
    pub area_id: String,
    /// 1 = most proposals affected.
    pub rank: usize,
    pub term: String,
    pub source: GapSource,
    /// Proposals of the area for which the term is a gap.
    pub proposals_affected: usize,
    /// Highest relative weight (0–1, below `gap_weak_weight`) any eligible
    /// adviser of an affected proposal gives the term; 0 = nobody carries it.
    pub best_adviser_weight: f64,
    /// Up to three affected proposal IDs, ascending.
    pub example_proposals: Vec<String>,
}

/// Dense term IDs for the strings of one run.
#[derive(Default)]
struct Vocab {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Vocab {
    fn intern(&mut self, s: String) -> u32 {
        if let Some(&id) = self.ids.get(&s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.clone());
        self.ids.insert(s, id);
        id
    }
}

/// Gap terms of every area, areas in dataset order, at most `gap_terms` each.
pub fn gap_terms(
    input: &CoverageInput,
    by_area: &[Vec<ProposalIx>],
    cfg: &CoverageConfig,
) -> Vec<GapTerm> {
    let ds = input.ds;
    // Proposal items: normalise in parallel, intern sequentially.
    let proposal_items: Vec<Vec<(String, u8)>> = (0..ds.proposals.len())
        .into_par_iter()
        .map(|p| {
            let mut terms: Vec<(String, f64)> = input
                .proposal_terms
                .get(p)
                .map(|t| t.iter().map(|(s, w)| (norm(s), *w)).collect())
                .unwrap_or_default();
            terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let mut v: Vec<(String, u8)> = terms
                .into_iter()
                .take(cfg.gap_proposal_terms)
                .map(|(s, _)| (s, TERM))
                .collect();
            v.extend(ds.proposals[p].keywords.iter().map(|k| (norm(k), KEYWORD)));
            v.retain(|(s, _)| !s.is_empty());
            v
        })
        .collect();
    let mut vocab = Vocab::default();
    let items: Vec<Vec<(u32, u8)>> = proposal_items
        .into_iter()
        .map(|it| {
            let mut v: Vec<(u32, u8)> = it.into_iter().map(|(s, b)| (vocab.intern(s), b)).collect();
            v.sort_unstable_by_key(|x| x.0);
            // Merge duplicates, OR-ing their sources.
            let mut out: Vec<(u32, u8)> = Vec::with_capacity(v.len());
            for (id, b) in v {
                match out.last_mut() {
                    Some(last) if last.0 == id => last.1 |= b,
                    _ => out.push((id, b)),
                }
            }
            out
        })
        .collect();

    // Adviser profiles keep only terms some proposal checks (the rest can
    // never close a gap), as (term, relative weight) sorted by term. Raw
    // strings repeat across advisers, so each is normalised once.
    let mut cache: HashMap<&str, Option<u32>> = HashMap::new();
    let profiles: Vec<Vec<(u32, f64)>> = (0..ds.advisers.len())
        .map(|a| {
            let terms = input.adviser_terms.get(a).map(Vec::as_slice).unwrap_or(&[]);
            let wmax = terms.iter().map(|t| t.1).fold(0.0, f64::max);
            let kws = &ds.researchers[ds.advisers[a].researcher].keywords;
            let weighted = terms
                .iter()
                .filter(|_| wmax > 0.0)
                .filter(|t| t.1 > 0.0)
                .map(|(t, w)| (t.as_str(), w / wmax))
                .chain(kws.iter().map(|k| (k.as_str(), 1.0)));
            let mut v: Vec<(u32, f64)> = weighted
                .filter_map(|(s, w)| {
                    let id = *cache
                        .entry(s)
                        .or_insert_with(|| vocab.ids.get(&norm(s)).copied());
                    id.map(|id| (id, w))
                })
                .collect();
            // Sort by term, strongest first, keep the strongest per term.
            v.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.total_cmp(&a.1)));
            v.dedup_by_key(|x| x.0);
            v
        })
        .collect();

    // Per proposal: (term, source bits, best relative weight) of each gap.
    let mut gaps: Vec<Vec<(u32, u8, f64)>> = (0..ds.proposals.len())
        .into_par_iter()
        .map(|p| {
            let best = best_weights(&profiles, &input.eligible[p], &items[p]);
            items[p]
                .iter()
                .zip(best)
                .filter(|(_, best)| *best < cfg.gap_weak_weight)
                .map(|(&(id, bits), best)| (id, bits, best))
                .collect()
        })
        .collect();
    recheck_by_words(input, &vocab, &mut gaps, cfg.gap_weak_weight);
    by_area
        .par_iter()
        .enumerate()
        .flat_map_iter(|(a, props)| {
            struct Agg {
                count: usize,
                best: f64,
                bits: u8,
                props: Vec<ProposalIx>,
            }
            let mut agg: BTreeMap<u32, Agg> = BTreeMap::new();
            for &p in props {
                for &(id, bits, best) in &gaps[p] {
                    let e = agg.entry(id).or_insert(Agg {
                        count: 0,
                        best: 0.0,
                        bits: 0,
                        props: Vec::new(),
                    });
                    e.count += 1;
                    e.best = e.best.max(best);
                    e.bits |= bits;
                    e.props.push(p);
                }
            }
            let mut rows: Vec<(u32, Agg)> = agg.into_iter().collect();
            rows.sort_by(|x, y| {
                y.1.count
                    .cmp(&x.1.count)
                    .then_with(|| x.1.best.total_cmp(&y.1.best))
                    .then_with(|| vocab.names[x.0 as usize].cmp(&vocab.names[y.0 as usize]))
            });
            rows.truncate(cfg.gap_terms);
            let area_id = &ds.areas[a].id;
            let names = &vocab.names;
            rows.into_iter().enumerate().map(move |(i, (id, g))| {
                let mut ex: Vec<String> = g
                    .props
                    .iter()
                    .map(|&p| ds.proposals[p].id.clone())
                    .collect();
                ex.sort();
                ex.truncate(EXAMPLES);
                GapTerm {
                    area_id: area_id.clone(),
                    rank: i + 1,
                    term: names[id as usize].clone(),
                    source: GapSource::from_bits(g.bits),
                    proposals_affected: g.count,
                    best_adviser_weight: g.best,
                    example_proposals: ex,
                }
            })
        })
        .collect()
}

/// Drops the gaps an eligible adviser's whole profile does carry, word by
/// word: an item is carried with the smallest relative weight of its words
/// (each matched by stem, so "neutralising antibodies" is carried by a
/// paper on "broadly neutralising antibody responses", and "antibodies" by
/// an adviser whose readable word is "antibody"). Generic research words
/// (`text::is_english_stop_word`) are never gaps.
fn recheck_by_words(
    input: &CoverageInput,
    vocab: &Vocab,
    gaps: &mut [Vec<(u32, u8, f64)>],
    weak: f64,
) {
    let an = Analyzer::new();
    let stems_of = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for_each_word(s, |w| v.push(an.term(w).into_owned()));
        v
    };
    // Stems of the candidate gap items.
    let mut stem_ids: HashMap<String, u32> = HashMap::new();
    let mut item_stems: HashMap<u32, Vec<u32>> = HashMap::new();
    for list in gaps.iter() {
        for &(id, _, _) in list {
            item_stems.entry(id).or_insert_with(|| {
                let mut v: Vec<u32> = stems_of(&vocab.names[id as usize])
                    .into_iter()
                    .map(|st| {
                        let next = stem_ids.len() as u32;
                        *stem_ids.entry(st).or_insert(next)
                    })
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            });
        }
    }
    if item_stems.is_empty() {
        return;
    }
    let ds = input.ds;
    let mut surface_stems: HashMap<&str, Vec<u32>> = HashMap::new();
    let profiles: Vec<Vec<(u32, f64)>> = (0..ds.advisers.len())
        .map(|a| {
            let terms = input.adviser_terms.get(a).map(Vec::as_slice).unwrap_or(&[]);
            let wmax = terms.iter().map(|t| t.1).fold(0.0, f64::max);
            let kws = &ds.researchers[ds.advisers[a].researcher].keywords;
            let weighted = terms
                .iter()
                .filter(|t| wmax > 0.0 && t.1 > 0.0)
                .map(|(t, w)| (t.as_str(), w / wmax))
                .chain(kws.iter().map(|k| (k.as_str(), 1.0)));
            let mut v: Vec<(u32, f64)> = Vec::new();
            for (s, w) in weighted {
                let st = surface_stems.entry(s).or_insert_with(|| {
                    stems_of(s)
                        .into_iter()
                        .filter_map(|x| stem_ids.get(&x).copied())
                        .collect()
                });
                v.extend(st.iter().map(|&x| (x, w)));
            }
            v.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.total_cmp(&a.1)));
            v.dedup_by_key(|x| x.0);
            v
        })
        .collect();
    let weight = |a: AdviserIx, stem: u32| {
        profiles[a]
            .binary_search_by_key(&stem, |x| x.0)
            .map_or(0.0, |i| profiles[a][i].1)
    };
    for (p, list) in gaps.iter_mut().enumerate() {
        list.retain_mut(|(id, _, best)| {
            let stems = &item_stems[id];
            if stems.is_empty() || stems.len() == 1 && is_generic(&vocab.names[*id as usize]) {
                return false;
            }
            let carried = input.eligible[p]
                .iter()
                .map(|&(a, _)| {
                    stems
                        .iter()
                        .map(|&st| weight(a, st))
                        .fold(f64::INFINITY, f64::min)
                })
                .fold(0.0, f64::max);
            *best = best.max(carried);
            carried < weak
        });
    }
}

/// A one-word item that names no expertise (a stop or research-genre word).
fn is_generic(item: &str) -> bool {
    crate::text::is_english_stop_word(item)
}

/// [`normalize_keyword`] with a fast path: NFKC leaves ASCII unchanged and
/// ASCII lower-casing equals Unicode lower-casing on ASCII, so plain ASCII
/// needs only case folding and space collapsing (same result, no NFKC pass).
fn norm(s: &str) -> String {
    if !s.is_ascii() {
        return normalize_keyword(s);
    }
    let clean = s
        .bytes()
        .all(|b| b == b' ' || ((0x21..=0x7e).contains(&b) && !b.is_ascii_uppercase()))
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ");
    if clean {
        s.to_string()
    } else {
        normalize_keyword(s)
    }
}

/// Best relative weight of each item (sorted by term) over the eligible
/// advisers, 0 where nobody carries it. One merge of two sorted lists per
/// adviser: O(eligible × (items + profile length)), sequential memory.
fn best_weights(
    profiles: &[Vec<(u32, f64)>],
    eligible: &[(AdviserIx, f64)],
    items: &[(u32, u8)],
) -> Vec<f64> {
    let mut best = vec![0.0f64; items.len()];
    for &(a, _) in eligible {
        let prof = &profiles[a];
        let (mut i, mut j) = (0, 0);
        while i < items.len() && j < prof.len() {
            match items[i].0.cmp(&prof[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    best[i] = best[i].max(prof[j].1);
                    i += 1;
                    j += 1;
                }
            }
        }
    }
    best
}

/// An adviser with no pair at or above the threshold
/// (`coverage_idle_advisers.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IdleAdviser {
    pub adviser_id: String,
    /// Area IDs the adviser serves.
    pub areas: Vec<String>,
    pub max_load: u32,
    /// Proposals whose eligible list names the adviser.
    pub eligible_proposals: usize,
    /// Best score in any eligible list (< threshold); `None` if never eligible.
    pub best_score: Option<f64>,
    /// The adviser's five strongest profile terms (what their expertise is).
    pub top_terms: Vec<String>,
}

/// Advisers whose expertise no proposal of this call needs, by adviser ID.
/// Linear in the total length of the eligible lists.
pub fn idle_advisers(input: &CoverageInput, thr: f64) -> Vec<IdleAdviser> {
    let ds = input.ds;
    let n = ds.advisers.len();
    let mut best: Vec<Option<f64>> = vec![None; n];
    let mut count = vec![0usize; n];
    for &(a, s) in input.eligible.iter().flatten() {
        count[a] += 1;
        best[a] = Some(best[a].map_or(s, |b: f64| b.max(s)));
    }
    let mut out: Vec<IdleAdviser> = (0..n)
        .filter(|&a| best[a].is_none_or(|b| b < thr))
        .map(|a| {
            let mut terms: Vec<&(String, f64)> = input
                .adviser_terms
                .get(a)
                .map(|t| t.iter().collect())
                .unwrap_or_default();
            terms.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            IdleAdviser {
                adviser_id: ds.adviser_id(a).to_string(),
                areas: ds.advisers[a]
                    .areas
                    .iter()
                    .map(|&x| ds.areas[x].id.clone())
                    .collect(),
                max_load: ds.advisers[a].max_load,
                eligible_proposals: count[a],
                best_score: best[a],
                top_terms: terms.into_iter().take(5).map(|t| t.0.clone()).collect(),
            }
        })
        .collect();
    out.sort_by(|x, y| x.adviser_id.cmp(&y.adviser_id));
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;
    use crate::coverage::aggregate::group_rows;

    fn run(cfg: &CoverageConfig) -> Vec<(String, String, &'static str, usize, f64, String)> {
        let ds = dataset();
        let inp = input(&ds);
        let by_area = group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());
        gap_terms(&inp, &by_area, cfg)
            .into_iter()
            .map(|g| {
                (
                    g.area_id,
                    g.term,
                    g.source.as_str(),
                    g.proposals_affected,
                    g.best_adviser_weight,
                    g.example_proposals.join(";"),
                )
            })
            .collect()
    }

    fn row(
        a: &str,
        t: &str,
        s: &'static str,
        n: usize,
        w: f64,
        ex: &str,
    ) -> (String, String, &'static str, usize, f64, String) {
        (a.into(), t.into(), s, n, w, ex.into())
    }

    #[test]
    fn gaps_by_hand() {
        // P1 (eligible A0 A1 A2): "vector" .5 (A0 .5/1), "gene" 1, "gene
        // therapy" 1 (A0 declares "Gene Therapy") are carried; "liver" only
        // .1 (< .2) and "aav" 0 are gaps. P2 (eligible A1 A0): "zebrafish" is
        // carried only by A2, who is not eligible → gap; "aav" gap again.
        // P3 has no eligible adviser: "tcell" and "immunology" are gaps.
        let got = run(&cfg());
        assert_eq!(
            got,
            vec![
                row("AR1", "aav", "keyword", 2, 0.0, "P1;P2"),
                row("AR1", "zebrafish", "term", 1, 0.0, "P2"),
                row("AR1", "liver", "term", 1, 0.1, "P1"),
                row("AR2", "immunology", "keyword", 1, 0.0, "P3"),
                row("AR2", "tcell", "term", 1, 0.0, "P3"),
            ]
        );
    }

    /// The false gap: `neutralising antibodies` was listed as carried
    /// by no adviser while an eligible adviser's paper title said "broadly
    /// neutralising antibodies" (the profile holds the words, not the
    /// keyword phrase).
    #[test]
    fn neutralising_antibodies_false_gap_regression() {
        let ds = dataset();
        let mut inp = input(&ds);
        for p in 0..ds.proposals.len() {
            inp.proposal_terms[p].push(("neutralising antibodies".into(), 0.9));
            inp.proposal_terms[p].push(("accelerate".into(), 0.8));
        }
        // Every proposal's eligible advisers: give the first one the words
        // of the phrase (as the scorer's readable surfaces write them).
        for p in 0..ds.proposals.len() {
            if let Some(&(a, _)) = inp.eligible[p].first() {
                inp.adviser_terms[a].push(("neutralising".into(), 1.0));
                inp.adviser_terms[a].push(("antibody".into(), 1.0));
            }
        }
        let mut c = cfg();
        c.gap_proposal_terms = 100;
        let by_area = group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());
        let gaps = gap_terms(&inp, &by_area, &c);
        let with_eligible: Vec<&GapTerm> = gaps
            .iter()
            .filter(|g| g.term == "neutralising antibodies")
            .collect();
        // Only the proposal without eligible advisers keeps the gap.
        assert!(
            with_eligible.iter().all(|g| g.area_id == "AR2"),
            "{with_eligible:?}"
        );
        assert!(!with_eligible.is_empty());
        assert!(!gaps.iter().any(|g| g.term == "accelerate"), "{gaps:?}");
    }

    #[test]
    fn limits_apply() {
        // Only the top 2 terms of each proposal: P1's "liver" (3rd) is not
        // checked; one gap per area.
        let mut c = cfg();
        c.gap_proposal_terms = 2;
        assert!(!run(&c).iter().any(|r| r.1 == "liver"));
        c.gap_terms = 1;
        let got = run(&c);
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].1.as_str(), got[1].1.as_str()),
            ("aav", "immunology")
        );
        // A lower weak-weight makes .1 count as carried.
        let mut c = cfg();
        c.gap_weak_weight = 0.05;
        assert!(!run(&c).iter().any(|r| r.1 == "liver"));
    }

    #[test]
    fn fast_normalisation_matches_the_shared_one() {
        for s in [
            "gene therapy",
            "Gene  Therapy",
            " aav",
            "a\tb",
            "a\u{b}b",
            "ｇｅｎｅ",
            "がん 免疫",
            "",
            "x ",
        ] {
            assert_eq!(norm(s), normalize_keyword(s), "{s:?}");
        }
    }

    #[test]
    fn idle_by_hand() {
        let ds = dataset();
        let idle = idle_advisers(&input(&ds), 0.3);
        assert_eq!(idle.len(), 1);
        let a = &idle[0];
        assert_eq!(
            (a.adviser_id.as_str(), a.max_load, a.eligible_proposals),
            ("R6", 4, 1)
        );
        assert_eq!(
            (a.best_score, a.areas.clone(), a.top_terms.clone()),
            (Some(0.1), vec!["AR2".into()], vec!["zebrafish".into()])
        );
        // At threshold .05 A2 is an expert for P1 → nobody idle.
        assert!(idle_advisers(&input(&ds), 0.05).is_empty());
    }
}
