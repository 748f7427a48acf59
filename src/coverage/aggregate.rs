//! Group-by aggregations.
//!
//! Every roll-up the coverage stage needs (per area, sector, institution,
//! program, position) goes through the few functions below. Proposals and
//! budget by program and area are grouped by polars
//! ([`count_and_budget_by`]); the small integer-keyed counts stay on plain
//! vectors, where a frame would cost more than the count, and each names its
//! polars equivalent. All outputs are ordered (`BTreeMap` or sorted vectors), never
//! hash order, so reports are deterministic.
//!
//! Concentration indicators follow the standard formulas (see
//! `/work/shared/domain-notes.md`, "Indicators"): with shares `s_i` in [0, 1]
//! summing to 1,
//! - Herfindahl–Hirschman index `HHI = Σ s_i²` in (0, 1]; 1 = one category
//!   holds everything; effective number `1 / HHI` in [1, categories];
//! - Shannon entropy `H = −Σ s_i ln s_i` (nats) in [0, ln categories];
//!   effective number `e^H` in [1, categories] (Hill number of order 1).

use std::collections::BTreeMap;

use serde::Serialize;

/// Rows and budget sum per key, sorted by key: the keys are grouped by
/// polars' hash group-by (`group_tuples`, the grouping under
/// `df.group_by(["key"])`), and each group's budgets are summed in row
/// order. A row without a budget counts but adds nothing to its key's sum.
///
/// The eager grouping is polars-core's; the lazy engine's `agg([len(),
/// sum()])` would do the same work but needs the `lazy` feature, whose
/// query planner and executors cost a cold build about 5 of its 17 minutes
/// (docs/benchmarks.md, "Cold build").
pub fn count_and_budget_by(
    rows: &[(String, Option<f64>)],
) -> polars::prelude::PolarsResult<Vec<(String, usize, f64)>> {
    use polars::prelude::*;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let keys: StringChunked = rows.iter().map(|r| Some(r.0.as_str())).collect();
    let mut out = Vec::new();
    let mut group = |members: &mut dyn Iterator<Item = usize>, first: usize| {
        let (mut n, mut budget) = (0usize, 0.0f64);
        for j in members {
            n += 1;
            budget += rows[j].1.unwrap_or(0.0);
        }
        out.push((rows[first].0.clone(), n, budget));
    };
    match keys.group_tuples(true, false)? {
        GroupsType::Idx(groups) => {
            for (first, all) in groups.iter() {
                group(&mut all.iter().map(|&j| j as usize), first as usize);
            }
        }
        GroupsType::Slice { groups, .. } => {
            for &[first, len] in groups.iter() {
                group(
                    &mut (first as usize..(first + len) as usize),
                    first as usize,
                );
            }
        }
    }
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// `df.group_by([key]).agg(len())`: how many rows have each key.
pub fn count_by<K: Ord>(keys: impl IntoIterator<Item = K>) -> BTreeMap<K, usize> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

/// `df.partition_by([key])` on dense keys: the row positions of each group
/// `0..n_groups`, ascending. Keys must be `< n_groups` (an invariant of the
/// caller: they are dataset indexes).
pub fn group_rows(keys: impl IntoIterator<Item = usize>, n_groups: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); n_groups];
    for (row, k) in keys.into_iter().enumerate() {
        out[k].push(row);
    }
    out
}

/// `series.unique()`: the distinct values, ascending.
pub fn distinct(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Concentration of a distribution over categories.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Concentration {
    /// Items counted (the denominator of the shares).
    pub total: usize,
    /// Categories with at least one item.
    pub categories: usize,
    /// `Σ s_i²`, in (0, 1].
    pub hhi: f64,
    /// `1 / HHI`, in [1, categories].
    pub effective_hhi: f64,
    /// `−Σ s_i ln s_i` in nats, in [0, ln categories].
    pub entropy: f64,
    /// `e^H`, in [1, categories].
    pub effective_entropy: f64,
}

/// HHI, Shannon entropy and both effective numbers of a list of counts
/// (zero counts are ignored: `0 ln 0 = 0`). `None` when all counts are 0,
/// since shares are then undefined.
///
/// polars: `(col(c) / col(c).sum()).pow(2).sum()` and
/// `-(s * s.log(E)).sum()` over the grouped counts.
pub fn concentration(counts: impl IntoIterator<Item = usize>) -> Option<Concentration> {
    let counts: Vec<usize> = counts.into_iter().filter(|&c| c > 0).collect();
    let total: usize = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let t = total as f64;
    let mut hhi = 0.0;
    let mut entropy = 0.0;
    for &c in &counts {
        let s = c as f64 / t;
        hhi += s * s;
        entropy -= s * s.ln();
    }
    // A single category gives -1·ln 1 = -0.0; report it as 0.
    let entropy = entropy.max(0.0);
    Some(Concentration {
        total,
        categories: counts.len(),
        hhi,
        effective_hhi: 1.0 / hhi,
        entropy,
        effective_entropy: entropy.exp(),
    })
}

/// `part / whole`, or `None` when `whole` is 0 (a share of nothing is
/// undefined, not 0).
pub fn ratio(part: f64, whole: f64) -> Option<f64> {
    if whole > 0.0 {
        Some(part / whole)
    } else {
        None
    }
}

/// `col(x).mean()` over the present values; `None` when none is present.
pub fn mean(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0usize);
    for v in values.into_iter().flatten() {
        s += v;
        n += 1;
    }
    ratio(s, n as f64)
}

#[cfg(test)]
mod frame_tests {
    use super::*;

    #[test]
    fn count_and_budget_by_key_on_a_frame() {
        let rows = vec![
            ("CREST".to_string(), Some(10.0)),
            ("PRIME".to_string(), None),
            ("CREST".to_string(), Some(5.5)),
            ("PRIME".to_string(), Some(2.0)),
            ("LEAP".to_string(), None),
        ];
        let got = count_and_budget_by(&rows).unwrap();
        assert_eq!(
            got,
            vec![
                ("CREST".to_string(), 2, 15.5),
                ("LEAP".to_string(), 1, 0.0),
                ("PRIME".to_string(), 2, 2.0),
            ]
        );
        assert!(count_and_budget_by(&[]).unwrap().is_empty());
    }

    proptest::proptest! {
        /// The polars grouping gives what a sorted map gives: every key
        /// once, in order, with its row count and its budgets summed in row
        /// order (the same additions, so the same bits).
        #[test]
        fn count_and_budget_by_matches_a_sorted_map(
            rows in proptest::collection::vec(
                ("[A-E]{1,2}", proptest::option::of(0.0f64..1e6)),
                1..200,
            )
        ) {
            let mut want: std::collections::BTreeMap<&str, (usize, f64)> = Default::default();
            for (k, b) in &rows {
                let e = want.entry(k.as_str()).or_insert((0, 0.0));
                e.0 += 1;
                e.1 += b.unwrap_or(0.0);
            }
            let want: Vec<(String, usize, f64)> =
                want.into_iter().map(|(k, (n, b))| (k.to_string(), n, b)).collect();
            proptest::prop_assert_eq!(count_and_budget_by(&rows).unwrap(), want);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hhi_and_entropy_by_hand() {
        // Shares 1/2, 1/4, 1/4: HHI = 1/4 + 1/16 + 1/16 = 3/8, 1/HHI = 8/3;
        // H = ln2/2 + 2·ln4/4 = 1.5 ln 2, e^H = 2^1.5 = 2.828427...
        let c = concentration([2, 1, 1, 0]).unwrap();
        assert_eq!((c.total, c.categories), (4, 3));
        assert!(close(c.hhi, 0.375));
        assert!(close(c.effective_hhi, 8.0 / 3.0));
        assert!(close(c.entropy, 1.5 * 2f64.ln()));
        assert!(close(c.effective_entropy, 2f64.powf(1.5)));
    }

    #[test]
    fn even_and_single_category_extremes() {
        // n equal categories: HHI = 1/n, both effective numbers = n.
        let c = concentration([5, 5, 5, 5]).unwrap();
        assert!(close(c.hhi, 0.25) && close(c.effective_hhi, 4.0));
        assert!(close(c.entropy, 4f64.ln()) && close(c.effective_entropy, 4.0));
        let one = concentration([7]).unwrap();
        assert!(close(one.hhi, 1.0) && one.entropy == 0.0 && close(one.effective_entropy, 1.0));
        assert!(concentration([0, 0]).is_none());
        assert!(concentration(Vec::new()).is_none());
    }

    #[test]
    fn group_helpers() {
        let c = count_by(["b", "a", "b"]);
        assert_eq!(c.into_iter().collect::<Vec<_>>(), vec![("a", 1), ("b", 2)]);
        assert_eq!(
            group_rows([1, 0, 1, 2], 4),
            vec![vec![1], vec![0, 2], vec![3], vec![]]
        );
        assert_eq!(distinct(vec![3, 1, 3, 2, 1]), vec![1, 2, 3]);
        assert_eq!(mean([Some(1.0), None, Some(2.0)]), Some(1.5));
        assert_eq!(mean([None]), None);
        assert_eq!(ratio(1.0, 0.0), None);
    }
}
