//! Network drawing: a deterministic force-directed layout and the chart of
//! the largest component coloured by community.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::{de, ellipsize, no_data, render, Chart, ChartError, Draw, Sty, PALETTE};

/// Layout iterations: enough for a few hundred nodes to settle, fixed so
/// the layout does not depend on timing.
pub const LAYOUT_ITERATIONS: usize = 300;

/// A node to draw: its ID (for the caller's reference; not printed) and
/// its community number (any integers; colours go to the largest ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkNode {
    pub id: String,
    pub community: usize,
}

/// Fruchterman–Reingold force-directed layout (T. Fruchterman and
/// E. Reingold, "Graph drawing by force-directed placement", Software:
/// Practice and Experience 21(11), 1991): nodes repel with force k²/d,
/// edge ends attract with d²/k, k = C·√(area / n), and each step moves a
/// node at most by a temperature that cools linearly to 0 over
/// [`LAYOUT_ITERATIONS`]. Nodes start in a frame of `aspect` × 1 (width /
/// height of the drawing region). Unlike the paper, positions are not
/// clamped to the frame (clamping piles sparse graphs up along the edges);
/// as in networkx's `spring_layout`, the result is rescaled at the end, and
/// a weak pull toward the centre (gravity, as in igraph and Gephi) keeps
/// parts that are not connected from drifting apart.
///
/// Returns one position per node, scaled into [0, 1] × [0, 1] (x across,
/// y down) so that the layout fills the region. Initial positions are
/// uniform from `ChaCha8Rng::seed_from_u64(seed)`, so the same (n, edges,
/// seed, aspect) always gives the same positions, bit for bit (the parallel
/// step sums each node's forces in a fixed order). Edges with an end ≥ n
/// and self-loops are ignored. O(n²) per iteration; fine for ≤ 500 nodes.
pub fn network_layout(
    n: usize,
    edges: &[(usize, usize)],
    seed: u64,
    aspect: f64,
) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let aspect = if aspect.is_finite() && aspect > 0.0 {
        aspect
    } else {
        1.0
    };
    let (fw, fh) = (aspect, 1.0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random::<f64>() * fw, rng.random::<f64>() * fh))
        .collect();
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(u, v)| u < n && v < n && u != v)
        .collect();
    // C = 0.8 leaves some air between clusters at slide size.
    let k = 0.8 * (fw * fh / n as f64).sqrt();
    let k2 = k * k;
    let gravity = 0.05;
    let t0 = 0.1 * fw.max(fh);
    for it in 0..LAYOUT_ITERATIONS {
        let temp = t0 * (1.0 - it as f64 / LAYOUT_ITERATIONS as f64);
        let mut disp: Vec<(f64, f64)> = (0..n)
            .into_par_iter()
            .map(|v| {
                let (xv, yv) = pos[v];
                let (mut dx, mut dy) = (0.0, 0.0);
                for (u, &(xu, yu)) in pos.iter().enumerate() {
                    if u == v {
                        continue;
                    }
                    let (mut ex, mut ey) = (xv - xu, yv - yu);
                    let mut d2 = ex * ex + ey * ey;
                    if d2 < 1e-18 {
                        // Coincident nodes: separate them in a direction
                        // fixed by their indexes, so the result stays
                        // deterministic.
                        let s = if v < u { -1.0 } else { 1.0 };
                        ex = s * 1e-6;
                        ey = s * 1e-6 * ((v + u) % 3) as f64;
                        d2 = ex * ex + ey * ey;
                    }
                    // (e / d) · k² / d = e · k² / d²
                    let f = k2 / d2;
                    dx += ex * f;
                    dy += ey * f;
                }
                // Gravity toward the frame centre, proportional to distance.
                dx -= gravity * (xv - fw / 2.0) / k;
                dy -= gravity * (yv - fh / 2.0) / k;
                (dx, dy)
            })
            .collect();
        for &(u, v) in &edges {
            let (ex, ey) = (pos[v].0 - pos[u].0, pos[v].1 - pos[u].1);
            let d = (ex * ex + ey * ey).sqrt();
            // (e / d) · d² / k = e · d / k
            let f = d / k;
            disp[v].0 -= ex * f;
            disp[v].1 -= ey * f;
            disp[u].0 += ex * f;
            disp[u].1 += ey * f;
        }
        for (p, &(dx, dy)) in pos.iter_mut().zip(&disp) {
            let len = (dx * dx + dy * dy).sqrt();
            if len > 0.0 {
                let step = len.min(temp) / len;
                p.0 += dx * step;
                p.1 += dy * step;
            }
        }
    }
    // Scale into the unit square, keeping the aspect (the frame already has
    // the region's shape) and centring the drawing.
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &pos {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let sx = (x1 - x0) / fw;
    let sy = (y1 - y0) / fh;
    let span = sx.max(sy);
    if span <= 0.0 {
        return vec![(0.5, 0.5); n];
    }
    pos.iter()
        .map(|&(x, y)| {
            let u = ((x - x0) / fw / span + (1.0 - sx / span) / 2.0).clamp(0.0, 1.0);
            let v = ((y - y0) / fh / span + (1.0 - sy / span) / 2.0).clamp(0.0, 1.0);
            (u, v)
        })
        .collect()
}

/// Communities ranked by size (largest first, ties by smaller number):
/// (community, node count).
fn ranked_communities(nodes: &[NetworkNode]) -> Vec<(usize, usize)> {
    let mut sizes = std::collections::BTreeMap::<usize, usize>::new();
    for n in nodes {
        *sizes.entry(n.community).or_default() += 1;
    }
    let mut r: Vec<(usize, usize)> = sizes.into_iter().collect();
    r.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    r
}

/// Colours for the largest communities; the rest share [`OTHER`].
const COMMUNITY_COLOURS: usize = 9;
/// Grey for nodes outside the coloured communities.
const OTHER: RGBColor = RGBColor(170, 170, 170);

fn community_colours() -> Vec<RGBColor> {
    // PALETTE[7] is grey: keep it for "other communities".
    PALETTE
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 7)
        .map(|(_, c)| *c)
        .collect()
}

struct Net<'a> {
    nodes: &'a [NetworkNode],
    edges: Vec<(usize, usize)>,
    total_nodes: usize,
    seed: u64,
}

/// Drawing of a network (normally the largest connected component of the
/// collaboration graph), nodes coloured by community: the nine largest
/// communities get their own colour and a legend entry with their size,
/// the others are grey. The caller passes the nodes to show (normally the
/// top `max_nodes` by degree, `ReportConfig::network_chart_max_nodes`);
/// if more are passed, only the first `max_nodes` are drawn and the chart
/// says so. `edges` index into `nodes`. The layout is [`network_layout`]
/// with `seed`. File stem: `network`.
///
/// Errors: [`ChartError::Input`] when an edge names a node index that does
/// not exist.
pub fn network_chart(
    title: &str,
    nodes: &[NetworkNode],
    edges: &[(usize, usize)],
    max_nodes: usize,
    seed: u64,
) -> Result<Chart, ChartError> {
    if let Some(&(u, v)) = edges
        .iter()
        .find(|&&(u, v)| u >= nodes.len() || v >= nodes.len())
    {
        return Err(ChartError::Input {
            chart: "network",
            message: format!(
                "edge ({u}, {v}) refers to a node index ≥ {} (the number of nodes passed)",
                nodes.len()
            ),
        });
    }
    let keep = nodes.len().min(max_nodes);
    let shown = &nodes[..keep];
    let mut kept: Vec<(usize, usize)> = edges
        .iter()
        .filter(|&&(u, v)| u < keep && v < keep && u != v)
        .map(|&(u, v)| (u.min(v), u.max(v)))
        .collect();
    kept.sort_unstable();
    kept.dedup();
    render(
        "network",
        title,
        &Net {
            nodes: shown,
            edges: kept,
            total_nodes: nodes.len(),
            seed,
        },
    )
}

impl Draw for Net<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        let n = self.nodes.len();
        if n == 0 {
            return no_data(area, st, "no nodes to draw");
        }
        let (w, _) = area.dim_in_pixel();
        let legend_w = st.upx(230.0);
        let (plot, legend) = area.split_horizontally(w.saturating_sub(legend_w));
        let (pw, ph) = plot.dim_in_pixel();
        let r = if n > 200 { st.px(3.5) } else { st.px(5.0) };
        let m = r + st.px(4.0);
        let (iw, ih) = ((pw as i32 - 2 * m).max(1), (ph as i32 - 2 * m).max(1));
        // Layout in the shape of the drawable region; positions in [0, 1]².
        let pos = network_layout(n, &self.edges, self.seed, iw as f64 / ih as f64);
        let px = |p: (f64, f64)| -> (i32, i32) {
            (
                m + (p.0 * iw as f64).round() as i32,
                m + (p.1 * ih as f64).round() as i32,
            )
        };
        let edge_style = RGBColor(120, 120, 120)
            .mix(0.35)
            .stroke_width(st.upx(1.0).max(1));
        for &(u, v) in &self.edges {
            plot.draw(&PathElement::new([px(pos[u]), px(pos[v])], edge_style))
                .map_err(de)?;
        }
        let ranked = ranked_communities(self.nodes);
        let colours = community_colours();
        let colour_of = |c: usize| -> RGBColor {
            ranked
                .iter()
                .take(COMMUNITY_COLOURS)
                .position(|&(id, _)| id == c)
                .map(|i| colours[i])
                .unwrap_or(OTHER)
        };
        // Grey nodes first so coloured ones stay on top.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| (colour_of(self.nodes[i].community) != OTHER, i));
        for i in order {
            let c = colour_of(self.nodes[i].community);
            plot.draw(&Circle::new(px(pos[i]), r, c.filled()))
                .map_err(de)?;
            plot.draw(&Circle::new(px(pos[i]), r, WHITE.stroke_width(1)))
                .map_err(de)?;
        }
        // Legend: counts first, then one line per coloured community.
        let lf = st.label().pos(Pos::new(HPos::Left, VPos::Center));
        let line = st.px(26.0);
        let mut y = st.px(14.0);
        let mut notes = vec![format!("{n} nodes, {} edges", self.edges.len())];
        if self.total_nodes > n {
            notes.push(format!("(top {n} of {} nodes)", self.total_nodes));
        }
        notes.push(format!("{} communities", ranked.len()));
        for t in &notes {
            legend.draw_text(t, &lf, (st.px(6.0), y)).map_err(de)?;
            y += line;
        }
        y += st.px(6.0);
        let mut items: Vec<(RGBColor, String)> = ranked
            .iter()
            .take(COMMUNITY_COLOURS)
            .enumerate()
            .map(|(i, &(c, size))| (colours[i], format!("community {c} ({size})")))
            .collect();
        if ranked.len() > COMMUNITY_COLOURS {
            let rest: usize = ranked[COMMUNITY_COLOURS..].iter().map(|x| x.1).sum();
            items.push((OTHER, format!("other ({rest})")));
        }
        let (_, lh) = legend.dim_in_pixel();
        for (c, text) in items {
            if y + line / 2 > lh as i32 {
                break;
            }
            legend
                .draw(&Circle::new((st.px(14.0), y), st.px(7.0), c.filled()))
                .map_err(de)?;
            legend
                .draw_text(&ellipsize(&text, 24), &lf, (st.px(28.0), y))
                .map_err(de)?;
            y += line;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_chart;
    use super::*;
    use proptest::prelude::*;

    fn ring_of_cliques(cliques: usize, size: usize) -> Vec<(usize, usize)> {
        let mut e = Vec::new();
        for c in 0..cliques {
            let b = c * size;
            for i in 0..size {
                for j in i + 1..size {
                    e.push((b + i, b + j));
                }
            }
            e.push((b, ((c + 1) % cliques) * size + 1));
        }
        e
    }

    #[test]
    fn layout_is_deterministic_and_seed_dependent() {
        let e = ring_of_cliques(4, 6);
        let a = network_layout(24, &e, 7, 1.5);
        let b = network_layout(24, &e, 7, 1.5);
        assert_eq!(a, b);
        let c = network_layout(24, &e, 8, 1.5);
        assert_ne!(a, c);
    }

    #[test]
    fn layout_pulls_cliques_together() {
        // Mean distance inside a clique must be well below the mean
        // distance between nodes of different cliques.
        let e = ring_of_cliques(4, 6);
        let p = network_layout(24, &e, 1, 1.0);
        let d = |a: usize, b: usize| ((p[a].0 - p[b].0).powi(2) + (p[a].1 - p[b].1).powi(2)).sqrt();
        let (mut inside, mut ni, mut across, mut na) = (0.0, 0, 0.0, 0);
        for a in 0..24 {
            for b in a + 1..24 {
                if a / 6 == b / 6 {
                    inside += d(a, b);
                    ni += 1;
                } else {
                    across += d(a, b);
                    na += 1;
                }
            }
        }
        let (inside, across) = (inside / ni as f64, across / na as f64);
        assert!(inside * 2.0 < across, "inside {inside} across {across}");
    }

    #[test]
    fn layout_edge_cases() {
        assert!(network_layout(0, &[], 1, 1.0).is_empty());
        assert_eq!(network_layout(1, &[], 1, 1.0), vec![(0.5, 0.5)]);
        // Bad edges and odd aspects are tolerated.
        let p = network_layout(3, &[(0, 9), (1, 1), (0, 2)], 1, f64::NAN);
        assert_eq!(p.len(), 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn layout_stays_in_unit_square(
            n in 2usize..40,
            raw in proptest::collection::vec((0usize..40, 0usize..40), 0..80),
            seed in any::<u64>(),
            aspect in 0.3f64..3.0,
        ) {
            let p = network_layout(n, &raw, seed, aspect);
            prop_assert_eq!(p.len(), n);
            for (x, y) in p {
                prop_assert!(x.is_finite() && y.is_finite());
                prop_assert!((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y));
            }
        }
    }

    #[test]
    fn ranked_communities_break_ties_by_number() {
        let nodes: Vec<NetworkNode> = [5, 3, 3, 5, 1]
            .iter()
            .enumerate()
            .map(|(i, &c)| NetworkNode {
                id: format!("R{i}"),
                community: c,
            })
            .collect();
        assert_eq!(ranked_communities(&nodes), vec![(3, 2), (5, 2), (1, 1)]);
    }

    fn nodes(n: usize, size: usize) -> Vec<NetworkNode> {
        (0..n)
            .map(|i| NetworkNode {
                id: format!("R{i}"),
                community: i / size,
            })
            .collect()
    }

    #[test]
    fn chart_is_valid_deterministic_and_caps_nodes() {
        let e = ring_of_cliques(12, 5);
        let ns = nodes(60, 5);
        let c = network_chart("Network <largest> & co", &ns, &e, 400, 42).unwrap();
        check_chart(&c, "network", "Network <largest> & co");
        assert!(c.svg.contains("60 nodes"), "node count");
        assert!(
            c.svg.contains("other (15)"),
            "communities past nine are grouped"
        );
        assert_eq!(
            c,
            network_chart("Network <largest> & co", &ns, &e, 400, 42).unwrap()
        );
        let c = network_chart("Capped", &ns, &e, 20, 42).unwrap();
        assert!(c.svg.contains("(top 20 of 60 nodes)"));
        assert!(c.svg.contains("20 nodes"));
    }

    #[test]
    fn bad_edge_is_an_input_error_and_empty_is_no_data() {
        let e = network_chart("t", &nodes(2, 1), &[(0, 2)], 10, 1).unwrap_err();
        assert!(e.to_string().contains("edge (0, 2)"), "{e}");
        let c = network_chart("t", &[], &[], 10, 1).unwrap();
        assert!(c.svg.contains("no data"));
        check_chart(&c, "network", "t");
    }
}
