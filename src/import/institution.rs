//! Institutions: one name for the spellings of one organisation
//! (`Univ Tokyo` ~ `The University of Tokyo`), and a sector guessed from
//! the name or the source's organisation type, marked as guessed.

use super::names::fold;
use super::ImportedAffiliation;

/// Web of Science and MEDLINE abbreviations, expanded before comparing.
const ABBREVIATIONS: [(&str, &str); 30] = [
    ("univ", "university"),
    ("universidad", "university"),
    ("universidade", "university"),
    ("universite", "university"),
    ("universitat", "university"),
    ("universita", "university"),
    ("inst", "institute"),
    ("natl", "national"),
    ("hosp", "hospital"),
    ("ctr", "center"),
    ("centre", "center"),
    ("hlth", "health"),
    ("res", "research"),
    ("sci", "science"),
    ("sciences", "science"),
    ("technol", "technology"),
    ("coll", "college"),
    ("sch", "school"),
    ("med", "medical"),
    ("minist", "ministry"),
    ("fdn", "foundation"),
    ("assoc", "association"),
    ("dept", "department"),
    ("int", "international"),
    ("lab", "laboratory"),
    ("labs", "laboratory"),
    ("publ", "public"),
    ("corp", "corporation"),
    ("co", "company"),
    ("ltd", "limited"),
];

const DROPPED: [&str; 6] = ["the", "of", "and", "for", "at", "in"];

/// The key two spellings of one organisation share: folded, abbreviations
/// expanded, articles and prepositions dropped.
pub fn key(name: &str) -> String {
    let f = fold(&name.replace('&', " and "));
    let mut out: Vec<&str> = Vec::new();
    for t in f.split(' ') {
        if t.is_empty() || DROPPED.contains(&t) {
            continue;
        }
        let t = ABBREVIATIONS
            .iter()
            .find(|(a, _)| *a == t)
            .map_or(t, |(_, b)| b);
        out.push(t);
    }
    out.join(" ")
}

/// A sector and how it was decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectorGuess {
    pub sector: &'static str,
    /// `guessed from type education`, `guessed from name`, `guessed (default)`.
    pub how: String,
}

/// The sector of an organisation from the source's type (OpenAlex/ROR
/// types) when there is one, else from words in its name; academia when
/// nothing says otherwise. Always marked as guessed.
pub fn guess_sector(name: &str, kind: Option<&str>) -> SectorGuess {
    if let Some(k) = kind {
        let s = match k.trim().to_ascii_lowercase().as_str() {
            "education" => Some("academia"),
            "company" => Some("industry"),
            "government" | "facility" => Some("government"),
            "healthcare" => Some("hospital"),
            "nonprofit" | "archive" => Some("nonprofit"),
            _ => None,
        };
        if let Some(sector) = s {
            return SectorGuess {
                sector,
                how: format!("guessed from type {k}"),
            };
        }
    }
    let k = key(name);
    let has = |w: &[&str]| k.split(' ').any(|t| w.contains(&t));
    let raw = name.to_lowercase();
    let sector = if has(&["university", "college", "school", "universitair", "daigaku"])
        || raw.contains("大学")
    {
        Some("academia")
    } else if has(&[
        "inc",
        "limited",
        "company",
        "corporation",
        "gmbh",
        "ag",
        "kk",
        "plc",
        "llc",
        "pharma",
        "pharmaceutical",
        "pharmaceuticals",
        "sa",
    ]) || raw.contains("株式会社")
        || raw.contains("製薬")
    {
        Some("industry")
    } else if has(&["hospital", "clinic", "hospitals"]) || raw.contains("病院") {
        Some("hospital")
    } else if has(&[
        "ministry",
        "national",
        "government",
        "agency",
        "federal",
        "cdc",
        "bureau",
        "council",
    ]) || raw.contains("国立")
        || raw.contains("省")
    {
        Some("government")
    } else if has(&[
        "foundation",
        "trust",
        "association",
        "society",
        "charity",
        "ngo",
    ]) || raw.contains("財団")
    {
        Some("nonprofit")
    } else {
        None
    };
    match sector {
        Some(sector) => SectorGuess {
            sector,
            how: "guessed from name".into(),
        },
        None => SectorGuess {
            sector: "academia",
            how: "guessed (default)".into(),
        },
    }
}

/// Words that mark the organisation segment of a free-form address.
const ORG_WORDS: [&str; 14] = [
    "university",
    "institute",
    "hospital",
    "college",
    "center",
    "school",
    "laboratory",
    "foundation",
    "ministry",
    "company",
    "corporation",
    "agency",
    "clinic",
    "council",
];
const DEPT_WORDS: [&str; 8] = [
    "department",
    "division",
    "faculty",
    "unit",
    "section",
    "graduate",
    "program",
    "laboratory",
];

/// A free-form address (MEDLINE `AD`, Scopus affiliations, ORCID):
/// `Department of Medicine, The University of Tokyo, Tokyo, Japan. a@b.jp`
/// → institution `The University of Tokyo`, department, country `Japan`.
pub fn parse_free_address(s: &str) -> ImportedAffiliation {
    let s = s.trim();
    // Drop an e-mail address and what follows it.
    let s = match s.find('@') {
        Some(at) => {
            let start = s[..at].rfind([' ', ',', ';']).map_or(0, |i| i + 1);
            &s[..start]
        }
        None => s,
    };
    let s = s.trim().trim_end_matches(['.', ',', ';', ' ']);
    let s = s.strip_prefix("Electronic address:").unwrap_or(s).trim();
    let segs: Vec<&str> = s
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect();
    if segs.is_empty() {
        return ImportedAffiliation::default();
    }
    let words = |x: &str| -> Vec<String> { key(x).split(' ').map(String::from).collect() };
    let org = segs
        .iter()
        .position(|x| {
            let w = words(x);
            ORG_WORDS.iter().any(|o| w.iter().any(|t| t == o))
                && !DEPT_WORDS.iter().any(|d| w.first().is_some_and(|t| t == d))
        })
        .or_else(|| {
            segs.iter()
                .position(|x| x.contains("大学") || x.contains("病院") || x.contains("研究所"))
        })
        .unwrap_or(0);
    let dept: Vec<&str> = segs[..org].to_vec();
    let country = (segs.len() > org + 1).then(|| {
        let last = segs[segs.len() - 1];
        last.split_whitespace()
            .last()
            .unwrap_or(last)
            .trim_end_matches('.')
            .to_string()
    });
    ImportedAffiliation {
        name: segs[org].to_string(),
        department: (!dept.is_empty()).then(|| dept.join(", ")),
        country: country
            .filter(|c| c.chars().all(|ch| ch.is_alphabetic() || ch == ' ') && !c.is_empty()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_institution_share_a_key() {
        assert_eq!(key("Univ Tokyo"), key("The University of Tokyo"));
        assert_eq!(
            key("Natl Inst Hlth"),
            key("National Institutes of Health").replace("institutes", "institute")
        );
        assert_ne!(key("Univ Tokyo"), key("Univ Kyoto"));
    }

    #[test]
    fn sectors_are_guessed_and_marked() {
        assert_eq!(guess_sector("Univ Tokyo", None).sector, "academia");
        assert_eq!(
            guess_sector("Takeda Pharmaceutical Co Ltd", None).sector,
            "industry"
        );
        assert_eq!(guess_sector("Kyoto City Hospital", None).sector, "hospital");
        assert_eq!(
            guess_sector("Ministry of Health", None).sector,
            "government"
        );
        assert_eq!(guess_sector("Wellcome Trust", None).sector, "nonprofit");
        let g = guess_sector("Acme", Some("company"));
        assert_eq!(
            (g.sector, g.how.as_str()),
            ("industry", "guessed from type company")
        );
        assert_eq!(guess_sector("NFELTP", None).how, "guessed (default)");
    }

    #[test]
    fn free_addresses_give_organisation_department_country() {
        let a = parse_free_address(
            "Department of Medicine, The University of Tokyo, Tokyo, Japan. tanaka@u-tokyo.ac.jp.",
        );
        assert_eq!(a.name, "The University of Tokyo");
        assert_eq!(a.department.as_deref(), Some("Department of Medicine"));
        assert_eq!(a.country.as_deref(), Some("Japan"));
    }
}
