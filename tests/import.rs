//! `rdmatch import`: every format end to end from the CLI, identity and
//! de-duplication rules, the report, bad input, and the real Web of
//! Science and PubMed records of `../shared/real-data/`.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use common::{run, text};

fn fixture(name: &str) -> String {
    common::root()
        .join("tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

/// Header and rows of a CSV the import wrote.
fn csv(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

fn rows(dir: &Path, file: &str) -> Vec<HashMap<String, String>> {
    csv(&dir.join(file)).1
}

fn import(format: &str, files: &[&str], dir: &Path, extra: &[&str]) -> String {
    let d = dir.display().to_string();
    let mut args = vec!["import", format];
    args.extend_from_slice(files);
    args.extend_from_slice(&["--data", &d]);
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(
        o.status.success(),
        "import {format} {files:?} failed:\n{}",
        text(&o)
    );
    text(&o)
}

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), body).unwrap();
}

/// Every table file of the folder with its bytes (not the import report).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn real_data(sub: &str) -> Option<PathBuf> {
    let p = common::root().join("../shared/real-data").join(sub);
    if p.is_dir() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true needs {}",
        p.display()
    );
    eprintln!(
        "note: {} absent; skipping the real-records test",
        p.display()
    );
    None
}

/// Counts made from the raw WoS files, independently of the importer:
/// records (`ER` lines), `AF` entries (first line plus continuation
/// lines), and ORCID iDs in `OI` pairs.
struct WosCounts {
    records: usize,
    af_entries: usize,
    orcids: BTreeSet<String>,
    /// Records whose DOI or UT an earlier record already had.
    repeats: usize,
}

fn count_wos(files: &[PathBuf]) -> WosCounts {
    let mut c = WosCounts {
        records: 0,
        af_entries: 0,
        orcids: BTreeSet::new(),
        repeats: 0,
    };
    let mut seen = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut tag = String::new();
        let mut oi = String::new();
        let (mut doi, mut ut) = (String::new(), String::new());
        for line in text.lines() {
            let line = line.trim_start_matches('\u{feff}');
            if line == "ER" {
                c.records += 1;
                let repeat = (!doi.is_empty()
                    && !seen.insert(format!("doi {}", doi.to_lowercase())))
                    | (!ut.is_empty() && !seen.insert(format!("ut {ut}")));
                if repeat {
                    c.repeats += 1;
                }
                for pair in oi.split(';') {
                    if let Some((_, id)) = pair.rsplit_once('/') {
                        let id = id.trim();
                        if id.len() == 19 {
                            c.orcids.insert(id.to_string());
                        }
                    }
                }
                oi.clear();
                doi.clear();
                ut.clear();
                tag.clear();
                continue;
            }
            if let Some(rest) = line.strip_prefix("   ") {
                if tag == "AF" {
                    c.af_entries += 1;
                }
                if tag == "OI" {
                    oi.push(' ');
                    oi.push_str(rest.trim());
                }
                continue;
            }
            if line.len() >= 2 {
                tag = line[..2].to_string();
                let v = line.get(3..).unwrap_or("").trim();
                match tag.as_str() {
                    "AF" => c.af_entries += 1,
                    "OI" => oi.push_str(v),
                    "DI" => doi = v.to_string(),
                    "UT" => ut = v.to_string(),
                    _ => {}
                }
            }
        }
    }
    c
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("import/summary.json")).unwrap()).unwrap()
}

fn n(v: &serde_json::Value, k: &str) -> usize {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}")) as usize
}

#[test]
fn wos_real_records_import_with_the_counts_of_the_raw_files_and_a_second_import_adds_nothing() {
    let Some(dir) = real_data("wos-public-health") else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("WoS_"))
        .collect();
    files.sort();
    let raw = count_wos(&files);
    assert_eq!(raw.records, 4012, "the README's record count");
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    import("wos", &args, &data, &["--add-unmatched"]);
    let s = summary(&data);
    assert_eq!(n(&s, "records_read"), raw.records);
    assert_eq!(n(&s, "records_skipped"), 0);
    // One publication per record, but for records that repeat an earlier
    // record's DOI or UT (merged, keeping both UTs).
    let pubs = rows(&data, "publications.csv");
    assert_eq!(pubs.len(), raw.records - raw.repeats);
    assert_eq!(n(&s, "publications_merged"), raw.repeats);
    let uts: usize = pubs.iter().map(|p| p["wos_ut"].split(';').count()).sum();
    assert_eq!(uts, raw.records, "every UT is kept");
    // Every AF entry is an authorship, except the ambiguous ones (listed in
    // matches.csv) and the authors of a repeated record who are already
    // authors of the publication.
    let auths = rows(&data, "authorships.csv");
    assert_eq!(n(&s, "authors_read"), raw.af_entries);
    let ambiguous = rows(&data, "import/matches.csv").len();
    assert_eq!(ambiguous, n(&s, "ambiguous"));
    let logged = rows(&data, "import/authors.csv");
    let repeated_authors = logged
        .iter()
        .filter(|r| r["method"] != "ambiguous" && r["method"] != "orcid-unplaced")
        .count()
        - auths.len();
    assert_eq!(auths.len() + ambiguous + repeated_authors, raw.af_entries);
    assert!(repeated_authors <= 30, "{repeated_authors}");
    let distinct: BTreeSet<(String, String)> = auths
        .iter()
        .map(|a| (a["publication_id"].clone(), a["researcher_id"].clone()))
        .collect();
    assert_eq!(distinct.len(), auths.len(), "no duplicate authorship");
    // Every ORCID iD of the OI pairs is a researcher's, or listed as not
    // placed (its name fits no author of the record).
    let researchers = rows(&data, "researchers.csv");
    let mut have: BTreeSet<String> = researchers
        .iter()
        .flat_map(|r| r["orcid"].split(';').map(String::from).collect::<Vec<_>>())
        .filter(|o| !o.is_empty())
        .collect();
    let placed = have.len();
    have.extend(
        logged
            .iter()
            .filter(|r| r["method"] == "orcid-unplaced" || r["method"] == "ambiguous")
            .flat_map(|r| r["orcid"].split(';').map(String::from).collect::<Vec<_>>())
            .filter(|o| !o.is_empty()),
    );
    let missing: Vec<_> = raw.orcids.difference(&have).collect();
    let extra: Vec<_> = have.difference(&raw.orcids).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    assert!(
        placed * 100 >= raw.orcids.len() * 95,
        "{placed} of {} placed",
        raw.orcids.len()
    );
    // Each ORCID iD belongs to one researcher.
    let owners: usize = researchers
        .iter()
        .map(|r| r["orcid"].split(';').filter(|o| !o.is_empty()).count())
        .sum();
    assert_eq!(owners, placed);
    eprintln!(
        "WoS import: {} records, {} publications, {} authorships, {} researchers, matched {}, {} ambiguous, {} institutions",
        raw.records,
        pubs.len(),
        auths.len(),
        researchers.len(),
        s["matched"],
        ambiguous,
        rows(&data, "institutions.csv").len()
    );

    let before = snapshot(&data);
    import("wos", &args, &data, &["--add-unmatched"]);
    assert_eq!(snapshot(&data), before, "a second import adds nothing");
    let s2 = summary(&data);
    assert_eq!(n(&s2, "publications_added"), 0);
    assert_eq!(n(&s2, "researchers_added"), 0);
    assert_eq!(n(&s2, "authorships_added"), 0);
    assert_eq!(n(&s2, "institutions_added"), 0);
    assert_eq!(n(&s2, "affiliations_added"), 0);
}

#[test]
fn pubmed_real_medline_exports_import() {
    let Some(dir) = real_data("pubmed-nbib") else {
        return;
    };
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".nbib"))
        .collect();
    files.sort();
    let mut pmids = BTreeSet::new();
    let mut fau = 0;
    for f in &files {
        for l in std::fs::read_to_string(f).unwrap().lines() {
            if let Some(p) = l.strip_prefix("PMID- ") {
                pmids.insert(p.trim().to_string());
            }
            if l.starts_with("AU  - ") {
                fau += 1;
            }
        }
    }
    let t = tempfile::tempdir().unwrap();
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    import("pubmed", &args, t.path(), &["--add-unmatched"]);
    let s = summary(t.path());
    let pubs = rows(t.path(), "publications.csv");
    let got: BTreeSet<String> = pubs.iter().map(|p| p["pmid"].clone()).collect();
    assert_eq!(got.len() + n(&s, "records_skipped"), pmids.len());
    assert!(got.is_subset(&pmids));
    assert_eq!(n(&s, "authors_read"), fau);
    // Every author is in the log once; the matched ones are the authorships
    // (an author of a record PubMed exported twice is an authorship once).
    let log: Vec<_> = rows(t.path(), "import/authors.csv")
        .into_iter()
        .filter(|r| r["method"] != "orcid-unplaced")
        .collect();
    assert_eq!(log.len(), fau);
    let pairs: BTreeSet<(String, String)> = log
        .iter()
        .filter(|r| !r["researcher_id"].is_empty() && r["method"] != "duplicate")
        .map(|r| (r["publication_id"].clone(), r["researcher_id"].clone()))
        .collect();
    assert_eq!(rows(t.path(), "authorships.csv").len(), pairs.len());
    // MeSH headings become keywords.
    assert!(pubs
        .iter()
        .any(|p| p["keywords"].contains("Mass Screening")));
}

const RESEARCHERS: &str = "researcher_id,name,institution_id,orcid\nR1,Hiroshi Tanaka,I1,\nR2,Ken Suzuki,I2,0000-0003-0000-0011\nR3,Haruki Tanaka,I2,\n";
const INSTITUTIONS: &str = "institution_id,name,sector,country\nI1,The University of Tokyo,academia,JP\nI2,Kyoto University,academia,JP\n";

fn folder_with_researchers() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "researchers.csv", RESEARCHERS);
    write(t.path(), "institutions.csv", INSTITUTIONS);
    t
}

fn authors_of(dir: &Path, pub_filter: impl Fn(&HashMap<String, String>) -> bool) -> Vec<String> {
    let pubs: BTreeSet<String> = rows(dir, "publications.csv")
        .into_iter()
        .filter(|p| pub_filter(p))
        .map(|p| p["publication_id"].clone())
        .collect();
    let mut v: Vec<String> = rows(dir, "authorships.csv")
        .into_iter()
        .filter(|a| pubs.contains(&a["publication_id"]))
        .map(|a| a["researcher_id"].clone())
        .collect();
    v.sort();
    v
}

#[test]
fn orcid_beats_name() {
    let t = folder_with_researchers();
    // `Tanaka, Hiroshi` at the University of Tokyo, by name, is R1; the
    // ORCID iD beside the name is R2's, and the iD wins.
    let wos = "PT J\nAU Tanaka, H\nAF Tanaka, Hiroshi\nTI Identity by ORCID\nC1 [Tanaka, Hiroshi] Univ Tokyo, Tokyo, Japan.\nOI Tanaka, Hiroshi/0000-0003-0000-0011\nPY 2020\nUT WOS:9\nER\n";
    write(t.path(), "in.txt", wos);
    let f = t.path().join("in.txt").display().to_string();
    import("wos", &[&f], t.path(), &[]);
    assert_eq!(authors_of(t.path(), |_| true), ["R2"]);
    let log = rows(t.path(), "import/authors.csv");
    assert_eq!(log[0]["method"], "orcid");
    assert_eq!(log[0]["confidence"], "1.00");
}

#[test]
fn two_tanaka_h_at_different_institutions_stay_apart() {
    // Imported into an empty folder: Tanaka H of Univ Tokyo and Tanaka H
    // of Kyoto Univ become two researchers.
    let t = tempfile::tempdir().unwrap();
    let wos = "PT J\nAU Tanaka, H\nTI Paper from Tokyo\nC1 [Tanaka, H] Univ Tokyo, Tokyo, Japan.\nPY 2020\nUT WOS:1\nER\n\nPT J\nAU Tanaka, H\nTI Paper from Kyoto\nC1 [Tanaka, H] Kyoto Univ, Kyoto, Japan.\nPY 2020\nUT WOS:2\nER\n\nPT J\nAU Tanaka, H\nTI Second paper from Tokyo\nC1 [Tanaka, H] The University of Tokyo, Tokyo, Japan.\nPY 2021\nUT WOS:3\nER\n";
    write(t.path(), "in.txt", wos);
    let f = t.path().join("in.txt").display().to_string();
    let data = t.path().join("data");
    import("wos", &[&f], &data, &["--add-unmatched"]);
    let r = rows(&data, "researchers.csv");
    assert_eq!(r.len(), 2, "{r:?}");
    let tokyo = authors_of(&data, |p| p["title"].contains("Tokyo"));
    let kyoto = authors_of(&data, |p| p["title"].contains("Kyoto"));
    assert_eq!(tokyo.len(), 2);
    assert_eq!(
        tokyo[0], tokyo[1],
        "`Univ Tokyo` ~ `The University of Tokyo`"
    );
    assert_ne!(tokyo[0], kyoto[0]);
    // And against researchers.csv: R1 (Tokyo) and R3 (Kyoto) are not merged.
    let t2 = folder_with_researchers();
    import("wos", &[&f], t2.path(), &[]);
    assert_eq!(
        authors_of(t2.path(), |p| p["title"].contains("Kyoto")),
        ["R3"]
    );
    assert_eq!(
        authors_of(t2.path(), |p| p["title"] == "Paper from Tokyo"),
        ["R1"]
    );
}

#[test]
fn an_ambiguous_author_is_listed_and_resolved_through_resolve() {
    let t = folder_with_researchers();
    let med = fixture("medline_tricky.nbib");
    let out = import("pubmed", &[&med], t.path(), &[]);
    assert!(out.contains("ambiguous"), "{out}");
    // PMID 30000003's `Tanaka H` gives no affiliation: R1 and R3 both fit.
    let m = rows(t.path(), "import/matches.csv");
    let row = m
        .iter()
        .find(|r| r["record"] == "pubmed:30000003")
        .unwrap_or_else(|| panic!("{m:?}"));
    assert!(
        row["candidates"].contains("R1") && row["candidates"].contains("R3"),
        "{row:?}"
    );
    assert!(
        authors_of(t.path(), |p| p["pmid"] == "30000003").is_empty(),
        "never merged silently"
    );
    // A person decides: R3.
    let (header, _) = csv(&t.path().join("import/matches.csv"));
    let body = std::fs::read_to_string(t.path().join("import/matches.csv")).unwrap();
    let edited: String = body
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i > 0 && l.starts_with("pubmed:30000003,") {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(l.as_bytes());
                let rec = r.records().next().unwrap().unwrap();
                let k = header.iter().position(|h| h == "researcher_id").unwrap();
                let cells: Vec<String> = rec
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        if j == k {
                            "R3".to_string()
                        } else {
                            format!("\"{}\"", c.replace('"', "\"\""))
                        }
                    })
                    .collect();
                cells.join(",") + "\n"
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let resolved = t.path().join("decided.csv");
    std::fs::write(&resolved, edited).unwrap();
    let r = resolved.display().to_string();
    import("pubmed", &[&med], t.path(), &["--resolve", &r]);
    assert_eq!(authors_of(t.path(), |p| p["pmid"] == "30000003"), ["R3"]);
    assert!(!rows(t.path(), "import/matches.csv")
        .iter()
        .any(|r| r["record"] == "pubmed:30000003"));
    let log = rows(t.path(), "import/authors.csv");
    assert!(log
        .iter()
        .any(|r| r["record"] == "pubmed:30000003" && r["method"] == "resolved"));
    // The decision is kept: importing again without --resolve changes nothing.
    let before = snapshot(t.path());
    import("pubmed", &[&med], t.path(), &[]);
    assert_eq!(snapshot(t.path()), before);
    assert!(!rows(t.path(), "import/matches.csv")
        .iter()
        .any(|r| r["record"] == "pubmed:30000003"));
}

#[test]
fn a_researchmap_japanese_name_matches_its_english_form_through_the_erad_number() {
    let t = tempfile::tempdir().unwrap();
    write(t.path(), "institutions.csv", INSTITUTIONS);
    write(
        t.path(),
        "researchers.csv",
        "researcher_id,name,institution_id,erad_id\nR1,Hiroshi Tanaka,I2,12345678\nR2,Hiroshi Tanaka,I1,\n",
    );
    let f = fixture("researchmap.json");
    import("researchmap", &[&f], t.path(), &[]);
    let log = rows(t.path(), "import/authors.csv");
    assert_eq!(log[0]["researcher_id"], "R1", "{log:?}");
    assert_eq!(log[0]["method"], "erad");
    // Its papers are R1's, its research experience R1's affiliation history.
    assert_eq!(authors_of(t.path(), |_| true), ["R1", "R1"]);
    let aff = rows(t.path(), "affiliations.csv");
    let tokyo = aff
        .iter()
        .find(|a| a["institution_id"] == "I1")
        .unwrap_or_else(|| panic!("{aff:?}"));
    assert_eq!(
        (tokyo["start_year"].as_str(), tokyo["end_year"].as_str()),
        ("2016", "")
    );
    let kyoto = aff.iter().find(|a| a["institution_id"] == "I2").unwrap();
    assert_eq!(
        (kyoto["start_year"].as_str(), kyoto["end_year"].as_str()),
        ("2010", "2016")
    );
    // Without the e-Rad number the Japanese name alone matches nobody.
    let t2 = tempfile::tempdir().unwrap();
    write(t2.path(), "institutions.csv", INSTITUTIONS);
    write(
        t2.path(),
        "researchers.csv",
        "researcher_id,name,institution_id\nR9,浩 田中,I9\n",
    );
    let json = std::fs::read_to_string(&f)
        .unwrap()
        .replace("\"12345678\"", "\"99999999\"");
    write(t2.path(), "rm.json", &json);
    import(
        "researchmap",
        &[&t2.path().join("rm.json").display().to_string()],
        t2.path(),
        &[],
    );
    assert_eq!(summary(t2.path())["unmatched"], 1);
}

#[test]
fn the_same_paper_from_pubmed_and_wos_is_one_publication_with_both_identifiers() {
    let t = tempfile::tempdir().unwrap();
    import(
        "wos",
        &[&fixture("wos_tricky.txt")],
        t.path(),
        &["--add-unmatched"],
    );
    import(
        "pubmed",
        &[&fixture("medline_tricky.nbib")],
        t.path(),
        &["--add-unmatched"],
    );
    import(
        "pubmed",
        &[&fixture("pubmed.xml")],
        t.path(),
        &["--add-unmatched"],
    );
    let pubs = rows(t.path(), "publications.csv");
    let p: Vec<_> = pubs
        .iter()
        .filter(|p| p["doi"] == "10.1371/journal.pone.0000001")
        .collect();
    assert_eq!(p.len(), 1, "{pubs:?}");
    assert_eq!(p[0]["wos_ut"], "WOS:000000000000001");
    assert_eq!(p[0]["pmid"], "30000001");
    // The richest abstract is kept, and every source's keywords.
    assert!(
        p[0]["abstract"].contains("longest one"),
        "{}",
        p[0]["abstract"]
    );
    for k in ["CAR-T", "SOLID TUMORS", "Receptors, Chimeric Antigen"] {
        assert!(
            p[0]["keywords"].split(';').any(|x| x == k),
            "{k} in {}",
            p[0]["keywords"]
        );
    }
    // Tanaka Hiroshi of Tokyo is one researcher across the three sources,
    // found by name and affiliation; he gains the ORCID iD MEDLINE gives.
    let r = rows(t.path(), "researchers.csv");
    let tanaka: Vec<_> = r
        .iter()
        .filter(|x| x["name"].contains("Tanaka, Hiroshi"))
        .collect();
    assert_eq!(tanaka.len(), 1, "{r:?}");
    let s = summary(t.path());
    assert_eq!(
        s["merged_by"]["doi"], 1,
        "the XML record is found by its DOI first: {s}"
    );
}

#[test]
fn tricky_records_continuation_lines_missing_abstracts_groups_two_orcids_and_a_work_listed_twice() {
    let t = tempfile::tempdir().unwrap();
    let out = import(
        "wos",
        &[&fixture("wos_tricky.txt")],
        t.path(),
        &["--add-unmatched"],
    );
    let s = summary(t.path());
    assert_eq!(n(&s, "records_read"), 5);
    assert_eq!(n(&s, "records_skipped"), 2, "no title, no authors");
    assert_eq!(n(&s, "publications_added"), 2);
    assert_eq!(n(&s, "publications_merged"), 1, "the record listed twice");
    assert_eq!(n(&s, "collective"), 1);
    assert!(out.contains("records read"));
    let pubs = rows(t.path(), "publications.csv");
    assert_eq!(
        pubs[0]["title"],
        "Persistence of CAR-T cells in solid tumours: a study with a title that continues on a second line"
    );
    assert_eq!(pubs[1]["abstract"], "", "a missing abstract stays empty");
    let r = rows(t.path(), "researchers.csv");
    let muller = r
        .iter()
        .find(|x| x["name"] == "Müller, Jörg")
        .expect("non-ASCII name kept");
    assert_eq!(muller["orcid"], "0000-0003-0000-0011;0000-0003-0000-002X");
    assert!(
        !r.iter().any(|x| x["name"].contains("WHO")),
        "a group author is no researcher"
    );
    let skipped = rows(t.path(), "import/skipped.csv");
    assert_eq!(skipped.len(), 2);
    assert!(skipped.iter().any(|x| x["reason"].contains("no title")));
    assert!(skipped.iter().any(|x| x["reason"].contains("no authors")));
    assert!(skipped.iter().all(|x| x["line"].parse::<u64>().is_ok()));
    // Affiliations with the paper's year, institutions with guessed sectors.
    let aff = rows(t.path(), "affiliations.csv");
    assert!(aff
        .iter()
        .any(|a| a["department"] == "Grad Sch Med, Dept Immunol"
            && a["start_year"] == "2019"
            && a["source"] == "wos:WOS:000000000000001"));
    let inst = rows(t.path(), "institutions.csv");
    let tokyo = inst.iter().find(|i| i["name"] == "Univ Tokyo").unwrap();
    assert_eq!(
        (tokyo["sector"].as_str(), tokyo["country"].as_str()),
        ("academia", "Japan")
    );
    assert_eq!(tokyo["sector_source"], "guessed from name");
}

#[test]
fn every_other_format_imports_from_its_fixture() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    import("wos", &[&fixture("wos_tab.txt")], d, &["--add-unmatched"]);
    let s = summary(d);
    assert_eq!(n(&s, "publications_added"), 2, "{s}");
    let r = rows(d, "researchers.csv");
    let sato = r.iter().find(|x| x["name"] == "Sato, Hanako").unwrap();
    assert_eq!(sato["orcid"], "0000-0003-0000-0038");
    let aff = rows(d, "affiliations.csv");
    assert_eq!(
        aff.iter()
            .filter(|a| a["researcher_id"] == sato["researcher_id"])
            .count(),
        2
    );

    import("scopus", &[&fixture("scopus.csv")], d, &["--add-unmatched"]);
    let s = summary(d);
    assert_eq!(
        n(&s, "publications_merged"),
        1,
        "same DOI as the WoS tab record: {s}"
    );
    assert_eq!(n(&s, "records_skipped"), 1, "no author name available");
    let pubs = rows(d, "publications.csv");
    let p = pubs.iter().find(|p| p["doi"] == "10.1000/tab.1").unwrap();
    assert_eq!(p["scopus_eid"], "2-s2.0-85000000001");
    assert!(p["keywords"].contains("Index term"));
    assert_eq!(
        rows(d, "researchers.csv").len(),
        r.len(),
        "Scopus authors are the WoS ones"
    );

    import(
        "openalex",
        &[&fixture("openalex.json")],
        d,
        &["--add-unmatched"],
    );
    let s = summary(d);
    assert_eq!(
        (
            n(&s, "publications_added"),
            n(&s, "publications_merged"),
            n(&s, "records_skipped")
        ),
        (1, 1, 1),
        "{s}"
    );
    let pubs = rows(d, "publications.csv");
    let w = pubs.iter().find(|p| p["openalex_id"] == "W100").unwrap();
    assert_eq!(w["abstract"], "Ageing changes the gut; so the microbiota.");
    assert_eq!(w["pmid"], "30000020");
    assert!(w["keywords"].contains("Microbiome") && w["keywords"].contains("Aging"));
    let inst = rows(d, "institutions.csv");
    let takeda = inst.iter().find(|i| i["name"] == "Takeda (Japan)").unwrap();
    assert_eq!(
        (takeda["sector"].as_str(), takeda["sector_source"].as_str()),
        ("industry", "guessed from type company")
    );
    assert!(rows(d, "researchers.csv")
        .iter()
        .any(|x| x["name"] == "小林 由紀"));
    let bad = rows(d, "import/skipped.csv");
    assert!(
        bad[0]["json_path"] == "$[2]" && bad[0]["reason"].contains("publication_year"),
        "{bad:?}"
    );

    import(
        "openalex",
        &[&fixture("openalex.jsonl")],
        d,
        &["--add-unmatched"],
    );
    let s = summary(d);
    assert_eq!(n(&s, "publications_added"), 2);
    assert_eq!(
        n(&s, "researchers_added"),
        1,
        "one Ana Souza at one institution"
    );

    import("orcid", &[&fixture("orcid.json")], d, &["--add-unmatched"]);
    let s = summary(d);
    assert_eq!(n(&s, "publications_added"), 1, "{s}");
    assert_eq!(n(&s, "publications_merged"), 1, "the work listed twice");
    assert_eq!(n(&s, "records_skipped"), 1, "the work with no date");
    let r = rows(d, "researchers.csv");
    let carberry = r
        .iter()
        .find(|x| x["orcid"] == "0000-0002-1825-0097")
        .unwrap();
    let aff: Vec<_> = rows(d, "affiliations.csv")
        .into_iter()
        .filter(|a| a["researcher_id"] == carberry["researcher_id"])
        .collect();
    assert_eq!(aff.len(), 3, "{aff:?}");
    assert!(aff.iter().any(|a| a["department"] == "Psychoceramics"
        && a["start_year"] == "2015"
        && a["end_year"].is_empty()));
    assert!(aff
        .iter()
        .any(|a| a["start_year"] == "2008" && a["end_year"] == "2014"));

    let out = import("pubmed", &[&fixture("pubmed.xml")], d, &["--add-unmatched"]);
    assert!(out.contains("publications added"), "{out}");
    let pubs = rows(d, "publications.csv");
    let x = pubs.iter().find(|p| p["pmid"] == "30000009").unwrap();
    assert_eq!(x["year"], "2017");
    let y = pubs.iter().find(|p| p["pmid"] == "30000001").unwrap();
    assert_eq!(y["abstract"], "CAR-T cells & exhaustion. They persist.");
}

#[test]
fn validate_passes_on_a_folder_made_by_the_import_plus_hand_written_areas_advisers_and_proposals() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    import(
        "wos",
        &[&fixture("wos_tricky.txt"), &fixture("wos_tab.txt")],
        d,
        &["--add-unmatched"],
    );
    import(
        "pubmed",
        &[&fixture("medline_tricky.nbib"), &fixture("pubmed.xml")],
        d,
        &["--add-unmatched"],
    );
    import("scopus", &[&fixture("scopus.csv")], d, &["--add-unmatched"]);
    import(
        "openalex",
        &[&fixture("openalex.json"), &fixture("openalex.jsonl")],
        d,
        &["--add-unmatched"],
    );
    import("orcid", &[&fixture("orcid.json")], d, &["--add-unmatched"]);
    import(
        "researchmap",
        &[&fixture("researchmap.json")],
        d,
        &["--add-unmatched"],
    );
    let r = rows(d, "researchers.csv");
    let ids: Vec<&str> = r.iter().map(|x| x["researcher_id"].as_str()).collect();
    write(d, "areas.csv", "area_id,name,program,description,keywords\nA1,Cancer immunotherapy,CREST,CAR-T,CAR-T;T cell\n");
    write(
        d,
        "advisers.csv",
        &format!(
            "researcher_id,area_ids,max_load\n{},A1,2\n{},A1,2\n",
            ids[1], ids[2]
        ),
    );
    write(
        d,
        "proposals.csv",
        &format!("proposal_id,area_id,title,abstract,keywords,pi_id,year\nP1,A1,CAR-T in tumours,We study CAR-T.,CAR-T,{},2026\n", ids[0]),
    );
    write(
        d,
        "proposal_members.csv",
        &format!("proposal_id,researcher_id,role\nP1,{},pi\n", ids[0]),
    );
    let o = run(&["validate", "--data", &d.display().to_string()]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains(": 0 error(s)"), "{out}");
    assert!(
        !out.contains("unknown column"),
        "the imported columns are in the schema: {out}"
    );
}

#[test]
fn a_file_of_the_wrong_format_says_which_format_it_looks_like() {
    let t = tempfile::tempdir().unwrap();
    let o = run(&[
        "import",
        "wos",
        &fixture("medline_tricky.nbib"),
        "--data",
        &t.path().display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("looks like MEDLINE (PubMed text), not Web of Science"),
        "{}",
        text(&o)
    );
    let o = run(&[
        "import",
        "pubmed",
        &fixture("orcid.json"),
        "--data",
        &t.path().display().to_string(),
    ]);
    assert!(
        text(&o).contains("looks like ORCID JSON, not PubMed"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("rdmatch import orcid"), "{}", text(&o));
}

#[test]
fn a_malformed_record_names_file_line_and_field_and_the_folder_is_left_as_it_was() {
    let t = folder_with_researchers();
    let before = snapshot(t.path());
    write(
        t.path(),
        "bad.txt",
        "PT J\nAU Tanaka, H\nTI x\nPY 2020\nthis line has no tag\nER\n",
    );
    let bad = t.path().join("bad.txt");
    let o = run(&[
        "import",
        "wos",
        &fixture("wos_tricky.txt"),
        &bad.display().to_string(),
        "--data",
        &t.path().display().to_string(),
        "--add-unmatched",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let msg = text(&o);
    assert!(msg.contains("bad.txt:5: field th"), "{msg}");
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(
        snapshot(t.path()),
        before,
        "nothing written when a file fails"
    );
    assert!(!t.path().join("import").exists());
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
    // JSON: the path of the broken place.
    write(
        t.path(),
        "bad.json",
        "[{\"id\": \"https://openalex.org/W1\", \"authorships\": [}]",
    );
    let o = run(&[
        "import",
        "openalex",
        &t.path().join("bad.json").display().to_string(),
        "--data",
        &t.path().display().to_string(),
    ]);
    assert!(
        text(&o).contains("bad.json: at line 1 column"),
        "{}",
        text(&o)
    );
}

#[test]
fn unmatched_authors_are_counted_and_listed_not_skipped() {
    // Conference matchers skipped reviewers whose records did not match:
    // here each unmatched author is counted and listed with the record.
    let t = folder_with_researchers();
    let out = import("wos", &[&fixture("wos_tricky.txt")], t.path(), &[]);
    let s = summary(t.path());
    assert!(n(&s, "unmatched") >= 2, "{s}");
    assert!(out.contains("unmatched, not added"), "{out}");
    let log = rows(t.path(), "import/authors.csv");
    let unmatched: Vec<_> = log.iter().filter(|r| r["method"] == "unmatched").collect();
    assert_eq!(unmatched.len(), n(&s, "unmatched"));
    assert!(unmatched
        .iter()
        .any(|r| r["author"] == "Müller, Jörg" && r["record"] == "wos:WOS:000000000000001"));
    // Tanaka Hiroshi of Univ Tokyo is R1 (name + affiliation).
    assert!(log.iter().any(|r| r["researcher_id"] == "R1"
        && r["method"] == "name+affiliation"
        && r["confidence"] == "0.90"));
    // The existing files keep their rows and columns; the new ones are appended.
    let (header, r) = csv(&t.path().join("researchers.csv"));
    assert_eq!(
        &header[..4],
        ["researcher_id", "name", "institution_id", "orcid"]
    );
    assert_eq!(r.len(), 3, "nothing added without --add-unmatched");
}

#[test]
fn a_table_the_import_cannot_rewrite_is_an_error_naming_it() {
    let t = tempfile::tempdir().unwrap();
    write(
        t.path(),
        "researchers.csv",
        "researcher_id,name,institution_id\nR1,\"A, B\",I1,extra\n",
    );
    let o = run(&[
        "import",
        "wos",
        &fixture("wos_tricky.txt"),
        "--data",
        &t.path().display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("researchers.csv:2"), "{}", text(&o));
}
