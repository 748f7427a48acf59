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

impl NetworkConfig {
    pub fn check(&self) -> Result<(), String> {
        // Resolution γ scales the null model of modularity (Reichardt &
        // Bornholdt 2006); γ <= 0 or not finite has no meaningful optimum.
        if !(self.louvain_resolution.is_finite() && self.louvain_resolution > 0.0) {
            return Err(format!(
                "[network] louvain_resolution must be a finite number > 0, 1.0 = classic modularity (found {})",
                self.louvain_resolution
            ));
        }
        if self.louvain_restarts == 0 {
            return Err("[network] louvain_restarts must be at least 1 (found 0)".into());
        }
        if self.betweenness_samples == 0 {
            return Err("[network] betweenness_samples must be at least 1 (found 0)".into());
        }
        Ok(())
    }
}
