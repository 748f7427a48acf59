//! Keyword normalisation shared by scoring, coverage and reports.

use unicode_normalization::UnicodeNormalization;

/// The canonical form of a keyword phrase: NFKC (full-width → ASCII,
/// compatibility forms folded), lower case, inner white space collapsed to
/// one space, trimmed. Two keywords match as phrases when their canonical
/// forms are equal.
pub fn normalize_keyword(s: &str) -> String {
    let folded: String = s.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_space() {
        assert_eq!(normalize_keyword("  Ｇｅｎｅ   Therapy "), "gene therapy");
        assert_eq!(normalize_keyword("がん 免疫"), "がん 免疫");
        assert_eq!(normalize_keyword(""), "");
    }
}
