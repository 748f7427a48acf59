//! A borrowed compressed adjacency (the view every network algorithm takes).

/// Undirected simple graph: neighbours of `v` are `adj[offsets[v]..offsets[v + 1]]`,
/// each edge stored in both directions, no self-loops.
#[derive(Clone, Copy, Debug)]
pub struct Csr<'a> {
    pub offsets: &'a [usize],
    pub adj: &'a [u32],
}

impl<'a> Csr<'a> {
    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn edge_count(&self) -> usize {
        self.adj.len() / 2
    }

    #[inline]
    pub fn neighbors(&self, v: usize) -> &'a [u32] {
        &self.adj[self.offsets[v]..self.offsets[v + 1]]
    }

    #[inline]
    pub fn degree(&self, v: usize) -> usize {
        self.offsets[v + 1] - self.offsets[v]
    }
}

/// Owned adjacency built from an edge list (tests and small graphs).
#[cfg(test)]
pub(crate) fn from_edges(n: usize, edges: &[(usize, usize)]) -> (Vec<usize>, Vec<u32>) {
    let mut lists = vec![Vec::new(); n];
    for &(u, v) in edges {
        lists[u].push(v as u32);
        lists[v].push(u as u32);
    }
    let mut offsets = vec![0];
    let mut adj = Vec::new();
    for mut l in lists {
        l.sort_unstable();
        l.dedup();
        adj.extend(l);
        offsets.push(adj.len());
    }
    (offsets, adj)
}
