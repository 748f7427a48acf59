//! Streams synthetic publications with community-structured authorship.
//!
//! Takes a built [`World`]; yields one [`PubRecord`] at a time into a
//! caller-owned buffer (no I/O, no per-row allocation once the buffers have
//! grown), so half a million papers never sit in memory at once.
//!
//! Authorship model (gives the collaboration graph communities, cross-
//! institution edges, brokers and a realistic degree distribution): the
//! lead author is drawn by productivity × (1 + contacts / 4); each
//! co-author comes from the lead's *fixed* circle of outside contacts with
//! probability `k / (k + 150)` for a lead with `k` contacts (at least 0.5
//! for brokers, 4 % of researchers), else from the lead's lab (same
//! institution and primary area, labs of `LAB_SIZE`; a lab of one falls
//! back to the wider group, then the institution).
//!
//! Why a fixed circle: real co-authorship repeats partners. Drawing each
//! outside co-author afresh made every paper a new tie (mean degree 56 on
//! the sample, 70 at 100k), where MEDLINE co-authorship has a mean of about
//! 18 collaborators, physics 10 and computer science 4 (Newman, "The
//! structure of scientific collaboration networks", PNAS 98, 2001). Each
//! researcher gets `⌊1.2 · U^(−1/1.6)⌋` contacts (a Pareto tail with
//! exponent 1.6, capped at 150; three times as many for brokers), drawn
//! once: the same institution, other labs (same area 0.25, any area 0.15),
//! the same primary topic anywhere (0.35), or the same area in a random
//! sector (0.25). So most ties stay within labs, institutions and topics,
//! a minority cross institutions and sectors (figures in data/README.md),
//! and the degree distribution has a heavy tail from the contact counts and
//! productive leads.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::text;
use super::world::{phase_rng, Cdf, World};
use super::GenerateOptions;

/// Share of publications with a Japanese title.
const JAPANESE_SHARE: f64 = 0.05;

/// One publication; `authors` are researcher indexes, distinct, lead first.
#[derive(Default)]
pub struct PubRecord {
    pub year: i32,
    pub title: String,
    pub abstract_: String,
    pub keywords: String,
    pub authors: Vec<usize>,
}

pub struct PubGen<'w> {
    world: &'w World,
    rng: ChaCha8Rng,
    lead: Cdf,
    years: Cdf,
    start_year: i32,
    authors_n: Cdf,
    next: usize,
    total: usize,
    /// Researchers that lead one paper each before sampling starts (the
    /// advisers), so every adviser has a publication record.
    forced: Vec<usize>,
    terms: Vec<&'static str>,
    mix: Vec<(usize, f64)>,
    /// Each researcher's fixed outside contacts (see the module doc).
    contacts: Vec<Vec<u32>>,
}

/// Pareto scale and exponent of the contact count, and its cap.
const CONTACT_SCALE: f64 = 1.2;
const CONTACT_EXPONENT: f64 = 1.6;
const MAX_CONTACTS: usize = 150;
/// A lead with `k` contacts draws a co-author from them with probability
/// `k / (k + CONTACT_HALF)` (else from the lab): most researchers publish
/// with their lab, the well-connected few mostly with their contacts.
const CONTACT_HALF: f64 = 150.0;
/// Brokers draw from their contacts at least half of the time.
const BROKER_LAB_SHARE: f64 = 0.5;
/// Lead-author weight = productivity × (1 + k / LEAD_PER_CONTACTS): the
/// well-connected also publish more (the heavy tail of the degrees).
const LEAD_PER_CONTACTS: f64 = 4.0;

/// Draws every researcher's contacts with `phase_rng(seed, 8)` (a phase of
/// its own, so the rest of the world is unchanged by it).
fn build_contacts(w: &World, seed: u64) -> Vec<Vec<u32>> {
    let mut rng = phase_rng(seed, 8);
    (0..w.researchers.len())
        .map(|r| {
            let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
            let mut k = ((CONTACT_SCALE * u.powf(-1.0 / CONTACT_EXPONENT)).floor() as usize)
                .min(MAX_CONTACTS);
            if w.researchers[r].broker {
                k *= 3;
            }
            let lab = w.lab_of(r);
            let mut out: Vec<u32> = Vec::with_capacity(k);
            let mut tries = 0;
            while out.len() < k && tries < 4 * k + 8 {
                tries += 1;
                if let Some(c) = outside_contact(w, &mut rng, r) {
                    // Invariant: researcher indexes fit u32 (the world is built with u32 buckets).
                    let c32 = c as u32;
                    if c != r && !lab.contains(&c32) && !out.contains(&c32) {
                        out.push(c32);
                    }
                }
            }
            out
        })
        .collect()
}

/// One candidate outside contact of `r` (see the module doc for the shares).
fn outside_contact(w: &World, rng: &mut ChaCha8Rng, r: usize) -> Option<usize> {
    let p = &w.researchers[r];
    let u: f64 = rng.random();
    if u < 0.25 {
        from(rng, w.groups.get(w.group_key(r)))
    } else if u < 0.40 {
        from(rng, w.by_inst.get(p.inst))
    } else if u < 0.75 {
        from(rng, w.by_topic.get(p.primary_topic))
    } else {
        let area = p.areas[rng.random_range(0..p.areas.len())];
        let s = rng.random_range(0..5);
        from(rng, w.by_area_sector.get(area * 5 + s))
    }
}

impl<'w> PubGen<'w> {
    /// Publications = round(researchers × publications_per_researcher).
    pub fn new(world: &'w World, opts: &GenerateOptions) -> PubGen<'w> {
        let contacts = build_contacts(world, opts.seed);
        let total =
            (world.researchers.len() as f64 * opts.publications_per_researcher).round() as usize;
        let n_years = (opts.call_year - opts.start_year).max(1) as usize;
        // Output grows over time: later years weigh up to ~1.8× the first.
        let years = Cdf::new((0..n_years).map(|k| 1.0 + 0.08 * k as f64));
        let mut forced: Vec<usize> = world.advisers.iter().map(|a| a.researcher).collect();
        forced.truncate(total);
        PubGen {
            world,
            rng: phase_rng(opts.seed, 7),
            lead: Cdf::new(
                world
                    .researchers
                    .iter()
                    .zip(&contacts)
                    .map(|(p, c)| p.productivity * (1.0 + c.len() as f64 / LEAD_PER_CONTACTS)),
            ),
            years,
            start_year: opts.start_year,
            // 1..=8 authors; mode at 4.
            authors_n: Cdf::new([6.0, 12.0, 18.0, 20.0, 16.0, 12.0, 9.0, 7.0]),
            next: 0,
            total,
            forced,
            terms: Vec::with_capacity(8),
            mix: Vec::with_capacity(8),
            contacts,
        }
    }

    /// Fills `rec` with the next publication; false when all are out.
    pub fn next_into(&mut self, rec: &mut PubRecord) -> bool {
        if self.next == self.total {
            return false;
        }
        let w = self.world;
        let rng = &mut self.rng;
        let lead = if self.next < self.forced.len() {
            self.forced[self.next]
        } else {
            self.lead.sample(rng)
        };
        self.next += 1;
        rec.year = self.start_year + self.years.sample(rng) as i32;
        rec.title.clear();
        rec.abstract_.clear();
        rec.keywords.clear();
        rec.authors.clear();
        rec.authors.push(lead);
        let want = 1 + self.authors_n.sample(rng);
        let broker = w.researchers[lead].broker;
        let mut tries = 0;
        while rec.authors.len() < want && tries < want * 4 {
            tries += 1;
            if let Some(c) = co_author(w, &self.contacts, rng, lead, broker) {
                if !rec.authors.contains(&c) {
                    rec.authors.push(c);
                }
            }
        }
        // Text follows one of the lead's topics (70 %) or their whole mix.
        let p = &w.researchers[lead];
        let mut mix = std::mem::take(&mut self.mix);
        mix.clear();
        if rng.random_bool(0.7) {
            mix.push((p.topics[rng.random_range(0..p.topics.len())].0, 1.0));
        } else {
            mix.extend_from_slice(&p.topics);
        }
        self.fill_text(rec, &mix);
        self.mix = mix;
        true
    }

    fn fill_text(&mut self, rec: &mut PubRecord, mix: &[(usize, f64)]) {
        let w = self.world;
        let rng = &mut self.rng;
        if rng.random_bool(JAPANESE_SHARE) {
            let area = w.topics[mix[0].0].area;
            let ja = &w.areas[area].japanese;
            text::pub_title_ja(rng, ja, &mut rec.title);
            if rng.random_bool(0.8) {
                text::pub_abstract_ja(rng, ja, &mut rec.abstract_);
            }
        } else {
            text::pub_title(rng, &w.topics, mix, &mut rec.title);
            if rng.random_bool(0.85) {
                text::pub_abstract(rng, &w.topics, mix, &mut rec.abstract_);
            }
        }
        if rng.random_bool(0.6) {
            let k = rng.random_range(3..=5usize);
            text::distinct_terms(rng, &w.topics, mix, k, &mut self.terms);
            text::join_into(&self.terms, &mut rec.keywords);
        }
    }
}

fn from(rng: &mut ChaCha8Rng, xs: &[u32]) -> Option<usize> {
    if xs.is_empty() {
        None
    } else {
        Some(xs[rng.random_range(0..xs.len())] as usize)
    }
}

/// One candidate co-author of `lead` (may repeat an existing author; the
/// caller de-duplicates): the lab, or the lead's fixed contacts.
fn co_author(
    w: &World,
    contacts: &[Vec<u32>],
    rng: &mut ChaCha8Rng,
    lead: usize,
    broker: bool,
) -> Option<usize> {
    let p = &w.researchers[lead];
    let mine = &contacts[lead];
    let k = mine.len() as f64;
    let lab_share = 1.0 - k / (k + CONTACT_HALF);
    let lab_share = if broker {
        lab_share.min(BROKER_LAB_SHARE)
    } else {
        lab_share
    };
    if !mine.is_empty() && !rng.random_bool(lab_share) {
        return from(rng, mine);
    }
    // Small labs fall back to the wider group, then the institution.
    let lab = w.lab_of(lead);
    if lab.len() > 1 {
        return from(rng, lab);
    }
    let group = w.groups.get(w.group_key(lead));
    if group.len() > 1 {
        return from(rng, group);
    }
    from(rng, w.by_inst.get(p.inst))
}
