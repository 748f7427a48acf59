//! Network analytics settings (`network`).

use serde::{Deserialize, Serialize};

/// Community detection algorithm (`[network] communities`, `--communities`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CommunityMethod {
    /// Traag, Waltman & van Eck (2019): communities are guaranteed connected.
    #[default]
    Leiden,
    /// Blondel et al. (2008): kept for comparison; may leave a community
    /// internally disconnected.
    Louvain,
}

impl CommunityMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityMethod::Leiden => "leiden",
            CommunityMethod::Louvain => "louvain",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Exact betweenness up to this many nodes; above it, a sampled estimate.
    pub betweenness_exact_max_nodes: usize,
    /// Most shortest paths sampled for the estimate on larger graphs (the
    /// time cap: one bidirectional search per path; see
    /// `network::path_sampling`).
    pub betweenness_samples: usize,
    /// Sampling stops once every node's normalised betweenness is provably
    /// within this absolute error of the exact value (with probability
    /// 1 − delta: the smaller of a per-node Chernoff–Hoeffding and a VC-dimension
    /// bound), or at `betweenness_samples` paths; the bound reached is
    /// reported as `betweenness_epsilon`.
    pub betweenness_epsilon: f64,
    /// Failure probability of that bound, (0, 1).
    pub betweenness_delta: f64,
    /// Community detection: "leiden" (default) or "louvain".
    pub communities: CommunityMethod,
    /// Resolution γ of the modularity both algorithms maximise (1.0 =
    /// classic modularity). The name is kept from when Louvain was the only
    /// method, so existing rdmatch.toml files still load.
    pub louvain_resolution: f64,
    /// Runs with different random orders (all from `seed`); the partition
    /// with the highest modularity is kept. Both methods are randomised
    /// heuristics, so one run can stop short; each run costs one pass.
    pub louvain_restarts: usize,
    /// Brokers listed in the summary.
    pub top_brokers: usize,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            betweenness_exact_max_nodes: 5000,
            betweenness_samples: 2_000_000,
            betweenness_epsilon: 0.002,
            betweenness_delta: 0.1,
            communities: CommunityMethod::Leiden,
            louvain_resolution: 1.0,
            louvain_restarts: 4,
            top_brokers: 20,
        }
    }
}

impl NetworkConfig {
    /// Range checks (see docs/config.md).
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
        if !(self.betweenness_epsilon.is_finite() && self.betweenness_epsilon > 0.0) {
            return Err(format!(
                "[network] betweenness_epsilon must be > 0, an absolute error on normalised betweenness such as 0.01 (found {})",
                self.betweenness_epsilon
            ));
        }
        if !(self.betweenness_delta > 0.0 && self.betweenness_delta < 1.0) {
            return Err(format!(
                "[network] betweenness_delta must be in (0, 1), e.g. 0.1 (found {})",
                self.betweenness_delta
            ));
        }
        if self.betweenness_samples == 0 {
            return Err("[network] betweenness_samples must be at least 1 (found 0)".into());
        }
        Ok(())
    }
}
