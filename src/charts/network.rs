//! Network drawing: a deterministic force-directed layout, a two-level
//! layout that keeps communities apart, and the chart of the largest
//! component coloured and labelled by community.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::{de, fit_text, no_data, render, Chart, ChartError, Draw, Sty, PALETTE};

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

/// Two-level layout (communities first, then nodes within), so that
/// communities appear as separate groups rather than one hairball:
///
/// 1. the community graph (one node per community, an edge where any
///    member pair is tied) is laid out with [`network_layout`];
/// 2. each community becomes a disc of area ∝ its size (together ~35 % of
///    the frame), and overlapping discs are pushed apart (a few hundred
///    rounds of pairwise separation, in a fixed order);
/// 3. inside its disc, each community's own subgraph is laid out with
///    [`network_layout`] (seed + community rank) and scaled into it.
///
/// This is the "group-in-a-box"/multilevel idea (Rodrigues et al. 2011;
/// Hu 2005) reduced to what a slide needs. Returns positions in [0, 1]²
/// like [`network_layout`]; deterministic for (nodes, edges, seed, aspect).
pub fn community_layout(
    communities: &[usize],
    edges: &[(usize, usize)],
    seed: u64,
    aspect: f64,
) -> Vec<(f64, f64)> {
    let n = communities.len();
    if n <= 1 {
        return network_layout(n, edges, seed, aspect);
    }
    let aspect = if aspect.is_finite() && aspect > 0.0 {
        aspect
    } else {
        1.0
    };
    // Dense community indexes by first appearance.
    let mut ix = std::collections::BTreeMap::new();
    let comm: Vec<usize> = communities
        .iter()
        .map(|&c| {
            let next = ix.len();
            *ix.entry(c).or_insert(next)
        })
        .collect();
    let k = ix.len();
    let mut size = vec![0usize; k];
    for &c in &comm {
        size[c] += 1;
    }
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(u, v)| u < n && v < n && u != v)
        .collect();
    let mut cedges: Vec<(usize, usize)> = edges
        .iter()
        .filter(|&&(u, v)| comm[u] != comm[v])
        .map(|&(u, v)| (comm[u].min(comm[v]), comm[u].max(comm[v])))
        .collect();
    cedges.sort_unstable();
    cedges.dedup();
    let cpos = network_layout(k, &cedges, seed, aspect);
    // Frame coordinates: x in [0, aspect], y in [0, 1].
    let beta = (0.35 * aspect / std::f64::consts::PI).sqrt();
    let radius: Vec<f64> = size
        .iter()
        .map(|&s| beta * (s as f64 / n as f64).sqrt())
        .collect();
    let mut centre: Vec<(f64, f64)> = cpos.iter().map(|&(x, y)| (x * aspect, y)).collect();
    let gap = 0.02;
    for _ in 0..300 {
        let mut moved = false;
        for i in 0..k {
            for j in i + 1..k {
                let (dx, dy) = (centre[j].0 - centre[i].0, centre[j].1 - centre[i].1);
                let d = (dx * dx + dy * dy).sqrt();
                let want = radius[i] + radius[j] + gap;
                if d < want {
                    moved = true;
                    let (ux, uy) = if d > 1e-12 {
                        (dx / d, dy / d)
                    } else {
                        // Coincident: separate along a direction fixed by the pair.
                        let a = (i * 7 + j * 13) as f64;
                        (a.cos(), a.sin())
                    };
                    let push = (want - d) / 2.0;
                    centre[i].0 -= ux * push;
                    centre[i].1 -= uy * push;
                    centre[j].0 += ux * push;
                    centre[j].1 += uy * push;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (v, &c) in comm.iter().enumerate() {
        members[c].push(v);
    }
    let mut local = vec![usize::MAX; n];
    for m in &members {
        for (i, &v) in m.iter().enumerate() {
            local[v] = i;
        }
    }
    let mut inner: Vec<Vec<(usize, usize)>> = vec![Vec::new(); k];
    for &(u, v) in &edges {
        if comm[u] == comm[v] {
            inner[comm[u]].push((local[u], local[v]));
        }
    }
    let mut pos = vec![(0.0, 0.0); n];
    for c in 0..k {
        let p = network_layout(
            members[c].len(),
            &inner[c],
            seed.wrapping_add(c as u64),
            1.0,
        );
        for (i, &v) in members[c].iter().enumerate() {
            // The inner layout fills [0, 1]²; shrink the square into the disc.
            let r = radius[c] * 0.7;
            pos[v] = (
                centre[c].0 + (p[i].0 - 0.5) * 2.0 * r,
                centre[c].1 + (p[i].1 - 0.5) * 2.0 * r,
            );
        }
    }
    fit_unit(&pos, aspect)
}

/// Scales frame positions (x in [0, aspect]) into [0, 1]², keeping the
/// aspect and centring, as [`network_layout`] does.
fn fit_unit(pos: &[(f64, f64)], aspect: f64) -> Vec<(f64, f64)> {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in pos {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let sx = (x1 - x0) / aspect;
    let sy = y1 - y0;
    let span = sx.max(sy);
    if span <= 0.0 {
        return vec![(0.5, 0.5); pos.len()];
    }
    pos.iter()
        .map(|&(x, y)| {
            let u = ((x - x0) / aspect / span + (1.0 - sx / span) / 2.0).clamp(0.0, 1.0);
            let v = ((y - y0) / span + (1.0 - sy / span) / 2.0).clamp(0.0, 1.0);
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
    labels: &'a [String],
}

/// Drawing of a network (normally the largest connected component of the
/// collaboration graph), nodes coloured by community: the nine largest
/// communities get their own colour and a legend entry with their label
/// (`labels[community]`, e.g. "Cancer immunotherapy · Otsu Univ. ·
/// academia": the first part on one line with the size, the rest below;
/// "community N" when no label is given) and size, the others are grey.
/// The layout is [`community_layout`], so communities sit apart. The caller passes the nodes to show (normally the
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
    labels: &[String],
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
            labels,
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
        let legend_w = st.upx(300.0);
        let (plot, legend) = area.split_horizontally(w.saturating_sub(legend_w));
        let (pw, ph) = plot.dim_in_pixel();
        let r = if n > 200 { st.px(3.5) } else { st.px(5.0) };
        let m = r + st.px(4.0);
        let (iw, ih) = ((pw as i32 - 2 * m).max(1), (ph as i32 - 2 * m).max(1));
        // Layout in the shape of the drawable region; positions in [0, 1]².
        let comms: Vec<usize> = self.nodes.iter().map(|x| x.community).collect();
        let pos = community_layout(&comms, &self.edges, self.seed, iw as f64 / ih as f64);
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
        // Legend entries: "<first part> (<size>)" and the rest of the label
        // on a second, smaller grey line.
        let mut items: Vec<(RGBColor, String, String)> = ranked
            .iter()
            .take(COMMUNITY_COLOURS)
            .enumerate()
            .map(|(i, &(c, size))| {
                let label = self
                    .labels
                    .get(c)
                    .filter(|l| !l.is_empty())
                    .cloned()
                    .unwrap_or_else(|| format!("community {c}"));
                let (head, rest) = match label.split_once(" · ") {
                    Some((h, r)) => (h.to_string(), r.to_string()),
                    None => (label, String::new()),
                };
                (colours[i], format!("{head} ({size})"), rest)
            })
            .collect();
        if ranked.len() > COMMUNITY_COLOURS {
            let rest: usize = ranked[COMMUNITY_COLOURS..].iter().map(|x| x.1).sum();
            items.push((OTHER, format!("other ({rest})"), String::new()));
        }
        let (lw, lh) = legend.dim_in_pixel();
        let text_w = lw.saturating_sub(st.upx(32.0));
        let small = st
            .font(13.0)
            .color(&RGBColor(90, 90, 90))
            .pos(Pos::new(HPos::Left, VPos::Center));
        let sub = st.px(17.0);
        for (c, head, rest) in items {
            let need = if rest.is_empty() { line } else { line + sub };
            if y + need / 2 > lh as i32 {
                break;
            }
            legend
                .draw(&Circle::new((st.px(14.0), y), st.px(7.0), c.filled()))
                .map_err(de)?;
            let head = fit_text(&legend, &head, &lf, text_w);
            legend.draw_text(&head, &lf, (st.px(28.0), y)).map_err(de)?;
            if !rest.is_empty() {
                let rest = fit_text(&legend, &rest, &small, text_w);
                legend
                    .draw_text(&rest, &small, (st.px(28.0), y + sub))
                    .map_err(de)?;
            }
            y += need;
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
        let c = network_chart("Network <largest> & co", &ns, &e, 400, 42, &[]).unwrap();
        check_chart(&c, "network", "Network <largest> & co");
        assert!(c.svg.contains("60 nodes"), "node count");
        assert!(
            c.svg.contains("other (15)"),
            "communities past nine are grouped"
        );
        assert_eq!(
            c,
            network_chart("Network <largest> & co", &ns, &e, 400, 42, &[]).unwrap()
        );
        let c = network_chart("Capped", &ns, &e, 20, 42, &[]).unwrap();
        assert!(c.svg.contains("(top 20 of 60 nodes)"));
        assert!(c.svg.contains("20 nodes"));
    }

    #[test]
    fn legend_shows_community_labels() {
        let e = ring_of_cliques(3, 5);
        let ns = nodes(15, 5);
        let labels: Vec<String> = vec![
            "Cancer immunotherapy · Otsu Univ. · academia".into(),
            "がん免疫 · 大津大学 · academia".into(),
        ];
        let c = network_chart("t", &ns, &e, 400, 1, &labels).unwrap();
        assert!(
            c.svg.contains("Cancer immunotherapy (5)"),
            "first part and size"
        );
        assert!(
            c.svg.contains("Otsu Univ. · academia"),
            "rest on the second line"
        );
        assert!(c.svg.contains("がん免疫 (5)"));
        assert!(
            c.svg.contains("community 2 (5)"),
            "unlabelled falls back to the number"
        );
    }

    #[test]
    fn community_layout_separates_communities() {
        // Four cliques joined in a ring: nodes are nearer their own
        // community's centroid than any other community's centroid.
        let e = ring_of_cliques(4, 6);
        let comm: Vec<usize> = (0..24).map(|v| v / 6).collect();
        let p = community_layout(&comm, &e, 3, 1.5);
        assert_eq!(p, community_layout(&comm, &e, 3, 1.5));
        let centroid = |c: usize| {
            let xs: Vec<(f64, f64)> = (0..24).filter(|&v| comm[v] == c).map(|v| p[v]).collect();
            (
                xs.iter().map(|q| q.0).sum::<f64>() / 6.0,
                xs.iter().map(|q| q.1).sum::<f64>() / 6.0,
            )
        };
        let cs: Vec<(f64, f64)> = (0..4).map(centroid).collect();
        let d = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        for v in 0..24 {
            let own = d(p[v], cs[comm[v]]);
            for (c, &q) in cs.iter().enumerate() {
                if c != comm[v] {
                    assert!(own < d(p[v], q), "node {v}");
                }
            }
            assert!((0.0..=1.0).contains(&p[v].0) && (0.0..=1.0).contains(&p[v].1));
        }
    }

    #[test]
    fn bad_edge_is_an_input_error_and_empty_is_no_data() {
        let e = network_chart("t", &nodes(2, 1), &[(0, 2)], 10, 1, &[]).unwrap_err();
        assert!(e.to_string().contains("edge (0, 2)"), "{e}");
        let c = network_chart("t", &[], &[], 10, 1, &[]).unwrap();
        assert!(c.svg.contains("no data"));
        check_chart(&c, "network", "t");
    }
}
