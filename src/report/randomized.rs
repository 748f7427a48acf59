//! The randomised-assignment figures in report.html, report.md and
//! summary.json: how much expected score the probability cap costs against
//! the deterministic optimum, and the largest probability any pair got, so
//! a PO can judge the price of the protection against collusion.

use std::fmt::Write as _;

use serde::Serialize;

use crate::assign::randomize::RandomStats;

/// What the report shows of a randomised solve (summary.json's
/// `randomized` object, in this key order).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RandomizedView {
    pub seed: u64,
    pub max_probability: f64,
    pub expected_score: f64,
    pub deterministic_optimum: f64,
    pub ratio: f64,
    pub largest_probability: f64,
    pub sampled_score: f64,
    pub fractional_pairs: usize,
    /// The terminal line (`RandomStats::describe`).
    #[serde(skip)]
    pub line: String,
}

fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

impl RandomizedView {
    pub fn from_stats(r: &RandomStats) -> RandomizedView {
        RandomizedView {
            seed: r.seed,
            max_probability: r6(r.max_probability),
            expected_score: r6(r.expected_score),
            deterministic_optimum: r6(r.deterministic_optimum),
            ratio: r6(r.ratio),
            largest_probability: r6(r.largest_probability),
            sampled_score: r6(r.sampled_score),
            fractional_pairs: r.fractional_pairs,
            line: r.describe(),
        }
    }

    fn rows(&self) -> [(&'static str, String); 7] {
        [
            ("Seed", self.seed.to_string()),
            (
                "Max probability per pair (Q)",
                format!("{}", self.max_probability),
            ),
            (
                "Largest probability used",
                format!("{:.3}", self.largest_probability),
            ),
            (
                "Expected total score",
                format!("{:.3}", self.expected_score),
            ),
            (
                "Deterministic optimum",
                format!("{:.3}", self.deterministic_optimum),
            ),
            ("Expected / optimum", format!("{:.2} %", 100.0 * self.ratio)),
            (
                "This draw's total score",
                format!("{:.3}", self.sampled_score),
            ),
        ]
    }
}

const ABOUT: &str = "The assignment was drawn at random: each adviser–proposal pair is assigned with the probability in probabilities.csv, never above Q (locked pairs excepted), and the distribution is the one with the highest expected total score (Jecmen et al. 2020). Every draw keeps K per proposal, loads, conflicts, locks and one adviser per institution. The same seed and inputs give the same draw.";

/// The report.html section (nothing for a deterministic run).
pub fn html(h: &mut String, v: Option<&RandomizedView>, escape: &dyn Fn(&str) -> String) {
    let Some(v) = v else {
        return;
    };
    h.push_str("<section id=\"randomized\">\n<h2>Randomised assignment</h2>\n");
    let _ = writeln!(h, "<p>{}</p>", escape(ABOUT));
    h.push_str("<table>\n<tbody>\n");
    for (k, val) in v.rows() {
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(k),
            escape(&val)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// The report.md section (nothing for a deterministic run).
pub fn markdown(m: &mut String, v: Option<&RandomizedView>) {
    let Some(v) = v else {
        return;
    };
    let _ = write!(
        m,
        "## Randomised assignment\n\n{ABOUT}\n\n| Figure | Value |\n|---|---:|\n"
    );
    for (k, val) in v.rows() {
        let _ = writeln!(m, "| {k} | {val} |");
    }
    m.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_show_the_figures_and_nothing_without_them() {
        let v = RandomizedView::from_stats(&RandomStats {
            seed: 7,
            max_probability: 0.5,
            expected_score: 12.3456789,
            deterministic_optimum: 13.0,
            ratio: 12.3456789 / 13.0,
            largest_probability: 0.5,
            sampled_score: 12.1,
            ..RandomStats::default()
        });
        let mut h = String::new();
        html(&mut h, Some(&v), &|s| s.replace('<', "&lt;"));
        assert!(
            h.contains("<tr><th>Expected total score</th><td>12.346</td></tr>"),
            "{h}"
        );
        assert!(
            h.contains("<tr><th>Expected / optimum</th><td>94.97 %</td></tr>"),
            "{h}"
        );
        let mut m = String::new();
        markdown(&mut m, Some(&v));
        assert!(m.contains("| Largest probability used | 0.500 |"), "{m}");
        let (mut h2, mut m2) = (String::new(), String::new());
        html(&mut h2, None, &|s| s.to_string());
        markdown(&mut m2, None);
        assert!(h2.is_empty() && m2.is_empty());
        let json = serde_json::to_string(&v).unwrap();
        assert!(
            json.starts_with("{\"seed\":7,\"max_probability\":0.5,\"expected_score\":12.345679,"),
            "{json}"
        );
        assert!(!json.contains("line"));
    }
}
