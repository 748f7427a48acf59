//! The scorer: profiles and inverted index built once, then parallel scoring.

use rayon::prelude::*;

use super::corpus::{
    analyze_docs, merge_sparse, AnalyzeOptions, DocText, FxMap, SparseVec, TermId, Vocab,
};
use super::external::ExternalScores;
use super::{Keep, PairScore, ScoreMatrix};
use crate::config::{ProfileStrategy, ScoreConfig, TextModel};
use crate::model::{AdviserIx, AreaIx, Dataset, ProposalIx};
use crate::text::{phrases, Analyzer, Lexicon};

/// 1 + 1/2 + 1/3: the largest value of `s1 + s2/2 + s3/3` with `s_i ≤ 1`.
const TOP3_NORM: f32 = 1.0 + 0.5 + 1.0 / 3.0;

/// Compressed rows: row `i` is `data[start[i]..start[i + 1]]`.
#[derive(Clone, Debug, Default)]
struct Csr<T> {
    start: Vec<usize>,
    data: Vec<T>,
}

impl<T: Clone> Csr<T> {
    fn from_rows(rows: Vec<Vec<T>>) -> Csr<T> {
        let mut start = Vec::with_capacity(rows.len() + 1);
        start.push(0);
        let mut data = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        for r in rows {
            data.extend(r);
            start.push(data.len());
        }
        Csr { start, data }
    }
    fn row(&self, i: usize) -> &[T] {
        &self.data[self.start[i]..self.start[i + 1]]
    }
    fn rows(&self) -> usize {
        self.start.len() - 1
    }
}

/// Per-thread scratch space, reused across proposals (dense, so each
/// proposal costs only the postings it touches plus a reset of those).
struct Accum {
    /// Similarity per unit (adviser or paper).
    unit: Vec<f32>,
    unit_seen: Vec<bool>,
    touched_units: Vec<u32>,
    /// Best three (recency-weighted score, unit) per adviser (top-papers).
    top3: Vec<[(f32, u32); 3]>,
    /// Matched keyword phrases per adviser.
    kw: Vec<u32>,
    /// Σ w·s and Σ w of the external files that scored each adviser for
    /// the current proposal (0 and 0 when none did).
    ext: Vec<f32>,
    ext_w: Vec<f32>,
    cand_mark: Vec<bool>,
    /// Whether each adviser serves the current proposal's area.
    in_area: Vec<bool>,
    cands: Vec<u32>,
    /// Scored candidates of the current proposal (buffers reused so their
    /// capacity, up to the number of advisers, is not kept per proposal).
    pos: Vec<PairScore>,
    keys: Vec<(f64, u32)>,
}

impl Accum {
    /// `top3` is only kept (and reset) for the top-papers strategy.
    fn new(n_units: usize, n_adv: usize, strategy: ProfileStrategy) -> Accum {
        let n_top3 = if strategy == ProfileStrategy::TopPapers {
            n_adv
        } else {
            0
        };
        Accum {
            unit: vec![0.0; n_units],
            unit_seen: vec![false; n_units],
            touched_units: Vec::new(),
            top3: vec![[(0.0, u32::MAX); 3]; n_top3],
            kw: vec![0; n_adv],
            ext: vec![0.0; n_adv],
            ext_w: vec![0.0; n_adv],
            cand_mark: vec![false; n_adv],
            in_area: vec![false; n_adv],
            cands: Vec::new(),
            pos: Vec::new(),
            keys: Vec::new(),
        }
    }

    fn mark(&mut self, a: u32) {
        if !self.cand_mark[a as usize] {
            self.cand_mark[a as usize] = true;
            self.cands.push(a);
        }
    }

    fn reset(&mut self) {
        for &u in &self.touched_units {
            self.unit[u as usize] = 0.0;
            self.unit_seen[u as usize] = false;
        }
        self.touched_units.clear();
        let top3 = !self.top3.is_empty();
        for &a in &self.cands {
            let a = a as usize;
            if top3 {
                self.top3[a] = [(0.0, u32::MAX); 3];
            }
            self.kw[a] = 0;
            self.ext[a] = 0.0;
            self.ext_w[a] = 0.0;
            self.cand_mark[a] = false;
            self.in_area[a] = false;
        }
        self.cands.clear();
    }
}

/// The most proposals in one [`Block`].
const MAX_BLOCK: usize = 32;

/// Text sums of a block of proposals against every unit, unit-major
/// (`sums[u·width + j]` is proposal `j` of the block against unit `u`), so
/// the proposals sharing a term add into one cache line per posting.
struct Block {
    width: usize,
    sums: Vec<f32>,
    /// (term, proposal in block, query weight) of the block's proposals.
    terms: Vec<(TermId, u32, f32)>,
}

impl Block {
    /// Sums of a block take about 1 MiB (within a core's L2 cache), and a
    /// block is at most [`MAX_BLOCK`] proposals wide.
    fn new(n_units: usize) -> Block {
        let width = ((1usize << 18) / n_units.max(1)).clamp(1, MAX_BLOCK);
        Block {
            width,
            sums: vec![0.0; n_units * width],
            terms: Vec::new(),
        }
    }

    /// Moves proposal `j`'s sums into the one-proposal accumulator (units
    /// with a positive sum become its touched units; a unit whose sum is 0
    /// adds nothing, as if untouched) and zeroes them for the next block.
    fn take(&mut self, j: usize, acc: &mut Accum) {
        for (u, x) in self.sums.iter_mut().skip(j).step_by(self.width).enumerate() {
            if *x != 0.0 {
                acc.unit[u] = *x;
                acc.unit_seen[u] = true;
                acc.touched_units.push(u as u32);
                *x = 0.0;
            }
        }
    }
}

/// A pair's score and the parts it is made of.
struct Components {
    score: f64,
    text: f64,
    keywords: f64,
    area: f64,
}

/// Inserts `(e, u)` into a best-three list kept sorted by score descending
/// (ties: the earlier unit first, which is the insertion order).
fn insert_top3(top: &mut [(f32, u32); 3], e: f32, u: u32) {
    if e <= top[2].0 {
        return;
    }
    top[2] = (e, u);
    if top[2].0 > top[1].0 {
        top.swap(1, 2);
        if top[1].0 > top[0].0 {
            top.swap(0, 1);
        }
    }
}

/// Expertise scorer: profiles, inverted index and keyword sets, built once
/// by [`Scorer::new`] and reusable for any number of [`Scorer::score`] calls.
pub struct Scorer {
    cfg: ScoreConfig,
    n_advisers: usize,
    /// Readable word per term.
    surfaces: Vec<String>,
    /// Whether a term's word may be a reason (not a fragment such as the
    /// `pd` of `pd-l1`).
    reason_ok: Vec<bool>,
    /// Per proposal: pairs of terms next to each other in its text, sorted
    /// (reasons join such neighbours into phrases: `ion channels`).
    prop_bigrams: Vec<Vec<(TermId, TermId)>>,
    /// Weighted term vector per unit (adviser for `profile`, paper or
    /// declared-keyword list for `top-papers`), sorted by term.
    unit_vecs: Csr<(TermId, f32)>,
    /// Recency weight per unit (1 for `profile`: already inside the vector).
    unit_recency: Vec<f32>,
    /// Advisers behind each unit.
    unit_advisers: Csr<u32>,
    /// Units of each adviser.
    adviser_units: Csr<u32>,
    /// Inverted index: term → (unit, weight), by unit ascending.
    postings: Csr<(u32, f32)>,
    /// Query vector per proposal, scaled so that Σ q·w is in [0, 1].
    queries: Vec<SparseVec>,
    /// Keyword phrase IDs per proposal and the number of its phrases.
    prop_phrases: Vec<Vec<u32>>,
    prop_phrase_n: Vec<u32>,
    /// Phrase → advisers having it (ascending).
    phrase_advisers: Csr<u32>,
    proposal_area: Vec<AreaIx>,
    area_advisers: Vec<Vec<u32>>,
    /// Rank of each adviser's researcher ID in ascending order (tie-break).
    id_rank: Vec<u32>,
    /// Advisers in ascending researcher-ID order.
    by_id: Vec<u32>,
    external: Option<ExternalScores>,
}

impl Scorer {
    /// Builds profiles and the inverted index from `ds` (see the module doc
    /// of `score` for the formulas). IDF statistics come from every
    /// publication and proposal in `ds` (not only advisers' papers), so the
    /// rarity of a term does not depend on who is an adviser.
    ///
    /// Cost: one pass of tokenising over all texts (parallel), then
    /// O(total postings) to build the index.
    pub fn new(ds: &Dataset, cfg: &ScoreConfig) -> Scorer {
        Scorer::with_lexicon(ds, cfg, &Lexicon::with_terms(&cfg.terms))
    }

    /// [`Scorer::new`] with the given bilingual term list in place of the
    /// built-in one plus `cfg.terms`.
    pub fn with_lexicon(ds: &Dataset, cfg: &ScoreConfig, lexicon: &Lexicon) -> Scorer {
        let an = Analyzer::new();
        let aopts = AnalyzeOptions {
            title_weight: cfg.title_weight as f32,
            bigrams: cfg.text_bigrams,
        };
        let mut vocab = Vocab::default();
        let n_adv = ds.advisers.len();
        let n_pubs = ds.publications.len();
        let ref_year = ds.latest_year();
        let half_life = if cfg.half_life_years > 0.0 {
            cfg.half_life_years
        } else {
            1.0
        };
        // Recency weight 0.5^((ref_year − year)/half_life); papers newer than
        // the reference year count as current (weight 1).
        let recency =
            |year: i32| 0.5f64.powf(f64::from((ref_year - year).max(0)) / half_life) as f32;

        let mut adv_pub = vec![false; n_pubs];
        for adv in &ds.advisers {
            for &p in &ds.pubs_of[adv.researcher] {
                adv_pub[p] = true;
            }
        }

        let mut df: Vec<u32> = Vec::new();
        let count_df = |v: &SparseVec, df: &mut Vec<u32>| {
            for &(t, _) in v {
                let t = t as usize;
                if t >= df.len() {
                    df.resize(t + 1, 0);
                }
                df[t] += 1;
            }
        };
        let mut pub_vecs: Vec<SparseVec> = vec![Vec::new(); n_pubs];
        analyze_docs(
            ds.publications.iter().map(|p| DocText {
                title: &p.title,
                abstract_text: &p.abstract_text,
                keywords: &p.keywords,
            }),
            &mut vocab,
            &an,
            lexicon,
            &aopts,
            false,
            |_, _, _| {},
            |i, v| {
                count_df(&v, &mut df);
                if adv_pub[i] {
                    pub_vecs[i] = v;
                }
            },
        );
        let mut prop_tf: Vec<SparseVec> = Vec::with_capacity(ds.proposals.len());
        let mut prop_bigrams: Vec<Vec<(TermId, TermId)>> = Vec::with_capacity(ds.proposals.len());
        analyze_docs(
            ds.proposals.iter().map(|p| DocText {
                title: &p.title,
                abstract_text: &p.abstract_text,
                keywords: &p.keywords,
            }),
            &mut vocab,
            &an,
            lexicon,
            &aopts,
            true,
            |_, v, breaks| prop_bigrams.push(bigrams(v, breaks)),
            |_, v| {
                count_df(&v, &mut df);
                prop_tf.push(v);
            },
        );
        // Declared keywords: one pseudo-document per adviser (not counted in
        // the document frequencies: it is not part of the literature).
        let mut kw_tf: Vec<SparseVec> = Vec::with_capacity(n_adv);
        analyze_docs(
            ds.advisers.iter().map(|a| DocText {
                title: "",
                abstract_text: "",
                keywords: &ds.researchers[a.researcher].keywords,
            }),
            &mut vocab,
            &an,
            lexicon,
            &aopts,
            false,
            |_, _, _| {},
            |_, v| kw_tf.push(v),
        );
        let n_terms = vocab.terms.len();
        df.resize(n_terms, 0);
        let n_docs = (n_pubs + ds.proposals.len()) as f64;

        // Units and their raw (recency-weighted for profiles) tf vectors.
        let mut raw_units: Vec<SparseVec> = Vec::new();
        let mut unit_recency: Vec<f32> = Vec::new();
        let mut unit_adv_rows: Vec<Vec<u32>> = Vec::new();
        let mut adv_unit_rows: Vec<Vec<u32>> = vec![Vec::new(); n_adv];
        match cfg.strategy {
            ProfileStrategy::Profile => {
                raw_units = (0..n_adv)
                    .into_par_iter()
                    .map(|a| {
                        let r = ds.advisers[a].researcher;
                        let mut all: Vec<(TermId, f32)> = kw_tf[a].clone();
                        for &p in &ds.pubs_of[r] {
                            let w = recency(ds.publications[p].year);
                            all.extend(pub_vecs[p].iter().map(|&(t, x)| (t, x * w)));
                        }
                        merge_sparse(all)
                    })
                    .collect();
                unit_recency = vec![1.0; n_adv];
                unit_adv_rows = (0..n_adv as u32).map(|a| vec![a]).collect();
                for (a, row) in adv_unit_rows.iter_mut().enumerate() {
                    row.push(a as u32);
                }
            }
            ProfileStrategy::TopPapers => {
                let mut unit_of_pub = vec![u32::MAX; n_pubs];
                for (p, v) in pub_vecs.iter_mut().enumerate() {
                    if adv_pub[p] {
                        unit_of_pub[p] = raw_units.len() as u32;
                        raw_units.push(std::mem::take(v));
                        unit_recency.push(recency(ds.publications[p].year));
                        unit_adv_rows.push(Vec::new());
                    }
                }
                for (a, adv) in ds.advisers.iter().enumerate() {
                    for &p in &ds.pubs_of[adv.researcher] {
                        let u = unit_of_pub[p];
                        unit_adv_rows[u as usize].push(a as u32);
                        adv_unit_rows[a].push(u);
                    }
                    // The declared keywords count as one current paper.
                    if !kw_tf[a].is_empty() {
                        let u = raw_units.len() as u32;
                        raw_units.push(std::mem::take(&mut kw_tf[a]));
                        unit_recency.push(1.0);
                        unit_adv_rows.push(vec![a as u32]);
                        adv_unit_rows[a].push(u);
                    }
                }
            }
        }
        drop(pub_vecs);

        // Term weights per model.
        let (k1, b) = (cfg.bm25_k1 as f32, cfg.bm25_b as f32);
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| {
                let d = f64::from(d);
                match cfg.model {
                    // Smoothed IDF (as scikit-learn): ln((1+N)/(1+df)) + 1 ≥ 1.
                    TextModel::TfIdf => ((1.0 + n_docs) / (1.0 + d)).ln() + 1.0,
                    // Lucene's BM25 IDF, always > 0: ln(1 + (N − df + .5)/(df + .5)).
                    TextModel::Bm25 => (1.0 + (n_docs - d + 0.5) / (d + 0.5)).ln(),
                }
                .max(1e-6) as f32
            })
            .collect();
        let avgdl = {
            let total: f64 = raw_units.iter().flatten().map(|&(_, x)| f64::from(x)).sum();
            if raw_units.is_empty() || total <= 0.0 {
                1.0
            } else {
                (total / raw_units.len() as f64) as f32
            }
        };
        let weigh_unit = |v: SparseVec| -> SparseVec {
            match cfg.model {
                TextModel::TfIdf => l2_normalised(
                    v.into_iter()
                        .map(|(t, x)| (t, (1.0 + x).ln() * idf[t as usize]))
                        .collect(),
                ),
                TextModel::Bm25 => {
                    let dl: f32 = v.iter().map(|x| x.1).sum();
                    let norm = k1 * (1.0 - b + b * dl / avgdl);
                    v.into_iter()
                        .map(|(t, x)| (t, idf[t as usize] * x * (k1 + 1.0) / (x + norm)))
                        .collect()
                }
            }
        };
        let unit_rows: Vec<SparseVec> = raw_units.into_par_iter().map(weigh_unit).collect();
        let queries: Vec<SparseVec> = prop_tf
            .into_par_iter()
            .map(|v| match cfg.model {
                TextModel::TfIdf => l2_normalised(
                    v.into_iter()
                        .map(|(t, x)| (t, (1.0 + x).ln() * idf[t as usize]))
                        .collect(),
                ),
                TextModel::Bm25 => {
                    // Dividing by the bound Σ qtf·idf·(k1+1) keeps Σ q·w ≤ 1.
                    let bound: f32 = v
                        .iter()
                        .map(|&(t, x)| x * idf[t as usize] * (k1 + 1.0))
                        .sum();
                    if bound > 0.0 {
                        v.into_iter().map(|(t, x)| (t, x / bound)).collect()
                    } else {
                        Vec::new()
                    }
                }
            })
            .collect();
        let unit_vecs = Csr::from_rows(unit_rows);
        let postings = transpose(&unit_vecs, n_terms);
        let queries = if cfg.feedback_terms > 0 && cfg.model == TextModel::TfIdf {
            queries
                .into_par_iter()
                .map(|q| expand_query(q, &unit_vecs, &postings, cfg.feedback_terms))
                .collect()
        } else {
            queries
        };

        // Keyword phrases.
        let mut phrase_ids: FxMap<String, u32> = FxMap::default();
        let mut phrase_rows: Vec<Vec<u32>> = Vec::new();
        for (a, adv) in ds.advisers.iter().enumerate() {
            let mut mine: Vec<u32> = Vec::new();
            let r = adv.researcher;
            let lists = std::iter::once(&ds.researchers[r].keywords)
                .chain(ds.pubs_of[r].iter().map(|&p| &ds.publications[p].keywords));
            for list in lists {
                for ph in phrases(list) {
                    let next = phrase_ids.len() as u32;
                    let id = *phrase_ids.entry(ph).or_insert(next);
                    if id as usize == phrase_rows.len() {
                        phrase_rows.push(Vec::new());
                    }
                    mine.push(id);
                }
            }
            mine.sort_unstable();
            mine.dedup();
            for id in mine {
                phrase_rows[id as usize].push(a as u32);
            }
        }
        let mut prop_phrases = Vec::with_capacity(ds.proposals.len());
        let mut prop_phrase_n = Vec::with_capacity(ds.proposals.len());
        for p in &ds.proposals {
            let ph = phrases(&p.keywords);
            prop_phrase_n.push(ph.len() as u32);
            prop_phrases.push(
                ph.iter()
                    .filter_map(|x| phrase_ids.get(x).copied())
                    .collect(),
            );
        }

        let mut area_advisers = vec![Vec::new(); ds.areas.len()];
        for (a, adv) in ds.advisers.iter().enumerate() {
            let mut areas = adv.areas.clone();
            areas.sort_unstable();
            areas.dedup();
            for &ar in &areas {
                area_advisers[ar].push(a as u32);
            }
        }
        let mut by_id: Vec<u32> = (0..n_adv as u32).collect();
        by_id.sort_by(|&x, &y| ds.adviser_id(x as usize).cmp(ds.adviser_id(y as usize)));
        let mut id_rank = vec![0u32; n_adv];
        for (rank, &a) in by_id.iter().enumerate() {
            id_rank[a as usize] = rank as u32;
        }

        let surfaces = vocab.surfaces();
        let reason_ok = surfaces.iter().map(|s| readable(s)).collect();
        Scorer {
            cfg: cfg.clone(),
            n_advisers: n_adv,
            surfaces,
            reason_ok,
            prop_bigrams,
            unit_vecs,
            unit_recency,
            unit_advisers: Csr::from_rows(unit_adv_rows),
            adviser_units: Csr::from_rows(adv_unit_rows),
            postings,
            queries,
            prop_phrases,
            prop_phrase_n,
            phrase_advisers: Csr::from_rows(phrase_rows),
            proposal_area: ds.proposals.iter().map(|p| p.area).collect(),
            area_advisers,
            id_rank,
            by_id,
            external: None,
        }
    }

    /// Blends external pair scores (e.g. from an embedding model) into the
    /// text component as `score::external` documents: the weighted mean of
    /// the lexical score (`lexical_weight`) and the files that scored the
    /// pair. A pair missing from the
    /// external scores counts as external 0.
    pub fn with_external(mut self, ext: ExternalScores) -> Scorer {
        self.external = Some(ext);
        self
    }

    /// Scores every proposal against every adviser not excluded, in
    /// parallel over proposals. `ds` must be the data set given to
    /// [`Scorer::new`]. `exclude(p, a)` is asked before top-N selection, so
    /// excluded pairs never take a slot. Deterministic: the result does not
    /// depend on the number of threads.
    ///
    /// Cost per proposal: the postings of its terms (read once per block of
    /// proposals under the profile strategy, see `walk_block`),
    /// plus one pass over the advisers that share a term, keyword or area
    /// with it; memory: per range of proposals one dense accumulator (units
    /// and advisers) and, for profiles, one block of sums (about 1 MiB),
    /// plus the kept pairs.
    pub fn score(
        &self,
        ds: &Dataset,
        keep: Keep,
        exclude: &(dyn Fn(ProposalIx, AdviserIx) -> bool + Sync),
    ) -> ScoreMatrix {
        let n_props = ds.proposals.len().min(self.queries.len());
        // Contiguous ranges, a few per thread for load balance; one dense
        // accumulator per range, so accumulator memory is bounded by the
        // number of ranges, not by how rayon splits work.
        let n_ranges = (rayon::current_num_threads() * 4).clamp(1, n_props.max(1));
        let range = n_props.div_ceil(n_ranges).max(1);
        let n_units = self.unit_vecs.rows();
        let ranges: Vec<Vec<Vec<PairScore>>> = (0..n_props)
            .step_by(range)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let end = (start + range).min(n_props);
                let mut acc = Accum::new(n_units, self.n_advisers, self.cfg.strategy);
                if self.cfg.strategy != ProfileStrategy::Profile {
                    return (start..end)
                        .map(|p| self.score_one(p, keep, exclude, &mut acc))
                        .collect();
                }
                let mut block = Block::new(n_units);
                let mut out = Vec::with_capacity(end - start);
                for first in (start..end).step_by(block.width) {
                    let props = first..(first + block.width).min(end);
                    self.walk_block(props.clone(), &mut block);
                    for p in props {
                        block.take(p - first, &mut acc);
                        out.push(self.finish_one(p, keep, exclude, &mut acc));
                    }
                }
                out
            })
            .collect();
        let per_proposal = ranges.into_iter().flatten().collect();
        ScoreMatrix { per_proposal }
    }

    /// The text walk of [`Scorer::score_one`] for a block of proposals at
    /// once (profile strategy: one unit per adviser): each posting list is
    /// read once per block instead of once per proposal, which is what the
    /// walk spends its time on (streaming postings from memory); the
    /// accumulators of the block stay in cache. Each (proposal, unit) sum
    /// is taken over the proposal's terms in ascending order, as in the
    /// one-proposal walk, so the sums are bit-identical.
    fn walk_block(&self, props: std::ops::Range<usize>, block: &mut Block) {
        let first = props.start;
        block.terms.clear();
        for p in props {
            let j = (p - first) as u32;
            block
                .terms
                .extend(self.queries[p].iter().map(|&(t, q)| (t, j, q)));
        }
        block.terms.sort_unstable_by_key(|&(t, j, _)| (t, j));
        let width = block.width;
        let sums = &mut block.sums;
        for group in block.terms.chunk_by(|x, y| x.0 == y.0) {
            let postings = self.postings.row(group[0].0 as usize);
            if let [(_, j, q)] = group {
                let (j, q) = (*j as usize, *q);
                for &(u, w) in postings {
                    sums[u as usize * width + j] += q * w;
                }
            } else if group.len() * 4 >= width {
                // Most of the block has the term: one dense multiply-add
                // per posting (vectorised). Proposals without the term add
                // 0·w = 0, which leaves their sums as they are.
                let mut dense = [0f32; MAX_BLOCK];
                for &(_, j, q) in group {
                    dense[j as usize] = q;
                }
                let dense = &dense[..width];
                for &(u, w) in postings {
                    let row = &mut sums[u as usize * width..][..width];
                    for (r, &q) in row.iter_mut().zip(dense) {
                        *r += q * w;
                    }
                }
            } else {
                for &(u, w) in postings {
                    let row = &mut sums[u as usize * width..][..width];
                    for &(_, j, q) in group {
                        row[j as usize] += q * w;
                    }
                }
            }
        }
    }

    /// Same as [`Scorer::score`] on one thread (for tests: parallel must
    /// equal sequential).
    #[cfg(test)]
    pub(crate) fn score_sequential(
        &self,
        ds: &Dataset,
        keep: Keep,
        exclude: &(dyn Fn(ProposalIx, AdviserIx) -> bool + Sync),
    ) -> ScoreMatrix {
        let mut acc = Accum::new(self.unit_vecs.rows(), self.n_advisers, self.cfg.strategy);
        let n_props = ds.proposals.len().min(self.queries.len());
        ScoreMatrix {
            per_proposal: (0..n_props)
                .map(|p| self.score_one(p, keep, exclude, &mut acc))
                .collect(),
        }
    }

    fn score_one(
        &self,
        p: ProposalIx,
        keep: Keep,
        exclude: &(dyn Fn(ProposalIx, AdviserIx) -> bool + Sync),
        acc: &mut Accum,
    ) -> Vec<PairScore> {
        // Text: walk the postings of the proposal's terms.
        for &(t, qw) in &self.queries[p] {
            for &(u, w) in self.postings.row(t as usize) {
                let ui = u as usize;
                if !acc.unit_seen[ui] {
                    acc.unit_seen[ui] = true;
                    acc.touched_units.push(u);
                }
                acc.unit[ui] += qw * w;
            }
        }
        self.finish_one(p, keep, exclude, acc)
    }

    /// Everything of one proposal after the text walk has filled
    /// `acc.unit` and `acc.touched_units`: candidates, their scores, the
    /// cut and the reasons; leaves `acc` reset.
    fn finish_one(
        &self,
        p: ProposalIx,
        keep: Keep,
        exclude: &(dyn Fn(ProposalIx, AdviserIx) -> bool + Sync),
        acc: &mut Accum,
    ) -> Vec<PairScore> {
        for i in 0..acc.touched_units.len() {
            let u = acc.touched_units[i];
            let e = acc.unit[u as usize] * self.unit_recency[u as usize];
            for &a in self.unit_advisers.row(u as usize) {
                if self.cfg.strategy == ProfileStrategy::TopPapers {
                    insert_top3(&mut acc.top3[a as usize], e, u);
                }
                acc.mark(a);
            }
        }
        for &ph in &self.prop_phrases[p] {
            for &a in self.phrase_advisers.row(ph as usize) {
                acc.kw[a as usize] += 1;
                acc.mark(a);
            }
        }
        for &a in &self.area_advisers[self.proposal_area[p]] {
            acc.in_area[a as usize] = true;
            acc.mark(a);
        }
        if let Some(ext) = &self.external {
            for &(a, ws, w) in ext.row(p) {
                acc.ext[a] = ws as f32;
                acc.ext_w[a] = w as f32;
                acc.mark(a as u32);
            }
        }

        // Candidates with a positive score; the rest score 0 and are only
        // needed to fill a list (in ID order, which is the tie-break). Kept
        // as (score, adviser) until the cut, so the ten thousand candidates
        // of a proposal are ranked without building a pair each.
        let mut keys: Vec<(f64, u32)> = std::mem::take(&mut acc.keys);
        keys.clear();
        for i in 0..acc.cands.len() {
            let a = acc.cands[i];
            if exclude(p, a as usize) {
                continue;
            }
            let s = self.components(p, a as usize, acc).score;
            if s > 0.0 {
                keys.push((s, a));
            }
        }
        let cmp = |x: &(f64, u32), y: &(f64, u32)| {
            y.0.total_cmp(&x.0)
                .then(self.id_rank[x.1 as usize].cmp(&self.id_rank[y.1 as usize]))
        };
        let (n, thr) = match keep {
            Keep::Top(n) => (n, f64::INFINITY),
            Keep::All => (self.n_advisers, f64::INFINITY),
            Keep::TopOrAbove(_, t) if t <= 0.0 => (self.n_advisers, t),
            Keep::TopOrAbove(n, t) => (n, t),
        };
        if keys.len() > n && thr == f64::INFINITY {
            keys.select_nth_unstable_by(n, cmp);
            keys.truncate(n);
        }
        keys.sort_by(cmp);
        if keys.len() > n {
            let extra = keys[n..].iter().take_while(|s| s.0 >= thr).count();
            keys.truncate(n + extra);
        }
        let mut pos: Vec<PairScore> = std::mem::take(&mut acc.pos);
        pos.clear();
        pos.extend(keys.iter().map(|&(_, a)| self.pair(p, a as usize, acc)));
        acc.keys = keys;
        if pos.len() < n {
            // Fill with zero-score advisers in researcher-ID order (the
            // tie-break among equal scores).
            let mut listed = vec![false; self.n_advisers];
            for s in &pos {
                listed[s.adviser] = true;
            }
            for &a in &self.by_id {
                if pos.len() >= n {
                    break;
                }
                if listed[a as usize] || exclude(p, a as usize) {
                    continue;
                }
                pos.push(self.pair(p, a as usize, acc));
            }
        }
        // An exact-size result; the buffer goes back to the accumulator.
        let mut out: Vec<PairScore> = Vec::with_capacity(pos.len());
        out.append(&mut pos);
        // Reasons only for the top n: pairs kept because they clear the
        // threshold serve coverage counts, and computing their reasons cost
        // most of the time and memory at 10,000 × 10,000.
        for s in out.iter_mut().take(n) {
            s.top_terms = self.reasons(p, s.adviser, acc);
        }
        acc.pos = pos;
        acc.reset();
        out
    }

    /// One pair's score and components, without its reasons.
    fn pair(&self, p: ProposalIx, a: AdviserIx, acc: &Accum) -> PairScore {
        let c = self.components(p, a, acc);
        PairScore {
            adviser: a,
            score: c.score,
            text: c.text,
            keywords: c.keywords,
            area: c.area,
            top_terms: Vec::new(),
        }
    }

    /// The components of one pair, read from the filled accumulator.
    #[inline(always)]
    fn components(&self, p: ProposalIx, a: AdviserIx, acc: &Accum) -> Components {
        let lexical = match self.cfg.strategy {
            ProfileStrategy::Profile => acc.unit[a],
            ProfileStrategy::TopPapers => {
                let t = &acc.top3[a];
                (t[0].0 + t[1].0 / 2.0 + t[2].0 / 3.0) / TOP3_NORM
            }
        };
        let lexical = f64::from(lexical).clamp(0.0, 1.0);
        let text = match &self.external {
            Some(_) => ExternalScores::blend_text(
                lexical,
                self.cfg.lexical_weight,
                f64::from(acc.ext[a]),
                f64::from(acc.ext_w[a]),
            ),
            None => lexical,
        };
        let n_ph = self.prop_phrase_n[p];
        let keywords = if n_ph == 0 {
            0.0
        } else {
            f64::from(acc.kw[a]) / f64::from(n_ph)
        };
        let area = if acc.in_area[a] { 1.0 } else { 0.0 };
        let score = (self.cfg.weight_text * text
            + self.cfg.weight_keywords * keywords
            + self.cfg.weight_area * area)
            .clamp(0.0, 1.0);
        Components {
            score,
            text,
            keywords,
            area,
        }
    }

    /// Per shared term, its contribution to the lexical text score of (p, a).
    fn contributions(&self, p: ProposalIx, a: AdviserIx, acc: &Accum) -> SparseVec {
        let q = &self.queries[p];
        let dot = |u: usize, factor: f32, out: &mut Vec<(TermId, f32)>| {
            let v = self.unit_vecs.row(u);
            // Both sorted by term: each lookup gallops on from the last
            // match, so the walk reads the unit vector front to back once.
            let mut lo = 0;
            for &(t, qw) in q {
                let mut step = 1;
                while lo + step < v.len() && v[lo + step].0 < t {
                    step *= 2;
                }
                let hi = (lo + step + 1).min(v.len());
                lo += v[lo..hi].partition_point(|x| x.0 < t);
                if lo == v.len() {
                    break;
                }
                if v[lo].0 == t {
                    out.push((t, factor * qw * v[lo].1));
                }
            }
        };
        let mut out = Vec::new();
        match self.cfg.strategy {
            ProfileStrategy::Profile => dot(a, 1.0, &mut out),
            ProfileStrategy::TopPapers => {
                for (i, &(e, u)) in acc.top3[a].iter().enumerate() {
                    if u != u32::MAX && e > 0.0 {
                        let f = self.unit_recency[u as usize] / (i as f32 + 1.0) / TOP3_NORM;
                        dot(u as usize, f, &mut out);
                    }
                }
            }
        }
        merge_sparse(out)
    }

    /// The readable terms that added most to the text score of (p, a), as
    /// whole phrases: terms next to each other in the proposal's text join
    /// into one reason (`ion channels`, `non-small cell lung cancer`), word
    /// fragments (`pd` of `pd-l1`) never stand alone, and a reason whose
    /// words an earlier reason already holds is left out.
    fn reasons(&self, p: ProposalIx, a: AdviserIx, acc: &Accum) -> Vec<String> {
        let k = self.cfg.top_terms;
        if k == 0 {
            return Vec::new();
        }
        let mut cand: Vec<(TermId, f32)> = self
            .contributions(p, a, acc)
            .into_iter()
            .filter(|&(t, x)| x > 0.0 && self.reason_ok[t as usize])
            .collect();
        cand.sort_by(|x, y| {
            y.1.total_cmp(&x.1)
                .then_with(|| self.surfaces[x.0 as usize].cmp(&self.surfaces[y.0 as usize]))
        });
        cand.truncate(3 * k);
        let bigrams = self.prop_bigrams.get(p).map_or(&[][..], Vec::as_slice);
        let surface = |t: TermId| self.surfaces[t as usize].as_str();
        // joins[i·n + j]: candidate j follows candidate i in the text, and
        // neither is a part of the other (`small` beside `non-small`). One
        // lookup of each candidate's followers instead of one per pair.
        let n = cand.len();
        let mut joins = vec![false; n * n];
        for (i, &(x, _)) in cand.iter().enumerate() {
            let from = bigrams.partition_point(|b| b.0 < x);
            for &(_, y) in bigrams[from..].iter().take_while(|b| b.0 == x) {
                if let Some(j) = cand.iter().position(|c| c.0 == y) {
                    joins[i * n + j] = !surface(x).split('-').any(|w| w == surface(y))
                        && !surface(y).split('-').any(|w| w == surface(x));
                }
            }
        }
        const MAX_PHRASE: usize = 5;
        let mut used = vec![false; n];
        let mut out: Vec<String> = Vec::new();
        let mut covered: Vec<String> = Vec::new();
        for i in 0..n {
            if out.len() >= k {
                break;
            }
            if used[i] {
                continue;
            }
            used[i] = true;
            let mut chain = std::collections::VecDeque::from([i]);
            while chain.len() < MAX_PHRASE {
                let last = chain[chain.len() - 1];
                match (0..n).find(|&j| !used[j] && joins[last * n + j]) {
                    Some(j) => {
                        used[j] = true;
                        chain.push_back(j);
                    }
                    None => break,
                }
            }
            while chain.len() < MAX_PHRASE {
                let first = chain[0];
                match (0..n).find(|&j| !used[j] && joins[j * n + first]) {
                    Some(j) => {
                        used[j] = true;
                        chain.push_front(j);
                    }
                    None => break,
                }
            }
            let text = chain
                .iter()
                .map(|&j| surface(cand[j].0))
                .collect::<Vec<_>>()
                .join(" ");
            let words: Vec<&str> = text.split([' ', '-']).filter(|w| !w.is_empty()).collect();
            if words.iter().all(|w| covered.iter().any(|c| c == w)) {
                continue;
            }
            covered.extend(words.iter().map(|w| w.to_string()));
            out.push(text);
        }
        out
    }

    /// Sparse weights → (surface, weight), largest first, ties by surface,
    /// duplicates of a surface summed; at most `limit` entries.
    fn readable_weights(&self, v: SparseVec, limit: usize) -> Vec<(String, f64)> {
        let mut by_surface: std::collections::BTreeMap<&str, f64> = Default::default();
        for (t, x) in v {
            if x > 0.0 {
                *by_surface
                    .entry(self.surfaces[t as usize].as_str())
                    .or_default() += f64::from(x);
            }
        }
        let mut out: Vec<(String, f64)> = by_surface
            .into_iter()
            .map(|(s, x)| (s.to_string(), x))
            .collect();
        out.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        out.truncate(limit);
        out
    }

    /// The proposal's terms as readable words with their query weights
    /// (TF-IDF: unit-length weights; BM25: qtf share of the bound), largest
    /// first. For coverage-gap reports.
    pub fn proposal_terms(&self, p: ProposalIx) -> Vec<(String, f64)> {
        self.readable_weights(self.queries[p].clone(), usize::MAX)
    }

    /// The adviser's terms as readable words with their weights (the sum of
    /// the adviser's unit vectors, each times its recency weight), largest
    /// first.
    pub fn adviser_terms(&self, a: AdviserIx) -> Vec<(String, f64)> {
        let mut all = Vec::new();
        for &u in self.adviser_units.row(a) {
            let r = self.unit_recency[u as usize];
            all.extend(
                self.unit_vecs
                    .row(u as usize)
                    .iter()
                    .map(|&(t, x)| (t, x * r)),
            );
        }
        self.readable_weights(merge_sparse(all), usize::MAX)
    }
}

/// Pseudo-relevance feedback (Rocchio): `q + ½·c`, renormalised, where `c`
/// is the unit-length sum of the three best-matching units' vectors cut to
/// its `n_terms` strongest terms.
fn expand_query(
    q: SparseVec,
    units: &Csr<(TermId, f32)>,
    postings: &Csr<(u32, f32)>,
    n_terms: usize,
) -> SparseVec {
    let mut acc: FxMap<u32, f32> = FxMap::default();
    for &(t, qw) in &q {
        for &(u, w) in postings.row(t as usize) {
            *acc.entry(u).or_default() += qw * w;
        }
    }
    let mut best: Vec<(u32, f32)> = acc.into_iter().collect();
    best.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    best.truncate(3);
    if best.is_empty() {
        return q;
    }
    let mut c: Vec<(TermId, f32)> = merge_sparse(
        best.iter()
            .flat_map(|&(u, _)| units.row(u as usize).iter().copied())
            .collect(),
    );
    c.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    c.truncate(n_terms);
    let c = l2_normalised(merge_sparse(c));
    l2_normalised(merge_sparse(
        q.into_iter()
            .chain(c.into_iter().map(|(t, x)| (t, 0.5 * x)))
            .collect(),
    ))
}

/// Distinct term pairs that are neighbours in a text (`v` in text order; a
/// break before position `j` in `breaks` separates `j − 1` and `j`),
/// sorted and unique.
fn bigrams(v: &[(TermId, f32)], breaks: &[usize]) -> Vec<(TermId, TermId)> {
    let mut out: Vec<(TermId, TermId)> = (1..v.len())
        .filter(|&j| breaks.binary_search(&j).is_err() && v[j - 1].0 != v[j].0)
        .map(|j| (v[j - 1].0, v[j].0))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a readable word may stand as a reason: a phrase, a hyphenated
/// term, a CJK word, or a Latin word of at least three characters (`pd`,
/// `l1` are fragments of `pd-l1`).
fn readable(s: &str) -> bool {
    s.contains([' ', '-']) || !s.is_ascii() || s.chars().count() >= 3
}

fn l2_normalised(v: SparseVec) -> SparseVec {
    let n: f32 = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if n > 0.0 {
        v.into_iter().map(|(t, x)| (t, x / n)).collect()
    } else {
        Vec::new()
    }
}

/// Inverted index from unit vectors (counting sort by term; postings of a
/// term come out in ascending unit order).
fn transpose(units: &Csr<(TermId, f32)>, n_terms: usize) -> Csr<(u32, f32)> {
    let mut count = vec![0usize; n_terms + 1];
    for &(t, _) in &units.data {
        count[t as usize + 1] += 1;
    }
    for i in 0..n_terms {
        count[i + 1] += count[i];
    }
    let start = count.clone();
    let mut fill = count;
    let mut data = vec![(0u32, 0f32); units.data.len()];
    for u in 0..units.rows() {
        for &(t, x) in units.row(u) {
            data[fill[t as usize]] = (u as u32, x);
            fill[t as usize] += 1;
        }
    }
    Csr { start, data }
}
