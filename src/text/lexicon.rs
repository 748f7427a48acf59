//! Bilingual terms: Japanese medical words with their English equivalents,
//! so a proposal written in Japanese meets advisers who publish in English.
//!
//! A built-in list ([`BUILTIN`]) covers common medical research words; a data
//! folder may add its own in `terms.csv` (columns `ja,en`; see
//! docs/data-format.md). Wherever a Japanese entry occurs in a text, its
//! English words are added to that text's terms (longest entry first, so
//! アルツハイマー病 gives "alzheimer disease", not also "alzheimer").

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

/// Built-in `(ja, en)` pairs (NFKC, as the tokeniser folds text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("アルツハイマー病", "alzheimer disease"),
    ("アルツハイマー", "alzheimer"),
    ("認知症", "dementia"),
    ("パーキンソン病", "parkinson disease"),
    ("タウ", "tau"),
    ("アミロイド", "amyloid"),
    ("蛋白", "protein"),
    ("タンパク", "protein"),
    ("たんぱく", "protein"),
    ("伝播", "propagation spreading"),
    ("神経", "neuronal"),
    ("神経変性", "neurodegeneration"),
    ("脳", "brain"),
    ("がん", "cancer"),
    ("癌", "cancer"),
    ("腫瘍", "tumour tumor"),
    ("免疫", "immune immunity"),
    ("免疫療法", "immunotherapy"),
    ("抗体", "antibody"),
    ("中和抗体", "neutralising antibodies"),
    ("細胞", "cell"),
    ("幹細胞", "stem cell"),
    ("遺伝子", "gene"),
    ("ゲノム", "genome"),
    ("ゲノム編集", "genome editing"),
    ("ワクチン", "vaccine"),
    ("ウイルス", "virus"),
    ("感染症", "infectious disease"),
    ("感染", "infection"),
    ("糖尿病", "diabetes"),
    ("肥満", "obesity"),
    ("心不全", "heart failure"),
    ("心臓", "heart cardiac"),
    ("肺", "lung"),
    ("肝臓", "liver"),
    ("腎臓", "kidney"),
    ("炎症", "inflammation"),
    ("治療", "therapy treatment"),
    ("診断", "diagnosis"),
    ("創薬", "drug discovery"),
    ("薬剤", "drug"),
    ("臨床試験", "clinical trial"),
    ("バイオマーカー", "biomarker"),
    ("マウス", "mouse"),
    ("疫学", "epidemiology"),
    ("公衆衛生", "public health"),
    ("再生医療", "regenerative medicine"),
    ("オルガノイド", "organoid"),
    ("画像診断", "imaging diagnosis"),
    ("人工知能", "artificial intelligence"),
    ("機械学習", "machine learning"),
    ("微小環境", "microenvironment"),
    ("代謝", "metabolism"),
    ("老化", "ageing aging"),
    ("シナプス", "synapse"),
    ("ミクログリア", "microglia"),
];

/// Japanese → English term list (built-in plus user entries).
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// First character of an entry → entries starting with it, longest
    /// first: (Japanese in chars, English).
    by_first: HashMap<char, Vec<(Vec<char>, String)>>,
}

/// A `terms.csv` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}:{line}: column '{field}': {message}")]
    Row {
        path: PathBuf,
        line: u64,
        field: &'static str,
        message: String,
    },
}

impl Lexicon {
    /// The built-in list.
    pub fn builtin() -> Lexicon {
        let mut l = Lexicon::default();
        for &(ja, en) in BUILTIN {
            l.add(ja, en);
        }
        l
    }

    /// The built-in list plus `extra` pairs (a user entry for a Japanese
    /// term replaces the built-in one).
    pub fn with_terms(extra: &[(String, String)]) -> Lexicon {
        let mut l = Lexicon::builtin();
        for (ja, en) in extra {
            l.add(ja, en);
        }
        l
    }

    /// Adds (or replaces) one entry.
    pub fn add(&mut self, ja: &str, en: &str) {
        let ja: Vec<char> = ja
            .nfkc()
            .collect::<String>()
            .to_lowercase()
            .chars()
            .collect();
        let Some(&first) = ja.first() else {
            return;
        };
        let v = self.by_first.entry(first).or_default();
        v.retain(|(j, _)| *j != ja);
        v.push((ja, en.to_string()));
        v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.by_first.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// Calls `f` with the English side of every entry found in `folded`
    /// (NFKC, lower case), scanning left to right, longest entry first at
    /// each position, matches not overlapping.
    pub fn translate(&self, folded: &str, mut f: impl FnMut(&str)) {
        if self.by_first.is_empty() || folded.is_ascii() {
            return;
        }
        let chars: Vec<char> = folded.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let hit = self.by_first.get(&chars[i]).and_then(|v| {
                v.iter()
                    .find(|(ja, _)| chars[i..].starts_with(ja))
                    .map(|(ja, en)| (ja.len(), en))
            });
            match hit {
                Some((n, en)) => {
                    f(en);
                    i += n;
                }
                None => i += 1,
            }
        }
    }
}

/// The `(ja, en)` rows of `dir/terms.csv` (or .tsv/.txt/.xlsx); none when
/// the file is absent.
pub fn user_terms(
    dir: &Path,
    encoding: crate::table::EncodingChoice,
) -> Result<Vec<(String, String)>, LexiconError> {
    let found = crate::load::locate_optional(dir, "terms").map_err(|e| LexiconError::File {
        path: dir.join("terms.csv"),
        message: e.to_string(),
    })?;
    match found {
        Some(path) => read_terms(&path, encoding),
        None => Ok(Vec::new()),
    }
}

/// The rows of a `ja,en` table (header required; both cells non-empty).
pub fn read_terms(
    path: &Path,
    encoding: crate::table::EncodingChoice,
) -> Result<Vec<(String, String)>, LexiconError> {
    let opts = crate::table::ReadOptions {
        encoding,
        header: true,
    };
    let t = crate::table::read_path(path, &opts).map_err(|e| LexiconError::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let layout = crate::table::Layout::find::<TermRow>(&t.header, crate::table::Names::Exact);
    if let Some(name) = layout.missing::<TermRow>().first() {
        return Err(LexiconError::File {
            path: path.to_path_buf(),
            message: format!("missing column '{name}'; expected the header ja,en"),
        });
    }
    if let Some(r) = t.rejected.first() {
        return Err(LexiconError::Row {
            path: path.to_path_buf(),
            line: r.position.line(),
            field: "ja",
            message: r.message.clone(),
        });
    }
    let mut out = Vec::new();
    for (cells, pos) in t.rows() {
        let bad = |field, message: &str| LexiconError::Row {
            path: path.to_path_buf(),
            line: pos.line(),
            field,
            message: message.to_string(),
        };
        let row: TermRow = layout.row(&cells).map_err(|e| bad("ja", &e.message))?;
        if row.ja.is_empty() {
            return Err(bad("ja", "empty; give the Japanese term"));
        }
        if row.en.is_empty() {
            return Err(bad("en", "empty; give the English term(s)"));
        }
        out.push((row.ja.to_string(), row.en.to_string()));
    }
    Ok(out)
}

crate::read_row! {
    /// One row of terms.csv: a Japanese term and its English words.
    pub struct TermRow<'a> {
        pub ja: &'a str,
        pub en: &'a str,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_entry_wins_and_matches_do_not_overlap() {
        let l = Lexicon::builtin();
        let mut out = Vec::new();
        l.translate(
            "アルツハイマー病におけるタウ蛋白の伝播機構",
            |e| out.push(e.to_string()),
        );
        assert_eq!(
            out,
            vec![
                "alzheimer disease",
                "tau",
                "protein",
                "propagation spreading"
            ]
        );
        let mut none = Vec::new();
        l.translate("plain ascii text", |e| none.push(e.to_string()));
        assert!(none.is_empty());
    }

    #[test]
    fn user_entries_extend_and_replace() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("terms.csv"),
            "ja,en\r\n伝播機構,propagation mechanism\r\nタウ,tau protein\r\n",
        )
        .unwrap();
        let l = Lexicon::with_terms(&user_terms(dir.path(), Default::default()).unwrap());
        assert_eq!(l.len(), BUILTIN.len() + 1);
        let mut out = Vec::new();
        l.translate("タウの伝播機構", |e| out.push(e.to_string()));
        assert_eq!(out, vec!["tau protein", "propagation mechanism"]);
        std::fs::write(dir.path().join("terms.csv"), "ja,en\n癌,\n").unwrap();
        let e = user_terms(dir.path(), Default::default()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("terms.csv:2: column 'en'"), "{msg}");
    }
}
