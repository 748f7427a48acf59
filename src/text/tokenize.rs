//! Tokenisation into words and terms (see the module doc of `text`).

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::keyword::normalize_keyword;
use super::stopwords::{is_english_stop_word, is_japanese_content_run, is_japanese_stop_run};

/// Prefix of a whole-phrase term (`kw:gene therapy`). Word tokens never hold
/// `:` (it separates tokens), so a phrase term cannot collide with a word.
pub const PHRASE_PREFIX: &str = "kw:";

/// Prefix of a bigram word (`bg:ion channels`): two adjacent words, each
/// stemmed as a term. Like phrase terms, never produced by tokenising.
pub const BIGRAM_PREFIX: &str = "bg:";

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

/// NFKC + lower case; a fast path for ASCII, where NFKC is the identity,
/// and for text the quick check finds already in NFKC (most text with a
/// dash or an accent: the full normalisation was a tenth of tokenising).
fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Owned(text.to_lowercase())
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
    for_each_token(text, |w| {
        if !w.is_empty() {
            f(w)
        }
    });
}

/// [`for_each_word`], plus an empty string wherever two words are not
/// neighbours in the text: a dropped word (stop word, number, particle) or
/// punctuation other than a space or hyphen lies between them. Reasons join
/// only neighbours into phrases ("cancer of the lung" is not "cancer lung").
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    let folded = fold(text);
    let s: &str = &folded;
    let mut chain = Chain::default();
    if s.is_ascii() {
        let b = s.as_bytes();
        let mut i = 0;
        let mut prev_end = 0;
        while i < b.len() {
            if !b[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let run = &s[start..i];
            chain.step(s, start, i, &mut f);
            if b[prev_end..start].iter().any(|&c| c != b' ' && c != b'-') {
                f("");
            }
            prev_end = i;
            if keep_latin(run, run.len()) {
                f(run);
            } else {
                f("");
            }
        }
        chain.flush(s, &mut f);
        return;
    }
    let mut run_start = 0usize;
    let mut run_class = Class::Other;
    let mut cjk_buf: Vec<(usize, usize)> = Vec::new();
    let mut emit = |start: usize, end: usize, cls: Class, f: &mut dyn FnMut(&str)| {
        let run = &s[start..end];
        match cls {
            Class::Other => {
                if run.chars().any(|c| !c.is_whitespace() && c != '-') {
                    f("");
                }
            }
            Class::Word => {
                chain.step(s, start, end, f);
                if keep_latin(run, run.chars().count()) {
                    f(run);
                } else {
                    f("");
                }
                return;
            }
            _ => chain.flush(s, f),
        }
        match cls {
            Class::Other | Class::Word => {}
            Class::Hiragana => {
                // Hiragana carries grammar (particles, okurigana: らか, かに
                // of 明らかに); only the few content words written in it
                // are kept, whole.
                if is_japanese_content_run(run) {
                    f(run);
                } else {
                    f("");
                }
            }
            Class::Katakana => {
                // Loan words are whole words: アルツハイマー, バイオマーカー.
                if !is_japanese_stop_run(run) {
                    f(run);
                } else {
                    f("");
                }
            }
            Class::Han => {
                // Kanji compounds without a dictionary: up to three
                // characters is one word (解析, 肺腺癌); longer runs are
                // compounds of two-character words (伝播機構 → 伝播, 機構;
                // 腫瘍微小環境 → 腫瘍, 微小, 環境), an odd tail joining the
                // last piece.
                cjk_buf.clear();
                cjk_buf.extend(
                    run.char_indices()
                        .map(|(i, c)| (start + i, start + i + c.len_utf8())),
                );
                let n = cjk_buf.len();
                if n <= 3 {
                    f(run);
                } else {
                    let mut i = 0;
                    while i < n {
                        let j = if n - i == 3 { n } else { (i + 2).min(n) };
                        f(&s[cjk_buf[i].0..cjk_buf[j - 1].1]);
                        i = j;
                    }
                }
            }
            Class::Hangul => {
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
    chain.flush(s, &mut f);
}

/// A hyphenated term being read (`pd-l1`, `il-6`, `sars-cov-2`,
/// `non-small`): alphanumeric runs joined by single hyphens. It is a word of
/// its own, besides its parts, when one part is short (at most three
/// characters) or holds a digit, at least one part holds a letter, and no
/// part is a function word ("in-depth", "state-of-the-art" are not terms).
/// The whole is emitted after its parts, so reasons can join it with the
/// word that follows ("non-small cell").
#[derive(Default)]
struct Chain {
    start: usize,
    end: usize,
    parts: u32,
    short_or_digit: bool,
    letter: bool,
    blocked: bool,
}

impl Chain {
    fn step(&mut self, s: &str, start: usize, end: usize, f: &mut dyn FnMut(&str)) {
        let joined =
            self.parts > 0 && self.end + 1 == start && s.as_bytes().get(self.end) == Some(&b'-');
        if !joined {
            self.flush(s, f);
            self.start = start;
        }
        let part = &s[start..end];
        self.end = end;
        self.parts += 1;
        self.short_or_digit |=
            part.chars().count() <= 3 || part.chars().any(|c| c.is_ascii_digit());
        self.letter |= part.chars().any(char::is_alphabetic);
        self.blocked |= super::stopwords::is_function_word(part);
    }

    fn flush(&mut self, s: &str, f: &mut dyn FnMut(&str)) {
        if self.parts >= 2
            && self.short_or_digit
            && self.letter
            && !self.blocked
            && s[self.start..self.end].chars().count() <= MAX_WORD_CHARS
        {
            f(&s[self.start..self.end]);
        }
        *self = Chain::default();
    }
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
        if let Some((a, b)) = word
            .strip_prefix(BIGRAM_PREFIX)
            .and_then(|pair| pair.split_once(' '))
        {
            return Cow::Owned(format!("{BIGRAM_PREFIX}{} {}", self.term(a), self.term(b)));
        }
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
            vec![
                "screen",
                "cell",
                "t-cell",
                "crispr",
                "cas9",
                "crispr-cas9",
                "screen"
            ]
        );
        // Surfaces keep the word as written (lower case), not the stem.
        let a = Analyzer::new().analyze("Studies");
        assert_eq!(a[0].term, "studi");
        assert_eq!(a[0].surface, "studies");
    }

    /// The split reasons `pd;l1` and `non`: hyphenated terms with a
    /// short or numbered part are kept whole beside their parts; "non" is
    /// never a word of its own.
    #[test]
    fn hyphenated_terms_regression() {
        assert_eq!(
            words("PD-L1 blockade"),
            vec!["pd", "l1", "pd-l1", "blockade"]
        );
        assert_eq!(
            words("non-small cell lung cancer"),
            vec!["small", "non-small", "cell", "lung", "cancer"]
        );
        assert_eq!(
            words("SARS-CoV-2 and IL-6"),
            vec!["sars", "cov", "sars-cov-2", "il", "il-6"]
        );
        // Function-word parts, numbers only, long ordinary parts: no compound.
        assert_eq!(
            words("in-depth 2019-2020 long-term"),
            vec!["depth", "long", "term"]
        );
        // Also in text that is not ASCII.
        assert_eq!(words("PD-L1 阻害"), vec!["pd", "l1", "pd-l1", "阻害"]);
    }

    #[test]
    fn numbers_and_punctuation_are_dropped() {
        assert_eq!(words("(1) 42, 3.14; -- ++ @@ p53 x"), vec!["p53"]);
        assert!(words("").is_empty());
        assert!(words("!!! ... 2024").is_empty());
    }

    #[test]
    fn japanese_runs_become_words_split_by_script() {
        assert_eq!(words("免疫細胞"), vec!["免疫", "細胞"]);
        assert_eq!(words("腫瘍微小環境"), vec!["腫瘍", "微小", "環境"]);
        assert_eq!(words("肺腺癌の五文字語"), vec!["肺腺癌", "五文", "字語"]);
        assert_eq!(words("五文字熟語群"), vec!["五文", "字熟", "語群"]);
        assert_eq!(words("一二三四五"), vec!["一二", "三四五"]);
        // Katakana loan word and kanji compound are separate runs.
        assert_eq!(words("ゲノム編集"), vec!["ゲノム", "編集"]);
        // A one-character run is kept; hiragana runs are dropped.
        assert_eq!(words("肝の癌"), vec!["肝", "癌"]);
    }

    /// The Japanese Alzheimer proposal went to a cancer
    /// immunologist on the bigrams マー;細胞;解析;かに;らか: katakana words
    /// must stay whole and hiragana okurigana must not become terms.
    #[test]
    fn japanese_bigram_fragments_regression() {
        assert_eq!(
            words("アルツハイマー病におけるタウ蛋白の伝播機構の解析"),
            vec![
                "アルツハイマー",
                "病",
                "タウ",
                "蛋白",
                "伝播",
                "機構",
                "解析"
            ]
        );
        assert_eq!(
            words("バイオマーカーを明らかにする"),
            vec!["バイオマーカー", "明"]
        );
        for w in words("腫瘍微小環境におけるアミロイドとがん免疫") {
            assert!(
                !["瘍微", "ツハ", "アミ", "イド", "らか", "かに", "マー"].contains(&w.as_str()),
                "{w}"
            );
        }
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
        assert_eq!(words("ｹﾞﾉﾑ"), vec!["ゲノム"]);
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
                proptest::prop_assert!(!x.chars().any(|c| c.is_whitespace() || (c.is_ascii_punctuation() && c != '-')));
                proptest::prop_assert!(!x.starts_with('-') && !x.ends_with('-'));
                proptest::prop_assert!(!is_english_stop_word(x));
            }
            proptest::prop_assert_eq!(w, words(&s));
        }

        /// The fast paths of `fold` give what full NFKC then lower case gives.
        #[test]
        fn fold_is_nfkc_then_lower_case(s in "(\\PC|[ｱ-ﾝﾞﾟ①㈱é́ﬁＡ-Ｚ]){0,40}") {
            let full = s.nfkc().collect::<String>().to_lowercase();
            let fast = fold(&s);
            proptest::prop_assert_eq!(fast.as_ref(), full.as_str());
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
