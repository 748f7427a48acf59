//! `vosviewer_map.txt` and `vosviewer_network.txt`: the collaboration
//! network for VOSviewer (van Eck & Waltman, *VOSviewer Manual*, version
//! 1.6.x, section "Map and network files"; open both with "Create … based
//! on network data" → "Read data from VOSviewer files").
//!
//! **Map file**: tab-separated, a header row naming the columns the manual
//! defines: `id` (a positive integer; 1.. in researcher-ID order), `label`,
//! `x`, `y` (the layout of [`super::layout`], centred, y up), `cluster` (a
//! positive integer: community + 1), the weight attributes
//! `weight<Links>` (collaborators) and `weight<Total link strength>` (sum
//! of the link strengths), and the score attributes
//! `score<Avg. pub. year>` (only when the data has publications; a
//! researcher without any gets the mean over all researchers who have
//! some) and `score<Betweenness>`. Labels lose tabs and line breaks, which
//! the format cannot hold.
//!
//! **Network file**: no header, one link per line: `id<TAB>id<TAB>strength`,
//! each undirected link once (strength = the edge weight).

use std::fmt::Write as _;

use super::export::ExportGraph;

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Number formatting without needless zeros (VOSviewer reads any decimal).
fn num(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Whether the map gets a `score<Avg. pub. year>` column.
fn has_years(g: &ExportGraph) -> bool {
    g.nodes.iter().any(|n| n.mean_pub_year.is_some())
}

/// The map file.
pub fn map_file(g: &ExportGraph) -> String {
    let years = has_years(g);
    let mut strength = vec![0.0f64; g.nodes.len()];
    for e in &g.edges {
        strength[e.u] += e.weight;
        strength[e.v] += e.weight;
    }
    let known: Vec<f64> = g.nodes.iter().filter_map(|n| n.mean_pub_year).collect();
    let fallback = if known.is_empty() {
        0.0
    } else {
        known.iter().sum::<f64>() / known.len() as f64
    };
    let mut s =
        String::from("id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>");
    if years {
        s.push_str("\tscore<Avg. pub. year>");
    }
    s.push_str("\tscore<Betweenness>\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let _ = write!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            i + 1,
            clean(&n.label),
            num((n.x - 0.5) * 2.0),
            num((0.5 - n.y) * 2.0),
            n.community + 1,
            n.degree,
            num(strength[i])
        );
        if years {
            let _ = write!(s, "\t{}", num(n.mean_pub_year.unwrap_or(fallback)));
        }
        let _ = writeln!(s, "\t{}", num(n.betweenness));
    }
    s
}

/// The network file.
pub fn network_file(g: &ExportGraph) -> String {
    let mut s = String::with_capacity(16 * g.edges.len());
    for e in &g.edges {
        let _ = writeln!(s, "{}\t{}\t{}", e.u + 1, e.v + 1, num(e.weight));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::export::{ExportEdge, ExportNode};
    use super::*;

    #[test]
    fn numbers_and_cleaning() {
        assert_eq!(num(2.0), "2");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(-0.0), "0");
        assert_eq!(clean("a\tb\nc"), "a b c");
    }

    #[test]
    fn map_and_network_by_hand() {
        let node = |id: &str, c: usize, deg: u32, year: Option<f64>| ExportNode {
            id: id.into(),
            label: format!("L\t{id}"),
            institution: String::new(),
            sector: String::new(),
            areas: vec![],
            community: c,
            community_label: String::new(),
            degree: deg,
            betweenness: 0.5,
            x: 0.0,
            y: 1.0,
            mean_pub_year: year,
        };
        let g = ExportGraph {
            nodes: vec![node("a", 0, 1, Some(2020.0)), node("b", 1, 1, None)],
            edges: vec![ExportEdge {
                u: 0,
                v: 1,
                weight: 2.5,
                first_year: None,
                last_year: None,
            }],
        };
        assert_eq!(
            map_file(&g),
            "id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tscore<Avg. pub. year>\tscore<Betweenness>\n\
             1\tL a\t-1\t-1\t1\t1\t2.5\t2020\t0.5\n\
             2\tL b\t-1\t-1\t2\t1\t2.5\t2020\t0.5\n"
        );
        assert_eq!(network_file(&g), "1\t2\t2.5\n");
    }
}
