//! `--embedding-model`: the embedding scores as one more external score
//! source of the scoring stage (see `score::embed`).

use std::path::Path;

use anyhow::Context;

use crate::config::Config;
use crate::model::Dataset;
use crate::score::embed::{self, EmbedStats};
use crate::score::{ExternalScores, ReadExternal};

use super::progress::Progress;

/// Embeds `ds` with the configured model (none configured: `Ok(None)`),
/// caching under `data_dir`, and says on stderr what it cost.
pub fn embeddings(
    ds: &Dataset,
    cfg: &Config,
    data_dir: &Path,
    quiet: bool,
    progress: &mut Progress,
) -> anyhow::Result<Option<embed::Embeddings>> {
    let Some(dir) = &cfg.score.embedding_model else {
        return Ok(None);
    };
    let e = progress
        .stage("embeddings", || {
            embed::embed_dataset(
                ds,
                dir,
                data_dir,
                cfg.score.half_life_years,
                &mut |_, _| {},
            )
        })
        .with_context(|| format!("embedding model {}", dir.display()))?;
    if !quiet {
        report(&e.stats);
    }
    Ok(Some(e))
}

/// The stats line (and any cache note) on stderr.
pub fn report(stats: &EmbedStats) {
    eprintln!("{}", stats.summary());
    if let Some(n) = &stats.cache_note {
        eprintln!("warning: {n}");
    }
}

/// `external` (the `--scores` files, if any) with the embedding scores
/// added as a source of weight `[score] embedding_weight`.
pub fn add_embedding(
    external: Option<ReadExternal>,
    ds: &Dataset,
    cfg: &Config,
    data_dir: &Path,
    quiet: bool,
    progress: &mut Progress,
) -> anyhow::Result<Option<ReadExternal>> {
    let Some(e) = embeddings(ds, cfg, data_dir, quiet, progress)? else {
        return Ok(external);
    };
    let m = e.scores(cfg.score.embedding_aggregate);
    let mut read = external.unwrap_or(ReadExternal {
        scores: ExternalScores::default(),
        records: Vec::new(),
        descriptions: Vec::new(),
    });
    read.scores.add_source(
        ds.proposals.len(),
        cfg.score.embedding_weight,
        embed::external_pairs(&m),
    );
    Ok(Some(read))
}
