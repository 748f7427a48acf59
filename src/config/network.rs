//! Network analytics settings (`network`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Exact betweenness up to this many nodes; above it, a sampled estimate.
    pub betweenness_exact_max_nodes: usize,
    /// Source nodes sampled for the estimate on larger graphs.
    pub betweenness_samples: usize,
    /// Louvain resolution (1.0 = classic modularity).
    pub louvain_resolution: f64,
    /// Louvain runs with different visiting orders (all from `seed`); the
    /// partition with the highest modularity is kept. Louvain is greedy, so
    /// one run can stop short; each extra run costs one more Louvain pass.
    pub louvain_restarts: usize,
    /// Brokers listed in the summary.
    pub top_brokers: usize,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            betweenness_exact_max_nodes: 5000,
            betweenness_samples: 500,
            louvain_resolution: 1.0,
            louvain_restarts: 4,
            top_brokers: 20,
        }
    }
}
