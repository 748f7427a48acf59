//! Tokenisation into words and terms (see the module doc of `text`).

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use super::keyword::normalize_keyword;
use super::stopwords::{is_english_stop_word, is_japanese_stop_run};

/// Prefix of a whole-phrase term (`kw:gene therapy`). Word tokens never hold
/// `:` (it separates tokens), so a phrase term cannot collide with a word.
pub const PHRASE_PREFIX: &str = "kw:";

/// Latin words longer than this (in chars) are noise (sequences, URLs).
const MAX_WORD_CHARS: usize = 40;

/// The script class of a character, for splitting text into runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// Letters and digits of alphabetic scripts (and digits of any script).
    Word,
    Hiragana,
    Katakana,
    Han,
    Hangul,
    /// White space, punctuation, symbols: separators.
    Other,
}

fn class(c: char) -> Class {
    match c as u32 {
        0x3041..=0x309F => Class::Hiragana,
        // Katakana, the prolonged sound mark ー, and phonetic extensions.
        0x30A0..=0x30FF | 0x31F0..=0x31FF => Class::Katakana,
        // CJK unified ideographs (+ ext. A, B–F), compatibility ideographs, 々 〆.
        0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FFFF
        | 0x3005
        | 0x3006 => Class::Han,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Class::Hangul,
        _ if c.is_alphanumeric() => Class::Word,
        _ => Class::Other,
    }
}

/// NFKC + lower case; a fast path for ASCII, where NFKC is the identity.
fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else {
        Cow::Owned(text.nfkc().collect::<String>().to_lowercase())
    }
}

/// A Latin run is a word unless it is too short or long, only digits, or a
/// stop word.
fn keep_latin(run: &str, n_chars: usize) -> bool {
    (2..=MAX_WORD_CHARS).contains(&n_chars)
        && !run.chars().all(char::is_numeric)
        && !is_english_stop_word(run)
}

/// Calls `f` with each word of `text`, in order (see [`words`]). No
/// allocation per word; ASCII text takes a byte-level fast path.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let folded = fold(text);
    let s: &str = &folded;
    if s.is_ascii() {
        for run in s.split(|c: char| !c.is_ascii_alphanumeric()) {
            if keep_latin(run, run.len()) {
                f(run);
            }
        }
        return;
    }
    let mut run_start = 0usize;
    let mut run_class = Class::Other;
    let mut cjk_buf: Vec<(usize, usize)> = Vec::new();
    let mut emit = |start: usize, end: usize, cls: Class, f: &mut dyn FnMut(&str)| {
        let run = &s[start..end];
        match cls {
            Class::Other => {}
            Class::Word => {
                if keep_latin(run, run.chars().count()) {
                    f(run);
                }
            }
            _ => {
                if cls == Class::Hiragana && is_japanese_stop_run(run) {
                    return;
                }
                cjk_buf.clear();
                cjk_buf.extend(
                    run.char_indices()
                        .map(|(i, c)| (start + i, start + i + c.len_utf8())),
                );
                if cjk_buf.len() == 1 {
                    f(run);
                } else {
                    for w in cjk_buf.windows(2) {
                        f(&s[w[0].0..w[1].1]);
                    }
                }
            }
        }
    };
    for (i, c) in s.char_indices() {
        let cls = class(c);
        if cls != run_class {
            emit(run_start, i, run_class, &mut f);
            run_start = i;
            run_class = cls;
        }
    }
    emit(run_start, s.len(), run_class, &mut f);
}

/// The words of `text`: normalised (NFKC, lower case) surface tokens with
/// stop words, numbers and one-letter Latin words dropped, and CJK runs (one
/// script per run: hiragana, katakana, han or hangul) cut into overlapping
/// bigrams. Splitting CJK text where the script changes keeps kanji compounds
/// and katakana loan words whole (がん免疫 → がん, 免疫) instead of bigrams that
/// straddle a particle; a one-character run is kept as a unigram.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_string()));
    out
}

/// The canonical keyword phrases of a keyword list: [`normalize_keyword`],
/// empty entries dropped, duplicates removed (first occurrence kept).
/// Linear: a set remembers what was seen (`Vec::contains` made a cell of a
/// million keywords quadratic and never finish).
pub fn phrases(keywords: &[String]) -> Vec<String> {
    let mut seen: std::collections::HashSet<String> =
        std::collections::HashSet::with_capacity(keywords.len());
    let mut out: Vec<String> = Vec::with_capacity(keywords.len());
    for k in keywords {
        let n = normalize_keyword(k);
        if !n.is_empty() && seen.insert(n.clone()) {
            out.push(n);
        }
    }
    out
}

/// The whole-phrase term of a canonical keyword phrase, when the phrase has
/// at least two words (a one-word keyword is already matched by its word).
pub fn phrase_term(phrase: &str) -> Option<String> {
    let mut n = 0;
    for_each_word(phrase, |_| n += 1);
    (n >= 2).then(|| format!("{PHRASE_PREFIX}{phrase}"))
}

/// A term with the surface word it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// What is compared: a stem, a CJK gram, or `kw:<phrase>`.
    pub term: String,
    /// The word as it appeared (normalised), for readable reasons.
    pub surface: String,
}

/// Maps words to terms. Holds the Snowball stemmer; cheap to create, `Sync`.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// The term of a word from [`words`]: Latin words are stemmed with
    /// Snowball English (Porter 2); CJK grams and phrase terms are kept.
    pub fn term<'a>(&self, word: &'a str) -> Cow<'a, str> {
        let first = word.chars().next().unwrap_or(' ');
        if word.starts_with(PHRASE_PREFIX) || class(first) != Class::Word {
            Cow::Borrowed(word)
        } else {
            self.stemmer.stem(word)
        }
    }

    /// Every term of `text`, in order, with its surface word.
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let mut out = Vec::new();
        for_each_word(text, |w| {
            out.push(Term {
                term: self.term(w).into_owned(),
                surface: w.to_string(),
            })
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::new()
            .analyze(text)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn english_is_lowered_stemmed_and_stop_words_dropped() {
        assert_eq!(
            terms("The Screening of T-cells in 2023 and a CRISPR-Cas9 screen"),
            vec!["screen", "cell", "crispr", "cas9", "screen"]
        );
        // Surfaces keep the word as written (lower case), not the stem.
        let a = Analyzer::new().analyze("Studies");
        assert_eq!(a[0].term, "studi");
        assert_eq!(a[0].surface, "studies");
    }

    #[test]
    fn numbers_and_punctuation_are_dropped() {
        assert_eq!(words("(1) 42, 3.14; -- ++ @@ p53 x"), vec!["p53"]);
        assert!(words("").is_empty());
        assert!(words("!!! ... 2024").is_empty());
    }

    #[test]
    fn japanese_runs_become_bigrams_split_by_script() {
        assert_eq!(words("免疫細胞"), vec!["免疫", "疫細", "細胞"]);
        // Katakana loan word and kanji compound are separate runs.
        assert_eq!(words("ゲノム編集"), vec!["ゲノ", "ノム", "編集"]);
        // A one-character run is a unigram; function-word runs are dropped.
        assert_eq!(words("肝の癌"), vec!["肝", "癌"]);
    }

    #[test]
    fn mixed_english_japanese() {
        assert_eq!(
            terms("CRISPR screening による がん免疫 の解析"),
            vec!["crispr", "screen", "がん", "免疫", "解析"]
        );
    }

    #[test]
    fn full_width_characters_fold_to_ascii() {
        assert_eq!(
            terms("ＣＲＩＳＰＲ　Ｓｃｒｅｅｎｉｎｇ"),
            vec!["crispr", "screen"]
        );
        // Half-width katakana folds to full width (NFKC).
        assert_eq!(words("ｹﾞﾉﾑ"), vec!["ゲノ", "ノム"]);
        assert_eq!(words("ｐ５３"), vec!["p53"]);
    }

    proptest::proptest! {
        /// Whatever the input, words are non-empty, hold no white space or
        /// ASCII punctuation, are not stop words, and are reproducible.
        #[test]
        fn words_are_clean(s in "\\PC{0,80}") {
            let w = words(&s);
            for x in &w {
                proptest::prop_assert!(!x.is_empty());
                proptest::prop_assert!(!x.chars().any(|c| c.is_whitespace() || c.is_ascii_punctuation()));
                proptest::prop_assert!(!is_english_stop_word(x));
            }
            proptest::prop_assert_eq!(w, words(&s));
        }
    }

    #[test]
    fn phrases_are_canonical_and_unique() {
        let k = vec![
            "Gene  Therapy".to_string(),
            "ｇｅｎｅ therapy".to_string(),
            " ".to_string(),
            "がん免疫".to_string(),
        ];
        assert_eq!(phrases(&k), vec!["gene therapy", "がん免疫"]);
        assert_eq!(
            phrase_term("gene therapy").as_deref(),
            Some("kw:gene therapy")
        );
        assert_eq!(phrase_term("がん免疫").as_deref(), Some("kw:がん免疫"));
        assert_eq!(phrase_term("crispr"), None);
        // Phrase terms are not stemmed.
        assert_eq!(
            Analyzer::new().term("kw:gene therapies"),
            "kw:gene therapies"
        );
    }
}
