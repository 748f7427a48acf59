//! Connected components by breadth-first search, `O(n + m)`.

use super::csr::Csr;

/// Component of every node, labelled `0..c` in order of each component's
/// first node index (callers relabel for output). Returns `(labels, sizes)`.
pub fn connected_components(g: Csr) -> (Vec<usize>, Vec<usize>) {
    let n = g.node_count();
    let mut label = vec![usize::MAX; n];
    let mut sizes = Vec::new();
    let mut queue: Vec<u32> = Vec::new();
    for s in 0..n {
        if label[s] != usize::MAX {
            continue;
        }
        let c = sizes.len();
        label[s] = c;
        queue.clear();
        queue.push(s as u32);
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head] as usize;
            head += 1;
            for &w in g.neighbors(v) {
                if label[w as usize] == usize::MAX {
                    label[w as usize] = c;
                    queue.push(w);
                }
            }
        }
        sizes.push(queue.len());
    }
    (label, sizes)
}
