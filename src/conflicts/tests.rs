use super::*;
use crate::graph::{build, tests::*};
use crate::model::*;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};

/// R0 (I0) and R1 (I1) apply on P1 (2024) with adviser R5 as collaborator.
/// Advisers: R2 same institution as R0; R3 co-authored with R1 in 2019
/// (= 2024 − 5, counts); R4 in 2018 (does not); R6 co-applies with R0 on
/// P2 (2024, same call); R7 co-applies with R1 on P3 (2023, another call);
/// R8 declared against P1; R9 declared against R1; R10 is two hops from R0
/// via R11 (2022, 2021); R12 two hops via an old paper (2010); R13 declared
/// against R12, who is on no proposal.
fn fixture() -> Dataset {
    let mut researchers = vec![
        researcher("R0", 0),
        researcher("R1", 1),
        researcher("R2", 0),
    ];
    // R5, R6, R7 are members somewhere: each alone at an institution, so the
    // same-institution rule does not fire through them.
    researchers.extend((3..14).map(|i| {
        let inst = match i {
            5 => 3,
            6 => 4,
            7 => 5,
            _ => 2,
        };
        researcher(&format!("R{i}"), inst)
    }));
    let adviser_rs = [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13];
    let t = Tables {
        institutions: vec![
            institution("I0", Sector::Academia),
            institution("I1", Sector::Industry),
            institution("I2", Sector::Government),
            institution("I3", Sector::Hospital),
            institution("I4", Sector::Nonprofit),
            institution("I5", Sector::Academia),
        ],
        researchers,
        areas: vec![area("A1")],
        advisers: adviser_rs
            .iter()
            .map(|&r| Adviser {
                researcher: r,
                areas: vec![0],
                max_load: 3,
            })
            .collect(),
        proposals: vec![
            proposal(
                "P1",
                0,
                2024,
                &[(0, Role::Pi), (1, Role::CoPi), (5, Role::Collaborator)],
            ),
            proposal("P2", 0, 2024, &[(0, Role::Pi), (6, Role::CoPi)]),
            proposal("P3", 0, 2023, &[(1, Role::Pi), (7, Role::CoPi)]),
        ],
        publications: vec![
            publication("W1", 2019, &[1, 3]),
            publication("W2", 2018, &[1, 4]),
            publication("W3", 2022, &[10, 11]),
            publication("W4", 2021, &[11, 0]),
            publication("W5", 2010, &[12, 11]),
        ],
        declared_conflicts: vec![
            DeclaredConflict {
                researcher: 8,
                target: DeclaredTarget::Proposal(0),
                reason: "former student".into(),
            },
            DeclaredConflict {
                researcher: 9,
                target: DeclaredTarget::Researcher(1),
                reason: "joint company".into(),
            },
            DeclaredConflict {
                researcher: 13,
                target: DeclaredTarget::Researcher(12),
                reason: String::new(),
            },
        ],
    };
    Dataset::new(t)
}

fn adviser(ds: &Dataset, rid: &str) -> AdviserIx {
    ds.adviser_of[ds.researcher_by_id[rid]].unwrap()
}

fn texts(cs: &ConflictSet, ds: &Dataset, p: usize, rid: &str) -> Vec<String> {
    cs.reasons(p, adviser(ds, rid))
        .iter()
        .map(|r| r.to_string())
        .collect()
}

#[test]
fn each_rule_on_hand_made_data() {
    let ds = fixture();
    let g = build(&ds);
    let cs = detect(&ds, &g, &ConflictConfig::default());
    assert_eq!(cs.reference_year(), 2024);
    let p1 = 0;
    assert_eq!(
        texts(&cs, &ds, p1, "R5"),
        ["member of the proposal (collaborator)"]
    );
    assert_eq!(texts(&cs, &ds, p1, "R2"), ["same institution I0"]);
    assert_eq!(texts(&cs, &ds, p1, "R3"), ["co-author with R1 (2019)"]);
    assert_eq!(texts(&cs, &ds, p1, "R6"), ["co-applicant with R0 on P2"]);
    assert_eq!(texts(&cs, &ds, p1, "R8"), ["declared: former student"]);
    assert_eq!(
        texts(&cs, &ds, p1, "R9"),
        ["declared against R1: joint company"]
    );
    assert_eq!(
        texts(&cs, &ds, p1, "R10"),
        ["warning: two hops from R0 via R11"]
    );
    for rid in ["R2", "R3", "R5", "R6", "R8", "R9"] {
        assert!(cs.is_excluded(p1, adviser(&ds, rid)), "{rid}");
    }
    // Not flagged at all: old paper (2018 < 2019), other call, old two-hop
    // path, declaration against a non-member; the warning does not exclude.
    for rid in ["R4", "R7", "R12", "R13"] {
        assert!(!cs.is_excluded(p1, adviser(&ds, rid)), "{rid}");
        assert!(cs.reasons(p1, adviser(&ds, rid)).is_empty(), "{rid}");
    }
    assert!(!cs.is_excluded(p1, adviser(&ds, "R10")));
    assert_eq!(
        cs.excluded_of(p1).len(),
        6,
        "R2, R3, R5, R6, R8, R9 and nobody else"
    );
}

#[test]
fn coauthor_window_boundary_is_inclusive() {
    let ds = fixture();
    let g = build(&ds);
    let r3 = adviser(&ds, "R3"); // joint paper 2019
    let r4 = adviser(&ds, "R4"); // joint paper 2018
    let with = |reference_year, coauthor_years| ConflictConfig {
        reference_year,
        coauthor_years,
        ..ConflictConfig::default()
    };
    // ref 2024, N 5: y >= 2019 counts.
    let cs = detect(&ds, &g, &with(None, 5));
    assert!(cs.is_excluded(0, r3) && !cs.is_excluded(0, r4));
    // ref 2024, N 6: 2018 = ref - N counts too.
    let cs = detect(&ds, &g, &with(None, 6));
    assert!(cs.is_excluded(0, r3) && cs.is_excluded(0, r4));
    // ref 2025 (override), N 5: 2019 = ref - N - 1 no longer counts.
    let cs = detect(&ds, &g, &with(Some(2025), 5));
    assert!(!cs.is_excluded(0, r3) && !cs.is_excluded(0, r4));
    assert_eq!(cs.reference_year(), 2025);
    // N 0 switches the rule (and the two-hop warning) off.
    let cs = detect(&ds, &g, &with(None, 0));
    assert!(!cs.is_excluded(0, r3));
    assert!(cs.reasons(0, adviser(&ds, "R10")).is_empty());
}

#[test]
fn switches_turn_rules_off_but_member_stays() {
    let ds = fixture();
    let g = build(&ds);
    let cfg = ConflictConfig {
        same_institution: false,
        coauthor_years: 0,
        co_applicant: false,
        declared: false,
        two_hop_warning: false,
        reference_year: None,
    };
    let cs = detect(&ds, &g, &cfg);
    let flagged: Vec<(usize, &str)> = cs
        .rows()
        .map(|r| (r.proposal, ds.adviser_id(r.adviser)))
        .collect();
    assert_eq!(flagged, [(0, "R5"), (1, "R6"), (2, "R7")]);
    assert_eq!(cs.counts().member, 3);
    assert_eq!(cs.counts().excluded_pairs, 3);
    // Two-hop off alone: R10 loses its warning, nothing else changes.
    let cs = detect(
        &ds,
        &g,
        &ConflictConfig {
            two_hop_warning: false,
            ..ConflictConfig::default()
        },
    );
    assert!(cs.reasons(0, adviser(&ds, "R10")).is_empty());
    assert_eq!(cs.counts().warning_pairs, 0);
}

#[test]
fn csv_rows_sorted_by_ids_with_joined_reasons() {
    let ds = fixture();
    let g = build(&ds);
    let cs = detect(&ds, &g, &ConflictConfig::default());
    let mut buf = Vec::new();
    cs.write_csv(&ds, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let expected = "\
proposal_id,researcher_id,excluded,reasons
P1,R10,false,warning: two hops from R0 via R11
P1,R2,true,same institution I0
P1,R3,true,co-author with R1 (2019)
P1,R5,true,member of the proposal (collaborator)
P1,R6,true,co-applicant with R0 on P2
P1,R8,true,declared: former student
P1,R9,true,declared against R1: joint company
P2,R10,false,warning: two hops from R0 via R11
P2,R2,true,same institution I0
P2,R5,true,co-applicant with R0 on P1
P2,R6,true,member of the proposal (co-pi)
P3,R3,true,co-author with R1 (2019)
P3,R7,true,member of the proposal (co-pi)
P3,R9,true,declared against R1: joint company
";
    assert_eq!(text, expected);
    let c = cs.counts();
    assert_eq!(
        (
            c.member,
            c.same_institution,
            c.co_author,
            c.co_applicant,
            c.declared,
            c.two_hop
        ),
        (3, 2, 2, 2, 3, 2)
    );
    assert_eq!((c.excluded_pairs, c.warning_pairs), (12, 2));
    assert_eq!(cs.len(), 14);
}

#[test]
fn several_reasons_are_joined_in_rule_order() {
    let mut ds = fixture();
    // R2 also co-authors with R0 in 2024 and is declared against R0.
    ds.publications.push(publication("W9", 2024, &[2, 0]));
    ds.declared_conflicts.push(DeclaredConflict {
        researcher: 2,
        target: DeclaredTarget::Researcher(0),
        reason: String::new(),
    });
    let ds = Dataset::new(Tables {
        institutions: ds.institutions,
        researchers: ds.researchers,
        areas: ds.areas,
        advisers: ds.advisers,
        proposals: ds.proposals,
        publications: ds.publications,
        declared_conflicts: ds.declared_conflicts,
    });
    let g = build(&ds);
    let cs = detect(&ds, &g, &ConflictConfig::default());
    assert_eq!(
        texts(&cs, &ds, 0, "R2"),
        [
            "same institution I0",
            "co-author with R0 (2024)",
            "declared against R0: declared"
        ]
    );
    // Counted once per rule per pair.
    assert_eq!(cs.counts().same_institution, 2);
}

/// Brute force over every (proposal, adviser) pair, straight from the rules'
/// definitions: which rules flag the pair.
fn brute_rules(ds: &Dataset, cfg: &ConflictConfig, p: usize, a: usize) -> Vec<Rule> {
    let prop = &ds.proposals[p];
    let ra = ds.advisers[a].researcher;
    let members: Vec<usize> = prop.members.iter().map(|m| m.researcher).collect();
    let reference = cfg.reference_year.unwrap_or(ds.latest_year());
    let cutoff = reference - cfg.coauthor_years as i32;
    let recent = |x: usize, y: usize| {
        ds.publications
            .iter()
            .any(|w| w.year >= cutoff && w.authors.contains(&x) && w.authors.contains(&y))
    };
    let mut rules = Vec::new();
    if members.contains(&ra) {
        rules.push(Rule::Member);
    }
    if cfg.same_institution
        && members
            .iter()
            .any(|&m| m != ra && ds.researchers[m].institution == ds.researchers[ra].institution)
    {
        rules.push(Rule::SameInstitution);
    }
    if cfg.coauthor_years > 0 && members.iter().any(|&m| m != ra && recent(m, ra)) {
        rules.push(Rule::CoAuthor);
    }
    if cfg.co_applicant
        && ds.proposals.iter().enumerate().any(|(q, other)| {
            q != p
                && other.year == prop.year
                && other.members.iter().any(|x| x.researcher == ra)
                && other
                    .members
                    .iter()
                    .any(|x| x.researcher != ra && members.contains(&x.researcher))
        })
    {
        rules.push(Rule::CoApplicant);
    }
    if cfg.declared
        && ds.declared_conflicts.iter().any(|d| {
            d.researcher == ra
                && match d.target {
                    DeclaredTarget::Proposal(q) => q == p,
                    DeclaredTarget::Researcher(r) => members.contains(&r),
                }
        })
    {
        rules.push(Rule::Declared);
    }
    if rules.is_empty()
        && cfg.two_hop_warning
        && cfg.coauthor_years > 0
        && members
            .iter()
            .any(|&m| m != ra && (0..ds.researchers.len()).any(|x| recent(m, x) && recent(x, ra)))
    {
        rules.push(Rule::TwoHop);
    }
    rules
}

fn random_dataset(seed: u64) -> Dataset {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(4..25);
    let n_inst = rng.random_range(1..5);
    let researchers: Vec<Researcher> = (0..n)
        .map(|i| researcher(&format!("R{i:02}"), rng.random_range(0..n_inst)))
        .collect();
    let advisers: Vec<Adviser> = (0..n)
        .filter(|_| rng.random_bool(0.5))
        .map(|r| Adviser {
            researcher: r,
            areas: vec![0],
            max_load: 2,
        })
        .collect();
    let pick = |rng: &mut rand_chacha::ChaCha8Rng, k: usize| {
        let mut v: Vec<usize> = (0..k).map(|_| rng.random_range(0..n)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let proposals: Vec<Proposal> = (0..rng.random_range(1..6))
        .map(|i| {
            let k = rng.random_range(1..4);
            let people = pick(&mut rng, k);
            let members: Vec<(usize, Role)> = people
                .iter()
                .enumerate()
                .map(|(j, &r)| (r, if j == 0 { Role::Pi } else { Role::CoPi }))
                .collect();
            proposal(&format!("P{i}"), 0, 2023 + rng.random_range(0..2), &members)
        })
        .collect();
    let publications: Vec<Publication> = (0..rng.random_range(0..30))
        .map(|i| {
            let k = rng.random_range(1..4);
            let authors = pick(&mut rng, k);
            publication(&format!("W{i}"), 2012 + rng.random_range(0..13), &authors)
        })
        .collect();
    let n_prop = proposals.len();
    let declared_conflicts: Vec<DeclaredConflict> = (0..rng.random_range(0..4))
        .map(|_| DeclaredConflict {
            researcher: rng.random_range(0..n),
            target: if rng.random_bool(0.5) {
                DeclaredTarget::Proposal(rng.random_range(0..n_prop))
            } else {
                DeclaredTarget::Researcher(rng.random_range(0..n))
            },
            reason: "x".into(),
        })
        .collect();
    Dataset::new(Tables {
        institutions: (0..n_inst)
            .map(|i| institution(&format!("I{i}"), Sector::Academia))
            .collect(),
        researchers,
        areas: vec![area("A1")],
        advisers,
        proposals,
        publications,
        declared_conflicts,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every flagged pair has reasons; excluded exactly when a hard rule
    /// holds; the rules named are exactly those that hold (brute force);
    /// no pair is flagged without a rule.
    #[test]
    fn flags_equal_brute_force(
        seed in any::<u64>(),
        same_institution in any::<bool>(),
        coauthor_years in 0u32..8,
        co_applicant in any::<bool>(),
        declared in any::<bool>(),
        two_hop_warning in any::<bool>(),
    ) {
        let ds = random_dataset(seed);
        let cfg = ConflictConfig {
            same_institution, coauthor_years, co_applicant, declared, two_hop_warning,
            reference_year: None,
        };
        let g = build(&ds);
        let cs = detect(&ds, &g, &cfg);
        for row in cs.rows() {
            prop_assert!(!row.reasons.is_empty());
            prop_assert_eq!(row.excluded, row.reasons.iter().any(|r| r.rule().excludes()));
        }
        for p in 0..ds.proposals.len() {
            for a in 0..ds.advisers.len() {
                let want = brute_rules(&ds, &cfg, p, a);
                let mut got: Vec<Rule> = cs.reasons(p, a).iter().map(|r| r.rule()).collect();
                got.dedup();
                prop_assert_eq!(&got, &want, "proposal {} adviser {}", p, a);
                prop_assert_eq!(cs.is_excluded(p, a), want.iter().any(|r| r.excludes()));
            }
        }
    }
}
