//! Panel rules: both paths against brute force on random small instances,
//! a case only the integer program gets right, infeasible hard rules.

use proptest::prelude::*;

use super::*;
use crate::assign::{verify, Objective, Problem};

/// A plain problem (every adviser its own academic institution), as the
/// solver's own tests build it.
fn problem(np: usize, na: usize, k: u32, max: u32, cands: Vec<Vec<(usize, f64)>>) -> Problem {
    crate::assign::tests::plain(np, na, k, max, cands)
}

fn attribute(name: &str, cells: &[&str]) -> Attribute {
    let cells: Vec<Option<String>> = cells
        .iter()
        .map(|c| (!c.is_empty()).then(|| c.to_string()))
        .collect();
    Attribute::from_cells(name, &cells)
}

fn rule(
    p: &Problem,
    attr: usize,
    value: Option<&str>,
    min: u32,
    max: u32,
    hard: bool,
) -> PanelRule {
    PanelRule {
        attribute: attr,
        value: value.map(|v| p.panel.attributes[attr].value_index(v).unwrap_or(BLANK)),
        min,
        max,
        hard,
        weight: 1,
        label: format!("#{attr} {value:?} [{min}, {max}] hard={hard}"),
    }
}

/// Every assignment meeting loads, locks, institutions and the hard rules:
/// the largest (soft rules met, quota places, score) key, or `None`.
fn brute_force(p: &Problem) -> Option<(u64, u64, i64)> {
    let np = p.proposal_ids.len();
    let mut best = None;
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); np];
    let mut loads = vec![0u32; p.adviser_ids.len()];
    fn rec(
        p: &Problem,
        pp: usize,
        chosen: &mut Vec<Vec<usize>>,
        loads: &mut Vec<u32>,
        best: &mut Option<(u64, u64, i64)>,
    ) {
        if pp == p.proposal_ids.len() {
            if loads.iter().zip(&p.min_load).any(|(l, m)| l < m) {
                return;
            }
            let short = shortfalls(p, chosen);
            if short.iter().any(|s| p.panel.rules[s.rule].hard) {
                return;
            }
            let key = objective_key(p, chosen);
            if best.is_none_or(|b| key > b) {
                *best = Some(key);
            }
            return;
        }
        let c = &p.candidates[pp];
        for mask in 0u32..(1 << c.len()) {
            if mask.count_ones() != p.demand[pp] {
                continue;
            }
            let list: Vec<usize> = (0..c.len())
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| c[i].adviser)
                .collect();
            if p.must.iter().any(|&(q, a)| q == pp && !list.contains(&a)) {
                continue;
            }
            if list.iter().any(|&a| loads[a] >= p.max_load[a]) {
                continue;
            }
            if p.one_per_institution {
                let mut inst: Vec<u32> = list.iter().map(|&a| p.adviser_institution[a]).collect();
                inst.sort_unstable();
                inst.dedup();
                if inst.len() != list.len() {
                    continue;
                }
            }
            list.iter().for_each(|&a| loads[a] += 1);
            chosen[pp] = list;
            rec(p, pp + 1, chosen, loads, best);
            chosen[pp].iter().for_each(|&a| loads[a] -= 1);
        }
        chosen[pp].clear();
    }
    rec(p, 0, &mut chosen, &mut loads, &mut best);
    best
}

/// A random small instance with two attributes and one or two rules.
fn make(np: usize, na: usize, k: u32, max: u32, seed: u64) -> Problem {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut cands: Vec<Vec<(usize, f64)>> = Vec::new();
    for _ in 0..np {
        let mut l = Vec::new();
        for a in 0..na {
            if rng.random_bool(0.8) {
                l.push((a, rng.random_range(0..=20) as f64 / 20.0));
            }
        }
        cands.push(l);
    }
    let mut p = problem(np, na, k, max, cands);
    p.one_per_institution = rng.random_bool(0.4);
    p.adviser_institution = (0..na).map(|_| rng.random_range(0..3)).collect();
    // One sector per institution, as the problem requires.
    let non_acad: Vec<bool> = (0..3).map(|_| rng.random_bool(0.4)).collect();
    p.adviser_non_academic = (0..na)
        .map(|a| non_acad[p.adviser_institution[a] as usize])
        .collect();
    if rng.random_bool(0.3) {
        p.min_non_academic = vec![1; np];
    }
    if rng.random_bool(0.2) {
        if let Some(c) = p.candidates[0].first() {
            p.must.push((0, c.adviser));
        }
    }
    let pick = |rng: &mut rand_chacha::ChaCha8Rng, vals: &[&'static str]| {
        vals[rng.random_range(0..vals.len())]
    };
    let g: Vec<&str> = (0..na)
        .map(|_| pick(&mut rng, &["f", "m", "f", "m", ""]))
        .collect();
    let r: Vec<&str> = (0..na).map(|_| pick(&mut rng, &["x", "y", "z"])).collect();
    p.panel.attributes = vec![attribute("gender", &g), attribute("region", &r)];
    let nrules = rng.random_range(1..=2);
    for _ in 0..nrules {
        let attr = rng.random_range(0..2);
        let hard = rng.random_bool(0.5);
        let mut rl = if rng.random_bool(0.6) {
            let v = if attr == 0 {
                pick(&mut rng, &["f", "m"])
            } else {
                pick(&mut rng, &["x", "y"])
            };
            if rng.random_bool(0.3) {
                let min = rng.random_range(0..=1);
                rule(
                    &p,
                    attr,
                    Some(v),
                    min,
                    rng.random_range(min.max(1)..=2),
                    hard,
                )
            } else {
                rule(&p, attr, Some(v), rng.random_range(1..=2), NO_MAX, hard)
            }
        } else {
            rule(&p, attr, None, 0, rng.random_range(1..=2), hard)
        };
        rl.weight = rng.random_range(1..=2);
        p.panel.rules.push(rl);
    }
    p
}

/// What a checked case was, for the coverage count.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Case {
    Infeasible,
    Flow { short: bool },
    Ilp { short: bool },
}

/// Both paths (the flow where it is exact) against brute force: every hard
/// rule holds, soft rules are met on the most (weighted) proposals, then
/// the quota, then the score; an infeasible call is infeasible.
fn check_case(p: &Problem) -> Result<Case, String> {
    let want = brute_force(p);
    let flow_ok = flow_attribute(p).is_ok();
    let mut paths = vec![Some(PanelPath::Ilp)];
    if flow_ok {
        paths.push(None);
    }
    let mut short_any = false;
    for force in paths {
        let got = solve_panel(p, Objective::Total, force);
        match (want, &got) {
            (None, Err(_)) => {}
            (Some(best), Ok(s)) => {
                verify(p, s).map_err(|e| format!("{e:?}"))?;
                let short = shortfalls(p, &s.assigned);
                if short.iter().any(|x| p.panel.rules[x.rule].hard) {
                    return Err(format!("{force:?}: a hard rule does not hold: {short:?}"));
                }
                let key = objective_key(p, &s.assigned);
                if key != best {
                    return Err(format!(
                        "{force:?}: key {key:?}, brute force {best:?}, assigned {:?}",
                        s.assigned
                    ));
                }
                let st = s.stats.panel.as_ref().ok_or("no panel stats")?;
                if force.is_none() && st.path != PanelPath::Flow {
                    return Err(format!("flow expected, took {:?}", st.path));
                }
                if st.short.len() != short.len() {
                    return Err("shortfall list differs".into());
                }
                short_any |= !short.is_empty();
            }
            (w, g) => {
                return Err(format!(
                    "brute force {w:?}, solver {:?}",
                    g.as_ref().map(|s| &s.assigned)
                ))
            }
        }
    }
    Ok(match (want, flow_ok) {
        (None, _) => Case::Infeasible,
        (_, true) => Case::Flow { short: short_any },
        (_, false) => Case::Ilp { short: short_any },
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn both_paths_reach_the_brute_force_optimum(
        np in 1usize..=3, na in 3usize..=6, k in 1u32..=2, max in 1u32..=2, seed in any::<u64>()
    ) {
        let p = make(np, na, k, max, seed);
        check_case(&p).map_err(TestCaseError::fail)?;
    }
}

/// The random instances reach every kind of case, so the property above
/// is not checked on infeasible calls alone.
#[test]
fn random_instances_cover_every_kind_of_case() {
    let mut seen: std::collections::HashMap<Case, usize> = Default::default();
    for seed in 0..2000u64 {
        let np = 1 + (seed % 3) as usize;
        let na = 3 + (seed % 4) as usize;
        let k = 1 + (seed / 3 % 2) as u32;
        let max = 1 + (seed / 7 % 2) as u32;
        let p = make(np, na, k, max, seed);
        let case = check_case(&p).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        *seen.entry(case).or_default() += 1;
    }
    for case in [
        Case::Infeasible,
        Case::Flow { short: false },
        Case::Flow { short: true },
        Case::Ilp { short: false },
        Case::Ilp { short: true },
    ] {
        let n = seen.get(&case).copied().unwrap_or(0);
        assert!(n >= 10, "{case:?}: only {n} of 2000 ({seen:?})");
    }
}

/// "At least one woman" and "at most one per region" together: each rule
/// alone is a partition the flow handles, but the gender-only optimum
/// (A0 + A2, both region X) breaks the region rule and the region-only
/// optimum (A0 + A1) has no woman. Only the integer program finds A1 + A2.
#[test]
fn two_interacting_rules_need_the_ilp() {
    let mut p = problem(
        1,
        4,
        2,
        1,
        vec![vec![(0, 0.9), (1, 0.8), (2, 0.7), (3, 0.2)]],
    );
    p.panel.attributes = vec![
        attribute("gender", &["male", "male", "female", "female"]),
        attribute("region", &["X", "Y", "X", "Y"]),
    ];
    let g = rule(&p, 0, Some("female"), 1, NO_MAX, true);
    let r = rule(&p, 1, None, 0, 1, true);
    let one = |rules: Vec<PanelRule>| {
        let mut q = p.clone();
        q.panel.rules = rules;
        solve_panel(&q, Objective::Total, None).unwrap()
    };
    let gender_only = one(vec![g.clone()]);
    assert_eq!(gender_only.assigned, vec![vec![0, 2]]);
    assert_eq!(
        gender_only.stats.panel.as_ref().unwrap().path,
        PanelPath::Flow
    );
    let region_only = one(vec![r.clone()]);
    assert_eq!(region_only.assigned, vec![vec![0, 1]]);
    p.panel.rules = vec![g, r];
    assert!(flow_attribute(&p).is_err());
    let both = solve_panel(&p, Objective::Total, None).unwrap();
    assert_eq!(both.assigned, vec![vec![1, 2]]);
    assert!((both.total - 1.5).abs() < 1e-12);
    let st = both.stats.panel.as_ref().unwrap();
    assert_eq!(st.path, PanelPath::Ilp);
    assert!(st.ilp.as_ref().unwrap().optimal);
    assert!(st.short.is_empty());
}

/// One woman with room for two proposals: a soft "at least 1" is met on
/// two of three and the third is listed; as a hard rule the call is
/// infeasible, the diagnosis names the rule and the proposal, and the
/// partial answer meets it on two.
#[test]
fn soft_rule_met_where_the_pool_allows_and_hard_rule_diagnosed() {
    let all = vec![(0, 0.5), (1, 0.9), (2, 0.8), (3, 0.7)];
    let mut p = problem(3, 4, 2, 2, vec![all.clone(), all.clone(), all]);
    p.max_load = vec![2, 2, 2, 2];
    p.panel.attributes = vec![attribute("gender", &["female", "male", "male", "male"])];
    p.panel.rules = vec![rule(&p, 0, Some("female"), 1, NO_MAX, false)];
    let s = solve_panel(&p, Objective::Total, None).unwrap();
    let st = s.stats.panel.as_ref().unwrap();
    assert_eq!(st.path, PanelPath::Flow);
    assert_eq!(st.met, vec![2]);
    assert_eq!(st.short.len(), 1);
    assert_eq!(st.short[0].got, 0);
    verify(&p, &s).unwrap();

    p.panel.rules[0].hard = true;
    let inf = solve_panel(&p, Objective::Total, None).unwrap_err();
    let text = inf.to_string();
    assert!(text.contains("hard panel rule"), "{text}");
    assert!(inf.diagnosis.binding.contains(&Binding::Panel));
    assert_eq!(inf.diagnosis.shortfall.len(), 1);
    assert_eq!(inf.diagnosis.shortfall[0].rule, "panel");
    let part = inf.partial.as_ref().unwrap();
    assert_eq!(
        part.solution
            .assigned
            .iter()
            .filter(|l| l.contains(&0))
            .count(),
        2
    );
}
