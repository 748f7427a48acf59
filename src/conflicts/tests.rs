use super::*;
use crate::config::DepartmentRule;
use crate::graph::tests::*;
use crate::model::*;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};

/// Builds a hand-made data set by researcher ID.
struct Fixture {
    t: Tables,
}

impl Fixture {
    fn new(institutions: &[(&str, Sector)]) -> Self {
        Fixture {
            t: Tables {
                institutions: institutions
                    .iter()
                    .map(|&(id, s)| institution(id, s))
                    .collect(),
                areas: vec![area("A1")],
                ..Tables::default()
            },
        }
    }

    fn inst(&self, id: &str) -> usize {
        self.t.institutions.iter().position(|i| i.id == id).unwrap()
    }

    fn r(&self, id: &str) -> usize {
        self.t
            .researchers
            .iter()
            .position(|r| r.id == id)
            .unwrap_or_else(|| panic!("no researcher {id}"))
    }

    fn person(&mut self, id: &str, inst: &str, adviser: bool) -> usize {
        let i = self.inst(inst);
        self.t.researchers.push(researcher(id, i));
        let r = self.t.researchers.len() - 1;
        if adviser {
            self.t.advisers.push(Adviser {
                researcher: r,
                areas: vec![0],
                max_load: 3,
            });
        }
        r
    }

    fn affiliation(
        &mut self,
        who: &str,
        inst: &str,
        dept: &str,
        start: Option<i32>,
        end: Option<i32>,
        source: &str,
    ) {
        let line = self.t.affiliations.len() as u64 + 2;
        self.t.affiliations.push(Affiliation {
            researcher: self.r(who),
            institution: self.inst(inst),
            department: (!dept.is_empty()).then(|| dept.to_string()),
            start_year: start,
            end_year: end,
            source: source.into(),
            line,
        });
    }

    fn relation(&mut self, a: &str, b: &str, kind: &str, start: Option<i32>, end: Option<i32>) {
        let line = self.t.relations.len() as u64 + 2;
        self.t.relations.push(Relation {
            researcher: self.r(a),
            other: self.r(b),
            kind: RelationKind::parse(kind).unwrap(),
            start_year: start,
            end_year: end,
            line,
        });
    }

    fn paper(&mut self, id: &str, year: i32, authors: &[&str]) {
        let a: Vec<usize> = authors.iter().map(|x| self.r(x)).collect();
        self.t.publications.push(publication(id, year, &a));
    }

    fn proposal(&mut self, id: &str, year: i32, members: &[(&str, Role)]) {
        let m: Vec<(usize, Role)> = members.iter().map(|&(x, r)| (self.r(x), r)).collect();
        self.t.proposals.push(proposal(id, 0, year, &m));
    }

    fn declare(&mut self, who: &str, target: DeclaredTarget, reason: &str) {
        let line = self.t.declared_conflicts.len() as u64 + 2;
        self.t.declared_conflicts.push(DeclaredConflict {
            researcher: self.r(who),
            target,
            reason: reason.into(),
            line,
        });
    }

    fn done(self) -> Dataset {
        Dataset::new(self.t)
    }
}

/// One case of every rule, each boundary year on both sides for two calls
/// (P1: 2024, P2: 2021; 5-year windows 2020– and 2017–), a 300-author
/// consortium paper, a mirrored declaration, advisers who moved
/// institution. Adviser IDs say what each one is for.
fn fixture() -> Dataset {
    let mut f = Fixture::new(&[
        ("U0", Sector::Academia),
        ("C1", Sector::Industry),
        ("U2", Sector::Academia),
        ("G3", Sector::Government),
        ("U4", Sector::Academia),
        ("H5", Sector::Hospital),
        ("H6", Sector::Hospital),
        ("N7", Sector::Nonprofit),
    ]);
    // Members.
    f.person("M1", "U0", false);
    f.person("M2", "C1", false);
    f.person("M3", "U2", false);
    f.person("M4", "G3", false);
    f.person("VIA", "H5", false);
    // Advisers.
    f.person("A_MEMBER", "H6", true);
    f.person("A_SAME_COMPANY", "C1", true);
    f.person("A_SAME_DEPT", "U0", true);
    f.person("A_OTHER_DEPT", "U0", true);
    f.person("A_MOVED_2020", "U4", true);
    f.person("A_MOVED_2019", "U4", true);
    f.person("A_MOVED_2017", "U4", true);
    f.person("A_MOVED_2016", "U4", true);
    for id in [
        "A_COAUTHOR_2020",
        "A_COAUTHOR_2019",
        "A_COAUTHOR_2017",
        "A_COAUTHOR_2016",
        "A_CONSORTIUM",
        "A_DECLARED_P1",
        "A_DECLARED_MIRROR",
        "A_ADVISOR",
        "A_EMPLOYER_10Y",
        "A_SUPERVISOR_8Y",
        "A_COLLAB_2020",
        "A_COLLAB_2019",
        "A_FAMILY",
        "A_NOMINATED",
        "A_TWO_HOP",
        "A_CLEAN",
    ] {
        f.person(id, "N7", true);
    }
    for k in 0..298 {
        f.person(&format!("F{k:03}"), "H5", false);
    }

    f.proposal("P1", 2024, &[("M1", Role::Pi), ("M2", Role::CoPi)]);
    f.proposal("P2", 2021, &[("M3", Role::Pi), ("M4", Role::CoPi)]);
    f.proposal("P3", 2024, &[("A_MEMBER", Role::Pi), ("M2", Role::CoPi)]);

    // affiliations.csv: departments, and moves that end on each side of
    // the windows (P1 from 2020, P2 from 2017).
    f.affiliation("M1", "U0", "Immunology", Some(2012), None, "orcid");
    f.affiliation("M2", "C1", "R&D", Some(2015), None, "researchmap");
    f.affiliation("A_SAME_COMPANY", "C1", "Sales", Some(2020), None, "orcid");
    f.affiliation("A_SAME_DEPT", "U0", "Immunology", Some(2018), None, "orcid");
    f.affiliation("A_OTHER_DEPT", "U0", "Oncology", Some(2010), None, "orcid");
    f.affiliation(
        "A_MOVED_2020",
        "U0",
        "",
        Some(2015),
        Some(2020),
        "wos:WOS:000123",
    );
    f.affiliation("A_MOVED_2019", "U0", "", Some(2010), Some(2019), "orcid");
    f.affiliation("A_MOVED_2017", "U2", "", None, Some(2017), "declared");
    f.affiliation("A_MOVED_2016", "U2", "", Some(2012), Some(2016), "declared");

    // Papers.
    f.paper("W_2020", 2020, &["M1", "A_COAUTHOR_2020"]);
    f.paper("W_2019", 2019, &["M1", "A_COAUTHOR_2019"]);
    f.paper("W_2017", 2017, &["M3", "A_COAUTHOR_2017"]);
    f.paper("W_2016", 2016, &["M3", "A_COAUTHOR_2016"]);
    f.paper("W_HOP1", 2022, &["M1", "VIA"]);
    f.paper("W_HOP2", 2023, &["VIA", "A_TWO_HOP"]);
    let mut big: Vec<String> = vec!["M1".into(), "A_CONSORTIUM".into()];
    big.extend((0..298).map(|k| format!("F{k:03}")));
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    f.paper("W_CONSORTIUM", 2023, &big);

    // conflicts.csv: against P1; M1 → adviser (a non-adviser's row, which
    // works both ways) and its mirror.
    let p1 = 0;
    let m1 = f.r("M1");
    let mirror = f.r("A_DECLARED_MIRROR");
    f.declare(
        "A_DECLARED_P1",
        DeclaredTarget::Proposal(p1),
        "former student",
    );
    f.declare("M1", DeclaredTarget::Researcher(mirror), "joint company");
    f.declare(
        "A_DECLARED_MIRROR",
        DeclaredTarget::Researcher(m1),
        "joint company",
    );

    // relations.csv.
    f.relation("A_ADVISOR", "M1", "advisor", Some(1995), Some(2000));
    f.relation("A_EMPLOYER_10Y", "M2", "employer", Some(2010), Some(2019));
    f.relation(
        "A_SUPERVISOR_8Y",
        "M2",
        "supervisor",
        Some(2012),
        Some(2019),
    );
    f.relation(
        "M1",
        "A_COLLAB_2020",
        "collaborator",
        Some(2018),
        Some(2020),
    );
    f.relation(
        "M1",
        "A_COLLAB_2019",
        "collaborator",
        Some(2016),
        Some(2019),
    );
    f.relation("M2", "A_FAMILY", "family", None, None);

    // excluded_reviewers of P1.
    let nominated = f.r("A_NOMINATED");
    f.t.nominated.push(Nominated {
        proposal: p1,
        researcher: nominated,
        line: 2,
    });
    f.done()
}

fn adviser(ds: &Dataset, rid: &str) -> AdviserIx {
    ds.adviser_of[ds.researcher_by_id[rid]].unwrap()
}

fn csv_of(cs: &ConflictSet, ds: &Dataset) -> String {
    let mut buf = Vec::new();
    cs.write_csv(ds, &mut buf).unwrap();
    String::from_utf8(buf).unwrap()
}

fn detect_default(ds: &Dataset) -> ConflictSet {
    detect(ds, &ConflictConfig::default())
}

/// Every excluded pair with its reason and evidence, every flag, and
/// nothing else: the whole conflicts.csv, checked line by line by hand.
#[test]
fn every_rule_on_hand_made_data() {
    let ds = fixture();
    let cs = detect_default(&ds);
    let expected = "\
proposal_id,researcher_id,excluded,reasons,evidence
P1,A_ADVISOR,true,advisor of M1,\"relations.csv line 2: A_ADVISOR advisor of M1, 1995–2000\"
P1,A_COAUTHOR_2019,false,\"flag: co-author with M1 (2019, one year before the window)\",\"W_2019 (2019), the window is 2020–2024\"
P1,A_COAUTHOR_2020,true,co-author with M1 (2020),W_2020 (2020)
P1,A_COLLAB_2020,true,collaborator of M1,\"relations.csv line 5: M1 collaborator of A_COLLAB_2020, 2018–2020\"
P1,A_CONSORTIUM,false,flag: consortium paper with M1,\"W_CONSORTIUM (2023, 300 authors)\"
P1,A_DECLARED_MIRROR,true,declared with M1: joint company; declared with M1: joint company,conflicts.csv line 3 | conflicts.csv line 4
P1,A_DECLARED_P1,true,declared: former student,conflicts.csv line 2
P1,A_EMPLOYER_10Y,true,employer of M2,\"relations.csv line 3: A_EMPLOYER_10Y employer of M2, 2010–2019\"
P1,A_FAMILY,true,family of M2,\"relations.csv line 7: M2 family of A_FAMILY, years not given\"
P1,A_MEMBER,true,co-applicant with M2 on P3,proposal_members.csv: with M2 on P3 (call 2024)
P1,A_MOVED_2020,true,same institution U0 as M1,\"affiliations.csv line 2: M1 at U0, Immunology, 2012–now, source orcid and affiliations.csv line 7: A_MOVED_2020 at U0, 2015–2020, source wos:WOS:000123\"
P1,A_NOMINATED,true,named by the applicants for exclusion,\"proposals.csv line 2, column excluded_reviewers\"
P1,A_SAME_COMPANY,true,same institution C1 as M2,\"affiliations.csv line 3: M2 at C1, R&D, 2015–now, source researchmap and affiliations.csv line 4: A_SAME_COMPANY at C1, Sales, 2020–now, source orcid\"
P1,A_SAME_DEPT,true,same institution U0 (Immunology) as M1,\"affiliations.csv line 2: M1 at U0, Immunology, 2012–now, source orcid and affiliations.csv line 5: A_SAME_DEPT at U0, Immunology, 2018–now, source orcid\"
P2,A_COAUTHOR_2016,false,\"flag: co-author with M3 (2016, one year before the window)\",\"W_2016 (2016), the window is 2017–2021\"
P2,A_COAUTHOR_2017,true,co-author with M3 (2017),W_2017 (2017)
P2,A_MOVED_2017,true,same institution U2 as M3,\"researchers.csv: M3 at U2 (current) and affiliations.csv line 9: A_MOVED_2017 at U2, until 2017, source declared\"
P3,A_EMPLOYER_10Y,true,employer of M2,\"relations.csv line 3: A_EMPLOYER_10Y employer of M2, 2010–2019\"
P3,A_FAMILY,true,family of M2,\"relations.csv line 7: M2 family of A_FAMILY, years not given\"
P3,A_MEMBER,true,member of the proposal (pi),proposal_members.csv: role pi
P3,A_SAME_COMPANY,true,same institution C1 as M2,\"affiliations.csv line 3: M2 at C1, R&D, 2015–now, source researchmap and affiliations.csv line 4: A_SAME_COMPANY at C1, Sales, 2020–now, source orcid\"
";
    assert_eq!(csv_of(&cs, &ds), expected);
    // The two-hop flag is kept (for assignment.csv and the report) but
    // summarised in two_hop.csv rather than listed.
    let p1 = 0;
    assert_eq!(
        cs.flags(p1, adviser(&ds, "A_TWO_HOP")),
        "flag: two hops from M1 via VIA [M1 – VIA – adviser; 1 joint paper(s) on the weaker hop]"
    );
    let mut buf = Vec::new();
    cs.write_two_hop_summary(&ds, &mut buf).unwrap();
    assert_eq!(
        String::from_utf8(buf).unwrap(),
        "proposal_id,advisers_two_hops,strongest_adviser,member,via,joint_papers\nP1,1,A_TWO_HOP,M1,VIA,1\n"
    );
    // Not excluded, not flagged: other department, moves before the
    // windows, short supervision, old collaboration, the clean adviser.
    for rid in [
        "A_OTHER_DEPT",
        "A_MOVED_2019",
        "A_SUPERVISOR_8Y",
        "A_COLLAB_2019",
        "A_CLEAN",
    ] {
        assert!(cs.reasons(p1, adviser(&ds, rid)).is_empty(), "{rid}");
    }
    assert!(cs.reasons(1, adviser(&ds, "A_MOVED_2016")).is_empty());
    let c = cs.counts();
    assert_eq!(
        (
            c.member,
            c.same_institution,
            c.co_author,
            c.co_applicant,
            c.declared,
            c.relation,
            c.nominated
        ),
        (1, 5, 2, 1, 2, 6, 1)
    );
    assert_eq!((c.consortium, c.near_miss, c.two_hop), (1, 2, 1));
    assert_eq!((c.excluded_pairs, c.warning_pairs), (18, 4));
}

/// Each window counts back from the proposal's own call, N years
/// inclusive: 2020–2024 for P1 and 2017–2021 for P2, both sides pinned.
#[test]
fn window_boundaries_for_two_calls() {
    let ds = fixture();
    let cs = detect_default(&ds);
    let (p1, p2) = (0, 1);
    let ex = |p, rid| cs.is_excluded(p, adviser(&ds, rid));
    // Co-authorship.
    assert!(ex(p1, "A_COAUTHOR_2020") && !ex(p1, "A_COAUTHOR_2019"));
    assert!(ex(p2, "A_COAUTHOR_2017") && !ex(p2, "A_COAUTHOR_2016"));
    // Affiliations.
    assert!(ex(p1, "A_MOVED_2020") && !ex(p1, "A_MOVED_2019"));
    assert!(ex(p2, "A_MOVED_2017") && !ex(p2, "A_MOVED_2016"));
    // Collaborator relation.
    assert!(ex(p1, "A_COLLAB_2020") && !ex(p1, "A_COLLAB_2019"));
    // A reference year moves every call: 2025 drops the 2020 paper.
    let cfg = ConflictConfig {
        reference_year: Some(2025),
        ..ConflictConfig::default()
    };
    let cs = detect(&ds, &cfg);
    assert!(!cs.is_excluded(p1, adviser(&ds, "A_COAUTHOR_2020")));
    assert!(!cs.is_excluded(p2, adviser(&ds, "A_COAUTHOR_2017")));
}

/// Regression (per-call window): the co-author window was counted from the
/// latest call year for every proposal, so a proposal of an earlier call
/// (2021) missed its co-author of 2017.
#[test]
fn regression_per_call_window_earlier_call_keeps_its_coauthors() {
    let ds = fixture();
    let cs = detect_default(&ds);
    let p2 = 1;
    assert_eq!(ds.proposals[p2].year, 2021);
    assert!(cs.is_excluded(p2, adviser(&ds, "A_COAUTHOR_2017")));
}

/// Regression (N+1 years): `coauthor_years = 5` counted 2019 for a call in
/// 2024 (six calendar years).
#[test]
fn regression_window_is_n_years_not_n_plus_one() {
    let ds = fixture();
    let cs = detect_default(&ds);
    let a = adviser(&ds, "A_COAUTHOR_2019");
    assert!(!cs.is_excluded(0, a));
    // One year before the window: a flag, not silence.
    assert_eq!(cs.reasons(0, a)[0].rule(), Rule::NearMiss);
}

/// Regression (300-author consortium paper): a consortium co-author was
/// excluded like a close collaborator; NIH treats it as no conflict by
/// itself, so it is flagged.
#[test]
fn regression_300_author_consortium_paper_flags_not_excludes() {
    let ds = fixture();
    assert_eq!(ds.publications.last().unwrap().authors.len(), 300);
    let cs = detect_default(&ds);
    let a = adviser(&ds, "A_CONSORTIUM");
    assert!(!cs.is_excluded(0, a));
    assert_eq!(
        cs.flags(0, a),
        "flag: consortium paper with M1 [W_CONSORTIUM (2023, 300 authors)]"
    );
    // Nor does it open two-hop paths to the other 298 authors' co-authors.
    assert_eq!(cs.counts().two_hop, 1);
    // With no limit, the paper is an ordinary joint paper.
    let cfg = ConflictConfig {
        max_coauthors: 0,
        ..ConflictConfig::default()
    };
    let cs = detect(&ds, &cfg);
    assert!(cs.is_excluded(0, a));
}

/// Regression (one-directional declarations): a row naming a member first
/// and the adviser as `other_researcher_id` was skipped.
#[test]
fn regression_declared_conflicts_work_both_ways() {
    let mut f = Fixture::new(&[("I0", Sector::Academia), ("I1", Sector::Academia)]);
    f.person("M", "I0", false);
    f.person("A", "I1", true);
    f.proposal("P", 2024, &[("M", Role::Pi)]);
    let a = f.r("A");
    f.declare("M", DeclaredTarget::Researcher(a), "married");
    let ds = f.done();
    let cs = detect_default(&ds);
    assert!(cs.is_excluded(0, 0));
    assert_eq!(cs.reasons(0, 0)[0].to_string(), "declared with M: married");
}

/// An advisor relation excludes in both directions and at any time; the
/// student side reads as such.
#[test]
fn advisor_and_student_are_symmetric() {
    let mut f = Fixture::new(&[("I0", Sector::Academia), ("I1", Sector::Academia)]);
    f.person("PROF", "I0", true);
    f.person("STUDENT", "I1", true);
    f.proposal("P_PROF", 2024, &[("PROF", Role::Pi)]);
    f.proposal("P_STUDENT", 2024, &[("STUDENT", Role::Pi)]);
    f.relation("PROF", "STUDENT", "advisor", Some(1990), Some(1994));
    let ds = f.done();
    let cs = detect_default(&ds);
    let (prof, student) = (adviser(&ds, "PROF"), adviser(&ds, "STUDENT"));
    assert_eq!(cs.reasons(0, student)[0].to_string(), "student of PROF");
    assert_eq!(cs.reasons(1, prof)[0].to_string(), "advisor of STUDENT");
}

/// An employer or supervisor relation without a start year cannot be
/// shown to be short: it excludes.
#[test]
fn employer_without_start_year_fails_closed() {
    let mut f = Fixture::new(&[("I0", Sector::Industry), ("I1", Sector::Academia)]);
    f.person("M", "I0", false);
    f.person("BOSS", "I1", true);
    f.proposal("P", 2024, &[("M", Role::Pi)]);
    f.relation("BOSS", "M", "employer", None, Some(2015));
    let ds = f.done();
    assert!(detect_default(&ds).is_excluded(0, 0));
}

#[test]
fn department_rule_organisation_excludes_the_whole_university() {
    let ds = fixture();
    let a = adviser(&ds, "A_OTHER_DEPT");
    assert!(!detect_default(&ds).is_excluded(0, a));
    let cfg = ConflictConfig {
        department_rule: DepartmentRule::Organisation,
        ..ConflictConfig::default()
    };
    assert!(detect(&ds, &cfg).is_excluded(0, a));
}

/// Authors imported without an affiliation are filed under the import's
/// placeholder institution; sharing it is not sharing a workplace.
#[test]
fn regression_import_placeholder_institution_is_not_a_shared_workplace() {
    let mut f = Fixture::new(&[
        (UNKNOWN_INSTITUTION_ID, Sector::Academia),
        ("U2", Sector::Academia),
    ]);
    f.person("PI", UNKNOWN_INSTITUTION_ID, false);
    f.person("ADV_UNKNOWN", UNKNOWN_INSTITUTION_ID, true);
    f.person("ADV_U2", "U2", true);
    f.proposal("P1", 2026, &[("PI", Role::Pi)]);
    let ds = f.done();
    let cs = detect_default(&ds);
    assert!(!cs.is_excluded(0, adviser(&ds, "ADV_UNKNOWN")));
    assert!(cs.is_empty(), "{}", csv_of(&cs, &ds));
    // The same data with a real institution in its place is a conflict.
    let mut f = Fixture::new(&[("U1", Sector::Academia)]);
    f.person("PI", "U1", false);
    f.person("ADV", "U1", true);
    f.proposal("P1", 2026, &[("PI", Role::Pi)]);
    let ds = f.done();
    assert!(detect_default(&ds).is_excluded(0, adviser(&ds, "ADV")));
}

#[test]
fn affiliation_years_zero_keeps_current_posts_only() {
    let ds = fixture();
    let cfg = ConflictConfig {
        affiliation_years: 0,
        ..ConflictConfig::default()
    };
    let cs = detect(&ds, &cfg);
    assert!(!cs.is_excluded(0, adviser(&ds, "A_MOVED_2020")));
    assert!(cs.is_excluded(0, adviser(&ds, "A_SAME_DEPT")));
}

#[test]
fn switches_turn_rules_off_but_member_stays() {
    let ds = fixture();
    let cfg = ConflictConfig {
        same_institution: false,
        coauthor_years: 0,
        co_applicant: false,
        declared: false,
        relations: false,
        nominated: false,
        two_hop_warning: false,
        near_miss: false,
        ..ConflictConfig::default()
    };
    let cs = detect(&ds, &cfg);
    let flagged: Vec<(usize, &str)> = cs
        .rows()
        .map(|r| (r.proposal, ds.adviser_id(r.adviser)))
        .collect();
    assert_eq!(flagged, [(2, "A_MEMBER")]);
    // Two-hop off alone: A_TWO_HOP loses its flag, nothing else changes.
    let cs = detect(
        &ds,
        &ConflictConfig {
            two_hop_warning: false,
            ..ConflictConfig::default()
        },
    );
    assert!(cs.reasons(0, adviser(&ds, "A_TWO_HOP")).is_empty());
    assert_eq!(cs.counts().warning_pairs, 3);
}

#[test]
fn two_hop_list_puts_every_path_in_conflicts_csv() {
    let ds = fixture();
    let cfg = ConflictConfig {
        two_hop_list: true,
        ..ConflictConfig::default()
    };
    let text = csv_of(&detect(&ds, &cfg), &ds);
    assert!(
        text.contains("P1,A_TWO_HOP,false,flag: two hops from M1 via VIA,M1 – VIA – adviser; 1 joint paper(s) on the weaker hop\n"),
        "{text}"
    );
}

#[test]
fn too_many_nominated_exclusions_are_all_applied_and_noted() {
    let mut f = Fixture::new(&[("I0", Sector::Academia), ("I1", Sector::Academia)]);
    f.person("M", "I0", false);
    for k in 0..4 {
        f.person(&format!("A{k}"), "I1", true);
    }
    f.proposal("P", 2024, &[("M", Role::Pi)]);
    for k in 0..4 {
        let r = f.r(&format!("A{k}"));
        f.t.nominated.push(Nominated {
            proposal: 0,
            researcher: r,
            line: 2,
        });
    }
    let ds = f.done();
    let cs = detect_default(&ds);
    assert_eq!(cs.excluded_of(0).len(), 4);
    assert_eq!(cs.notes().len(), 1);
    assert!(
        cs.notes()[0].contains("names 4 researchers"),
        "{:?}",
        cs.notes()
    );
}

/// Brute force over every (proposal, adviser) pair, straight from the rules'
/// definitions: which rules flag the pair (affiliations, declarations both
/// ways, per-call windows, consortium papers, near misses, two hops).
fn brute_rules(ds: &Dataset, cfg: &ConflictConfig, p: usize, a: usize) -> Vec<Rule> {
    let prop = &ds.proposals[p];
    let ra = ds.advisers[a].researcher;
    let members: Vec<usize> = prop.members.iter().map(|m| m.researcher).collect();
    let call = cfg.reference_year.unwrap_or(prop.year);
    let from = call - cfg.coauthor_years as i32 + 1;
    let aff_from = call - cfg.affiliation_years.max(1) as i32 + 1;
    let small =
        |w: &Publication| cfg.max_coauthors == 0 || w.authors.len() <= cfg.max_coauthors as usize;
    let joint = |x: usize, y: usize, keep: &dyn Fn(&Publication) -> bool| {
        ds.publications
            .iter()
            .any(|w| keep(w) && w.authors.contains(&x) && w.authors.contains(&y))
    };
    let recent = |x: usize, y: usize| joint(x, y, &|w| w.year >= from && small(w));
    // (institution, department, end) of a researcher: rows, plus the
    // current institution unless a row has it open-ended.
    let stints = |r: usize| {
        let mut v: Vec<(usize, Option<String>, Option<i32>)> = ds
            .affiliations
            .iter()
            .filter(|x| x.researcher == r)
            .map(|x| {
                (
                    x.institution,
                    x.department.as_ref().map(|d| d.to_lowercase()),
                    x.end_year,
                )
            })
            .collect();
        let cur = ds.researchers[r].institution;
        if !v.iter().any(|s| s.0 == cur && s.2.is_none()) {
            v.push((cur, None, None));
        }
        v
    };
    let mut rules = Vec::new();
    if members.contains(&ra) {
        rules.push(Rule::Member);
    }
    if cfg.same_institution
        && members.iter().any(|&m| {
            m != ra
                && stints(m).iter().any(|s| {
                    stints(ra).iter().any(|t| {
                        s.0 == t.0
                            && s.2.is_none_or(|e| e >= aff_from)
                            && t.2.is_none_or(|e| e >= aff_from)
                            && !(ds.institutions[s.0].sector == Sector::Academia
                                && cfg.department_rule == DepartmentRule::Academia
                                && s.1.is_some()
                                && t.1.is_some()
                                && s.1 != t.1)
                    })
                })
        })
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
        && ds.declared_conflicts.iter().any(|d| match d.target {
            DeclaredTarget::Proposal(q) => d.researcher == ra && q == p,
            DeclaredTarget::Researcher(o) => {
                (d.researcher == ra && members.contains(&o) && o != ra)
                    || (o == ra && members.contains(&d.researcher) && d.researcher != ra)
            }
        })
    {
        rules.push(Rule::Declared);
    }
    let excluded = !rules.is_empty();
    if excluded {
        return rules;
    }
    let mut flags = Vec::new();
    if cfg.coauthor_years > 0
        && cfg.max_coauthors > 0
        && members
            .iter()
            .any(|&m| m != ra && joint(m, ra, &|w| w.year >= from && !small(w)))
    {
        flags.push(Rule::Consortium);
    }
    if cfg.coauthor_years > 0 && cfg.near_miss {
        let last = |x: usize, y: usize| {
            ds.publications
                .iter()
                .filter(|w| small(w) && w.authors.contains(&x) && w.authors.contains(&y))
                .map(|w| w.year)
                .max()
        };
        if members
            .iter()
            .any(|&m| m != ra && last(m, ra) == Some(from - 1))
        {
            flags.push(Rule::NearMiss);
        }
    }
    if cfg.two_hop_warning
        && cfg.coauthor_years > 0
        && members.iter().any(|&m| {
            m != ra
                && (0..ds.researchers.len())
                    .any(|x| x != m && x != ra && recent(m, x) && recent(x, ra))
        })
    {
        flags.push(Rule::TwoHop);
    }
    flags
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
            proposal(&format!("P{i}"), 0, 2020 + rng.random_range(0..5), &members)
        })
        .collect();
    let publications: Vec<Publication> = (0..rng.random_range(0..30))
        .map(|i| {
            let k = rng.random_range(1..6);
            let authors = pick(&mut rng, k);
            publication(&format!("W{i}"), 2012 + rng.random_range(0..13), &authors)
        })
        .collect();
    let n_prop = proposals.len();
    let declared_conflicts: Vec<DeclaredConflict> = (0..rng.random_range(0..4))
        .map(|k| DeclaredConflict {
            researcher: rng.random_range(0..n),
            target: if rng.random_bool(0.5) {
                DeclaredTarget::Proposal(rng.random_range(0..n_prop))
            } else {
                DeclaredTarget::Researcher(rng.random_range(0..n))
            },
            reason: "x".into(),
            line: k + 2,
        })
        .collect();
    let depts = ["d1", "D1", "d2"];
    let affiliations: Vec<Affiliation> = (0..rng.random_range(0..12))
        .map(|k| {
            let start = 2005 + rng.random_range(0..15);
            Affiliation {
                researcher: rng.random_range(0..n),
                institution: rng.random_range(0..n_inst),
                department: rng
                    .random_bool(0.6)
                    .then(|| depts[rng.random_range(0..3)].to_string()),
                start_year: Some(start),
                end_year: rng
                    .random_bool(0.7)
                    .then(|| start + rng.random_range(0..10)),
                source: "t".into(),
                line: k + 2,
            }
        })
        .collect();
    Dataset::new(Tables {
        institutions: (0..n_inst)
            .map(|i| {
                institution(
                    &format!("I{i}"),
                    if i % 2 == 0 {
                        Sector::Academia
                    } else {
                        Sector::Industry
                    },
                )
            })
            .collect(),
        researchers,
        areas: vec![area("A1")],
        advisers,
        proposals,
        publications,
        declared_conflicts,
        affiliations,
        ..Tables::default()
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
        affiliation_years in 0u32..8,
        max_coauthors in 0u32..5,
        co_applicant in any::<bool>(),
        declared in any::<bool>(),
        two_hop_warning in any::<bool>(),
        by_department in any::<bool>(),
    ) {
        let ds = random_dataset(seed);
        let cfg = ConflictConfig {
            same_institution, coauthor_years, affiliation_years, max_coauthors,
            co_applicant, declared, two_hop_warning,
            department_rule: if by_department { DepartmentRule::Academia } else { DepartmentRule::Organisation },
            ..ConflictConfig::default()
        };
        let cs = detect(&ds, &cfg);
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
