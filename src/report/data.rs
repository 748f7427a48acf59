//! The plain data every report format renders.
//!
//! Strings and numbers only, so the lead fills it from the stage outputs and
//! tests fill it by hand. Order is kept as given: the caller sorts (areas and
//! proposals by ID, advisers by score then ID) so the formats never re-sort and
//! stay consistent with each other.

/// Everything a report shows. See the module docs of [`crate::report`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportData {
    pub run: RunInfo,
    pub headline: Headline,
    /// Warnings of the run, already worded for people (the count in
    /// [`Headline::warnings`] may be larger if the caller capped this list).
    pub warnings: Vec<String>,
    /// Assignment by area, in display order.
    pub areas: Vec<AreaAssignment>,
    /// One coverage row per area, in display order.
    pub coverage: Vec<AreaCoverage>,
    /// Proposals with too little expertise among eligible advisers.
    pub at_risk: Vec<ProposalAtRisk>,
    pub network: NetworkSummary,
    pub data_quality: DataQuality,
    /// `None`: there was no previous run to compare with (first run).
    /// `Some(c)` with `c.is_empty()`: compared, nothing changed.
    pub changes: Option<ChangeSet>,
    /// Every adviser with load, areas and the proposals they got (the
    /// adviser view), by researcher ID.
    pub adviser_loads: Vec<AdviserLoad>,
    /// Portfolio tables: the whole call first, then each area.
    pub portfolio: Vec<PortfolioRow>,
    /// The pair-score weights in force, as `(component, weight)`.
    pub score_weights: Vec<(String, f64)>,
    pub charts: Vec<ChartImage>,
    /// Why no assignment exists, with the numbers (from `assign`'s
    /// diagnosis). `Some` means the run was infeasible.
    pub infeasibility: Option<String>,
    /// The conflict-of-interest section (see [`super::conflicts`]).
    pub conflicts: super::conflicts::ConflictSection,
}

/// What was run, on what, when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunInfo {
    /// e.g. `20261126T230501Z` (see [`crate::report::run_id`]).
    pub run_id: String,
    /// `env!("CARGO_PKG_VERSION")` of the binary.
    pub rdmatch_version: String,
    /// The data folder as given on the command line.
    pub data_dir: String,
    /// The config in force, as TOML (`Config::to_toml`).
    pub config_toml: String,
    /// Start time as text, e.g. RFC 3339 `2026-11-26T23:05:01Z`; passed in so
    /// outputs are reproducible in tests.
    pub started: String,
}

/// The headline figures shown at the top of every format and in summary.json.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headline {
    pub proposals: usize,
    pub advisers: usize,
    pub researchers: usize,
    /// Adviser–proposal pairs in the assignment.
    pub assigned_pairs: usize,
    /// Sum of pair scores over the assignment (each score in [0, 1]).
    pub total_score: f64,
    /// Smallest per-proposal total (the PeerReview4All fairness figure).
    pub weakest_proposal_total: f64,
    /// `assign.objective` as written in the config (e.g. `total`, `fair`).
    pub objective: String,
    /// Overall coverage ratio in [0, 1] (proposals with at least K experts).
    pub coverage_ratio: f64,
    /// Proposals with at least K experts.
    pub covered_proposals: usize,
    /// `coverage.expertise_threshold` in force.
    pub expertise_threshold: f64,
    /// Expert places the whole call can fill at once, and Σ K.
    pub usable_capacity: u64,
    pub demand: u64,
    /// usable_capacity / demand; `None` when demand is 0.
    pub capacity_ratio: Option<f64>,
    /// IDs of the under-covered areas, in display order.
    pub under_covered_areas: Vec<String>,
    /// Adviser–proposal pairs excluded by conflict-of-interest rules.
    pub conflicts_excluded: usize,
    /// Number of warnings raised by the run.
    pub warnings: usize,
    /// The fair objective's proven upper bound on the weakest proposal
    /// total, the gap to it and whether the weakest is proven optimal;
    /// `None` for the total objective.
    pub fair: Option<FairBound>,
    /// Randomised mode: expected score against the deterministic optimum
    /// and the largest pair probability; `None` for a deterministic run.
    pub randomized: Option<super::randomized::RandomizedView>,
    /// Panel rules: the path taken and the rules met (solver.json `panel`);
    /// `None` without `[[panel.rules]]`.
    pub panel: Option<serde_json::Value>,
}

/// See [`Headline::fair`].
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct FairBound {
    pub upper_bound: f64,
    pub gap: f64,
    pub exact: bool,
}

/// Proposals of one R&D area and their assigned advisers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AreaAssignment {
    pub area_id: String,
    pub area_name: String,
    pub proposals: Vec<ProposalAssignment>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProposalAssignment {
    pub proposal_id: String,
    pub title: String,
    /// Reviewers the proposal needs (K).
    pub k: u32,
    /// Assigned advisers (empty when none could be assigned).
    pub advisers: Vec<AssignedAdviser>,
    /// The next best eligible, unassigned advisers (`assign.alternates`).
    pub alternates: Vec<AssignedAdviser>,
    /// Why the proposal is at risk, when it is (coverage's reason).
    pub at_risk: Option<String>,
}

impl ProposalAssignment {
    /// Sum of the assigned advisers' scores (the proposal's total).
    pub fn total(&self) -> f64 {
        // An empty f64 sum is -0.0; adding 0.0 makes it 0.
        self.advisers.iter().map(|a| a.score).sum::<f64>() + 0.0
    }
}

/// One adviser on one proposal, with the reasons for the match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssignedAdviser {
    /// The adviser's researcher ID.
    pub researcher_id: String,
    pub name: String,
    pub institution: String,
    /// Combined pair score in [0, 1].
    pub score: f64,
    /// Score components by name (e.g. `text`, `keywords`, `network`), each in
    /// [0, 1], in a fixed order chosen by the caller.
    pub components: Vec<(String, f64)>,
    /// Terms shared by the proposal and the adviser's profile (the "why").
    pub shared_terms: Vec<String>,
    /// Rank among the proposal's eligible advisers (1 = best); 0 = unknown.
    pub rank: usize,
    /// Warnings on the pair that did not exclude it (e.g. two co-authorship
    /// hops apart), worded for people.
    pub flags: Vec<String>,
    /// A must lock (locks file or a PO's keep/add edit) holds the pair.
    pub locked: bool,
    /// Where the lock came from, for the PO: `PO edit: added
    /// (assignment.xlsx[…]!row 7)` or `locks file`; empty when not locked.
    pub lock_source: String,
}

/// One row of the coverage table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AreaCoverage {
    pub area_id: String,
    pub area_name: String,
    pub proposals: usize,
    /// Advisers serving the area.
    pub advisers: usize,
    /// Proposals with at least K experts (eligible advisers scoring at or
    /// above `coverage.expertise_threshold`).
    pub covered_proposals: usize,
    /// covered_proposals / proposals in [0, 1].
    pub coverage_ratio: f64,
    /// Distinct experts for at least one of the area's proposals.
    pub expert_advisers: usize,
    /// Shared figure: Σ max load of those experts, each in full.
    pub shared_capacity: u64,
    /// Exclusive figure: Σ max load of experts no other area needs.
    pub exclusive_capacity: u64,
    /// Expert places the area can fill with every other area served too.
    pub usable_capacity: u64,
    /// Σ K over the area's proposals.
    pub demand: u64,
    /// usable_capacity / demand in [0, 1]; `None` when demand is 0.
    pub capacity_ratio: Option<f64>,
    /// Mean of each proposal's mean top-K eligible score.
    pub mean_best_k: Option<f64>,
    pub at_risk: usize,
    /// Some proposal has fewer than K experts, or usable capacity < demand.
    pub under_covered: bool,
    /// Proposal terms that no eligible adviser's profile contains, most
    /// frequent first.
    pub gap_terms: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProposalAtRisk {
    pub proposal_id: String,
    pub title: String,
    pub area_id: String,
    /// Best eligible adviser score in [0, 1] (0 when none is eligible).
    pub best_score: f64,
    /// Why it is at risk, worded for people.
    pub reason: String,
}

/// Collaboration-network figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkSummary {
    /// Labelled figures in display order, values already formatted by the
    /// caller (e.g. `("Average clustering", "0.5706")`), so `network` decides
    /// the precision of each.
    pub figures: Vec<(String, String)>,
    /// Researchers with the highest betweenness, highest first.
    pub top_brokers: Vec<Broker>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Broker {
    pub researcher_id: String,
    pub name: String,
    pub institution: String,
    /// Normalised betweenness centrality in [0, 1].
    pub betweenness: f64,
    pub degree: usize,
}

/// What loading accepted and rejected.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataQuality {
    pub files: Vec<FileQuality>,
    /// Each as `file:line: field: message` text.
    pub warnings: Vec<String>,
    /// Rows left out of the run (`--keep-going`), in file order.
    pub dropped: Vec<DroppedRowView>,
}

/// One row the run went on without, and why.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct DroppedRowView {
    pub file: String,
    /// `researchers.csv:17` or `researchers.xlsx[Sheet1]:row 17`.
    pub location: String,
    pub reasons: Vec<String>,
    /// Left out only because it refers to a left-out row of this file.
    pub because_of: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileQuality {
    /// File name, e.g. `researchers.csv`.
    pub file: String,
    /// How it was read: `UTF-8, comma-separated`, `xlsx, sheet Sheet1`.
    pub format: String,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

/// One adviser: load, areas served and the proposals they got.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdviserLoad {
    pub researcher_id: String,
    pub name: String,
    pub assigned: u32,
    pub max_load: u32,
    pub institution: String,
    pub sector: String,
    /// IDs of the areas the adviser serves.
    pub areas: Vec<String>,
    /// Proposals assigned to the adviser, by proposal ID.
    pub proposals: Vec<AdviserProposal>,
}

/// A proposal in the adviser view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdviserProposal {
    pub proposal_id: String,
    pub title: String,
    pub area_id: String,
    /// Pair score in [0, 1].
    pub score: f64,
}

/// The portfolio of one scope (the whole call or one area), taken from the
/// coverage stage's mix (`coverage_mix.csv`, `coverage_concentration.csv`,
/// `coverage_teams.csv`), with a sentence per table saying what it means.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PortfolioRow {
    /// `None` for the whole call.
    pub area_id: Option<String>,
    /// "Whole call" or the area's name.
    pub label: String,
    pub applicant_sectors: Mix,
    pub adviser_sectors: Mix,
    pub applicant_institutions: Mix,
    pub adviser_institutions: Mix,
    pub teams: Teams,
    /// What the sector table says for this scope.
    pub sector_reading: String,
    /// What the institution table says for this scope.
    pub institution_reading: String,
    /// What the team table says for this scope.
    pub team_reading: String,
}

/// A distribution over categories with its concentration figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mix {
    /// `(category, count, share)`, count descending.
    pub categories: Vec<(String, usize, f64)>,
    pub total: usize,
    /// `None` when nothing was counted.
    pub hhi: Option<f64>,
    pub effective_hhi: Option<f64>,
    pub entropy: Option<f64>,
    pub effective_entropy: Option<f64>,
}

impl Mix {
    /// Share of a named category (0 when absent).
    pub fn share(&self, name: &str) -> f64 {
        self.categories
            .iter()
            .find(|c| c.0 == name)
            .map_or(0.0, |c| c.2)
    }
}

/// Teams that cross boundaries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Teams {
    pub proposals: usize,
    pub multi_institution: usize,
    pub multi_institution_share: Option<f64>,
    pub multi_sector: usize,
    pub multi_sector_share: Option<f64>,
    pub academia_industry: usize,
    pub academia_industry_share: Option<f64>,
}

/// A chart as drawn by `charts`: both an SVG (for HTML) and a PNG.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartImage {
    /// File stem, e.g. `coverage_by_area` (the lead writes
    /// `charts/<name>.svg` and `.png`; report.md links to the SVG).
    pub name: String,
    pub title: String,
    /// SVG markup (may be empty when only a PNG exists).
    pub svg: String,
    /// PNG bytes (may be empty when only an SVG exists).
    pub png: Vec<u8>,
}

/// What changed since the previous run (see [`crate::report::changes`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChangeSet {
    /// The run compared with (its folder name).
    pub previous_run: String,
    /// Files of either run that could not be read, worded for people; the
    /// comparison covers what could be read.
    pub notes: Vec<String>,
    /// Proposal IDs present now but not before, sorted.
    pub new_proposals: Vec<String>,
    /// Proposal IDs present before but not now, sorted.
    pub withdrawn_proposals: Vec<String>,
    /// Proposals present in both runs whose advisers changed, by proposal ID.
    pub changed_assignments: Vec<AssignmentChange>,
    /// Areas whose coverage ratio changed (by more than 1e-9), by area ID.
    pub coverage_changes: Vec<CoverageChange>,
    /// Advisers in this run's pool but not the previous one (loads.csv of
    /// both runs), sorted.
    pub advisers_joined: Vec<String>,
    /// Advisers in the previous pool but not this one, sorted.
    pub advisers_left: Vec<String>,
}

impl ChangeSet {
    /// True when the runs agree on proposals, assignments and coverage.
    /// (Notes about unreadable files do not count as changes.)
    pub fn is_empty(&self) -> bool {
        self.new_proposals.is_empty()
            && self.withdrawn_proposals.is_empty()
            && self.changed_assignments.is_empty()
            && self.coverage_changes.is_empty()
            && self.advisers_joined.is_empty()
            && self.advisers_left.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssignmentChange {
    pub proposal_id: String,
    /// Researcher IDs of the advisers, sorted.
    pub before: Vec<String>,
    pub after: Vec<String>,
}

impl AssignmentChange {
    /// Advisers on the proposal now who were not before.
    pub fn joined(&self) -> Vec<&str> {
        self.after
            .iter()
            .filter(|a| !self.before.contains(a))
            .map(String::as_str)
            .collect()
    }

    /// Advisers on the proposal before who are not now.
    pub fn left(&self) -> Vec<&str> {
        self.before
            .iter()
            .filter(|a| !self.after.contains(a))
            .map(String::as_str)
            .collect()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoverageChange {
    pub area_id: String,
    /// `None` when the area did not exist in that run.
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// `x` rounded to `decimals`, with a negative zero (an empty sum, or a tiny
/// negative rounding residue) written as `0`.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A score or ratio with 3 decimals, the display precision of every format.
pub(crate) fn f3(x: f64) -> String {
    fixed(x, 3)
}

/// A ratio in [0, 1] as a percentage with one decimal.
pub(crate) fn pct(x: f64) -> String {
    format!("{}%", fixed(x * 100.0, 1))
}

/// An optional ratio as a percentage, `–` when undefined.
pub(crate) fn opt_pct(x: Option<f64>) -> String {
    x.map(pct).unwrap_or_else(|| "–".into())
}

/// `before → after` of a coverage change, `–` for a missing side.
pub(crate) fn opt_f3(x: Option<f64>) -> String {
    x.map(f3).unwrap_or_else(|| "–".into())
}
