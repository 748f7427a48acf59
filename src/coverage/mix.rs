//! Portfolio mix: who applies and who advises, by sector, institution and
//! career stage; proposals and budget by program and area; teams that cross
//! institutions and sectors. Concentration indicators (HHI, Shannon entropy,
//! effective numbers) come from [`aggregate::concentration`].

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{Dataset, ProposalIx, ResearcherIx, Sector};
use crate::text::normalize_keyword;

use super::aggregate::{self, concentration, count_by, distinct, ratio, Concentration};
use super::CoverageError;

/// The mix of one scope: the whole call (`area_id` = `None`) or one area.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScopeMix {
    /// `None` for the whole call.
    pub area_id: Option<String>,
    pub distributions: Vec<Distribution>,
    pub teams: TeamMix,
}

/// Counts of a population over the categories of one dimension.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distribution {
    /// `applicants` (distinct proposal members), `advisers` (advisers serving
    /// the scope), or `proposals`.
    pub population: String,
    /// `sector`, `institution` (ID), `position` (normalised, only where
    /// given), `program`, `area` (ID).
    pub dimension: String,
    /// Count descending, then name.
    pub categories: Vec<Category>,
    /// `None` when nothing was counted.
    pub concentration: Option<Concentration>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Category {
    pub name: String,
    pub count: usize,
    /// count / total counted, in [0, 1].
    pub share: f64,
    /// Proposals only: Σ budget of the category's proposals that state one.
    pub budget: Option<f64>,
    /// Proposals only: budget / Σ budget; `None` when no budget is given.
    pub budget_share: Option<f64>,
}

/// Teams crossing boundaries. Shares are of the scope's proposals, in [0, 1],
/// `None` without proposals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamMix {
    pub proposals: usize,
    /// Members from ≥ 2 institutions.
    pub multi_institution: usize,
    pub multi_institution_share: Option<f64>,
    /// Members from ≥ 2 sectors.
    pub multi_sector: usize,
    pub multi_sector_share: Option<f64>,
    /// At least one academic and one industry member.
    pub academia_industry: usize,
    pub academia_industry_share: Option<f64>,
}

/// Overall mix first, then one per area in dataset order.
pub fn portfolio_mix(
    ds: &Dataset,
    by_area: &[Vec<ProposalIx>],
) -> Result<Vec<ScopeMix>, CoverageError> {
    let flags: Vec<(bool, bool, bool)> =
        ds.proposals.par_iter().map(|p| team_flags(ds, p)).collect();
    let all: Vec<ProposalIx> = (0..ds.proposals.len()).collect();
    let all_advisers: Vec<ResearcherIx> = ds.advisers.iter().map(|a| a.researcher).collect();
    let mut overall = scope(ds, None, &all, all_advisers, &flags);
    let budget_rows = |key: &dyn Fn(ProposalIx) -> String| -> Vec<(String, Option<f64>)> {
        all.iter()
            .map(|&p| (key(p), ds.proposals[p].budget))
            .collect()
    };
    overall.distributions.push(budget_distribution(
        "program",
        budget_rows(&|p| ds.areas[ds.proposals[p].area].program.clone()),
    )?);
    overall.distributions.push(budget_distribution(
        "area",
        budget_rows(&|p| ds.areas[ds.proposals[p].area].id.clone()),
    )?);
    let areas: Vec<ScopeMix> = (0..ds.areas.len())
        .into_par_iter()
        .map(|a| {
            let advisers = ds
                .advisers
                .iter()
                .filter(|x| x.areas.contains(&a))
                .map(|x| x.researcher)
                .collect();
            scope(
                ds,
                Some(ds.areas[a].id.clone()),
                &by_area[a],
                advisers,
                &flags,
            )
        })
        .collect();
    Ok(std::iter::once(overall).chain(areas).collect())
}

fn scope(
    ds: &Dataset,
    area_id: Option<String>,
    props: &[ProposalIx],
    advisers: Vec<ResearcherIx>,
    flags: &[(bool, bool, bool)],
) -> ScopeMix {
    let applicants = distinct(
        props
            .iter()
            .flat_map(|&p| ds.proposals[p].members.iter().map(|m| m.researcher))
            .collect(),
    );
    let advisers = distinct(advisers);
    let mut distributions = Vec::new();
    for (population, people) in [("applicants", &applicants), ("advisers", &advisers)] {
        distributions.push(distribution(
            population,
            "sector",
            people.iter().map(|&r| ds.sector_of(r).as_str().to_string()),
        ));
        distributions.push(distribution(
            population,
            "institution",
            people
                .iter()
                .map(|&r| ds.institutions[ds.researchers[r].institution].id.clone()),
        ));
        distributions.push(distribution(
            population,
            "position",
            people
                .iter()
                .filter_map(|&r| ds.researchers[r].position.as_deref().map(normalize_keyword))
                .filter(|s| !s.is_empty()),
        ));
    }
    let n = props.len();
    let count =
        |f: fn(&(bool, bool, bool)) -> bool| props.iter().filter(|&&p| f(&flags[p])).count();
    let (mi, ms, ai) = (count(|f| f.0), count(|f| f.1), count(|f| f.2));
    let share = |c: usize| ratio(c as f64, n as f64);
    ScopeMix {
        area_id,
        distributions,
        teams: TeamMix {
            proposals: n,
            multi_institution: mi,
            multi_institution_share: share(mi),
            multi_sector: ms,
            multi_sector_share: share(ms),
            academia_industry: ai,
            academia_industry_share: share(ai),
        },
    }
}

/// (≥ 2 institutions, ≥ 2 sectors, academia and industry) of a team.
fn team_flags(ds: &Dataset, p: &crate::model::Proposal) -> (bool, bool, bool) {
    let inst = distinct(
        p.members
            .iter()
            .map(|m| ds.researchers[m.researcher].institution)
            .collect(),
    );
    let sectors: Vec<Sector> = {
        let mut s: Vec<Sector> = p
            .members
            .iter()
            .map(|m| ds.sector_of(m.researcher))
            .collect();
        s.sort();
        s.dedup();
        s
    };
    (
        inst.len() >= 2,
        sectors.len() >= 2,
        sectors.contains(&Sector::Academia) && sectors.contains(&Sector::Industry),
    )
}

fn distribution(
    population: &str,
    dimension: &str,
    keys: impl Iterator<Item = String>,
) -> Distribution {
    let counts = count_by(keys);
    finish(
        population,
        dimension,
        counts.into_iter().map(|(k, c)| (k, c, None)).collect(),
        None,
    )
}

/// Proposals and budget by a key, aggregated on a polars frame
/// ([`aggregate::count_and_budget_by`]).
fn budget_distribution(
    dimension: &str,
    rows: Vec<(String, Option<f64>)>,
) -> Result<Distribution, CoverageError> {
    // No proposal states a budget: leave budget cells empty rather than 0.
    let has_budget = rows.iter().any(|r| r.1.is_some());
    let grouped = aggregate::count_and_budget_by(&rows)
        .map_err(|e| CoverageError::Frame(format!("proposals by {dimension}: {e}")))?;
    let total_budget = has_budget.then(|| grouped.iter().map(|g| g.2).sum::<f64>());
    let cats = grouped
        .into_iter()
        .map(|(k, c, b)| (k, c, has_budget.then_some(b)))
        .collect();
    Ok(finish("proposals", dimension, cats, total_budget))
}

fn finish(
    population: &str,
    dimension: &str,
    mut cats: Vec<(String, usize, Option<f64>)>,
    total_budget: Option<f64>,
) -> Distribution {
    cats.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: usize = cats.iter().map(|c| c.1).sum();
    Distribution {
        population: population.into(),
        dimension: dimension.into(),
        concentration: concentration(cats.iter().map(|c| c.1)),
        categories: cats
            .into_iter()
            .map(|(name, count, budget)| Category {
                name,
                count,
                share: aggregate::ratio(count as f64, total as f64).unwrap_or(0.0),
                budget,
                budget_share: budget.and_then(|b| total_budget.and_then(|t| ratio(b, t))),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;

    fn find<'a>(m: &'a ScopeMix, pop: &str, dim: &str) -> &'a Distribution {
        m.distributions
            .iter()
            .find(|d| d.population == pop && d.dimension == dim)
            .unwrap()
    }

    fn cats(d: &Distribution) -> Vec<(&str, usize)> {
        d.categories
            .iter()
            .map(|c| (c.name.as_str(), c.count))
            .collect()
    }

    #[test]
    fn overall_mix_by_hand() {
        let ds = dataset();
        let by_area = aggregate::group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());
        let mix = portfolio_mix(&ds, &by_area).unwrap();
        assert_eq!(mix.len(), 4);
        let all = &mix[0];
        assert_eq!(all.area_id, None);
        // Applicants R0 R2 (academia), R1 (industry), R3 (government):
        // shares ½ ¼ ¼ → HHI 3/8, e^H = 2^1.5.
        let s = find(all, "applicants", "sector");
        assert_eq!(
            cats(s),
            vec![("academia", 2), ("government", 1), ("industry", 1)]
        );
        let c = s.concentration.unwrap();
        assert!(
            (c.hhi - 0.375).abs() < 1e-12 && (c.effective_entropy - 2f64.powf(1.5)).abs() < 1e-12
        );
        // Advisers one per sector: HHI 1/3, H = ln 3.
        let c = find(all, "advisers", "sector").concentration.unwrap();
        assert!((c.hhi - 1.0 / 3.0).abs() < 1e-12 && (c.entropy - 3f64.ln()).abs() < 1e-12);
        // Positions normalised ("Early-Career" = "early-career"), R3 has none.
        assert_eq!(
            cats(find(all, "applicants", "position")),
            vec![("professor", 2), ("early-career", 1)]
        );
        assert_eq!(
            find(all, "applicants", "position")
                .concentration
                .unwrap()
                .total,
            3
        );
        // Programs: CREST P1 P2 (budget 100, P2 none), PRIME P3 (50).
        let prog = find(all, "proposals", "program");
        assert_eq!(cats(prog), vec![("CREST", 2), ("PRIME", 1)]);
        assert_eq!(
            (prog.categories[0].budget, prog.categories[1].budget),
            (Some(100.0), Some(50.0))
        );
        assert!((prog.categories[0].budget_share.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            cats(find(all, "proposals", "area")),
            vec![("AR1", 2), ("AR2", 1)]
        );
        // Teams: only P1 (I1 academia + I2 industry) crosses anything.
        let t = &all.teams;
        assert_eq!(
            (
                t.proposals,
                t.multi_institution,
                t.multi_sector,
                t.academia_industry
            ),
            (3, 1, 1, 1)
        );
        assert!((t.academia_industry_share.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn area_mix_by_hand() {
        let ds = dataset();
        let by_area = aggregate::group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());
        let mix = portfolio_mix(&ds, &by_area).unwrap();
        let ar1 = &mix[1];
        assert_eq!(ar1.area_id.as_deref(), Some("AR1"));
        assert_eq!(
            cats(find(ar1, "applicants", "institution")),
            vec![("I1", 2), ("I2", 1)]
        );
        assert_eq!(
            cats(find(ar1, "advisers", "sector")),
            vec![("academia", 1), ("industry", 1)]
        );
        assert_eq!(ar1.teams.multi_sector_share, Some(0.5));
        assert!(!ar1
            .distributions
            .iter()
            .any(|d| d.population == "proposals"));
        // AR3: nothing → empty distributions, no shares.
        let ar3 = &mix[3];
        assert!(find(ar3, "applicants", "sector").concentration.is_none());
        assert_eq!(ar3.teams.multi_institution_share, None);
    }

    #[test]
    fn no_budget_means_no_budget_columns() {
        let mut ds = dataset();
        for p in &mut ds.proposals {
            p.budget = None;
        }
        let by_area = aggregate::group_rows(ds.proposals.iter().map(|p| p.area), ds.areas.len());
        let mix = portfolio_mix(&ds, &by_area).unwrap();
        let prog = find(&mix[0], "proposals", "program");
        assert!(prog
            .categories
            .iter()
            .all(|c| c.budget.is_none() && c.budget_share.is_none()));
    }
}
