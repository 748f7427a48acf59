//! `--embedding-model`: the embedding scores as one more external score
//! source of the scoring stage (see `score::embed`).

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::config::Config;
use crate::model::Dataset;
use crate::score::embed::{self, Aggregate, EmbedStats, Rerank};
use crate::score::{heldout, ExternalScores, Keep, ReadExternal, Scorer};

/// Embedding weights tried by `eval-scores --heldout` for the score blend
/// (against `lexical_weight` 1: the embedding's share 0.2, 1/3, 0.5, 2/3).
const BLEND_WEIGHTS: [f64; 4] = [0.25, 0.5, 1.0, 2.0];

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
            embed::embed_dataset(ds, dir, data_dir, cfg.score.half_life_years, &mut |_, _| {})
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

/// The rows `eval-scores --heldout` adds with a model: the embedding alone
/// per aggregation, its rank blend (reciprocal rank fusion) with the
/// lexical default, and score blends of several weights. `print(name,
/// report, seconds)` writes one row.
pub fn heldout_rows(
    h: &heldout::HeldOut,
    cfg: &Config,
    data_dir: &Path,
    quiet: bool,
    print: &mut dyn FnMut(&str, &heldout::RankReport, f64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut progress = Progress::new(true);
    let Some(e) = embeddings(&h.call, cfg, data_dir, quiet, &mut progress)? else {
        return Ok(());
    };
    let mut sc = cfg.score.clone();
    sc.top_terms = 0;
    let n = h.call.proposals.len();
    let t = Instant::now();
    let lexical = Scorer::new(&h.call, &sc).score(&h.call, Keep::All, &|_, _| false);
    let lexical_secs = t.elapsed().as_secs_f64();
    for how in Aggregate::ALL {
        let t = Instant::now();
        let m = e.scores(how);
        let secs = t.elapsed().as_secs_f64();
        let only = embed::rerank(&lexical, &m, Rerank::Embedding);
        print(
            &format!("emb-{}", how.name()),
            &heldout::rank_report(&only, h),
            secs,
        )?;
        let fused = embed::rerank(&lexical, &m, Rerank::Rank);
        print(
            &format!("rrf-{}", how.name()),
            &heldout::rank_report(&fused, h),
            secs + lexical_secs,
        )?;
        for w in BLEND_WEIGHTS {
            let t = Instant::now();
            let mut ext = ExternalScores::default();
            ext.add_source(n, w, embed::external_pairs(&m));
            let blended =
                Scorer::new(&h.call, &sc)
                    .with_external(ext)
                    .score(&h.call, Keep::All, &|_, _| false);
            print(
                &format!("blend-{}-w{w}", how.name()),
                &heldout::rank_report(&blended, h),
                secs + t.elapsed().as_secs_f64(),
            )?;
        }
    }
    Ok(())
}
