//! `network.gexf`: the collaboration network for Gephi, GEXF 1.3
//! (<https://gexf.net>, schema `gexf.xsd` of Gephi's GEXF repository,
//! `specs/1.3/`).
//!
//! Nodes carry `label` and the attributes institution, sector, areas
//! (`; `-joined), community, community_label, degree and betweenness, plus
//! a layout position ([`super::layout`]), a size growing with degree and a
//! colour per community. Edges are undirected with `weight` and the
//! attributes first_year / last_year (of the joint publications; absent
//! when there are none).
//!
//! Why `<position>` and not `<viz:position>`: the published GEXF 1.3 XSD
//! declares color, position and size in the GEXF namespace itself (its
//! `viz.xsd` has no target namespace), and files with the `viz:` prefix
//! fail `xmllint --schema gexf.xsd`; Gephi's importer matches these
//! elements by local name, so it reads both forms.
//!
//! Written by hand (no XML crate): five escapes and a fixed structure.

use std::fmt::Write as _;

use super::export::ExportGraph;

/// Colours for communities 0..: the ColorBrewer "Set1"/"Dark2" hues the
/// charts use, then grey.
const COLOURS: [(u8, u8, u8); 9] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (188, 189, 34),
    (23, 190, 207),
];

/// XML attribute/text escape. Characters XML 1.0 forbids (controls other
/// than tab, LF, CR) are dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The GEXF document. No `lastmodifieddate`: the same inputs give the
/// same bytes (scheduled runs compare outputs by hash).
pub fn to_gexf(g: &ExportGraph, description: &str) -> String {
    let mut s = String::with_capacity(256 * (g.nodes.len() + g.edges.len()) + 1024);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n");
    let _ = writeln!(
        s,
        "  <meta>\n    <creator>rdmatch</creator>\n    <description>{}</description>\n  </meta>",
        escape(description)
    );
    s.push_str("  <graph defaultedgetype=\"undirected\" mode=\"static\">\n");
    s.push_str("    <attributes class=\"node\" mode=\"static\">\n");
    for (id, ty) in [
        ("institution", "string"),
        ("sector", "string"),
        ("areas", "string"),
        ("community", "integer"),
        ("community_label", "string"),
        ("degree", "integer"),
        ("betweenness", "double"),
    ] {
        let _ = writeln!(
            s,
            "      <attribute id=\"{id}\" title=\"{id}\" type=\"{ty}\"/>"
        );
    }
    s.push_str("    </attributes>\n    <attributes class=\"edge\" mode=\"static\">\n");
    for id in ["first_year", "last_year"] {
        let _ = writeln!(
            s,
            "      <attribute id=\"{id}\" title=\"{id}\" type=\"integer\"/>"
        );
    }
    s.push_str("    </attributes>\n");
    let _ = writeln!(s, "    <nodes count=\"{}\">", g.nodes.len());
    let max_deg = g.nodes.iter().map(|n| n.degree).max().unwrap_or(0).max(1);
    for n in &g.nodes {
        let _ = writeln!(
            s,
            "      <node id=\"{}\" label=\"{}\">",
            escape(&n.id),
            escape(&n.label)
        );
        s.push_str("        <attvalues>\n");
        for (k, v) in [
            ("institution", escape(&n.institution)),
            ("sector", escape(&n.sector)),
            ("areas", escape(&n.areas.join("; "))),
            ("community", n.community.to_string()),
            ("community_label", escape(&n.community_label)),
            ("degree", n.degree.to_string()),
            ("betweenness", format!("{:.6}", n.betweenness)),
        ] {
            let _ = writeln!(s, "          <attvalue for=\"{k}\" value=\"{v}\"/>");
        }
        s.push_str("        </attvalues>\n");
        // Positions on a 1000-unit canvas, y up as Gephi draws it.
        let _ = writeln!(
            s,
            "        <position x=\"{:.3}\" y=\"{:.3}\" z=\"0.0\"/>",
            n.x * 1000.0,
            (1.0 - n.y) * 1000.0
        );
        let size = 4.0 + 16.0 * (f64::from(n.degree) / f64::from(max_deg)).sqrt();
        let _ = writeln!(s, "        <size value=\"{size:.2}\"/>");
        let (r, gg, b) = COLOURS.get(n.community).copied().unwrap_or((170, 170, 170));
        let _ = writeln!(s, "        <color r=\"{r}\" g=\"{gg}\" b=\"{b}\"/>");
        s.push_str("      </node>\n");
    }
    s.push_str("    </nodes>\n");
    let _ = writeln!(s, "    <edges count=\"{}\">", g.edges.len());
    for (i, e) in g.edges.iter().enumerate() {
        let _ = write!(
            s,
            "      <edge id=\"{i}\" source=\"{}\" target=\"{}\" weight=\"{}\"",
            escape(&g.nodes[e.u].id),
            escape(&g.nodes[e.v].id),
            e.weight
        );
        if e.first_year.is_none() && e.last_year.is_none() {
            s.push_str("/>\n");
            continue;
        }
        s.push_str(">\n        <attvalues>\n");
        for (k, y) in [("first_year", e.first_year), ("last_year", e.last_year)] {
            if let Some(y) = y {
                let _ = writeln!(s, "          <attvalue for=\"{k}\" value=\"{y}\"/>");
            }
        }
        s.push_str("        </attvalues>\n      </edge>\n");
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::super::export::{ExportEdge, ExportNode};
    use super::*;

    pub(crate) fn tiny() -> ExportGraph {
        let node = |id: &str, label: &str, c: usize| ExportNode {
            id: id.into(),
            label: label.into(),
            institution: "Otsu Univ. & Co".into(),
            sector: "academia".into(),
            areas: vec!["がん免疫".into(), "A<2>".into()],
            community: c,
            community_label: "がん免疫 · Otsu".into(),
            degree: 1,
            betweenness: 0.0,
            x: 0.25,
            y: 0.75,
            mean_pub_year: Some(2020.5),
        };
        ExportGraph {
            nodes: vec![
                node("R1", "Aya \"A\" Sato", 0),
                node("R2", "佐藤\t花子", 12),
            ],
            edges: vec![ExportEdge {
                u: 0,
                v: 1,
                weight: 3.0,
                first_year: Some(2018),
                last_year: Some(2022),
            }],
        }
    }

    #[test]
    fn escapes_and_structure() {
        assert_eq!(escape("a&b<c>\"'\u{1}"), "a&amp;b&lt;c&gt;&quot;&apos;");
        let x = to_gexf(&tiny(), "test <1>");
        assert!(x.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://gexf.net/1.3\""
        ));
        assert!(x.contains("<meta>\n    <creator>rdmatch</creator>"));
        assert!(x.contains("<description>test &lt;1&gt;</description>"));
        assert!(x.contains("<node id=\"R1\" label=\"Aya &quot;A&quot; Sato\">"));
        assert!(x.contains("label=\"佐藤&#9;花子\""));
        assert!(x.contains("<attvalue for=\"areas\" value=\"がん免疫; A&lt;2&gt;\"/>"));
        assert!(x.contains("<position x=\"250.000\" y=\"250.000\" z=\"0.0\"/>"));
        assert!(
            x.contains("<color r=\"170\" g=\"170\" b=\"170\"/>"),
            "community 12 is grey"
        );
        assert!(x.contains("<edge id=\"0\" source=\"R1\" target=\"R2\" weight=\"3\">"));
        assert!(x.contains("<attvalue for=\"last_year\" value=\"2022\"/>"));
        assert!(x.ends_with("</graph>\n</gexf>\n"));
    }
}
