//! Collaboration by publication year: how many co-authorship ties each
//! year's papers make and what share of them cross institutions and
//! sectors — the trend a program that wants "frameworks across
//! organisational boundaries" looks for.
//!
//! A tie of year `y` is a distinct pair of researchers with at least one
//! joint paper published in `y` (a pair active in three years counts in
//! each). Shares are of those ties, in [0, 1]; `None` for a year without
//! ties. Cost `O(P log P)` for `P` author pairs.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::Dataset;

/// One publication year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearRow {
    pub year: i32,
    pub publications: u64,
    /// Publications with two or more authors.
    pub coauthored_publications: u64,
    /// Distinct co-author pairs of the year.
    pub ties: u64,
    pub cross_institution_share: Option<f64>,
    pub cross_sector_share: Option<f64>,
}

/// Publications, co-authored publications and author pairs of one year.
type YearAcc = (u64, u64, Vec<(u32, u32)>);

/// Rows for every year with a publication, ascending.
pub fn year_rows(ds: &Dataset) -> Vec<YearRow> {
    let mut by_year: BTreeMap<i32, YearAcc> = BTreeMap::new();
    for p in &ds.publications {
        let e = by_year.entry(p.year).or_default();
        e.0 += 1;
        let mut a = p.authors.clone();
        a.sort_unstable();
        a.dedup();
        if a.len() > 1 {
            e.1 += 1;
        }
        for (i, &x) in a.iter().enumerate() {
            for &y in &a[i + 1..] {
                // Invariant: researcher indexes fit u32 (the graph uses u32).
                e.2.push((x as u32, y as u32));
            }
        }
    }
    let years: Vec<(i32, YearAcc)> = by_year.into_iter().collect();
    years
        .into_par_iter()
        .map(|(year, (publications, coauthored, mut pairs))| {
            pairs.sort_unstable();
            pairs.dedup();
            let (mut ci, mut cs) = (0u64, 0u64);
            for &(u, v) in &pairs {
                let (ru, rv) = (&ds.researchers[u as usize], &ds.researchers[v as usize]);
                ci += (ru.institution != rv.institution) as u64;
                cs += (ds.sector_of(u as usize) != ds.sector_of(v as usize)) as u64;
            }
            let t = pairs.len() as u64;
            let share = |x: u64| (t > 0).then(|| x as f64 / t as f64);
            YearRow {
                year,
                publications,
                coauthored_publications: coauthored,
                ties: t,
                cross_institution_share: share(ci),
                cross_sector_share: share(cs),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{institution, publication, researcher};
    use crate::model::{Sector, Tables};

    #[test]
    fn ties_and_shares_by_hand() {
        let ds = Dataset::new(Tables {
            institutions: vec![
                institution("U", Sector::Academia),
                institution("V", Sector::Academia),
                institution("C", Sector::Industry),
            ],
            researchers: vec![
                researcher("a", 0),
                researcher("b", 0),
                researcher("c", 1),
                researcher("d", 2),
            ],
            publications: vec![
                publication("W1", 2020, &[0, 1, 2]),
                publication("W2", 2020, &[1, 0]),
                publication("W3", 2021, &[3]),
                publication("W4", 2021, &[0, 3]),
            ],
            ..Default::default()
        });
        let r = year_rows(&ds);
        assert_eq!(r.len(), 2);
        // 2020: pairs ab, ac, bc (ab twice counts once); ac, bc cross institutions.
        assert_eq!(
            (
                r[0].year,
                r[0].publications,
                r[0].coauthored_publications,
                r[0].ties
            ),
            (2020, 2, 2, 3)
        );
        assert_eq!(r[0].cross_institution_share, Some(2.0 / 3.0));
        assert_eq!(r[0].cross_sector_share, Some(0.0));
        // 2021: one tie a–d, academia–industry.
        assert_eq!((r[1].ties, r[1].coauthored_publications), (1, 1));
        assert_eq!(r[1].cross_sector_share, Some(1.0));
    }
}
