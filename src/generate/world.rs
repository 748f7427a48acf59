//! The synthetic world: institutions, areas and topics, researchers with
//! their true topic mixes, advisers, proposals and declared conflicts.
//!
//! Takes [`GenerateOptions`] and a seed; hands a [`World`] (plain vectors of
//! dense indexes, no I/O) to `publications` (which streams papers) and to the
//! writers in `mod.rs`. Every random choice goes through a `ChaCha8Rng` with a
//! fixed stream per phase, so the same options give the same world.
//!
//! Ground truth: every researcher and proposal carries a topic mix
//! (`Vec<(topic, weight)>`, weights in micro-units that sum to exactly
//! 1.000000). True expertise of a researcher for a proposal is the cosine of
//! the two mixes (see [`super::true_expertise`]).

use std::collections::HashSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::text;
use super::vocab::{self, Theme, THEMES};
use super::GenerateOptions;
use crate::model::{Role, Sector};

/// Researchers per institution on average (institution count =
/// researchers / this, clamped to 5..=5000 so every sector can appear).
const RESEARCHERS_PER_INSTITUTION: usize = 20;
/// Lab size used for community structure of co-authorship: researchers of
/// one institution and primary area are cut into labs of this size.
pub const LAB_SIZE: usize = 10;
/// Default adviser load assumed by the loader (`max_load` blank); used only
/// to spread proposals over areas in proportion to adviser capacity.
const ASSUMED_DEFAULT_LOAD: f64 = 6.0;

/// Cumulative weights for O(log n) weighted sampling.
pub struct Cdf {
    cum: Vec<f64>,
}

impl Cdf {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Cdf {
        let mut acc = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                acc += w.max(0.0);
                acc
            })
            .collect();
        Cdf { cum }
    }

    /// A random index with probability proportional to its weight. Callers
    /// only build `Cdf`s over non-empty lists with a positive total.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len().saturating_sub(1))
    }
}

/// Items grouped by an integer key (counting sort), each group in
/// increasing item order.
pub struct Buckets {
    order: Vec<u32>,
    start: Vec<u32>,
}

impl Buckets {
    pub fn build(n_keys: usize, pairs: &[(usize, usize)]) -> Buckets {
        let mut start = vec![0u32; n_keys + 1];
        for &(k, _) in pairs {
            start[k + 1] += 1;
        }
        for k in 0..n_keys {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut order = vec![0u32; pairs.len()];
        for &(k, item) in pairs {
            order[fill[k] as usize] = item as u32;
            fill[k] += 1;
        }
        Buckets { order, start }
    }

    pub fn get(&self, key: usize) -> &[u32] {
        &self.order[self.start[key] as usize..self.start[key + 1] as usize]
    }
}

/// Career stage written into `researchers.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    Professor,
    Associate,
    Assistant,
    Postdoc,
    ResearchScientist,
    Physician,
}

impl Position {
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Professor => "professor",
            Position::Associate => "associate-professor",
            Position::Assistant => "assistant-professor",
            Position::Postdoc => "postdoc",
            Position::ResearchScientist => "research-scientist",
            Position::Physician => "physician",
        }
    }

    /// Relative chance of being picked as an adviser (senior people first).
    fn adviser_weight(self) -> f64 {
        match self {
            Position::Professor => 6.0,
            Position::Associate => 3.0,
            Position::ResearchScientist | Position::Physician => 1.5,
            Position::Assistant => 0.8,
            Position::Postdoc => 0.1,
        }
    }

    /// Relative productivity (lead-authored papers).
    fn productivity(self) -> f64 {
        match self {
            Position::Professor => 3.0,
            Position::Associate => 2.5,
            Position::Assistant => 2.0,
            Position::ResearchScientist => 1.5,
            Position::Physician | Position::Postdoc => 1.2,
        }
    }

    /// Chance of accepting this person as a PI when proposed (PRIME is the
    /// solo, early-career type, so postdocs apply there more often).
    fn pi_acceptance(self, prime: bool) -> f64 {
        match (self, prime) {
            (Position::Professor, false) => 1.0,
            (Position::Associate, _) => 0.9,
            (Position::Professor, true) => 0.3,
            (Position::Assistant, _) => 0.7,
            (Position::ResearchScientist, _) | (Position::Physician, _) => 0.5,
            (Position::Postdoc, true) => 0.7,
            (Position::Postdoc, false) => 0.15,
        }
    }
}

pub struct Institution {
    pub name: String,
    pub sector: Sector,
    pub country: &'static str,
    pub region: Option<&'static str>,
}

pub struct Topic {
    pub area: usize,
    pub subjects: Vec<&'static str>,
    pub methods: Vec<&'static str>,
}

pub struct AreaSpec {
    pub name: String,
    pub program: &'static str,
    pub description: String,
    pub keywords: Vec<&'static str>,
    /// Indexes into [`World::topics`].
    pub topics: Vec<usize>,
    pub japanese: Vec<&'static str>,
}

pub struct Person {
    pub name: String,
    pub inst: usize,
    pub position: Position,
    /// True topic mix: (topic index, weight), sorted by topic, weights sum to 1.
    pub topics: Vec<(usize, f64)>,
    /// Areas of interest, primary first, distinct.
    pub areas: Vec<usize>,
    pub primary_topic: usize,
    pub keywords: Vec<&'static str>,
    pub orcid: Option<String>,
    /// Brokers co-author across institutions and sectors far more often.
    pub broker: bool,
    pub productivity: f64,
}

pub struct AdviserSpec {
    pub researcher: usize,
    pub areas: Vec<usize>,
    pub max_load: Option<u32>,
}

pub struct ProposalSpec {
    pub area: usize,
    pub pi: usize,
    /// PI first with [`Role::Pi`], then the team; distinct researchers.
    pub members: Vec<(usize, Role)>,
    pub topics: Vec<(usize, f64)>,
    pub title: String,
    pub abstract_: String,
    pub keywords: String,
    pub budget: Option<u64>,
}

pub enum ConflictTarget {
    Proposal(usize),
    Researcher(usize),
}

pub struct ConflictSpec {
    pub researcher: usize,
    pub target: ConflictTarget,
    pub reason: &'static str,
}

/// Everything but the publications (which are streamed).
pub struct World {
    pub institutions: Vec<Institution>,
    pub areas: Vec<AreaSpec>,
    pub topics: Vec<Topic>,
    pub researchers: Vec<Person>,
    pub advisers: Vec<AdviserSpec>,
    pub proposals: Vec<ProposalSpec>,
    pub conflicts: Vec<ConflictSpec>,
    /// Researchers by (institution × areas + primary area), for labs.
    pub groups: Buckets,
    /// Position of each researcher inside its group (lab = pos / LAB_SIZE).
    pub pos_in_group: Vec<u32>,
    /// Researchers by institution.
    pub by_inst: Buckets,
    /// Researchers by primary topic.
    pub by_topic: Buckets,
    /// Researchers by (area × 5 + sector of their institution), any of their areas.
    pub by_area_sector: Buckets,
    /// Researchers by area of interest (any of their areas).
    pub by_area: Buckets,
}

impl World {
    pub fn group_key(&self, r: usize) -> usize {
        let p = &self.researchers[r];
        p.inst * self.areas.len() + p.areas[0]
    }

    /// The lab of researcher `r`: up to `LAB_SIZE` colleagues of the same
    /// institution and primary area (including `r`).
    pub fn lab_of(&self, r: usize) -> &[u32] {
        let g = self.groups.get(self.group_key(r));
        let lab = self.pos_in_group[r] as usize / LAB_SIZE;
        let lo = lab * LAB_SIZE;
        &g[lo..(lo + LAB_SIZE).min(g.len())]
    }
}

fn sector_ix(s: Sector) -> usize {
    Sector::ALL.iter().position(|&x| x == s).unwrap_or(0)
}

/// A fresh RNG for one phase of generation: the same seed with a phase
/// stream, so phases do not shift each other's random sequences.
pub fn phase_rng(seed: u64, phase: u64) -> ChaCha8Rng {
    use rand::SeedableRng;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(phase);
    rng
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// Normalises weights and rounds them to micro-units so that the six
/// decimals written to the truth files sum to exactly 1.000000 (the largest
/// weight absorbs the rounding remainder). Sorts by topic index.
pub fn normalise_weights(w: &mut Vec<(usize, f64)>) {
    w.sort_by_key(|x| x.0);
    // Merge duplicate topics.
    let mut merged: Vec<(usize, f64)> = Vec::with_capacity(w.len());
    for &(t, x) in w.iter() {
        match merged.last_mut() {
            Some(last) if last.0 == t => last.1 += x,
            _ => merged.push((t, x)),
        }
    }
    let total: f64 = merged.iter().map(|x| x.1).sum();
    let mut micro: Vec<i64> = merged
        .iter()
        .map(|x| ((x.1 / total) * 1e6).round() as i64)
        .collect();
    let diff = 1_000_000 - micro.iter().sum::<i64>();
    let mut big = 0;
    for (i, &m) in micro.iter().enumerate() {
        if m > micro[big] {
            big = i;
        }
    }
    micro[big] += diff;
    *w = merged
        .iter()
        .zip(&micro)
        .filter(|(_, &m)| m > 0)
        .map(|(x, &m)| (x.0, m as f64 / 1e6))
        .collect();
}

/// Builds the world. Options must have been validated by the caller.
pub fn build(opts: &GenerateOptions) -> World {
    let (areas, topics) = build_areas(opts);
    let institutions = build_institutions(opts);
    let researchers = build_researchers(opts, &institutions, &areas, &topics);
    let n_areas = areas.len();
    let n_inst = institutions.len();

    let group_pairs: Vec<(usize, usize)> = researchers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.inst * n_areas + p.areas[0], i))
        .collect();
    let groups = Buckets::build(n_inst * n_areas, &group_pairs);
    let mut pos_in_group = vec![0u32; researchers.len()];
    for k in 0..n_inst * n_areas {
        for (pos, &r) in groups.get(k).iter().enumerate() {
            pos_in_group[r as usize] = pos as u32;
        }
    }
    let inst_pairs: Vec<(usize, usize)> = researchers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.inst, i))
        .collect();
    let topic_pairs: Vec<(usize, usize)> = researchers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.primary_topic, i))
        .collect();
    let mut area_pairs = Vec::with_capacity(researchers.len() * 2);
    let mut area_sector_pairs = Vec::with_capacity(researchers.len() * 2);
    for (i, p) in researchers.iter().enumerate() {
        let s = sector_ix(institutions[p.inst].sector);
        for &a in &p.areas {
            area_pairs.push((a, i));
            area_sector_pairs.push((a * 5 + s, i));
        }
    }
    let mut world = World {
        groups,
        pos_in_group,
        by_inst: Buckets::build(n_inst, &inst_pairs),
        by_topic: Buckets::build(topics.len(), &topic_pairs),
        by_area_sector: Buckets::build(n_areas * 5, &area_sector_pairs),
        by_area: Buckets::build(n_areas, &area_pairs),
        institutions,
        areas,
        topics,
        researchers,
        advisers: Vec::new(),
        proposals: Vec::new(),
        conflicts: Vec::new(),
    };
    world.advisers = build_advisers(opts, &world);
    world.proposals = build_proposals(opts, &world);
    world.conflicts = build_conflicts(opts, &world);
    world
}

/// The themes an area blends: area `i < THEMES.len()` is theme `i`; later
/// areas pair two distinct themes, so names stay unique and their topics
/// overlap with both parent areas.
fn themes_of(i: usize) -> Vec<&'static Theme> {
    let t = THEMES.len();
    if i < t {
        return vec![&THEMES[i]];
    }
    // Blends walk theme pairs (a, a + d) for d = 1, 2, ..: neighbours first,
    // every pair distinct for d < t / 2, which covers far more than 60 areas.
    let k = i - t;
    let (d, a) = (1 + k / t, k % t);
    if d < t {
        return vec![&THEMES[a], &THEMES[(a + d) % t]];
    }
    vec![&THEMES[i % t]]
}

fn build_areas(opts: &GenerateOptions) -> (Vec<AreaSpec>, Vec<Topic>) {
    let mut rng = phase_rng(opts.seed, 1);
    let mut areas = Vec::with_capacity(opts.areas);
    let mut topics = Vec::new();
    for i in 0..opts.areas {
        let themes = themes_of(i);
        let name = if themes.len() == 1 {
            themes[0].name.to_string()
        } else {
            let second = themes[1].name;
            let mut lower = second.to_string();
            if second.chars().nth(1).is_some_and(|c| c.is_lowercase()) {
                lower = text::lower_first(second);
            }
            format!("{} and {}", themes[0].name, lower)
        };
        let mut pool: Vec<&'static str> = Vec::new();
        for t in &themes {
            for &s in t.subjects {
                if !pool.contains(&s) {
                    pool.push(s);
                }
            }
        }
        // Each area favours a dozen methods; different areas share some.
        let mut methods: Vec<&'static str> = Vec::new();
        while methods.len() < 12 {
            let m = *pick(&mut rng, vocab::METHODS);
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
        let n_topics = rng.random_range(3..=6usize);
        let mut topic_ix = Vec::with_capacity(n_topics);
        for _ in 0..n_topics {
            let n_terms = rng.random_range(8..=15usize);
            let n_subj = ((n_terms as f64) * 0.65).round() as usize;
            let subjects = sample_distinct(&mut rng, &pool, n_subj.min(pool.len()));
            let ms = sample_distinct(&mut rng, &methods, n_terms - n_subj);
            topic_ix.push(topics.len());
            topics.push(Topic {
                area: i,
                subjects,
                methods: ms,
            });
        }
        let mut keywords: Vec<&'static str> = Vec::new();
        for &t in &topic_ix {
            for &s in topics[t]
                .subjects
                .iter()
                .take(2)
                .chain(topics[t].methods.iter().take(1))
            {
                if !keywords.contains(&s) && keywords.len() < 8 {
                    keywords.push(s);
                }
            }
        }
        let program = match i % 6 {
            3 => "PRIME",
            5 if i % 12 == 11 => "LEAP",
            _ => "CREST",
        };
        let focus: Vec<&str> = themes.iter().map(|t| t.focus).collect();
        let description = format!(
            "This R&D area supports research on {}, from {} and {} to {}, with {} and {} as key approaches toward clinical application.",
            focus.join(" and "),
            keywords.first().copied().unwrap_or("basic biology"),
            keywords.get(1).copied().unwrap_or("disease models"),
            keywords.get(3).copied().unwrap_or("patients"),
            methods[0],
            methods[1],
        );
        let japanese = themes
            .iter()
            .flat_map(|t| t.japanese.iter().copied())
            .collect();
        areas.push(AreaSpec {
            name,
            program,
            description,
            keywords,
            topics: topic_ix,
            japanese,
        });
    }
    (areas, topics)
}

fn sample_distinct(rng: &mut ChaCha8Rng, pool: &[&'static str], k: usize) -> Vec<&'static str> {
    let mut idx: Vec<usize> = (0..pool.len()).collect();
    let k = k.min(pool.len());
    // Partial Fisher–Yates: the first k slots are a uniform sample.
    for i in 0..k {
        let j = rng.random_range(i..idx.len());
        idx.swap(i, j);
    }
    idx[..k].iter().map(|&i| pool[i]).collect()
}

fn build_institutions(opts: &GenerateOptions) -> Vec<Institution> {
    let mut rng = phase_rng(opts.seed, 2);
    let n = (opts.researchers / RESEARCHERS_PER_INSTITUTION).clamp(5, 5000);
    let sector_cdf = Cdf::new([0.55, 0.17, 0.08, 0.13, 0.07]); // order of Sector::ALL
    let jp_cdf = Cdf::new(vocab::JP_CITIES.iter().map(|c| c.2));
    let mut sectors: Vec<Sector> = (0..n)
        .map(|i| {
            if i < 3 {
                Sector::Academia
            } else {
                Sector::ALL[sector_cdf.sample(&mut rng)]
            }
        })
        .collect();
    // Every sector appears: a missing sector replaces the smallest
    // institution whose sector occurs more than once (one exists while a
    // sector is missing, since n >= 5 = number of sectors).
    for s in Sector::ALL {
        if !sectors.contains(&s) {
            if let Some(i) = (1..n)
                .rev()
                .find(|&i| sectors.iter().filter(|&&x| x == sectors[i]).count() > 1)
            {
                sectors[i] = s;
            }
        }
    }
    let mut used: HashSet<String> = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for (i, sector) in sectors.into_iter().enumerate() {
        // The three largest institutions are Japanese universities.
        let jp_share = match sector {
            _ if i < 3 => 1.0,
            Sector::Academia => 0.9,
            Sector::Industry => 0.75,
            _ => 0.93,
        };
        let (city, country, region) = if rng.random_bool(jp_share) {
            let c = &vocab::JP_CITIES[jp_cdf.sample(&mut rng)];
            (c.0, "JP", Some(vocab::REGIONS[c.1]))
        } else {
            let c = pick(&mut rng, vocab::FOREIGN_CITIES);
            (c.0, c.1, None)
        };
        let mut name = institution_name(&mut rng, sector, city, country == "JP");
        if used.contains(&name) {
            let mut found = false;
            for q in vocab::NAME_QUALIFIERS {
                let alt = format!(
                    "{city} {q} {}",
                    name.strip_prefix(city).unwrap_or(&name).trim_start()
                );
                if !used.contains(&alt) {
                    name = alt;
                    found = true;
                    break;
                }
            }
            let mut k = 2;
            while !found {
                let alt = format!("{name} Branch {k}");
                if !used.contains(&alt) {
                    name = alt;
                    found = true;
                }
                k += 1;
            }
        }
        used.insert(name.clone());
        out.push(Institution {
            name,
            sector,
            country,
            region,
        });
    }
    out
}

fn institution_name(rng: &mut ChaCha8Rng, sector: Sector, city: &str, jp: bool) -> String {
    match sector {
        Sector::Academia => match rng.random_range(0..6) {
            0 | 1 => format!("{city} University"),
            2 => format!("{city} Medical University"),
            3 if jp => format!("{city} University of Health Sciences"),
            3 => format!("{city} Institute of Technology"),
            4 => format!("{city} Pharmaceutical University"),
            _ => format!("University of {city}"),
        },
        Sector::Industry => {
            let brand = pick(rng, vocab::BRANDS);
            let suffix = pick(rng, vocab::COMPANY_SUFFIXES);
            format!("{brand} {suffix}")
        }
        Sector::Government => match rng.random_range(0..3) {
            0 => format!(
                "National Institute of {}",
                pick(rng, vocab::INSTITUTE_FIELDS)
            ),
            1 => format!("{city} Institute of Public Health"),
            _ => format!("{city} Institute of Medical Science"),
        },
        Sector::Hospital => match rng.random_range(0..6) {
            0 => format!("{city} General Hospital"),
            1 => format!("{city} Red Cross Hospital"),
            2 => format!("{city} Medical Center"),
            3 => format!("{city} Cancer Center"),
            4 => format!("{city} Children's Hospital"),
            _ => format!("{city} Rehabilitation Hospital"),
        },
        Sector::Nonprofit => match rng.random_range(0..3) {
            0 => format!("{city} Foundation for Biomedical Research"),
            1 => format!("{} Memorial Foundation", pick(rng, vocab::BRANDS)),
            _ => format!(
                "{city} Research Institute for {}",
                pick(rng, vocab::INSTITUTE_FIELDS)
            ),
        },
    }
}

/// ORCID check digit (ISO 7064 MOD 11-2) over the first 15 digits.
pub fn orcid_check(digits: &[u8; 15]) -> char {
    let mut total = 0u32;
    for &d in digits {
        total = (total + d as u32) * 2;
    }
    let r = (12 - total % 11) % 11;
    if r == 10 {
        'X'
    } else {
        char::from(b'0' + r as u8)
    }
}

fn make_orcid(i: usize) -> String {
    // Unique per researcher: an affine bijection of the index modulo 10^7.
    let x = (i as u64 * 7_919_977 + 1_234_567) % 10_000_000;
    let mut d = [0u8; 15];
    let s = format!("0000000{}{:07}", 2 + (i % 2), x);
    for (k, b) in s.bytes().enumerate().take(15) {
        d[k] = b - b'0';
    }
    let c = orcid_check(&d);
    format!(
        "{}-{}-{}-{}{}",
        &s[0..4],
        &s[4..8],
        &s[8..12],
        &s[12..15],
        c
    )
}

fn build_researchers(
    opts: &GenerateOptions,
    insts: &[Institution],
    areas: &[AreaSpec],
    topics: &[Topic],
) -> Vec<Person> {
    let mut rng = phase_rng(opts.seed, 3);
    let n_areas = areas.len();
    let sector_factor = |s: Sector| match s {
        Sector::Academia => 1.0,
        Sector::Hospital => 0.5,
        Sector::Government => 0.6,
        Sector::Industry => 0.35,
        Sector::Nonprofit => 0.3,
    };
    // Zipf-like institution sizes (exponent 0.85: the largest holds ~12 % of
    // researchers at 100 institutions, ~4 % at 5000), damped for small sectors.
    let inst_cdf = Cdf::new(
        insts
            .iter()
            .enumerate()
            .map(|(k, x)| sector_factor(x.sector) / ((k + 1) as f64).powf(0.85)),
    );
    // Areas differ in size: mild Zipf over a seeded shuffle.
    let mut area_w: Vec<f64> = (0..n_areas)
        .map(|a| 1.0 / ((a + 1) as f64).powf(0.4))
        .collect();
    for i in (1..n_areas).rev() {
        let j = rng.random_range(0..=i);
        area_w.swap(i, j);
    }
    let area_cdf = Cdf::new(area_w.iter().copied());
    // Institutions specialise: two focus areas each.
    let focus: Vec<[usize; 2]> = (0..insts.len())
        .map(|_| [area_cdf.sample(&mut rng), area_cdf.sample(&mut rng)])
        .collect();

    let mut out = Vec::with_capacity(opts.researchers);
    for i in 0..opts.researchers {
        let inst = inst_cdf.sample(&mut rng);
        let sector = insts[inst].sector;
        let u: f64 = rng.random();
        let position = match sector {
            Sector::Academia => match u {
                u if u < 0.15 => Position::Professor,
                u if u < 0.33 => Position::Associate,
                u if u < 0.57 => Position::Assistant,
                u if u < 0.80 => Position::Postdoc,
                u if u < 0.92 => Position::ResearchScientist,
                _ => Position::Physician,
            },
            Sector::Hospital => match u {
                u if u < 0.7 => Position::Physician,
                u if u < 0.85 => Position::ResearchScientist,
                _ => Position::Professor,
            },
            _ => match u {
                u if u < 0.75 => Position::ResearchScientist,
                u if u < 0.9 => Position::Postdoc,
                _ => Position::Professor,
            },
        };
        let foreign = insts[inst].country != "JP";
        let name = if foreign || rng.random_bool(0.04) {
            format!(
                "{} {}",
                pick(&mut rng, vocab::OTHER_GIVEN),
                pick(&mut rng, vocab::OTHER_FAMILY)
            )
        } else {
            format!(
                "{} {}",
                pick(&mut rng, vocab::JP_GIVEN),
                pick(&mut rng, vocab::JP_FAMILY)
            )
        };
        // Interests: one to three areas, primary from the institution's focus.
        let primary = if rng.random_bool(0.6) {
            focus[inst][rng.random_range(0..2)]
        } else {
            area_cdf.sample(&mut rng)
        };
        let n_int = match rng.random::<f64>() {
            u if u < 0.5 => 1,
            u if u < 0.85 => 2,
            _ => 3,
        }
        .min(n_areas);
        let mut my_areas = vec![primary];
        let mut tries = 0;
        while my_areas.len() < n_int && tries < 20 {
            let a = area_cdf.sample(&mut rng);
            if !my_areas.contains(&a) {
                my_areas.push(a);
            }
            tries += 1;
        }
        let mut mix: Vec<(usize, f64)> = Vec::with_capacity(6);
        for (k, &a) in my_areas.iter().enumerate() {
            let share = if k == 0 {
                1.0
            } else {
                rng.random_range(0.15..0.6)
            };
            let ts = &areas[a].topics;
            let first = ts[rng.random_range(0..ts.len())];
            if rng.random_bool(0.4) && ts.len() > 1 {
                let second = ts[rng.random_range(0..ts.len())];
                let split = rng.random_range(0.5..0.85);
                mix.push((first, share * split));
                mix.push((second, share * (1.0 - split)));
            } else {
                mix.push((first, share));
            }
        }
        normalise_weights(&mut mix);
        let primary_topic = mix
            .iter()
            .fold(mix[0], |b, &x| if x.1 > b.1 { x } else { b })
            .0;
        let mut keywords = Vec::new();
        if rng.random_bool(0.95) {
            let k = rng.random_range(3..=8usize);
            text::distinct_terms(&mut rng, topics, &mix, k, &mut keywords);
        }
        let orcid = if rng.random_bool(0.7) {
            Some(make_orcid(i))
        } else {
            None
        };
        let broker = rng.random_bool(0.04);
        let productivity = position.productivity() * (0.3 + 2.0 * rng.random::<f64>().powi(2));
        out.push(Person {
            name,
            inst,
            position,
            topics: mix,
            areas: my_areas,
            primary_topic,
            keywords,
            orcid,
            broker,
            productivity,
        });
    }
    out
}

fn build_advisers(opts: &GenerateOptions, w: &World) -> Vec<AdviserSpec> {
    let mut rng = phase_rng(opts.seed, 4);
    let n = w.researchers.len();
    // Weighted sampling without replacement (Efraimidis & Spirakis 2006):
    // key = ln(u) / w, take the largest keys.
    let mut ranked: Vec<(f64, usize)> = w
        .researchers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let u = 1.0 - rng.random::<f64>(); // (0, 1]
            (u.ln() / p.position.adviser_weight(), i)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen = vec![false; n];
    let mut count = 0;
    let mut covered = vec![false; w.areas.len()];
    // First one adviser per area (the best-ranked with that primary area).
    for &(_, r) in &ranked {
        if count == opts.advisers {
            break;
        }
        let a = w.researchers[r].areas[0];
        if !covered[a] {
            covered[a] = true;
            chosen[r] = true;
            count += 1;
        }
    }
    for &(_, r) in &ranked {
        if count == opts.advisers {
            break;
        }
        if !chosen[r] {
            chosen[r] = true;
            count += 1;
        }
    }
    let mut advisers: Vec<AdviserSpec> = (0..n)
        .filter(|&r| chosen[r])
        .map(|r| {
            let max_load = if rng.random_bool(0.2) {
                Some(rng.random_range(3..=8u32))
            } else {
                None
            };
            AdviserSpec {
                researcher: r,
                areas: w.researchers[r].areas.iter().copied().take(3).collect(),
                max_load,
            }
        })
        .collect();
    // Every area gets at least one adviser: give uncovered areas to the
    // advisers with the fewest areas (lowest index on ties).
    let mut served = vec![false; w.areas.len()];
    for a in &advisers {
        for &x in &a.areas {
            served[x] = true;
        }
    }
    for (area, s) in served.iter().enumerate() {
        if !s {
            if let Some(best) = (0..advisers.len()).min_by_key(|&i| (advisers[i].areas.len(), i)) {
                advisers[best].areas.push(area);
            }
        }
    }
    advisers
}

fn build_proposals(opts: &GenerateOptions, w: &World) -> Vec<ProposalSpec> {
    let mut rng = phase_rng(opts.seed, 5);
    if opts.proposals == 0 {
        return Vec::new();
    }
    let n_areas = w.areas.len();
    let mut is_adviser = vec![false; w.researchers.len()];
    // Proposals per area follow adviser capacity (areas are staffed for the
    // demand they expect), with ±15 % noise.
    let mut cap = vec![0.0f64; n_areas];
    for a in &w.advisers {
        is_adviser[a.researcher] = true;
        let load = a.max_load.map_or(ASSUMED_DEFAULT_LOAD, f64::from);
        for &x in &a.areas {
            cap[x] += load / a.areas.len() as f64;
        }
    }
    let area_cdf = Cdf::new(
        cap.iter()
            .map(|&c| (c + 1e-6) * rng.random_range(0.85..1.15)),
    );
    let mut pi_count = vec![0u32; w.researchers.len()];
    let mut out = Vec::with_capacity(opts.proposals);
    let mut scratch = Vec::new();
    for _ in 0..opts.proposals {
        let area = area_cdf.sample(&mut rng);
        let program = w.areas[area].program;
        let prime = program == "PRIME";
        let cands = w.by_area.get(area);
        let pi = if cands.is_empty() {
            rng.random_range(0..w.researchers.len())
        } else {
            let mut r = cands[rng.random_range(0..cands.len())] as usize;
            for _ in 0..40 {
                let p = &w.researchers[r];
                let mut acc = p.position.pi_acceptance(prime);
                if is_adviser[r] {
                    acc *= 0.3; // advisers seldom apply to the program they review
                }
                if pi_count[r] > 0 {
                    acc *= 0.05;
                }
                if rng.random_bool(acc.clamp(0.0, 1.0)) {
                    break;
                }
                r = cands[rng.random_range(0..cands.len())] as usize;
            }
            r
        };
        pi_count[pi] += 1;
        let mut members = vec![(pi, Role::Pi)];
        let extra = match program {
            "PRIME" => usize::from(rng.random_bool(0.25)),
            "LEAP" => rng.random_range(2..=4),
            _ => [0usize, 1, 1, 2, 2, 2, 3, 3, 4, 4][rng.random_range(0..10)],
        };
        let pi_inst = w.researchers[pi].inst;
        let industry_slot = program == "LEAP" || (!prime && rng.random_bool(0.3));
        for k in 0..extra {
            let cand = if k == 0 && industry_slot {
                pick_from(
                    &mut rng,
                    w.by_area_sector.get(area * 5 + sector_ix(Sector::Industry)),
                )
            } else {
                let u: f64 = rng.random();
                if u < 0.5 {
                    // Another institution, same area: multi-institution teams.
                    let mut c = pick_from(&mut rng, cands);
                    for _ in 0..10 {
                        match c {
                            Some(r) if w.researchers[r].inst == pi_inst => {
                                c = pick_from(&mut rng, cands)
                            }
                            _ => break,
                        }
                    }
                    c
                } else if u < 0.8 {
                    pick_from(&mut rng, w.lab_of(pi))
                } else {
                    let s = rng.random_range(0..5);
                    pick_from(&mut rng, w.by_area_sector.get(area * 5 + s))
                }
            };
            if let Some(c) = cand {
                if members.iter().all(|m| m.0 != c) {
                    let role = if !prime && rng.random_bool(0.6) {
                        Role::CoPi
                    } else {
                        Role::Collaborator
                    };
                    members.push((c, role));
                }
            }
        }
        // True topic mix: one to three topics of the area, sometimes a topic
        // from the PI's other interests (cross-area proposals).
        let ts = &w.areas[area].topics;
        let mut mix = Vec::with_capacity(4);
        for _ in 0..rng.random_range(1..=3usize) {
            mix.push((
                ts[rng.random_range(0..ts.len())],
                rng.random_range(0.3..1.0),
            ));
        }
        let pi_p = &w.researchers[pi];
        if pi_p.areas.len() > 1 && rng.random_bool(0.25) {
            let other = pi_p.areas[1 + rng.random_range(0..pi_p.areas.len() - 1)];
            let ots = &w.areas[other].topics;
            mix.push((
                ots[rng.random_range(0..ots.len())],
                rng.random_range(0.1..0.3),
            ));
        }
        normalise_weights(&mut mix);
        let mut title = String::with_capacity(120);
        let mut abstract_ = String::with_capacity(700);
        let mut keywords = String::with_capacity(120);
        text::proposal_title(&mut rng, &w.topics, &mix, &mut title);
        text::proposal_abstract(&mut rng, &w.topics, &mix, &mut abstract_);
        let k = rng.random_range(4..=7usize);
        text::distinct_terms(&mut rng, &w.topics, &mix, k, &mut scratch);
        text::join_into(&scratch, &mut keywords);
        let budget = if rng.random_bool(0.9) {
            let (lo, hi) = match program {
                "PRIME" => (30_000u64, 60_000u64),
                "LEAP" => (300_000, 1_500_000),
                _ => (100_000, 500_000),
            };
            Some(rng.random_range(lo..=hi) * 1000) // thousands of JPY -> JPY
        } else {
            None
        };
        out.push(ProposalSpec {
            area,
            pi,
            members,
            topics: mix,
            title,
            abstract_,
            keywords,
            budget,
        });
    }
    out
}

fn pick_from(rng: &mut ChaCha8Rng, xs: &[u32]) -> Option<usize> {
    if xs.is_empty() {
        None
    } else {
        Some(xs[rng.random_range(0..xs.len())] as usize)
    }
}

fn build_conflicts(opts: &GenerateOptions, w: &World) -> Vec<ConflictSpec> {
    let mut rng = phase_rng(opts.seed, 6);
    let n_r = w.researchers.len();
    let want = 3 + opts.proposals / 50;
    let mut seen: HashSet<(usize, bool, usize)> = HashSet::new();
    let mut out = Vec::with_capacity(want);
    for _ in 0..want * 10 {
        if out.len() == want {
            break;
        }
        let r = if !w.advisers.is_empty() && rng.random_bool(0.9) {
            w.advisers[rng.random_range(0..w.advisers.len())].researcher
        } else {
            rng.random_range(0..n_r)
        };
        if !w.proposals.is_empty() && rng.random_bool(0.5) {
            let p = rng.random_range(0..w.proposals.len());
            if w.proposals[p].members.iter().any(|m| m.0 == r) || !seen.insert((r, true, p)) {
                continue;
            }
            let reason = *pick(&mut rng, vocab::PROPOSAL_CONFLICT_REASONS);
            out.push(ConflictSpec {
                researcher: r,
                target: ConflictTarget::Proposal(p),
                reason,
            });
        } else {
            let other = if !w.proposals.is_empty() && rng.random_bool(0.5) {
                w.proposals[rng.random_range(0..w.proposals.len())].pi
            } else {
                rng.random_range(0..n_r)
            };
            if other == r || !seen.insert((r, false, other)) {
                continue;
            }
            let reason = *pick(&mut rng, vocab::PERSON_CONFLICT_REASONS);
            out.push(ConflictSpec {
                researcher: r,
                target: ConflictTarget::Researcher(other),
                reason,
            });
        }
    }
    out
}
