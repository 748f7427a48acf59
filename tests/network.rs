//! `rdmatch network --edges`: the edge-list input and the Gephi / VOSviewer
//! exports, through the built binary.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn network_on_karate(out: &Path, with_nodes: bool) -> serde_json::Value {
    let (e, n) = (fixture("karate_edges.csv"), fixture("karate_nodes.csv"));
    let mut args = vec![
        "network",
        "--quiet",
        "--edges",
        &e,
        "--out",
        out.to_str().unwrap(),
    ];
    if with_nodes {
        args.extend(["--nodes", &n]);
    }
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    serde_json::from_slice(&std::fs::read(out.join("network_summary.json")).unwrap()).unwrap()
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Zachary's karate club as a CRLF edge list (plus one self-loop row and
/// one repeated pair): the figures every network library reports —
/// 34 nodes, 78 edges, 45 triangles, average clustering 0.5706,
/// transitivity 0.2557 (networkx 3.x `average_clustering`, `transitivity`),
/// betweenness of node 1 (Mr. Hi) 0.4376.
#[test]
fn karate_edge_list_reproduces_known_figures() {
    let t = tempfile::tempdir().unwrap();
    for with_nodes in [false, true] {
        let out = t.path().join(format!("k{with_nodes}"));
        let s = network_on_karate(&out, with_nodes);
        assert_eq!(
            (s["nodes"].as_u64(), s["edges"].as_u64()),
            (Some(34), Some(78))
        );
        assert_eq!(s["triangles"].as_u64(), Some(45));
        assert_eq!(s["components"].as_u64(), Some(1));
        assert!(
            (f(&s["average_clustering"]) - 0.5706).abs() < 5e-5,
            "{}",
            s["average_clustering"]
        );
        assert!(
            (f(&s["transitivity"]) - 0.2557).abs() < 5e-5,
            "{}",
            s["transitivity"]
        );
        assert_eq!(s["self_loops_ignored"].as_u64(), Some(1));
        assert_eq!(s["duplicate_rows_merged"].as_u64(), Some(1));
        assert_eq!(s["community_method"], "leiden");
        assert_eq!(s["disconnected_communities"].as_u64(), Some(0));
        assert!(f(&s["modularity"]) >= 0.41, "{}", s["modularity"]);
        assert_eq!(s["top_brokers"][0]["researcher_id"], "K01");
        assert!((f(&s["top_brokers"][0]["betweenness"]) - 0.4376).abs() < 5e-5);
        let comms = std::fs::read_to_string(out.join("network_communities.csv")).unwrap();
        let mut r = csv::Reader::from_reader(comms.as_bytes());
        for row in r.records() {
            let row = row.unwrap();
            assert!(!row[1].is_empty(), "unlabelled community: {row:?}");
            if with_nodes {
                // Labels name the dominant area, institution and sector.
                assert!(row[1].contains(" · "), "{row:?}");
            }
        }
    }
    // Both factions: Mr. Hi's side is academia, the Officer's industry, so
    // every tie between the two factions crosses sectors.
    let s = network_on_karate(&t.path().join("k2"), true);
    let share = f(&s["cross_sector_edge_share"]);
    // 11 of the 78 ties join the two factions (networkx karate_club_graph
    // 'club' attribute, counted independently with networkx).
    assert!((share - 11.0 / 78.0).abs() < 1e-6, "{share}");
    // Louvain on request.
    let e = fixture("karate_edges.csv");
    let out = t.path().join("louvain");
    let o = run(&[
        "network",
        "--quiet",
        "--edges",
        &e,
        "--communities",
        "louvain",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("network_summary.json")).unwrap()).unwrap();
    assert_eq!(s["community_method"], "louvain");
}

#[test]
fn malformed_edge_file_names_line_and_field() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("edges.csv");
    std::fs::write(&p, "source,target,weight\r\nA,B,1\r\nB,,2\r\nC,D,lots\r\n").unwrap();
    let o = run(&[
        "network",
        "--quiet",
        "--edges",
        p.to_str().unwrap(),
        "--out",
        t.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let msg = text(&o);
    assert!(
        msg.contains("edges.csv:3: column 'target': empty researcher ID"),
        "{msg}"
    );
    assert!(
        msg.contains("edges.csv:4: column 'weight': \"lots\" is not a number"),
        "{msg}"
    );
    let bad_nodes = t.path().join("nodes.csv");
    std::fs::write(&bad_nodes, "id,sector\nA,pharma\n").unwrap();
    let ok = t.path().join("ok.csv");
    std::fs::write(&ok, "a,b\nA,B\n").unwrap();
    let o = run(&[
        "network",
        "--quiet",
        "--edges",
        ok.to_str().unwrap(),
        "--nodes",
        bad_nodes.to_str().unwrap(),
        "--out",
        t.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("nodes.csv:2: column 'sector': \"pharma\" is not a sector"),
        "{}",
        text(&o)
    );
}

/// Validates the GEXF against the GEXF 1.3 schema with xmllint
/// (Debian libxml2-utils); skipped with a note when xmllint or the schema
/// is absent, required under CI=true.
#[test]
fn gexf_validates_against_the_gexf_1_3_schema() {
    let schema = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/real-data/gexf-1.3-schema/gexf.xsd"
    ));
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let has_xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok();
    if !schema.is_file() || !has_xmllint {
        assert!(
            !ci,
            "CI=true needs xmllint (libxml2-utils) and {}",
            schema.display()
        );
        eprintln!(
            "note: xmllint or {} absent; skipping GEXF schema validation",
            schema.display()
        );
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for with_nodes in [false, true] {
        let out = t.path().join(format!("k{with_nodes}"));
        network_on_karate(&out, with_nodes);
        files.push(out.join("network.gexf"));
    }
    // The sample: years on edges, Japanese-free but long labels.
    let out = t.path().join("sample");
    let o = run(&[
        "network",
        "--quiet",
        "--data",
        root().join("data/sample").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    files.push(out.join("network.gexf"));
    for f in files {
        let o = std::process::Command::new("xmllint")
            .args([
                "--noout",
                "--schema",
                schema.to_str().unwrap(),
                f.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {}", f.display(), text(&o));
        let x = std::fs::read_to_string(&f).unwrap();
        assert!(x.contains("<attribute id=\"betweenness\" title=\"betweenness\" type=\"double\"/>"));
        assert!(x.contains("<position x="));
    }
    let x = std::fs::read_to_string(t.path().join("sample/network.gexf")).unwrap();
    assert!(
        x.contains("<attvalue for=\"first_year\" value=\"20"),
        "edge years"
    );
}

/// A reader written from the VOSviewer manual (1.6.x, "Map and network
/// files"): the map file is tab-separated with a header naming `id`,
/// `label`, `x`, `y`, `cluster`, `weight<…>` and `score<…>` columns; ids
/// and clusters are positive integers; the network file has no header and
/// one `id id strength` link per line.
struct VosMap {
    columns: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

fn read_vos_map(text: &str) -> VosMap {
    let mut lines = text.lines();
    let columns: Vec<String> = lines
        .next()
        .unwrap()
        .split('\t')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            assert_eq!(cells.len(), columns.len(), "ragged map row {l:?}");
            columns
                .iter()
                .cloned()
                .zip(cells.iter().map(|c| c.to_string()))
                .collect()
        })
        .collect();
    VosMap { columns, rows }
}

fn read_vos_network(text: &str) -> Vec<(u64, u64, f64)> {
    text.lines()
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 3, "network line {l:?}");
            (
                c[0].parse().unwrap(),
                c[1].parse().unwrap(),
                c[2].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn vosviewer_map_and_network_round_trip() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("k");
    network_on_karate(&out, true);
    let map = read_vos_map(&std::fs::read_to_string(out.join("vosviewer_map.txt")).unwrap());
    assert_eq!(
        map.columns,
        [
            "id",
            "label",
            "x",
            "y",
            "cluster",
            "weight<Links>",
            "weight<Total link strength>",
            "score<Betweenness>"
        ]
    );
    assert_eq!(map.rows.len(), 34);
    let links =
        read_vos_network(&std::fs::read_to_string(out.join("vosviewer_network.txt")).unwrap());
    assert_eq!(links.len(), 78);
    // Ids are 1..34 and every link names two of them, once per pair.
    let ids: Vec<u64> = map.rows.iter().map(|r| r["id"].parse().unwrap()).collect();
    assert_eq!(ids, (1..=34).collect::<Vec<u64>>());
    let mut seen = std::collections::HashSet::new();
    let mut degree: HashMap<u64, u64> = HashMap::new();
    let mut strength: HashMap<u64, f64> = HashMap::new();
    for &(a, b, s) in &links {
        assert!(a != b && ids.contains(&a) && ids.contains(&b));
        assert!(seen.insert((a.min(b), a.max(b))), "duplicate link {a} {b}");
        assert!(s > 0.0);
        for x in [a, b] {
            *degree.entry(x).or_default() += 1;
            *strength.entry(x).or_default() += s;
        }
    }
    // The repeated pair K01–K02 (weights 1 and 2) is one link of strength 3.
    let id_of = |label: &str| {
        map.rows
            .iter()
            .find(|r| r["label"] == label)
            .map(|r| r["id"].parse::<u64>().unwrap())
            .unwrap()
    };
    let (k1, k2) = (id_of("Member 1"), id_of("Member 2"));
    let l = links
        .iter()
        .find(|&&(a, b, _)| (a, b) == (k1.min(k2), k1.max(k2)))
        .unwrap();
    assert_eq!(l.2, 3.0);
    for r in &map.rows {
        let id: u64 = r["id"].parse().unwrap();
        assert!(r["cluster"].parse::<u64>().unwrap() >= 1);
        r["x"].parse::<f64>().unwrap();
        r["y"].parse::<f64>().unwrap();
        assert_eq!(r["weight<Links>"].parse::<u64>().unwrap(), degree[&id]);
        let tls: f64 = r["weight<Total link strength>"].parse().unwrap();
        assert!((tls - strength[&id]).abs() < 1e-9);
    }
    // Node 1 (Mr. Hi) has 16 links, node 34 (the officer) 17.
    assert_eq!(
        map.rows[id_of("Member 1") as usize - 1]["weight<Links>"],
        "16"
    );
    assert_eq!(
        map.rows[id_of("Member 34") as usize - 1]["weight<Links>"],
        "17"
    );
}
