//! Text processing: normalisation, tokenisation, stop words, stemming, CJK bigrams.
//!
//! Owns the one definition of "a term" used by scoring and coverage. Takes
//! free text (titles, abstracts) and keyword lists as written; hands on
//! *words* (normalised surface tokens) and *terms* (what is compared: a
//! Snowball English stem, a CJK bigram, or a whole keyword phrase).
//!
//! Pipeline ([`words`]): Unicode NFKC (full-width → ASCII, compatibility forms
//! folded) → lower case → split into runs of letters/digits and runs of one
//! CJK script → Latin words: drop pure numbers, one-letter words and English
//! stop words; CJK runs: overlapping character bigrams (a one-character run is
//! kept as a unigram), Japanese function-word runs dropped.
//!
//! Japanese (no dictionary needed): katakana runs are whole words, hiragana
//! runs are dropped (grammar) except a few content words, kanji runs of up
//! to three characters are words and longer ones split into two-character
//! words; a bilingual term list ([`Lexicon`], extendable with
//! `DATA/terms.csv`) adds the English words of Japanese terms. [`Analyzer::term`]
//! then stems Latin words (Snowball English, Porter 2) and leaves CJK grams
//! as they are.
//!
//! Keywords match as whole phrases through [`normalize_keyword`] (see
//! [`phrases`]) and also contribute their words like any other text.

mod keyword;
mod lexicon;
mod stopwords;
mod tokenize;

pub use keyword::normalize_keyword;
pub use lexicon::{
    read_terms, user_terms, Lexicon, LexiconError, TermRow, BUILTIN as BUILTIN_TERMS,
};
pub use stopwords::{is_english_stop_word, is_japanese_content_run, is_japanese_stop_run};
pub use tokenize::{
    for_each_token, for_each_word, phrase_term, phrases, words, Analyzer, Term, BIGRAM_PREFIX,
    PHRASE_PREFIX,
};
