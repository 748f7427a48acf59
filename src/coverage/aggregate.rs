//! Group-by aggregations over plain vectors.
//!
//! Every roll-up the coverage stage needs (per area, sector, institution,
//! program, position) goes through the few functions below, so they can later
//! be swapped for polars frames one for one. Each function names its polars
//! equivalent. All outputs are ordered (`BTreeMap` or sorted vectors), never
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

/// `df.group_by([key]).agg(len())`: how many rows have each key.
pub fn count_by<K: Ord>(keys: impl IntoIterator<Item = K>) -> BTreeMap<K, usize> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

/// `df.group_by([key]).agg(col(value).sum())`: the sum of a value per key.
pub fn sum_by<K: Ord>(rows: impl IntoIterator<Item = (K, f64)>) -> BTreeMap<K, f64> {
    let mut out = BTreeMap::new();
    for (k, v) in rows {
        *out.entry(k).or_insert(0.0) += v;
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
        let s = sum_by([(1, 2.0), (0, 1.0), (1, 0.5)]);
        assert_eq!(s.into_iter().collect::<Vec<_>>(), vec![(0, 1.0), (1, 2.5)]);
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
