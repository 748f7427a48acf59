//! Scores and reasons a programme officer can read, on files as a user
//! writes them: the Japanese Alzheimer proposal, reasons in whole
//! phrases (`ion channels`, `pd-l1`), a score of 0 for no shared expertise,
//! and a scan of every reason the sample produces.

mod common;

use std::path::Path;

use common::*;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Two advisers: RA publishes on tau and Alzheimer's disease in English;
/// RC is a cancer immunologist whose papers (one in Japanese) share the
/// words of the bad match: バイオマーカー, 明らかに, 細胞, 解析.
fn folder(dir: &Path) {
    write(
        dir,
        "institutions.csv",
        "institution_id,name,sector,country\r\nI1,Kyoto Univ,academia,JP\r\nI2,Osaka Univ,academia,JP\r\nI3,Tokyo Univ,academia,JP\r\n",
    );
    write(
        dir,
        "researchers.csv",
        "researcher_id,name,institution_id\r\nRA,Aoki,I1\r\nRC,Chiba,I2\r\nRP,Pi,I3\r\nRZ,Zero,I3\r\n",
    );
    write(
        dir,
        "areas.csv",
        "area_id,name,program,description,keywords\r\nA1,Brain and cancer,CREST,,\r\n",
    );
    write(
        dir,
        "advisers.csv",
        "researcher_id,area_ids\r\nRA,A1\r\nRC,A1\r\nRZ,A1\r\n",
    );
    write(
        dir,
        "proposals.csv",
        "proposal_id,area_id,title,abstract,keywords,pi_id,year\r\n\
         P1,A1,アルツハイマー病におけるタウ蛋白の伝播機構の解析,本研究ではアルツハイマー病におけるタウ蛋白の伝播機構を明らかにし、新たなバイオマーカーの開発を目指す。細胞モデルを用いて解析する。,アルツハイマー病;タウ,RP,2024\r\n\
         P2,A1,PD-L1 blockade and ion channels in non-small cell lung cancer,We study how ion channels of T cells shape PD-L1 blockade in non-small cell lung cancer.,,RP,2024\r\n",
    );
    write(
        dir,
        "proposal_members.csv",
        "proposal_id,researcher_id,role\r\nP1,RP,pi\r\nP2,RP,pi\r\n",
    );
    write(
        dir,
        "publications.csv",
        "publication_id,year,title,abstract,keywords\r\n\
         W1,2022,Trans-synaptic propagation of tau protein in Alzheimer's disease,Tau seeds spread between neurons; we map the propagation of tau pathology in Alzheimer's disease brains.,tau;Alzheimer's disease\r\n\
         W2,2023,Tau protein spreading and neurodegeneration in Alzheimer's disease models,Propagation of misfolded tau protein drives neurodegeneration.,tau propagation\r\n\
         W3,2023,腫瘍微小環境における免疫細胞の解析とバイオマーカーを明らかにする,がん免疫の細胞解析によりバイオマーカーを明らかにした。,がん免疫\r\n\
         W4,2022,PD-L1 blockade in non-small cell lung cancer,PD-L1 blockade and T cell immunity in non-small cell lung cancer; ion channels of T cells regulate activation.,immunotherapy\r\n\
         W5,2021,Ion channels in tumour-infiltrating T cells,Potassium ion channels control T cell function in tumours.,\r\n\
         W6,2020,Malaria transmission by mosquitoes,Plasmodium parasites in Anopheles.,\r\n",
    );
    write(
        dir,
        "authorships.csv",
        "publication_id,researcher_id\r\nW1,RA\r\nW2,RA\r\nW3,RC\r\nW4,RC\r\nW5,RC\r\nW6,RZ\r\n",
    );
}

/// `(proposal, researcher, score, area, reasons)` rows of scores.csv.
fn scores(dir: &Path, data: &Path) -> Vec<(String, String, f64, f64, Vec<String>)> {
    let out = dir.join("scores.csv");
    let o = run(&[
        "score",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--all-pairs",
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (cp, cr, cs, ca, ct) = (
        col("proposal_id"),
        col("researcher_id"),
        col("score"),
        col("area"),
        col("top_terms"),
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[cp].to_string(),
                r[cr].to_string(),
                r[cs].parse().unwrap(),
                r[ca].parse().unwrap(),
                r[ct]
                    .split(';')
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect(),
            )
        })
        .collect()
}

/// The issue: 「アルツハイマー病におけるタウ蛋白の伝播機構の解析」 went to the cancer
/// immunologist on the bigrams `マー;細胞;解析;かに;らか`, never to the
/// Alzheimer expert who publishes in English.
#[test]
fn japanese_alzheimer_proposal_finds_the_english_publishing_expert() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    std::fs::create_dir(&data).unwrap();
    folder(&data);
    let rows = scores(t.path(), &data);
    let p1: Vec<_> = rows.iter().filter(|r| r.0 == "P1").collect();
    assert_eq!(p1[0].1, "RA", "{p1:?}");
    assert!(p1[0].2 > p1[1].2, "{p1:?}");
    for r in &p1 {
        for reason in &r.4 {
            assert!(
                !["マー", "かに", "らか", "瘍微", "ツハ", "アミ", "イド", "イマ"]
                    .contains(&reason.as_str()),
                "fragment {reason:?} in {r:?}"
            );
        }
    }
    let ra = &p1[0].4;
    assert!(ra.iter().any(|x| x.contains("tau")), "{ra:?}");
    assert!(ra.iter().any(|x| x.contains("alzheimer")), "{ra:?}");
}

/// The issue: reasons split phrases (`ion;channels`, `pd;l1`, `non`).
#[test]
fn reasons_split_phrases_regression() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    std::fs::create_dir(&data).unwrap();
    folder(&data);
    let rows = scores(t.path(), &data);
    let rc = rows.iter().find(|r| r.0 == "P2" && r.1 == "RC").unwrap();
    let reasons = &rc.4;
    assert!(
        reasons.iter().any(|x| x.contains("ion channels")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|x| x.contains("pd-l1")), "{reasons:?}");
    for bad in ["ion", "channels", "pd", "l1", "non"] {
        assert!(!reasons.iter().any(|x| x == bad), "{bad} in {reasons:?}");
    }
}

/// The issue: every eligible pair got +0.15 from the area component, so
/// 0.150 meant "no overlap at all". Now an adviser sharing nothing scores 0
/// (the area match is still shown, in its own column).
#[test]
fn area_component_no_overlap_score_regression() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    std::fs::create_dir(&data).unwrap();
    folder(&data);
    let rows = scores(t.path(), &data);
    let rz = rows.iter().find(|r| r.0 == "P2" && r.1 == "RZ").unwrap();
    assert_eq!((rz.2, rz.3), (0.0, 1.0), "{rz:?}");
    assert!(rz.4.is_empty());
}

/// Every reason the sample gives is a word or phrase a person would write:
/// no stop word, no research-genre word, no fragment under three letters,
/// and each of its words occurs in the proposal's text.
#[test]
fn sample_reasons_are_whole_words_or_phrases() {
    let t = tempfile::tempdir().unwrap();
    let rows = scores(t.path(), &root().join("data/sample"));
    let props = std::fs::read_to_string(root().join("data/sample/proposals.csv"))
        .unwrap()
        .to_lowercase();
    let an = rdmatch::text::Analyzer::new();
    let prop_terms: std::collections::HashSet<String> = rdmatch::text::words(&props)
        .iter()
        .map(|w| an.term(w).into_owned())
        .collect();
    let mut n = 0;
    for r in &rows {
        for reason in &r.4 {
            n += 1;
            let ws: Vec<&str> = reason.split(' ').collect();
            for (i, w) in ws.iter().enumerate() {
                assert!(!w.is_empty(), "{reason:?}");
                // A lone word must be a whole one and no stop word; a phrase
                // neither begins nor ends with one, and inside it a short or
                // function word is part of what a person wrote ("type i
                // interferon", "t cell exhaustion").
                let edge = i == 0 || i + 1 == ws.len();
                if edge {
                    assert!(
                        !rdmatch::text::is_english_stop_word(w),
                        "stop word {w:?} in reason {reason:?} ({}, {})",
                        r.0,
                        r.1
                    );
                }
                let phrase = ws.len() > 1;
                assert!(
                    phrase || w.contains('-') || !w.is_ascii() || w.chars().count() >= 3,
                    "fragment {w:?} in reason {reason:?}"
                );
                if phrase && (w.chars().count() < 2 || rdmatch::text::is_english_stop_word(w)) {
                    continue;
                }
                // A hyphenated word of a keyword phrase ("structure-based")
                // counts by its parts.
                let parts = rdmatch::text::words(w);
                assert!(!parts.is_empty(), "{w:?} of {reason:?} has no word");
                for part in parts {
                    assert!(
                        prop_terms.contains(an.term(&part).as_ref()),
                        "{part:?} of {reason:?} is not a word of any proposal"
                    );
                }
            }
        }
    }
    assert!(n > 1000, "only {n} reasons");
}
