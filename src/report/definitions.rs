//! The one definition of each figure the reports show. report.html and
//! report.md quote these beside the figure, assignment.xlsx lists them in
//! its `Notes` sheet, and docs/outputs.md carries the same text (checked by
//! tests/docs.rs); tests in [`super::build`] check each against what the
//! coverage and assignment stages compute on a hand-made call.

/// A named definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Definition {
    /// Stable key (anchor `def-<key>` in report.html).
    pub key: &'static str,
    /// The figure's name as shown.
    pub term: &'static str,
    pub text: &'static str,
}

pub const SCORE: Definition = Definition {
    key: "score",
    term: "Score",
    text: "a pair score in [0, 1]: weight_text × text similarity + weight_keywords × keyword overlap + weight_area × area match (1 when the adviser serves the proposal's area). With the default weights (0.95, 0.05, 0) the area match is not in the score (it is the `area` column): 0 means nothing in common, 0.2 a shared topic, 0.4 and above the adviser's own field (docs/benchmarks.md, calibration).",
};

pub const EXPERT: Definition = Definition {
    key: "expert",
    term: "Expert",
    text: "an eligible adviser (no conflict of interest, serving the proposal's area) whose score for the proposal is at or above the expertise threshold (coverage.expertise_threshold).",
};

pub const COVERAGE: Definition = Definition {
    key: "coverage",
    term: "Coverage",
    text: "the share of proposals that have at least K experts, K being the number of advisers the proposal needs; an area without proposals counts as covered.",
};

pub const CAPACITY: Definition = Definition {
    key: "capacity",
    term: "Capacity ratio",
    text: "usable capacity / demand, in [0, 1]. Demand is the sum of K over the proposals. Usable capacity is the number of expert places the proposals can fill at once while every other area is also served as well as it can be, each adviser's max load counted once across all areas and each adviser on a proposal at most once (a maximum flow). 1 means every proposal can get K experts at the same time; 0.8 means a fifth of the places cannot be filled with experts. Shared capacity (the sum of the experts' max loads, an adviser shared with other areas counted in full in each) and exclusive capacity (the sum of the max loads of experts no other area's proposals need) are shown beside it; neither is a promise. An area is under-covered when coverage is below 100% or usable capacity is below demand.",
};

pub const WEAKEST: Definition = Definition {
    key: "weakest",
    term: "Weakest proposal total",
    text: "the smallest, over all proposals, of the sum of the scores of the proposal's assigned advisers (the figure the fair objective raises); 0 when a proposal got no adviser or no assignment exists.",
};

pub const HHI: Definition = Definition {
    key: "hhi",
    term: "HHI",
    text: "the Herfindahl–Hirschman index Σ sᵢ² over the shares sᵢ (0–1) of the categories (sectors or institutions); 1 when one category holds everyone, 1/n when n categories hold equal shares.",
};

pub const ENTROPY: Definition = Definition {
    key: "entropy",
    term: "Entropy",
    text: "Shannon entropy H = −Σ sᵢ ln sᵢ over the same shares, in nats; 0 when one category holds everyone, ln n when n categories hold equal shares.",
};

pub const EFFECTIVE: Definition = Definition {
    key: "effective",
    term: "Effective number",
    text: "1/HHI and e^H: how many equally large categories would give the same HHI or entropy. Compared with the number of categories present, a small effective number means a few categories dominate.",
};

/// Every definition, in the order the Notes sheet and docs list them.
pub const ALL: [Definition; 8] = [
    SCORE, EXPERT, COVERAGE, CAPACITY, WEAKEST, HHI, ENTROPY, EFFECTIVE,
];
