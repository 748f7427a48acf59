//! The collaboration graph: who has worked with whom.
//!
//! **Owns** [`CollabGraph`], an undirected graph with one node per researcher
//! (node index == [`ResearcherIx`], including researchers with no tie) and one
//! edge per pair of researchers who co-authored a publication or are members
//! of the same proposal. Each edge carries a [`CollabEdge`] summary: joint
//! publications, the first and latest joint publication year, and joint
//! proposals.
//!
//! **Takes** a [`Dataset`] (authorships and proposal members).
//!
//! **Hands on** the graph to `conflicts` (co-author and two-hop rules) and
//! `network` (analytics). Both read the compressed adjacency
//! ([`CollabGraph::neighbors`], neighbours sorted by index) rather than
//! petgraph's linked lists; the petgraph [`UnGraph`] is kept for algorithms
//! and drawings that want it ([`CollabGraph::graph`]).
//!
//! Why only the latest year and not every joint year: every rule asks "is
//! there a joint paper of year ≥ Y", which holds exactly when the latest joint
//! year is ≥ Y, so one `i32` per edge answers it.
//!
//! Cost: a paper with `k` authors yields `k(k-1)/2` pairs. Pairs are
//! generated in parallel, sorted (`O(P log P)`, `P` = pairs) and aggregated
//! in one pass, then edges are added in ascending `(u, v)` order, so edge
//! indexes are deterministic. Hyper-authored papers (hundreds of authors)
//! dominate the cost quadratically.

use petgraph::graph::{NodeIndex, UnGraph};
use rayon::prelude::*;

use crate::model::{Dataset, ResearcherIx};

/// What two researchers share. `joint_pubs` and `joint_proposals` count
/// distinct publications / proposals with both as authors / members.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CollabEdge {
    pub joint_pubs: u32,
    /// Year of the earliest joint publication (`None`: no joint publication).
    pub first_pub_year: Option<i32>,
    /// Year of the latest joint publication (`None`: no joint publication).
    pub last_pub_year: Option<i32>,
    pub joint_proposals: u32,
}

impl CollabEdge {
    /// Whether the pair has a joint publication of year `>= year`.
    pub fn has_pub_since(&self, year: i32) -> bool {
        self.last_pub_year.is_some_and(|y| y >= year)
    }
}

/// The collaboration graph. Node `i` is researcher `i`; edges have no
/// self-loops and no duplicates.
#[derive(Clone, Debug)]
pub struct CollabGraph {
    graph: UnGraph<ResearcherIx, CollabEdge, u32>,
    /// Edges as `(u, v)` with `u < v`, ascending; position == petgraph edge index.
    endpoints: Vec<(u32, u32)>,
    /// Compressed adjacency: neighbours of `r` are `adj[offsets[r]..offsets[r + 1]]`,
    /// ascending by researcher index; `adj_edge` holds the matching edge index.
    offsets: Vec<usize>,
    adj: Vec<u32>,
    adj_edge: Vec<u32>,
}

/// One co-occurrence of a pair (before aggregation).
#[derive(Clone, Copy)]
struct PairEvent {
    key: u64,
    /// Publication year, or `None` for a joint proposal.
    pub_year: Option<i32>,
}

fn pair_key(a: usize, b: usize) -> u64 {
    let (u, v) = if a < b { (a, b) } else { (b, a) };
    ((u as u64) << 32) | v as u64
}

fn push_pairs(people: &[usize], pub_year: Option<i32>, out: &mut Vec<PairEvent>) {
    for (i, &a) in people.iter().enumerate() {
        for &b in &people[i + 1..] {
            if a != b {
                out.push(PairEvent {
                    key: pair_key(a, b),
                    pub_year,
                });
            }
        }
    }
}

/// Builds the graph from co-authorships and proposal co-membership.
///
/// A researcher listed twice on one proposal counts once for that proposal.
/// Complexity: `O(P log P)` for `P` co-occurring pairs, parallel with rayon.
pub fn build(ds: &Dataset) -> CollabGraph {
    let n = ds.researchers.len();
    let mut events: Vec<PairEvent> = ds
        .publications
        .par_iter()
        .fold(Vec::new, |mut acc, p| {
            push_pairs(&p.authors, Some(p.year), &mut acc);
            acc
        })
        .flatten()
        .collect();
    let prop_events: Vec<PairEvent> = ds
        .proposals
        .par_iter()
        .fold(Vec::new, |mut acc, p| {
            let mut people: Vec<usize> = p.members.iter().map(|m| m.researcher).collect();
            people.sort_unstable();
            people.dedup();
            push_pairs(&people, None, &mut acc);
            acc
        })
        .flatten()
        .collect();
    events.extend(prop_events);
    events.par_sort_unstable_by_key(|e| e.key);

    let mut endpoints: Vec<(u32, u32)> = Vec::new();
    let mut weights: Vec<CollabEdge> = Vec::new();
    for e in &events {
        if endpoints
            .last()
            .map(|&(u, v)| ((u as u64) << 32) | v as u64)
            != Some(e.key)
        {
            endpoints.push(((e.key >> 32) as u32, e.key as u32));
            weights.push(CollabEdge::default());
        }
        // Invariant: a weight was pushed for the current key just above.
        let w = weights.last_mut().expect("edge pushed for key");
        match e.pub_year {
            Some(y) => {
                w.joint_pubs += 1;
                w.first_pub_year = Some(w.first_pub_year.map_or(y, |f| f.min(y)));
                w.last_pub_year = Some(w.last_pub_year.map_or(y, |l| l.max(y)));
            }
            None => w.joint_proposals += 1,
        }
    }
    drop(events);
    from_sorted(n, endpoints, weights)
}

/// A graph on `n` nodes from edges `(u, v)` with `u < v < n`, strictly
/// ascending (no duplicates, no self-loops) — the form [`build`] produces
/// and the edge-list input (`network::edges`) hands on. Edge `e` gets
/// `weights[e]`.
///
/// Panics when an edge breaks that contract (a caller bug, not user data:
/// both callers sort and de-duplicate first).
pub fn from_sorted(n: usize, endpoints: Vec<(u32, u32)>, weights: Vec<CollabEdge>) -> CollabGraph {
    assert_eq!(endpoints.len(), weights.len(), "one weight per edge");
    assert!(
        endpoints.iter().all(|&(u, v)| u < v && (v as usize) < n)
            && endpoints.windows(2).all(|w| w[0] < w[1]),
        "edges must be u < v < n, strictly ascending"
    );
    let mut graph = UnGraph::with_capacity(n, endpoints.len());
    for r in 0..n {
        graph.add_node(r);
    }
    for (&(u, v), w) in endpoints.iter().zip(&weights) {
        graph.add_edge(NodeIndex::new(u as usize), NodeIndex::new(v as usize), *w);
    }
    drop(weights);

    // Compressed adjacency by counting sort. Edges come in ascending (u, v)
    // order, so each node receives its smaller neighbours (from earlier u
    // blocks) before its larger ones (its own block), both ascending: every
    // neighbour list ends up sorted without a sort.
    let mut offsets = vec![0usize; n + 1];
    for &(u, v) in &endpoints {
        offsets[u as usize + 1] += 1;
        offsets[v as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut adj = vec![0u32; 2 * endpoints.len()];
    let mut adj_edge = vec![0u32; 2 * endpoints.len()];
    for (e, &(u, v)) in endpoints.iter().enumerate() {
        adj[fill[u as usize]] = v;
        adj_edge[fill[u as usize]] = e as u32;
        fill[u as usize] += 1;
        adj[fill[v as usize]] = u;
        adj_edge[fill[v as usize]] = e as u32;
        fill[v as usize] += 1;
    }
    CollabGraph {
        graph,
        endpoints,
        offsets,
        adj,
        adj_edge,
    }
}

impl CollabGraph {
    /// Number of nodes (== number of researchers).
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of distinct collaborating pairs.
    pub fn edge_count(&self) -> usize {
        self.endpoints.len()
    }

    /// The petgraph view (node weight = researcher index, node index ==
    /// researcher index, edge index == position in [`CollabGraph::edges`]).
    pub fn graph(&self) -> &UnGraph<ResearcherIx, CollabEdge, u32> {
        &self.graph
    }

    /// Number of collaborators of `r`.
    pub fn degree(&self, r: ResearcherIx) -> usize {
        self.offsets[r + 1] - self.offsets[r]
    }

    /// Collaborators of `r`, ascending by index (plain slice for hot loops).
    pub fn neighbor_ixs(&self, r: ResearcherIx) -> &[u32] {
        &self.adj[self.offsets[r]..self.offsets[r + 1]]
    }

    /// Collaborators of `r` with the shared edge, ascending by index.
    pub fn neighbors(
        &self,
        r: ResearcherIx,
    ) -> impl Iterator<Item = (ResearcherIx, &CollabEdge)> + '_ {
        let range = self.offsets[r]..self.offsets[r + 1];
        self.adj[range.clone()]
            .iter()
            .zip(&self.adj_edge[range])
            .map(move |(&v, &e)| (v as usize, self.edge_weight(e as usize)))
    }

    /// The compressed adjacency `(offsets, neighbours)`: neighbours of `r`
    /// are `neighbours[offsets[r]..offsets[r + 1]]`, ascending. Analytics
    /// run on these two plain vectors.
    pub fn adjacency(&self) -> (&[usize], &[u32]) {
        (&self.offsets, &self.adj)
    }

    /// Edge weight by edge index.
    pub fn edge_weight(&self, e: usize) -> &CollabEdge {
        &self.graph.raw_edges()[e].weight
    }

    /// The edge between `a` and `b`, if any (binary search, `O(log degree)`).
    pub fn edge_between(&self, a: ResearcherIx, b: ResearcherIx) -> Option<&CollabEdge> {
        let range = self.offsets[a]..self.offsets[a + 1];
        let i = self.adj[range.clone()].binary_search(&(b as u32)).ok()?;
        Some(self.edge_weight(self.adj_edge[range][i] as usize))
    }

    /// Every edge once as `(u, v, weight)` with `u < v`, ascending — the
    /// edge list for drawings and for coverage's network input.
    pub fn edges(&self) -> impl Iterator<Item = (ResearcherIx, ResearcherIx, &CollabEdge)> + '_ {
        self.endpoints
            .iter()
            .zip(self.graph.raw_edges())
            .map(|(&(u, v), e)| (u as usize, v as usize, &e.weight))
    }

    /// The edge list as plain index pairs (`u < v`, ascending).
    pub fn edge_pairs(&self) -> Vec<(ResearcherIx, ResearcherIx)> {
        self.endpoints
            .iter()
            .map(|&(u, v)| (u as usize, v as usize))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::*;

    /// A small data set builder shared by the graph, conflicts and network tests.
    pub(crate) fn researcher(id: &str, inst: usize) -> Researcher {
        Researcher {
            id: id.into(),
            name: id.into(),
            institution: inst,
            position: None,
            keywords: vec![],
            orcid: None,
            gender: None,
            region: None,
        }
    }

    pub(crate) fn institution(id: &str, sector: Sector) -> Institution {
        Institution {
            id: id.into(),
            name: id.into(),
            sector,
            country: "JP".into(),
            region: None,
        }
    }

    pub(crate) fn publication(id: &str, year: i32, authors: &[usize]) -> Publication {
        Publication {
            id: id.into(),
            year,
            title: String::new(),
            abstract_text: String::new(),
            keywords: vec![],
            authors: authors.to_vec(),
        }
    }

    pub(crate) fn proposal(
        id: &str,
        area: usize,
        year: i32,
        members: &[(usize, Role)],
    ) -> Proposal {
        Proposal {
            id: id.into(),
            area,
            title: String::new(),
            abstract_text: String::new(),
            keywords: vec![],
            pi: members[0].0,
            year,
            budget: None,
            members: members
                .iter()
                .map(|&(researcher, role)| Member { researcher, role })
                .collect(),
        }
    }

    pub(crate) fn area(id: &str) -> Area {
        Area {
            id: id.into(),
            name: id.into(),
            program: "CREST".into(),
            description: String::new(),
            keywords: vec![],
        }
    }

    #[test]
    fn aggregates_pubs_and_proposals_per_pair() {
        let t = Tables {
            institutions: vec![institution("I1", Sector::Academia)],
            researchers: (0..4).map(|i| researcher(&format!("R{i}"), 0)).collect(),
            areas: vec![area("A1")],
            publications: vec![
                publication("W1", 2020, &[0, 1, 2]),
                publication("W2", 2018, &[1, 0]),
                publication("W3", 2022, &[0, 1]),
            ],
            proposals: vec![proposal("P1", 0, 2024, &[(0, Role::Pi), (3, Role::CoPi)])],
            ..Default::default()
        };
        let ds = Dataset::new(t);
        let g = build(&ds);
        assert_eq!(g.node_count(), 4);
        assert_eq!(g.edge_count(), 4); // 0-1, 0-2, 1-2, 0-3
        let e01 = g.edge_between(1, 0).unwrap();
        assert_eq!(e01.joint_pubs, 3);
        assert_eq!(e01.first_pub_year, Some(2018));
        assert_eq!(e01.last_pub_year, Some(2022));
        assert_eq!(e01.joint_proposals, 0);
        assert!(e01.has_pub_since(2022) && !e01.has_pub_since(2023));
        let e03 = g.edge_between(0, 3).unwrap();
        assert_eq!(
            (e03.joint_pubs, e03.joint_proposals, e03.last_pub_year),
            (0, 1, None)
        );
        assert!(!e03.has_pub_since(0));
        assert!(g.edge_between(2, 3).is_none());
        assert_eq!(g.neighbor_ixs(0), &[1, 2, 3]);
        assert_eq!(g.degree(2), 2);
        assert_eq!(g.edge_pairs(), vec![(0, 1), (0, 2), (0, 3), (1, 2)]);
        assert_eq!(g.graph().edge_count(), 4);
    }

    #[test]
    fn adjacency_matches_petgraph_on_random_graphs() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let n = 60;
        let pubs: Vec<Publication> = (0..200)
            .map(|i| {
                let k = rng.random_range(1..5);
                let mut a: Vec<usize> = (0..k).map(|_| rng.random_range(0..n)).collect();
                a.sort_unstable();
                a.dedup();
                publication(&format!("W{i}"), 2000 + (i % 20), &a)
            })
            .collect();
        let ds = Dataset::new(Tables {
            institutions: vec![institution("I1", Sector::Academia)],
            researchers: (0..n).map(|i| researcher(&format!("R{i}"), 0)).collect(),
            publications: pubs.clone(),
            ..Default::default()
        });
        let g = build(&ds);
        for r in 0..n {
            let mut pg: Vec<u32> = g
                .graph()
                .neighbors(NodeIndex::new(r))
                .map(|x| x.index() as u32)
                .collect();
            pg.sort_unstable();
            assert_eq!(g.neighbor_ixs(r), &pg[..]);
            for (v, w) in g.neighbors(r) {
                // Brute force: count joint papers and the latest year.
                let joint: Vec<i32> = pubs
                    .iter()
                    .filter(|p| p.authors.contains(&r) && p.authors.contains(&v))
                    .map(|p| p.year)
                    .collect();
                assert_eq!(w.joint_pubs as usize, joint.len());
                assert_eq!(w.last_pub_year, joint.iter().copied().max());
            }
        }
    }
}
