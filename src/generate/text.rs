//! Titles, abstracts and keyword lists built from topic terms.
//!
//! Takes a topic mix (`(topic, weight)`) and the topics' terms; appends text
//! to caller-owned `String` buffers so the publication loop reuses its
//! allocations. Each term is drawn by first drawing a topic by weight, so a
//! text mirrors its author's or proposal's true topic mix — which is what
//! lets the scoring stages recover that truth.

use std::fmt::Write as _;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::vocab;
use super::world::Topic;

/// `s` with its first character lower-cased.
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Appends `s`, capitalising the first letter when the first word is plain
/// lower case ("tau" -> "Tau", but "mRNA vaccine" and "iPS cells" stay).
pub fn push_cap(out: &mut String, s: &str) {
    let first_word = s.split(' ').next().unwrap_or("");
    let plain = first_word.chars().all(|c| !c.is_uppercase());
    match s.chars().next() {
        Some(f) if plain && f.is_ascii_lowercase() => {
            out.push(f.to_ascii_uppercase());
            out.push_str(&s[1..]);
        }
        _ => out.push_str(s),
    }
}

fn pick_topic<'t>(rng: &mut ChaCha8Rng, topics: &'t [Topic], mix: &[(usize, f64)]) -> &'t Topic {
    let mut x = rng.random::<f64>();
    for &(t, w) in mix {
        if x < w {
            return &topics[t];
        }
        x -= w;
    }
    // Rounding left x just above the last weight: take the last topic.
    &topics[mix[mix.len() - 1].0]
}

/// A subject term (disease, organ, cell, target) drawn through the mix,
/// different from `avoid` when a few tries allow.
fn subject(
    rng: &mut ChaCha8Rng,
    topics: &[Topic],
    mix: &[(usize, f64)],
    avoid: &[&str],
) -> &'static str {
    let mut s = "";
    for _ in 0..6 {
        let t = pick_topic(rng, topics, mix);
        let pool = if t.subjects.is_empty() {
            &t.methods
        } else {
            &t.subjects
        };
        s = pool[rng.random_range(0..pool.len())];
        if !avoid.contains(&s) {
            break;
        }
    }
    s
}

/// A method term drawn through the mix.
fn method(
    rng: &mut ChaCha8Rng,
    topics: &[Topic],
    mix: &[(usize, f64)],
    avoid: &[&str],
) -> &'static str {
    let mut s = "";
    for _ in 0..6 {
        let t = pick_topic(rng, topics, mix);
        let pool = if t.methods.is_empty() {
            &t.subjects
        } else {
            &t.methods
        };
        s = pool[rng.random_range(0..pool.len())];
        if !avoid.contains(&s) {
            break;
        }
    }
    s
}

/// Fills `out` with up to `k` distinct terms (subjects or methods) drawn
/// through the mix.
pub fn distinct_terms(
    rng: &mut ChaCha8Rng,
    topics: &[Topic],
    mix: &[(usize, f64)],
    k: usize,
    out: &mut Vec<&'static str>,
) {
    out.clear();
    for _ in 0..k * 4 {
        if out.len() == k {
            break;
        }
        let t = pick_topic(rng, topics, mix);
        let n = t.subjects.len() + t.methods.len();
        let i = rng.random_range(0..n);
        let term = if i < t.subjects.len() {
            t.subjects[i]
        } else {
            t.methods[i - t.subjects.len()]
        };
        if !out.contains(&term) {
            out.push(term);
        }
    }
}

/// Appends `terms` joined by `;`.
pub fn join_into(terms: &[&str], out: &mut String) {
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(t);
    }
}

/// An English publication title.
pub fn pub_title(rng: &mut ChaCha8Rng, topics: &[Topic], mix: &[(usize, f64)], out: &mut String) {
    let s1 = subject(rng, topics, mix, &[]);
    let s2 = subject(rng, topics, mix, &[s1]);
    let m1 = method(rng, topics, mix, &[]);
    let m2 = method(rng, topics, mix, &[m1]);
    // `write!` into a String cannot fail.
    let _ = match rng.random_range(0..10) {
        0 => {
            push_cap(out, m1);
            write!(out, " of {s1} in {s2}")
        }
        1 => {
            push_cap(out, s1);
            write!(out, " drives {s2}: evidence from {m1}")
        }
        2 => write!(out, "Targeting {s1} in {s2}"),
        3 => write!(out, "Role of {s1} in {s2}"),
        4 => {
            push_cap(out, m1);
            write!(out, " reveals heterogeneity of {s1} in {s2}")
        }
        5 => write!(out, "Integrating {m1} and {m2} to characterise {s1}"),
        6 => write!(out, "Towards clinical translation of {m1} for {s1}"),
        7 => write!(out, "Mechanisms linking {s1} to {s2}"),
        8 => {
            push_cap(out, s1);
            write!(out, " as a biomarker of {s2} identified by {m1}")
        }
        _ => write!(out, "Longitudinal analysis of {s1} using {m1}"),
    };
}

/// An English publication abstract (four sentences).
pub fn pub_abstract(
    rng: &mut ChaCha8Rng,
    topics: &[Topic],
    mix: &[(usize, f64)],
    out: &mut String,
) {
    let s1 = subject(rng, topics, mix, &[]);
    let s2 = subject(rng, topics, mix, &[s1]);
    let s3 = subject(rng, topics, mix, &[s1, s2]);
    let m1 = method(rng, topics, mix, &[]);
    let m2 = method(rng, topics, mix, &[m1]);
    push_cap(out, s1);
    let _ = write!(
        out,
        " plays a central role in {s2}, but its mechanisms remain poorly understood. "
    );
    let _ = if rng.random_bool(0.5) {
        write!(
            out,
            "Here we applied {m1} to samples from patients and matched controls. "
        )
    } else {
        write!(
            out,
            "Here we combined {m1} with {m2} to study {s1} in {s2}. "
        )
    };
    let _ = if rng.random_bool(0.5) {
        write!(
            out,
            "We identified distinct states of {s3} associated with disease progression. "
        )
    } else {
        push_cap(out, m2);
        write!(out, " analysis revealed that {s1} is regulated by {s3}. ")
    };
    let _ = if rng.random_bool(0.5) {
        write!(
            out,
            "These findings suggest that targeting {s1} may improve outcomes in {s2}."
        )
    } else {
        write!(
            out,
            "Our data provide a resource for future studies of {s1} and {s3}."
        )
    };
}

/// A Japanese publication title, e.g. `がんにおける深層学習の解析`.
pub fn pub_title_ja(rng: &mut ChaCha8Rng, ja: &[&str], out: &mut String) {
    let j1 = ja[rng.random_range(0..ja.len())];
    let mut j2 = ja[rng.random_range(0..ja.len())];
    if j2 == j1 {
        j2 = ja[(ja.iter().position(|&x| x == j1).unwrap_or(0) + 1) % ja.len()];
    }
    let m = vocab::METHODS_JA[rng.random_range(0..vocab::METHODS_JA.len())];
    let _ = match rng.random_range(0..4) {
        0 => write!(out, "{j1}における{m}の解析"),
        1 => write!(out, "{m}を用いた{j1}の病態解明"),
        2 => write!(out, "{j1}に対する新規治療法の開発：{m}によるアプローチ"),
        _ => write!(out, "{j1}と{j2}の関連に関する{m}研究"),
    };
}

/// A short Japanese abstract.
pub fn pub_abstract_ja(rng: &mut ChaCha8Rng, ja: &[&str], out: &mut String) {
    let j1 = ja[rng.random_range(0..ja.len())];
    let j2 = ja[rng.random_range(0..ja.len())];
    let m = vocab::METHODS_JA[rng.random_range(0..vocab::METHODS_JA.len())];
    let _ = write!(
        out,
        "本研究では{m}を用いて{j1}の分子機構を解析した。その結果、{j2}との関連が明らかになった。"
    );
}

/// A proposal title.
pub fn proposal_title(
    rng: &mut ChaCha8Rng,
    topics: &[Topic],
    mix: &[(usize, f64)],
    out: &mut String,
) {
    let s1 = subject(rng, topics, mix, &[]);
    let s2 = subject(rng, topics, mix, &[s1]);
    let m1 = method(rng, topics, mix, &[]);
    let m2 = method(rng, topics, mix, &[m1]);
    let _ = match rng.random_range(0..6) {
        0 => write!(
            out,
            "Development of {m1}-based strategies targeting {s1} in {s2}"
        ),
        1 => write!(out, "Elucidating {s1} in {s2} by integrating {m1} and {m2}"),
        2 => write!(out, "Toward clinical application of {m1} for {s1}"),
        3 => write!(out, "Understanding and controlling {s1} to prevent {s2}"),
        4 => write!(out, "Early detection of {s2} through {m1} of {s1}"),
        _ => write!(out, "A translational platform for {s1} based on {m1}"),
    };
}

/// A proposal abstract (five sentences).
pub fn proposal_abstract(
    rng: &mut ChaCha8Rng,
    topics: &[Topic],
    mix: &[(usize, f64)],
    out: &mut String,
) {
    let s1 = subject(rng, topics, mix, &[]);
    let s2 = subject(rng, topics, mix, &[s1]);
    let s3 = subject(rng, topics, mix, &[s1, s2]);
    let m1 = method(rng, topics, mix, &[]);
    let m2 = method(rng, topics, mix, &[m1]);
    let m3 = method(rng, topics, mix, &[m1, m2]);
    push_cap(out, s1);
    let _ = write!(
        out,
        " is a major unmet medical need in {s2}. In this project we will establish {m1} and {m2} approaches to dissect {s1}. \
         Aim 1 characterises {s3} with {m3}; Aim 2 validates candidate targets in patient cohorts. \
         The team combines clinical samples with industrial partners to accelerate translation. \
         Expected outcomes include new biomarkers and therapeutic candidates for {s2}."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_cap_keeps_mixed_case_words() {
        let mut s = String::new();
        push_cap(&mut s, "tau aggregation");
        s.push('|');
        push_cap(&mut s, "mRNA vaccine");
        s.push('|');
        push_cap(&mut s, "iPS cells");
        s.push('|');
        push_cap(&mut s, "3D bioprinting");
        assert_eq!(s, "Tau aggregation|mRNA vaccine|iPS cells|3D bioprinting");
        assert_eq!(lower_first("Neurodegeneration"), "neurodegeneration");
    }

    #[test]
    fn terms_come_from_the_mix() {
        use rand::SeedableRng;
        let topics = vec![
            Topic {
                area: 0,
                subjects: vec!["a1", "a2"],
                methods: vec!["am"],
            },
            Topic {
                area: 0,
                subjects: vec!["b1", "b2"],
                methods: vec!["bm"],
            },
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut out = Vec::new();
        // All weight on topic 1: only its terms may appear.
        distinct_terms(&mut rng, &topics, &[(1, 1.0)], 3, &mut out);
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|t| t.starts_with('b')), "{out:?}");
        let mut joined = String::new();
        join_into(&["x", "y"], &mut joined);
        assert_eq!(joined, "x;y");
    }
}
