//! Positions for the exports (GEXF `viz:position`, VOSviewer x/y): a
//! layout that keeps communities apart, in `O(n log n)` for any size.
//!
//! Community level first, then nodes within (the two-level idea of
//! Gephi's "group" layouts and of Hu's multilevel drawings, simplified to
//! a closed form): community `c` (largest first) is a disc of area ∝ its
//! size; the discs sit on a Vogel sunflower spiral (H. Vogel, "A better way
//! to construct the sunflower head", Math. Biosci. 44, 1979): centre at
//! radius `√(spacing · Σ_{j<c} size_j)` and angle `c · 137.5°`, so the
//! largest community is in the middle and the rings grow with the area
//! already used. Inside a disc, members by degree (hubs in the centre)
//! fill a sunflower of their own. The drawing tools then refine it
//! (ForceAtlas2 in Gephi, VOSviewer's own layout) starting from separated
//! groups. Positions are scaled into [0, 1]², y down.

/// Golden angle in radians: π (3 − √5).
const GOLDEN: f64 = 2.399_963_229_728_653;
/// Area of the spiral per member: > 1 leaves room between discs.
const SPACING: f64 = 2.2;

/// One position per node. `node_community` labels are indexes into
/// `community_sizes` (largest first); `node_degree` orders members.
pub fn community_layout(
    node_community: &[usize],
    community_sizes: &[usize],
    node_degree: &[u32],
) -> Vec<(f64, f64)> {
    let n = node_community.len();
    if n == 0 {
        return Vec::new();
    }
    let c = community_sizes.len();
    let mut centre = Vec::with_capacity(c);
    let mut used = 0.0f64;
    for (i, &size) in community_sizes.iter().enumerate() {
        let rho = (SPACING * used).sqrt() + if i == 0 { 0.0 } else { (size as f64).sqrt() };
        let th = i as f64 * GOLDEN;
        centre.push((rho * th.cos(), rho * th.sin()));
        used += size as f64;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); c];
    for (v, &cm) in node_community.iter().enumerate() {
        members[cm].push(v);
    }
    let mut pos = vec![(0.0, 0.0); n];
    for (cm, people) in members.iter_mut().enumerate() {
        people.sort_by(|&a, &b| node_degree[b].cmp(&node_degree[a]).then(a.cmp(&b)));
        let size = people.len().max(1) as f64;
        let r = size.sqrt();
        for (k, &v) in people.iter().enumerate() {
            let rho = r * ((k as f64 + 0.5) / size).sqrt();
            let th = k as f64 * GOLDEN;
            pos[v] = (centre[cm].0 + rho * th.cos(), centre[cm].1 + rho * th.sin());
        }
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &pos {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let span = (x1 - x0).max(y1 - y0);
    if span <= 0.0 {
        return vec![(0.5, 0.5); n];
    }
    pos.iter()
        .map(|&(x, y)| ((x - x0) / span, (y - y0) / span))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communities_are_separated_and_positions_in_unit_square() {
        // Three communities of 40, 30, 20 nodes.
        let comm: Vec<usize> = (0..90)
            .map(|v| {
                if v < 40 {
                    0
                } else if v < 70 {
                    1
                } else {
                    2
                }
            })
            .collect();
        let deg = vec![1u32; 90];
        let p = community_layout(&comm, &[40, 30, 20], &deg);
        assert!(p
            .iter()
            .all(|&(x, y)| (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)));
        let centroid = |c: usize| {
            let m: Vec<_> = (0..90).filter(|&v| comm[v] == c).map(|v| p[v]).collect();
            let k = m.len() as f64;
            (
                m.iter().map(|q| q.0).sum::<f64>() / k,
                m.iter().map(|q| q.1).sum::<f64>() / k,
            )
        };
        let d = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        // Mean distance of members to their own centroid is well below the
        // distance between centroids.
        for c in 0..3 {
            let own = centroid(c);
            let spread: f64 = (0..90)
                .filter(|&v| comm[v] == c)
                .map(|v| d(p[v], own))
                .sum::<f64>()
                / (0..90).filter(|&v| comm[v] == c).count() as f64;
            for o in 0..3 {
                if o != c {
                    assert!(spread * 1.5 < d(own, centroid(o)), "c {c} o {o}");
                }
            }
        }
        assert_eq!(p, community_layout(&comm, &[40, 30, 20], &deg));
        assert!(community_layout(&[], &[], &[]).is_empty());
        assert_eq!(community_layout(&[0], &[1], &[0]), vec![(0.5, 0.5)]);
    }
}
