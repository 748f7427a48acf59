//! Turning documents into sparse term vectors over one shared vocabulary.
//!
//! Takes the texts of a [`Dataset`](crate::model::Dataset) (publications,
//! proposals, declared keywords) and hands on, per document, a sorted sparse
//! vector of raw term frequencies, plus document frequencies and a readable
//! surface word per term. Tokenising runs in parallel over chunks of
//! documents; interning into the vocabulary is sequential per chunk so term
//! IDs are assigned in document order (deterministic).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use crate::text::{
    for_each_token, for_each_word, phrase_term, phrases, Analyzer, Lexicon, BIGRAM_PREFIX,
    PHRASE_PREFIX,
};

/// Term ID: position in [`Vocab::terms`].
pub(crate) type TermId = u32;

/// A sparse vector: `(term, value)` sorted by term, terms unique.
pub(crate) type SparseVec = Vec<(TermId, f32)>;

/// FxHash (as in rustc): a fast, non-cryptographic hash for the word table.
/// Keys are our own tokens, so hash flooding is not a concern; iteration
/// order of these maps never reaches an output.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// How documents become terms (the variants `eval-scores` compares).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AnalyzeOptions {
    /// Weight of each title word (others weigh 1).
    pub title_weight: f32,
    /// Add a term per pair of adjacent words.
    pub bigrams: bool,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            title_weight: 1.0,
            bigrams: false,
        }
    }
}

/// The text fields of one document.
pub(crate) struct DocText<'a> {
    pub title: &'a str,
    pub abstract_text: &'a str,
    pub keywords: &'a [String],
}

/// Words → terms, with occurrence counts of each surface word.
#[derive(Default)]
pub(crate) struct Vocab {
    word_ids: FxMap<String, u32>,
    words: Vec<String>,
    word_term: Vec<TermId>,
    word_count: Vec<u64>,
    term_ids: FxMap<String, TermId>,
    pub terms: Vec<String>,
}

impl Vocab {
    /// The word ID of `word`, if known (read-only: safe to share between threads).
    fn word(&self, word: &str) -> Option<u32> {
        self.word_ids.get(word).copied()
    }

    /// The word ID of `word`, interning it (and its term) when new.
    fn intern_word(&mut self, an: &Analyzer, word: &str) -> u32 {
        if let Some(w) = self.word(word) {
            return w;
        }
        let term = an.term(word);
        let t = match self.term_ids.get(term.as_ref()) {
            Some(&t) => t,
            None => {
                let t = self.terms.len() as TermId;
                self.terms.push(term.to_string());
                self.term_ids.insert(term.into_owned(), t);
                t
            }
        };
        let w = self.words.len() as u32;
        self.words.push(word.to_string());
        self.word_term.push(t);
        self.word_count.push(0);
        self.word_ids.insert(word.to_string(), w);
        w
    }

    /// The term ID of a term string, if known.
    #[cfg(test)]
    pub fn id(&self, term: &str) -> Option<TermId> {
        self.term_ids.get(term).copied()
    }

    /// A readable word per term: the most frequent surface word that maps to
    /// it (ties: the smaller string), so reasons read "screening", not the
    /// stem "screen". Phrase terms read as the phrase.
    pub fn surfaces(&self) -> Vec<String> {
        let mut best: Vec<Option<u32>> = vec![None; self.terms.len()];
        for (w, &t) in self.word_term.iter().enumerate() {
            let slot = &mut best[t as usize];
            let better = match *slot {
                None => true,
                Some(b) => {
                    let (cw, cb) = (self.word_count[w], self.word_count[b as usize]);
                    cw > cb || (cw == cb && self.words[w] < self.words[b as usize])
                }
            };
            if better {
                *slot = Some(w as u32);
            }
        }
        best.iter()
            .enumerate()
            .map(|(t, b)| {
                let s = match b {
                    Some(w) => &self.words[*w as usize],
                    None => &self.terms[t],
                };
                s.strip_prefix(PHRASE_PREFIX)
                    .or_else(|| s.strip_prefix(BIGRAM_PREFIX))
                    .unwrap_or(s)
                    .to_string()
            })
            .collect()
    }
}

/// Marks a token that is not yet in the vocabulary: the low bits index
/// the document's list of new words.
const NEW_WORD: u32 = 1 << 31;

/// Marks two tokens that are not neighbours in the text (see
/// `text::for_each_token`); never a word.
const BREAK: u32 = u32::MAX;

/// The tokens of one document (title, abstract and keywords as text, plus
/// one whole-phrase word per multi-word keyword) as known word IDs, or
/// `NEW_WORD | i` for the `i`-th entry of the returned new words. Reads the
/// vocabulary only, so documents can be tokenised in parallel without
/// allocating for words seen before.
fn doc_tokens(
    d: &DocText<'_>,
    vocab: &Vocab,
    lexicon: &Lexicon,
    opts: &AnalyzeOptions,
) -> (Vec<u32>, Vec<String>, usize) {
    let mut toks: Vec<u32> = Vec::new();
    let mut news: Vec<String> = Vec::new();
    let pushed = std::cell::Cell::new(0usize);
    let mut push = |w: &str| {
        pushed.set(pushed.get() + 1);
        if w.is_empty() {
            toks.push(BREAK);
            return;
        }
        match vocab.word(w) {
            Some(id) => toks.push(id),
            None => {
                toks.push(NEW_WORD | news.len() as u32);
                news.push(w.to_string());
            }
        }
    };
    let mut prev: Option<String> = None;
    let mut text_words = |text: &str, push: &mut dyn FnMut(&str)| {
        prev = None;
        push("");
        for_each_token(text, |w| {
            push(w);
            if w.is_empty() {
                prev = None;
            } else if opts.bigrams {
                if let Some(p) = &prev {
                    push(&format!("{BIGRAM_PREFIX}{p} {w}"));
                }
                prev = Some(w.to_string());
            }
        });
    };
    text_words(d.title, &mut push);
    let n_title = pushed.get();
    text_words(d.abstract_text, &mut push);
    for k in d.keywords {
        text_words(k, &mut push);
    }
    for p in phrases(d.keywords) {
        if let Some(t) = phrase_term(&p) {
            push("");
            push(&t);
        }
    }
    // English words of the Japanese terms the texts contain.
    let texts = [d.title, d.abstract_text]
        .into_iter()
        .chain(d.keywords.iter().map(String::as_str));
    for text in texts.filter(|t| !t.is_ascii()) {
        let folded = crate::text::normalize_keyword(text);
        lexicon.translate(&folded, |en| {
            push("");
            for_each_word(en, &mut push)
        });
    }
    (toks, news, n_title)
}

/// Merges `(term, value)` pairs into a sorted sparse vector, summing values
/// of equal terms.
pub(crate) fn merge_sparse(mut v: Vec<(TermId, f32)>) -> SparseVec {
    v.sort_unstable_by_key(|x| x.0);
    let mut out: SparseVec = Vec::with_capacity(v.len());
    for (t, x) in v {
        match out.last_mut() {
            Some((lt, lx)) if *lt == t => *lx += x,
            _ => out.push((t, x)),
        }
    }
    out
}

/// Analyses documents in order and calls `order(i, terms in text order,
/// positions where the text breaks)` (only when `text_order`) then
/// `sink(i, tf_vector)` for each. Tokenising and building the vectors are
/// parallel; only interning new words and counting words run in document
/// order (so term IDs and surface counts do not depend on threads).
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyze_docs<'a>(
    docs: impl ExactSizeIterator<Item = DocText<'a>>,
    vocab: &mut Vocab,
    an: &Analyzer,
    lexicon: &Lexicon,
    opts: &AnalyzeOptions,
    text_order: bool,
    mut order: impl FnMut(usize, &[(TermId, f32)], &[usize]),
    mut sink: impl FnMut(usize, SparseVec),
) {
    const CHUNK: usize = 8192;
    let mut docs = docs.peekable();
    let mut i = 0usize;
    while docs.peek().is_some() {
        let chunk: Vec<DocText<'a>> = docs.by_ref().take(CHUNK).collect();
        let mut analysed: Vec<(Vec<u32>, Vec<String>, usize)> = chunk
            .par_iter()
            .map(|d| doc_tokens(d, vocab, lexicon, opts))
            .collect();
        // In document order: new words get their IDs, every word its count.
        for (toks, news, _) in &mut analysed {
            let ids: Vec<u32> = news.iter().map(|w| vocab.intern_word(an, w)).collect();
            for tok in toks.iter_mut().filter(|t| **t != BREAK) {
                if *tok & NEW_WORD != 0 {
                    *tok = ids[(*tok & !NEW_WORD) as usize];
                }
                vocab.word_count[*tok as usize] += 1;
            }
        }
        let word_term = &vocab.word_term;
        let built: Vec<(SparseVec, Vec<usize>, SparseVec)> = analysed
            .into_par_iter()
            .map(|(toks, _, n_title)| {
                let mut v: Vec<(TermId, f32)> = Vec::with_capacity(toks.len());
                let mut breaks: Vec<usize> = Vec::new();
                for (k, &tok) in toks.iter().enumerate() {
                    if tok == BREAK {
                        if breaks.last() != Some(&v.len()) {
                            breaks.push(v.len());
                        }
                        continue;
                    }
                    let weight = if k < n_title { opts.title_weight } else { 1.0 };
                    v.push((word_term[tok as usize], weight));
                }
                if text_order {
                    let merged = merge_sparse(v.clone());
                    (v, breaks, merged)
                } else {
                    (Vec::new(), breaks, merge_sparse(v))
                }
            })
            .collect();
        for (v, breaks, merged) in built {
            if text_order {
                order(i, &v, &breaks);
            }
            sink(i, merged);
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surfaces_are_the_most_frequent_word() {
        let an = Analyzer::new();
        let mut v = Vocab::default();
        let kw = vec!["Gene Therapy".to_string()];
        let docs = vec![
            DocText {
                title: "Screening screens",
                abstract_text: "screening",
                keywords: &[],
            },
            DocText {
                title: "screens",
                abstract_text: "",
                keywords: &kw,
            },
        ];
        let mut out = Vec::new();
        analyze_docs(
            docs.into_iter(),
            &mut v,
            &an,
            &Lexicon::default(),
            &AnalyzeOptions::default(),
            false,
            |_, _, _| {},
            |i, x| out.push((i, x)),
        );
        let s = v.surfaces();
        let screen = v.id("screen").unwrap() as usize;
        // "screening" twice, "screens" twice: tie broken by the smaller string.
        assert_eq!(s[screen], "screening");
        let phrase = v.id("kw:gene therapy").unwrap() as usize;
        assert_eq!(s[phrase], "gene therapy");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].1, vec![(screen as u32, 3.0)]);
    }

    #[test]
    fn merge_sums_equal_terms() {
        assert_eq!(
            merge_sparse(vec![(3, 1.0), (1, 2.0), (3, 0.5)]),
            vec![(1, 2.0), (3, 1.5)]
        );
    }
}
