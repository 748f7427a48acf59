//! Built-in stop lists: English function words and Japanese function-word runs.
//!
//! The English list is the Snowball English stop list (snowballstem.org,
//! `english/stop.txt`) with contracted forms written without apostrophes, as
//! the tokeniser splits on them. Stop words carry no topic; dropping them
//! keeps profiles small and the IDF of the remaining terms meaningful.

use std::sync::OnceLock;

/// Snowball English stop words (lower case, sorted for binary search).
const ENGLISH: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "couldn",
    "did",
    "didn",
    "do",
    "does",
    "doesn",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn",
    "has",
    "hasn",
    "have",
    "haven",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "itself",
    "just",
    "ll",
    "me",
    "more",
    "most",
    "mustn",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "re",
    "same",
    "shan",
    "she",
    "should",
    "shouldn",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "ve",
    "very",
    "was",
    "wasn",
    "we",
    "were",
    "weren",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "won",
    "would",
    "wouldn",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Hiragana runs that are only grammar (particles, copulas, light verbs).
/// A hiragana run is dropped when it is one of these as a whole; content
/// words written in hiragana (e.g. がん) are kept. Sorted for binary search.
const JAPANESE_RUNS: &[&str] = &[
    "および",
    "か",
    "かつ",
    "から",
    "が",
    "こと",
    "この",
    "これ",
    "さ",
    "された",
    "される",
    "し",
    "した",
    "して",
    "しています",
    "する",
    "するため",
    "せる",
    "その",
    "それ",
    "た",
    "ため",
    "て",
    "であり",
    "である",
    "です",
    "では",
    "と",
    "として",
    "とする",
    "な",
    "など",
    "に",
    "において",
    "における",
    "について",
    "にて",
    "により",
    "による",
    "の",
    "は",
    "へ",
    "ます",
    "また",
    "まで",
    "も",
    "もの",
    "や",
    "より",
    "られる",
    "を",
];

/// Research-genre words: the boilerplate of proposals and abstracts ("we
/// aim to develop a novel platform…"). They occur in nearly every proposal
/// and in few papers, so by IDF alone they would look like rare topical
/// terms, lead the reasons for a score and top the coverage gap list,
/// though they name no expertise. Sorted for binary search.
const RESEARCH: &[&str] = &[
    "accelerate",
    "aim",
    "aims",
    "application",
    "applications",
    "approach",
    "approaches",
    "background",
    "based",
    "candidate",
    "candidates",
    "combine",
    "combines",
    "conclusion",
    "conclusions",
    "controlling",
    "develop",
    "developed",
    "developing",
    "development",
    "dissect",
    "elucidate",
    "elucidated",
    "elucidating",
    "establish",
    "established",
    "expected",
    "explore",
    "findings",
    "future",
    "goal",
    "goals",
    "include",
    "includes",
    "including",
    "industrial",
    "integrating",
    "investigate",
    "major",
    "medical",
    "methods",
    "need",
    "needs",
    "new",
    "non",
    "novel",
    "objective",
    "objectives",
    "outcome",
    "outcomes",
    "partner",
    "partners",
    "platform",
    "potential",
    "prevent",
    "project",
    "proposal",
    "propose",
    "proposed",
    "research",
    "results",
    "strategies",
    "strategy",
    "team",
    "toward",
    "towards",
    "understanding",
    "unmet",
    "using",
    "via",
];

/// True when `w` (already lower case) is a Snowball English stop word (a
/// function word: never a part of a hyphenated term such as "in-depth").
pub fn is_function_word(w: &str) -> bool {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| WordSet::new(&[ENGLISH])).contains(w)
}

/// True when `w` (already lower case) is an English stop word or a
/// research-genre word ([`RESEARCH`]).
pub fn is_english_stop_word(w: &str) -> bool {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| WordSet::new(&[ENGLISH, RESEARCH]))
        .contains(w)
}

/// A set of words asked of every token while tokenising: one hash and at
/// most a compare or two, where a binary search over the sorted list
/// compared strings nine times per word.
struct WordSet {
    words: foldhash::HashSet<&'static str>,
    /// No word of the set is longer: longer tokens skip the hash.
    longest: usize,
}

impl WordSet {
    fn new(lists: &[&[&'static str]]) -> WordSet {
        let words: foldhash::HashSet<&'static str> =
            lists.iter().flat_map(|l| l.iter().copied()).collect();
        let longest = words.iter().map(|w| w.len()).max().unwrap_or(0);
        WordSet { words, longest }
    }

    fn contains(&self, w: &str) -> bool {
        w.len() <= self.longest && self.words.contains(w)
    }
}

/// Hiragana runs that are content words (medical words commonly written in
/// hiragana); every other hiragana run is grammar. Sorted.
const JAPANESE_CONTENT_RUNS: &[&str] = &["うつ", "がん", "たんぱく", "にきび", "やけど"];

/// True when a whole hiragana run `w` is a content word worth a term.
pub fn is_japanese_content_run(w: &str) -> bool {
    JAPANESE_CONTENT_RUNS.binary_search(&w).is_ok()
}

/// True when a whole hiragana run `w` is a Japanese function word.
pub fn is_japanese_stop_run(w: &str) -> bool {
    JAPANESE_RUNS.binary_search(&w).is_ok()
}

#[cfg(test)]
mod research_tests {
    use super::*;

    #[test]
    fn research_list_is_sorted_and_applied() {
        assert!(
            RESEARCH.windows(2).all(|w| w[0] < w[1]),
            "RESEARCH must stay sorted"
        );
        for w in [
            "aim",
            "novel",
            "platform",
            "understanding",
            "strategies",
            "accelerate",
            "industrial",
            "medical",
            "non",
        ] {
            assert!(is_english_stop_word(w), "{w}");
        }
        for w in ["tumour", "organoid", "clinical", "biomarker"] {
            assert!(!is_english_stop_word(w), "{w}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_so_binary_search_works() {
        assert!(
            ENGLISH.windows(2).all(|w| w[0] < w[1]),
            "ENGLISH not sorted"
        );
        assert!(
            JAPANESE_RUNS.windows(2).all(|w| w[0] < w[1]),
            "JAPANESE_RUNS not sorted"
        );
    }

    #[test]
    fn known_members() {
        assert!(is_english_stop_word("the"));
        assert!(is_english_stop_word("between"));
        assert!(!is_english_stop_word("gene"));
        assert!(is_english_stop_word("yourselves") && is_english_stop_word("a"));
        assert!(!is_english_stop_word("aa") && !is_english_stop_word("themselvesx"));
        // Every listed word is found (both lookup paths).
        assert!(ENGLISH.iter().all(|w| is_english_stop_word(w)));
        assert!(RESEARCH.iter().all(|w| is_english_stop_word(w)));
        assert!(ENGLISH.iter().all(|w| is_function_word(w)));
        assert!(!RESEARCH
            .iter()
            .any(|w| is_function_word(w) && !ENGLISH.contains(w)));
        assert!(is_japanese_stop_run("による"));
        assert!(!is_japanese_stop_run("がん"));
    }
}
