//! Identifiers a person can see: IDs must not hide characters, and two IDs
//! that look the same must not pass unnoticed.
//!
//! - **Invisible and bidirectional control characters** in an ID (U+200B
//!   zero-width space, U+202E right-to-left override, a BOM, a soft hyphen,
//!   C0/C1 controls, …) are errors: `R04` and `R04\u{200B}` print the same
//!   but are different keys, and a U+202E in a message reverses the
//!   terminal line. [`escape`] shows such characters as `\u{200B}`; every
//!   validation message goes through it (see `Problem`'s `Display`).
//! - **Look-alikes across scripts** (Cyrillic `Р04` beside Latin `P04` or
//!   `R04`) are warnings naming both: [`confusable_pairs`] maps each ID to
//!   two keys — a visual skeleton (the Unicode TR #39 "confusable" idea,
//!   limited to Cyrillic and Greek letters that look like Latin ones: `Р` →
//!   `P`) and a transliteration (`Р` → `R`, as the letter is read) — and
//!   reports distinct IDs that share either key.
//!
//! Pure functions on strings; the loader (`check.rs`) calls them.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is invisible or changes text direction: format characters
/// (Unicode category Cf as far as IDs are concerned), controls, and the
/// few other characters that render as nothing.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}' // C0, DEL, C1 controls
        | '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                  // combining grapheme joiner
        | '\u{061C}'                  // Arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'     // Khmer inherent vowels
        | '\u{180B}'..='\u{180F}'     // Mongolian selectors and separator
        | '\u{200B}'..='\u{200F}'     // zero-width space/joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}'     // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}'     // word joiner, invisible operators, bidi isolates
        | '\u{FE00}'..='\u{FE0F}'     // variation selectors
        | '\u{FEFF}'                  // byte-order mark / zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}'     // interlinear annotation
        | '\u{1D173}'..='\u{1D17A}'   // musical formatting
        | '\u{E0000}'..='\u{E007F}'   // tags
        | '\u{E0100}'..='\u{E01EF}'   // variation selectors supplement
    )
}

/// `s` with every [`is_hidden`] character written as `\u{XXXX}`, so a
/// message shows what is there and cannot reorder the terminal line.
pub fn escape(s: &str) -> String {
    if !s.chars().any(is_hidden) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden(c) {
            let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// An ID with hidden characters is an error; the message shows it escaped.
pub fn check(id: &str) -> Result<(), String> {
    let hidden: Vec<String> = id
        .chars()
        .filter(|&c| is_hidden(c))
        .map(|c| format!("\\u{{{:04X}}}", u32::from(c)))
        .collect();
    if hidden.is_empty() {
        return Ok(());
    }
    Err(format!(
        "ID \"{}\" contains invisible or text-direction characters ({}); IDs must be visible text: delete them (they often come from copying out of a web page or a PDF)",
        escape(id),
        hidden.join(", ")
    ))
}

/// The Latin letter a Cyrillic or Greek letter is mistaken for, if any.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic capitals and small letters that look Latin.
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        'Ѕ' => 'S',
        'І' => 'I',
        'Ј' => 'J',
        'Ԛ' => 'Q',
        'Ԝ' => 'W',
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'ѕ' => 's',
        'і' => 'i',
        'ј' => 'j',
        'ԛ' => 'q',
        'ԝ' => 'w',
        // Greek capitals and small letters that look Latin.
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        'ο' => 'o',
        'ν' => 'v',
        _ => return None,
    })
}

/// The Latin letter a Cyrillic or Greek letter is read as (ISO 9 / ELOT
/// 743 for letters with a one-letter transliteration).
fn latin_reading(c: char) -> Option<char> {
    const CYR: &str = "АБВГДЕЗИКЛМНОПРСТУФабвгдезиклмнопрстуф";
    const CYR_LAT: &str = "ABVGDEZIKLMNOPRSTUFabvgdeziklmnoprstuf";
    const GRK: &str = "ΑΒΓΔΕΖΙΚΛΜΝΟΠΡΣΤΥΦΧαβγδεζικλμνοπρστυφχ";
    const GRK_LAT: &str = "ABGDEZIKLMNOPRSTYFXabgdeziklmnoprstyfx";
    let find = |from: &str, to: &str| {
        from.chars()
            .position(|x| x == c)
            .and_then(|i| to.chars().nth(i))
    };
    find(CYR, CYR_LAT).or_else(|| find(GRK, GRK_LAT))
}

/// The skeleton of an ID: look-alike letters folded to Latin. Two IDs with
/// the same skeleton look the same to a reader.
pub fn skeleton(id: &str) -> Cow<'_, str> {
    // Only non-ASCII letters are folded: an ASCII ID is its own skeleton,
    // without an allocation (most IDs of a large call).
    if id.is_ascii() {
        return Cow::Borrowed(id);
    }
    Cow::Owned(
        id.chars()
            .map(|c| latin_lookalike(c).unwrap_or(c))
            .collect(),
    )
}

/// The ID with Cyrillic and Greek letters transliterated to Latin.
pub fn transliteration(id: &str) -> Cow<'_, str> {
    if id.is_ascii() {
        return Cow::Borrowed(id);
    }
    Cow::Owned(id.chars().map(|c| latin_reading(c).unwrap_or(c)).collect())
}

/// Pairs of distinct IDs that look or read the same (same skeleton or same
/// transliteration), each pair once as (first seen, later), in input order.
/// Linear in the number of IDs.
pub fn confusable_pairs<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<(&'a str, &'a str)> {
    let ids: Vec<&'a str> = ids.into_iter().collect();
    // Distinct ASCII IDs are their own skeletons and readings, so a pair
    // needs at least one non-ASCII ID: most calls have none.
    if ids.iter().all(|id| id.is_ascii()) {
        return Vec::new();
    }
    let mut by_look: foldhash::HashMap<Cow<'a, str>, &'a str> = Default::default();
    let mut by_reading: foldhash::HashMap<Cow<'a, str>, &'a str> = Default::default();
    let mut out = Vec::new();
    for id in ids {
        let mut pair = None;
        for (map, key) in [
            (&mut by_look, skeleton(id)),
            (&mut by_reading, transliteration(id)),
        ] {
            match map.get(&key) {
                Some(&prev) if prev != id => pair = pair.or(Some(prev)),
                Some(_) => {}
                None => {
                    map.insert(key, id);
                }
            }
        }
        if let Some(prev) = pair {
            out.push((prev, id));
        }
    }
    out
}

/// The warning text for a look-alike pair.
pub fn confusable_message(first: &str, second: &str) -> String {
    let mixed: Vec<String> = second
        .chars()
        .chain(first.chars())
        .filter(|&c| latin_lookalike(c).is_some() || latin_reading(c).is_some())
        .map(|c| format!("'{c}' U+{:04X}", u32::from(c)))
        .collect();
    format!(
        "IDs \"{}\" and \"{}\" look or read alike but are different IDs ({}: Cyrillic or Greek letters among Latin ones); check that they are meant to be two entries, and rename one so people can tell them apart",
        escape(first),
        escape(second),
        mixed.join(", ")
    )
}

/// Adds a warning for every pair of look-alike IDs within one table
/// (institutions, researchers, areas, proposals, publications).
pub(super) fn warn_lookalikes(t: &crate::model::Tables, problems: &mut Vec<super::Problem>) {
    let tables: [(&str, &str, Vec<&str>); 5] = [
        (
            "institutions.csv",
            "institution_id",
            t.institutions.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "researchers.csv",
            "researcher_id",
            t.researchers.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "areas.csv",
            "area_id",
            t.areas.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "proposals.csv",
            "proposal_id",
            t.proposals.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "publications.csv",
            "publication_id",
            t.publications.iter().map(|x| x.id.as_str()).collect(),
        ),
    ];
    for (file, field, ids) in tables {
        for (a, b) in confusable_pairs(ids) {
            problems.push(super::Problem::file_warning(
                file,
                Some(field),
                confusable_message(a, b),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_space_in_an_id_is_an_error_shown_escaped() {
        let e = check("R04\u{200B}").unwrap_err();
        assert!(e.contains("\"R04\\u{200B}\""), "{e}");
        assert!(
            !e.contains('\u{200B}'),
            "message must not hold the raw character"
        );
        let e = check("P\u{202E}01").unwrap_err();
        assert!(e.contains("\\u{202E}") && !e.contains('\u{202E}'), "{e}");
        assert!(check("R04").is_ok());
        assert!(check("研究者-01").is_ok());
        assert!(check("Р04").is_ok(), "Cyrillic letters are visible");
    }

    #[test]
    fn escape_leaves_visible_text_alone() {
        assert_eq!(escape("がん免疫 R04"), "がん免疫 R04");
        assert_eq!(escape("a\u{FEFF}b\u{2066}"), "a\\u{FEFF}b\\u{2066}");
        assert_eq!(escape("tab\there"), "tab\\u{0009}here");
    }

    #[test]
    fn cyrillic_lookalike_is_paired_with_latin_id() {
        // Cyrillic Р (U+0420) looks like P and reads as R.
        let ids = ["R04", "\u{0420}04", "R05", "R04", "P01", "\u{0420}01"];
        let pairs = confusable_pairs(ids);
        assert_eq!(pairs, vec![("R04", "\u{0420}04"), ("P01", "\u{0420}01")]);
        let pairs = confusable_pairs(["P04", "\u{0420}04"]);
        assert_eq!(pairs, vec![("P04", "\u{0420}04")]);
        let m = confusable_message(pairs[0].0, pairs[0].1);
        assert!(m.contains("\"P04\"") && m.contains("U+0420"), "{m}");
        assert!(confusable_pairs(["A01", "A02", "研究-1"]).is_empty());
    }
}
