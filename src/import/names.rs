//! Person-name and title normalisation for matching: Unicode NFKC, case,
//! diacritics, hyphens and punctuation, family/given order, initials.
//!
//! Names arrive as `Tanaka, H` (WoS, MEDLINE `AU`), `Tanaka, Hiroshi`
//! (`AF`, `FAU`), `Hiroshi Tanaka` (OpenAlex, ORCID, hand-written
//! researchers.csv), `田中 浩` (researchmap, family name first) or split
//! into family and given parts. [`PersonName`] is the parsed form;
//! [`PersonName::compatible`] decides whether two spellings may be one
//! person (the caller still needs another field to say that they are).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFKC, diacritics removed, lower case, hyphens and punctuation turned
/// into spaces, runs of white space collapsed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    if s.is_ascii() {
        // NFKC and NFD leave ASCII as it is: skip them (most names and
        // every WoS affiliation).
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() {
                out.push(char::from(b.to_ascii_lowercase()));
                space = false;
            } else if b == b'\'' {
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
        while out.ends_with(' ') {
            out.pop();
        }
        return out;
    }
    for c in s.nfkc().collect::<String>().nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'ß' => 's',
            'ø' | 'Ø' => 'o',
            'đ' | 'Đ' => 'd',
            'ł' | 'Ł' => 'l',
            _ => c,
        };
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        } else if c == '\'' || c == '’' || c == '.' {
            // O'Brien ~ OBrien; `H.` ~ `H`.
            if c == '.' && !space {
                out.push(' ');
                space = true;
            }
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Whether `s` holds CJK ideographs or kana (a name written in Japanese or
/// Chinese: family name first, no initials).
pub fn is_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32,
            0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF)
    })
}

/// Particles that belong to a Western family name written last
/// (`Carmen de la Fuente`).
const PARTICLES: [&str; 14] = [
    "de", "la", "del", "der", "den", "van", "von", "da", "di", "dos", "du", "le", "al", "ter",
];

/// A parsed person name.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PersonName {
    /// Folded family name (`martinez gonzalez`).
    pub family: String,
    /// Folded given-name tokens (`["hiroshi"]`, `["h"]`, `["aisha", "a"]`).
    pub given: Vec<String>,
}

impl PersonName {
    /// Family and given parts as a source gives them separately.
    pub fn from_parts(family: &str, given: &str) -> PersonName {
        let family = fold(family);
        let given = given_tokens(given);
        PersonName { family, given }
    }

    /// Parses a name as written: `Family, Given` (comma), `Family GI`
    /// (MEDLINE `AU`: a last token of 1–3 capitals is initials), CJK
    /// `Family Given`, else Western `Given … Family` with particles.
    pub fn parse(raw: &str) -> PersonName {
        let raw = raw.trim();
        if let Some((f, g)) = raw.split_once(',') {
            return PersonName::from_parts(f, g);
        }
        let nk: String = if raw.is_ascii() {
            raw.to_string()
        } else {
            raw.nfkc().collect()
        };
        let tokens: Vec<&str> = nk.split_whitespace().collect();
        if tokens.is_empty() {
            return PersonName::default();
        }
        if is_cjk(raw) {
            if tokens.len() == 1 {
                // `田中浩` without a space: the family name cannot be told
                // from the given name; keep it whole as the family.
                return PersonName::from_parts(tokens[0], "");
            }
            return PersonName::from_parts(tokens[0], &tokens[1..].join(" "));
        }
        if tokens.len() >= 2 {
            let last = tokens[tokens.len() - 1];
            if (1..=3).contains(&last.chars().count()) && last.chars().all(|c| c.is_uppercase()) {
                return PersonName::from_parts(&tokens[..tokens.len() - 1].join(" "), last);
            }
        }
        let mut start = tokens.len() - 1;
        while start > 1 && PARTICLES.contains(&fold(tokens[start - 1]).as_str()) {
            start -= 1;
        }
        PersonName::from_parts(&tokens[start..].join(" "), &tokens[..start].join(" "))
    }

    /// Initials of the given names (`hiroshi` → `h`, `jean pierre` → `jp`).
    pub fn initials(&self) -> String {
        self.given.iter().filter_map(|t| t.chars().next()).collect()
    }

    /// Whether any given token is more than an initial.
    pub fn has_full_given(&self) -> bool {
        self.given.iter().any(|t| t.chars().count() > 1)
    }

    /// The key candidates are looked up by: family name plus first initial.
    pub fn key(&self) -> String {
        let first = self
            .initials()
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default();
        format!("{}|{first}", self.family.replace(' ', ""))
    }

    /// Whether the two may name one person: the same family name (spaces and
    /// hyphens ignored), the initials of the shorter given-name list a
    /// prefix of the other's, and full given names equal where both are
    /// full (`Tanaka H` ~ `Tanaka Hiroshi`; `Tanaka Hiroshi` ≁ `Tanaka Haruki`).
    pub fn compatible(&self, other: &PersonName) -> bool {
        if self.family.is_empty() || self.family.replace(' ', "") != other.family.replace(' ', "") {
            return false;
        }
        let (a, b) = (self.initials(), other.initials());
        if a.is_empty() || b.is_empty() {
            return a.is_empty() && b.is_empty();
        }
        let (short, long) = if a.len() <= b.len() {
            (&a, &b)
        } else {
            (&b, &a)
        };
        if !long.starts_with(short.as_str()) {
            // `Tanaka HK` vs `Tanaka Hiroki`: one full token standing for
            // two initials is still compatible if the first agrees.
            if short.chars().next() != long.chars().next() {
                return false;
            }
            if self.given.len() > 1 && other.given.len() > 1 {
                return false;
            }
        }
        for (x, y) in self.given.iter().zip(&other.given) {
            if x.chars().count() > 1 && y.chars().count() > 1 && x != y {
                return false;
            }
        }
        true
    }

    /// Whether both spell out the same full given name (not only initials).
    pub fn same_full(&self, other: &PersonName) -> bool {
        self.has_full_given()
            && other.has_full_given()
            && self.family.replace(' ', "") == other.family.replace(' ', "")
            && self.given.first() == other.given.first()
    }
}

/// `Aisha A.` → `["aisha", "a"]`; `HK` (MEDLINE initials) → `["h", "k"]`;
/// `Jean-Pierre` → `["jean", "pierre"]`.
fn given_tokens(given: &str) -> Vec<String> {
    let g = given.trim();
    let nk: String = if g.is_ascii() {
        g.to_string()
    } else {
        g.nfkc().collect()
    };
    let compact: Vec<&str> = nk.split_whitespace().collect();
    if compact.len() == 1 {
        let t = compact[0];
        let n = t.chars().count();
        if (2..=3).contains(&n) && t.chars().all(|c| c.is_uppercase()) && !is_cjk(t) {
            return t.chars().map(|c| fold(&c.to_string())).collect();
        }
    }
    fold(g)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// A title as compared across sources: folded, only letters and digits.
pub fn title_key(title: &str) -> String {
    fold(title).replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_diacritics_and_width() {
        assert_eq!(fold("Wörmann, Bernhard"), "wormann bernhard");
        assert_eq!(fold("ＴＡＮＡＫＡ"), "tanaka");
        assert_eq!(fold("Martinez-Gonzalez"), "martinez gonzalez");
        assert_eq!(fold("O'Brien"), "obrien");
    }

    #[test]
    fn the_forms_of_one_name_parse_alike() {
        let a = PersonName::parse("Tanaka, Hiroshi");
        let b = PersonName::parse("Hiroshi Tanaka");
        let c = PersonName::parse("Tanaka H");
        let d = PersonName::parse("Tanaka, H.");
        assert_eq!(a, b);
        assert_eq!(c, d);
        assert!(a.compatible(&c));
        assert!(!a.compatible(&PersonName::parse("Haruki Tanaka")));
        assert!(PersonName::parse("Haruki Tanaka").compatible(&c));
        let j = PersonName::parse("田中 浩");
        assert_eq!(j.family, "田中");
        assert!(
            !j.compatible(&a),
            "a Japanese name needs another field to link it"
        );
        assert_eq!(
            PersonName::parse("Carmen de la Fuente-Arrillaga").family,
            "de la fuente arrillaga"
        );
        assert!(
            PersonName::parse("Abubakar, AA").compatible(&PersonName::parse("Abubakar, Aisha A."))
        );
        assert!(
            !PersonName::parse("Abubakar, AB").compatible(&PersonName::parse("Abubakar, Aisha A."))
        );
    }

    #[test]
    fn titles_compare_without_punctuation() {
        assert_eq!(
            title_key("Breast cancer: basics, screening."),
            title_key("BREAST CANCER - BASICS SCREENING")
        );
    }
}
