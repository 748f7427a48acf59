//! Which researcher an author is: by ORCID iD, then e-Rad researcher
//! number, then normalised name plus affiliation. Every match carries its
//! method and a confidence; an author who could be more than one
//! researcher is never merged: the caller lists it for a person to decide
//! (`import/matches.csv`, read back with `--resolve`).

use foldhash::{HashMap, HashSet};

use super::names::PersonName;

/// How an author was matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Orcid,
    Erad,
    /// Compatible name and a shared institution.
    NameAffiliation,
    /// A person's decision in `--resolve matches.csv`.
    Resolved,
    /// Added as a new researcher (`--add-unmatched` or `new` in matches.csv).
    New,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Orcid => "orcid",
            Method::Erad => "erad",
            Method::NameAffiliation => "name+affiliation",
            Method::Resolved => "resolved",
            Method::New => "new",
        }
    }
}

/// Confidence of a name match whose full given names agree.
pub const FULL_NAME_CONFIDENCE: f64 = 0.9;
/// Confidence of a name match on initials (`Tanaka H` ~ `Tanaka Hiroshi`).
pub const INITIALS_CONFIDENCE: f64 = 0.7;

/// One researcher as the matcher knows them.
#[derive(Clone, Debug, Default)]
pub struct Person {
    pub id: String,
    /// Every spelling seen (researchers.csv name and names matched to it).
    pub names: Vec<PersonName>,
    /// Current institution and every institution in the affiliation history.
    pub institutions: Vec<String>,
    pub orcids: Vec<String>,
    pub erad: Option<String>,
}

/// Index into [`People::persons`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonIx(pub usize);

/// What the matcher decided for one author.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Matched {
        person: PersonIx,
        method: Method,
        confidence: f64,
    },
    /// More than one researcher fits, or nothing tells them apart.
    Ambiguous {
        candidates: Vec<PersonIx>,
        reason: String,
    },
    /// No researcher fits; `near` have the name but other institutions.
    Unmatched { near: Vec<PersonIx> },
}

/// An author to match: names, identifiers, and the IDs of the known
/// institutions among its affiliations.
pub struct Query<'a> {
    pub names: Vec<PersonName>,
    pub orcids: &'a [String],
    pub erad: Option<&'a str>,
    pub institutions: &'a [String],
    /// The author gave affiliations, known or not.
    pub has_affiliation: bool,
    /// `institutions` is the placeholder of authors without affiliation:
    /// a match on it is a match on the name alone.
    pub placeholder: bool,
}

/// Confidence of a match of two authors who both gave no affiliation.
pub const NAME_ONLY_CONFIDENCE: f64 = 0.5;

#[derive(Default)]
pub struct People {
    pub persons: Vec<Person>,
    by_orcid: HashMap<String, PersonIx>,
    by_erad: HashMap<String, PersonIx>,
    by_key: HashMap<String, Vec<PersonIx>>,
    ids: HashMap<String, PersonIx>,
}

impl People {
    pub fn add(&mut self, p: Person) -> PersonIx {
        let ix = PersonIx(self.persons.len());
        self.ids.entry(p.id.clone()).or_insert(ix);
        self.persons.push(Person {
            id: p.id,
            ..Default::default()
        });
        for n in p.names {
            self.add_name(ix, n);
        }
        for o in p.orcids {
            self.add_orcid(ix, o);
        }
        if let Some(e) = p.erad {
            self.set_erad(ix, e);
        }
        for i in p.institutions {
            self.add_institution(ix, i);
        }
        ix
    }

    pub fn get(&self, ix: PersonIx) -> &Person {
        &self.persons[ix.0]
    }

    pub fn add_name(&mut self, ix: PersonIx, n: PersonName) {
        if n.family.is_empty() || self.persons[ix.0].names.contains(&n) {
            return;
        }
        let list = self.by_key.entry(n.key()).or_default();
        if !list.contains(&ix) {
            list.push(ix);
        }
        self.persons[ix.0].names.push(n);
    }

    pub fn add_orcid(&mut self, ix: PersonIx, o: String) {
        self.by_orcid.entry(o.clone()).or_insert(ix);
        if !self.persons[ix.0].orcids.contains(&o) {
            self.persons[ix.0].orcids.push(o);
        }
    }

    pub fn set_erad(&mut self, ix: PersonIx, e: String) {
        self.by_erad.entry(e.clone()).or_insert(ix);
        self.persons[ix.0].erad.get_or_insert(e);
    }

    pub fn add_institution(&mut self, ix: PersonIx, i: String) {
        if !self.persons[ix.0].institutions.contains(&i) {
            self.persons[ix.0].institutions.push(i);
        }
    }

    pub fn by_orcid(&self, o: &str) -> Option<PersonIx> {
        self.by_orcid.get(o).copied()
    }

    pub fn by_id(&self, id: &str) -> Option<PersonIx> {
        self.ids.get(id).copied()
    }

    /// Matches `q`; persons in `taken` (already an author of the same
    /// record) are not candidates for a name match.
    pub fn find(&self, q: &Query, taken: &HashSet<PersonIx>) -> Outcome {
        let mut by_id: Vec<PersonIx> = q.orcids.iter().filter_map(|o| self.by_orcid(o)).collect();
        by_id.sort();
        by_id.dedup();
        match by_id.as_slice() {
            [one] => {
                return Outcome::Matched {
                    person: *one,
                    method: Method::Orcid,
                    confidence: 1.0,
                }
            }
            [_, _, ..] => {
                return Outcome::Ambiguous {
                    candidates: by_id.clone(),
                    reason: "its ORCID iDs belong to different researchers".into(),
                }
            }
            [] => {}
        }
        if let Some(p) = q.erad.and_then(|e| self.by_erad.get(e)) {
            return Outcome::Matched {
                person: *p,
                method: Method::Erad,
                confidence: 1.0,
            };
        }
        let mut cands: Vec<PersonIx> = Vec::new();
        for n in &q.names {
            for &ix in self.by_key.get(&n.key()).into_iter().flatten() {
                if cands.contains(&ix) || taken.contains(&ix) {
                    continue;
                }
                let p = &self.persons[ix.0];
                // Different ORCID iDs (or e-Rad numbers) on both sides: two people.
                if !q.orcids.is_empty() && !p.orcids.is_empty() {
                    continue;
                }
                if q.erad.is_some() && p.erad.is_some() {
                    continue;
                }
                if p.names.iter().any(|m| m.compatible(n))
                    && !p.names.iter().any(|m| conflicting(m, n))
                {
                    cands.push(ix);
                }
            }
        }
        if cands.is_empty() {
            return Outcome::Unmatched { near: Vec::new() };
        }
        let here: Vec<PersonIx> = cands
            .iter()
            .copied()
            .filter(|ix| {
                self.persons[ix.0]
                    .institutions
                    .iter()
                    .any(|i| q.institutions.contains(i))
            })
            .collect();
        // Several at the institution, one of them with the same full name.
        let full: Vec<PersonIx> = here
            .iter()
            .copied()
            .filter(|ix| {
                q.names
                    .iter()
                    .any(|n| self.persons[ix.0].names.iter().any(|m| m.same_full(n)))
            })
            .collect();
        let here = if here.len() > 1 && full.len() == 1 {
            full
        } else {
            here
        };
        match here.as_slice() {
            [_] if q.placeholder => Outcome::Matched {
                person: here[0],
                method: Method::NameAffiliation,
                confidence: NAME_ONLY_CONFIDENCE,
            },
            [one] => {
                let p = &self.persons[one.0];
                let full = q
                    .names
                    .iter()
                    .any(|n| p.names.iter().any(|m| m.same_full(n)));
                Outcome::Matched {
                    person: *one,
                    method: Method::NameAffiliation,
                    confidence: if full {
                        FULL_NAME_CONFIDENCE
                    } else {
                        INITIALS_CONFIDENCE
                    },
                }
            }
            [_, _, ..] => Outcome::Ambiguous {
                candidates: here,
                reason: "more than one researcher of this name at the same institution".into(),
            },
            [] if !q.has_affiliation => Outcome::Ambiguous {
                candidates: cands,
                reason: "the record gives no affiliation to tell researchers of this name apart"
                    .into(),
            },
            [] => Outcome::Unmatched { near: cands },
        }
    }
}

/// Two spellings that cannot be one person even though each is compatible
/// with a third (`Wang Yan` and `Wang Yu` both fit `Wang Y`).
fn conflicting(a: &PersonName, b: &PersonName) -> bool {
    !a.compatible(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use foldhash::HashSetExt;

    fn person(id: &str, name: &str, inst: &str, orcid: Option<&str>) -> Person {
        Person {
            id: id.into(),
            names: vec![PersonName::parse(name)],
            institutions: vec![inst.into()],
            orcids: orcid.into_iter().map(String::from).collect(),
            erad: None,
        }
    }

    fn q<'a>(name: &str, orcids: &'a [String], inst: &'a [String]) -> Query<'a> {
        Query {
            names: vec![PersonName::parse(name)],
            orcids,
            erad: None,
            institutions: inst,
            has_affiliation: !inst.is_empty(),
            placeholder: false,
        }
    }

    #[test]
    fn orcid_beats_name() {
        let mut p = People::default();
        p.add(person("R1", "Tanaka, Hiroshi", "I1", None));
        let r2 = p.add(person(
            "R2",
            "Suzuki, Ken",
            "I2",
            Some("0000-0002-1825-0097"),
        ));
        let orcid = ["0000-0002-1825-0097".to_string()];
        let inst = ["I1".to_string()];
        let out = p.find(&q("Tanaka, Hiroshi", &orcid, &inst), &HashSet::new());
        assert_eq!(
            out,
            Outcome::Matched {
                person: r2,
                method: Method::Orcid,
                confidence: 1.0
            }
        );
    }

    #[test]
    fn two_tanaka_h_at_different_institutions_stay_apart() {
        let mut p = People::default();
        let a = p.add(person("R1", "Tanaka, Hiroshi", "I1", None));
        let b = p.add(person("R2", "Tanaka, Haruki", "I2", None));
        let none: [String; 0] = [];
        let i1 = ["I1".to_string()];
        let i2 = ["I2".to_string()];
        let i3 = ["I3".to_string()];
        let m = |o: &Outcome| match o {
            Outcome::Matched { person, .. } => Some(*person),
            _ => None,
        };
        assert_eq!(
            m(&p.find(&q("Tanaka H", &none, &i1), &HashSet::new())),
            Some(a)
        );
        assert_eq!(
            m(&p.find(&q("Tanaka H", &none, &i2), &HashSet::new())),
            Some(b)
        );
        assert_eq!(
            p.find(&q("Tanaka H", &none, &i3), &HashSet::new()),
            Outcome::Unmatched { near: vec![a, b] }
        );
        assert!(matches!(
            p.find(&q("Tanaka H", &none, &[]), &HashSet::new()),
            Outcome::Ambiguous { .. }
        ));
        // Two at the same institution: ambiguous, never merged.
        p.add(person("R3", "Tanaka, Hideo", "I1", None));
        assert!(matches!(
            p.find(&q("Tanaka H", &none, &i1), &HashSet::new()),
            Outcome::Ambiguous { .. }
        ));
        // The full name still tells them apart.
        assert_eq!(
            m(&p.find(&q("Tanaka, Hiroshi", &none, &i1), &HashSet::new())),
            Some(a)
        );
    }

    #[test]
    fn japanese_name_needs_another_field() {
        let mut p = People::default();
        let mut r = person("R1", "Hiroshi Tanaka", "I1", None);
        r.erad = Some("12345678".into());
        let ix = p.add(r);
        let none: [String; 0] = [];
        let i1 = ["I1".to_string()];
        assert!(matches!(
            p.find(&q("田中 浩", &none, &i1), &HashSet::new()),
            Outcome::Unmatched { .. }
        ));
        let mut query = q("田中 浩", &none, &i1);
        query.erad = Some("12345678");
        assert!(matches!(
            p.find(&query, &HashSet::new()),
            Outcome::Matched { person, method: Method::Erad, .. } if person == ix
        ));
    }
}
