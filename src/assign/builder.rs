//! Building a [`Problem`] from IDs, scores, exclusions and locks.
//!
//! The core of both problem builders: the lead's (from the `Dataset`,
//! score matrix and conflicts) and [`super::problem_from_files`]. Callers
//! register exclusions and locks first, then stream scores: excluded pairs
//! are dropped on arrival, and each proposal's list is compacted to its best
//! `candidates_per_proposal` (plus locked pairs) as it grows, so a dense
//! 10k × 10k score matrix never has to be held as pairs.

use std::cmp::Ordering;

use super::{Candidate, IneligibleCounts, Problem};

/// Why an adviser may not review a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exclusion {
    /// Conflict of interest (declared or detected).
    Conflict,
    /// The adviser does not serve the proposal's area (`restrict_to_areas`).
    Area,
    /// A must-not lock set by the PS/PO.
    Lock,
}

/// Incremental builder; see the module doc. Defaults: every adviser is its
/// own institution and academic, no quotas, no one-per-institution rule.
#[derive(Clone, Debug)]
pub struct ProblemBuilder {
    p: Problem,
    keep: usize,
    /// Per proposal: (adviser, reason), sorted by adviser once `seal`ed.
    excluded: Vec<Vec<(usize, Exclusion)>>,
    /// Whether `excluded[p]` is sorted and deduplicated (for binary search).
    sealed: Vec<bool>,
    pending: Vec<Vec<Candidate>>,
    /// Per proposal: exclusions counted but not listed by adviser
    /// ([`ProblemBuilder::exclude_count`]).
    counted: Vec<IneligibleCounts>,
}

impl ProblemBuilder {
    /// `candidates_per_proposal = 0` keeps every eligible pair. Every
    /// proposal starts with demand `k`, every adviser with loads
    /// `[min_load, max_load]`.
    pub fn new(
        proposal_ids: Vec<String>,
        adviser_ids: Vec<String>,
        k: u32,
        min_load: u32,
        max_load: u32,
        candidates_per_proposal: usize,
    ) -> ProblemBuilder {
        let np = proposal_ids.len();
        let na = adviser_ids.len();
        ProblemBuilder {
            p: Problem {
                demand: vec![k; np],
                min_load: vec![min_load; na],
                max_load: vec![max_load; na],
                candidates: vec![Vec::new(); np],
                adviser_institution: (0..na as u32).collect(),
                adviser_non_academic: vec![false; na],
                one_per_institution: false,
                min_non_academic: vec![0; np],
                must: Vec::new(),
                ineligible: vec![IneligibleCounts::default(); np],
                proposal_area: Vec::new(),
                previous: Vec::new(),
                stability_weight: 0.0,
                panel: Default::default(),
                proposal_ids,
                adviser_ids,
            },
            keep: candidates_per_proposal,
            excluded: vec![Vec::new(); np],
            sealed: vec![true; np],
            pending: vec![Vec::new(); np],
            counted: vec![IneligibleCounts::default(); np],
        }
    }

    pub fn set_demand(&mut self, proposal: usize, k: u32) {
        self.p.demand[proposal] = k;
    }

    pub fn set_loads(&mut self, adviser: usize, min_load: u32, max_load: u32) {
        self.p.min_load[adviser] = min_load;
        self.p.max_load[adviser] = max_load;
    }

    /// Institution key (any number, equal = same institution) and sector.
    pub fn set_adviser_institution(
        &mut self,
        adviser: usize,
        institution: u32,
        non_academic: bool,
    ) {
        self.p.adviser_institution[adviser] = institution;
        self.p.adviser_non_academic[adviser] = non_academic;
    }

    /// The proposal's area ID (named by the diagnosis).
    pub fn set_area(&mut self, proposal: usize, area: &str) {
        let np = self.p.proposal_ids.len();
        self.p.proposal_area.resize(np, String::new());
        self.p.proposal_area[proposal] = area.to_string();
    }

    pub fn set_one_per_institution(&mut self, on: bool) {
        self.p.one_per_institution = on;
    }

    /// Panel composition rules (attributes per adviser, compiled rules).
    pub fn set_panel(&mut self, rules: super::panel::PanelRules) {
        self.p.panel = rules;
    }

    pub fn set_min_non_academic(&mut self, proposal: usize, quota: u32) {
        self.p.min_non_academic[proposal] = quota;
    }

    /// Marks a pair ineligible. Call before `add_score` for that proposal.
    pub fn exclude(&mut self, proposal: usize, adviser: usize, why: Exclusion) {
        self.excluded[proposal].push((adviser, why));
        self.sealed[proposal] = false;
    }

    /// Marks a pair of a previous assignment (kept through compaction; see
    /// [`Problem::previous`]). Call before `add_score` for that proposal.
    pub fn previous(&mut self, proposal: usize, adviser: usize, weight: f64) {
        self.p.stability_weight = weight;
        if !self.p.previous.contains(&(proposal, adviser)) {
            self.p.previous.push((proposal, adviser));
        }
    }

    /// Locks a pair in. Call before `add_score` for that proposal.
    pub fn lock(&mut self, proposal: usize, adviser: usize) {
        if !self.p.must.contains(&(proposal, adviser)) {
            self.p.must.push((proposal, adviser));
        }
    }

    fn is_excluded(&mut self, proposal: usize, adviser: usize) -> bool {
        let ex = &mut self.excluded[proposal];
        if !self.sealed[proposal] {
            ex.sort();
            ex.dedup_by_key(|e| e.0); // first reason in enum order wins
            self.sealed[proposal] = true;
        }
        ex.binary_search_by_key(&adviser, |e| e.0).is_ok()
    }

    /// Offers a scored pair (score in `[0, 1]`); dropped if excluded.
    pub fn add_score(&mut self, proposal: usize, adviser: usize, score: f64) {
        if self.is_excluded(proposal, adviser) {
            return;
        }
        self.pending[proposal].push(Candidate { adviser, score });
        let n = self.keep;
        if n > 0 && self.pending[proposal].len() > 4 * n + 64 {
            self.compact(proposal);
        }
    }

    /// Keeps the best `keep` candidates plus locked ones.
    fn compact(&mut self, proposal: usize) {
        let ids = &self.p.adviser_ids;
        let list = &mut self.pending[proposal];
        list.sort_by(|x, y| by_score_then_id(x, y, ids));
        if self.keep == 0 || list.len() <= self.keep {
            return;
        }
        let locked: Vec<usize> = self
            .p
            .must
            .iter()
            .chain(&self.p.previous)
            .filter(|m| m.0 == proposal)
            .map(|m| m.1)
            .collect();
        let mut i = 0;
        list.retain(|c| {
            i += 1;
            i <= self.keep || locked.contains(&c.adviser)
        });
    }

    /// Finishes the problem: candidates sorted by score desc then ID,
    /// each adviser once (best score kept), ineligible counts filled in.
    /// Counts `n` advisers as ineligible for `proposal` without listing
    /// them. For exclusions too numerous to list pair by pair (advisers who do
    /// not serve the proposal's area: up to proposals × advisers pairs). The
    /// caller guarantees these advisers never reach [`add_score`](Self::add_score)
    /// for this proposal and are disjoint from the listed exclusions.
    pub fn exclude_count(&mut self, proposal: usize, why: Exclusion, n: u32) {
        let c = &mut self.counted[proposal];
        match why {
            Exclusion::Conflict => c.conflict += n,
            Exclusion::Area => c.area += n,
            Exclusion::Lock => c.lock += n,
        }
    }

    pub fn build(mut self) -> Problem {
        let np = self.p.proposal_ids.len();
        let na = self.p.adviser_ids.len();
        for pp in 0..np {
            // One entry per adviser, best score kept.
            let list = &mut self.pending[pp];
            list.sort_by(|x, y| x.adviser.cmp(&y.adviser).then(y.score.total_cmp(&x.score)));
            list.dedup_by_key(|c| c.adviser);
            self.compact(pp);
            let mut ex = std::mem::take(&mut self.excluded[pp]);
            ex.sort();
            ex.dedup_by_key(|e| e.0); // first reason in enum order wins
            let mut counts = self.counted[pp];
            let unlisted = (counts.conflict + counts.area + counts.lock) as usize;
            for &(_, why) in &ex {
                match why {
                    Exclusion::Conflict => counts.conflict += 1,
                    Exclusion::Area => counts.area += 1,
                    Exclusion::Lock => counts.lock += 1,
                }
            }
            let kept = self.pending[pp].len();
            counts.truncated = na.saturating_sub(ex.len() + unlisted).saturating_sub(kept) as u32;
            self.p.ineligible[pp] = counts;
            self.p.candidates[pp] = std::mem::take(&mut self.pending[pp]);
        }
        // A previous pair that is no longer eligible is not kept.
        let cands = &self.p.candidates;
        self.p
            .previous
            .retain(|&(pp, a)| cands[pp].iter().any(|c| c.adviser == a));
        self.p
    }
}

fn by_score_then_id(x: &Candidate, y: &Candidate, ids: &[String]) -> Ordering {
    y.score
        .total_cmp(&x.score)
        .then_with(|| ids[x.adviser].cmp(&ids[y.adviser]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    #[test]
    fn exclusions_counted_once_and_truncation_keeps_locks() {
        let mut b = ProblemBuilder::new(ids("P", 1), ids("A", 6), 1, 0, 2, 2);
        b.exclude(0, 0, Exclusion::Area);
        b.exclude(0, 0, Exclusion::Conflict); // conflict wins
        b.exclude(0, 1, Exclusion::Lock);
        b.lock(0, 5);
        for a in 0..6 {
            b.add_score(0, a, 1.0 - a as f64 / 10.0);
        }
        let p = b.build();
        let got: Vec<usize> = p.candidates[0].iter().map(|c| c.adviser).collect();
        assert_eq!(got, vec![2, 3, 5]); // best two + the locked one
        let c = p.ineligible[0];
        assert_eq!((c.conflict, c.area, c.lock, c.truncated), (1, 0, 1, 1));
    }

    #[test]
    fn counted_exclusions_add_to_listed_ones() {
        let mut b = ProblemBuilder::new(ids("P", 1), ids("A", 10), 1, 0, 2, 0);
        b.exclude_count(0, Exclusion::Area, 6);
        b.exclude(0, 6, Exclusion::Conflict);
        for a in 7..10 {
            b.add_score(0, a, 0.5);
        }
        let c = b.build().ineligible[0];
        assert_eq!((c.conflict, c.area, c.lock, c.truncated), (1, 6, 0, 0));
    }

    #[test]
    fn compaction_is_order_independent() {
        let build = |order: &[usize]| {
            let mut b = ProblemBuilder::new(ids("P", 1), ids("A", 200), 1, 0, 2, 3);
            for &a in order {
                b.add_score(0, a, ((a * 37) % 11) as f64 / 10.0);
            }
            b.build().candidates
        };
        let fwd: Vec<usize> = (0..200).collect();
        let rev: Vec<usize> = (0..200).rev().collect();
        assert_eq!(build(&fwd), build(&rev));
        assert_eq!(build(&fwd)[0].len(), 3);
    }
}
