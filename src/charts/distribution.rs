//! Distribution charts: scores of pairs, adviser loads, node degrees and
//! the expertise each proposal received.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    de, fmt_num, no_data, render, Chart, ChartError, Draw, Sty, BLUE_MAIN, GRID, ORANGE, REF_RED,
};

/// Number of equal-width bins over the score range [0, 1].
const SCORE_BINS: usize = 20;

/// Shares of `values` in [`SCORE_BINS`] bins over [0, 1]. Non-finite values
/// are skipped; values outside [0, 1] fall into the end bins. Returns the
/// shares (summing to 1 when any value counted) and the count used.
fn score_shares(values: &[f64]) -> (Vec<f64>, usize) {
    let mut counts = [0usize; SCORE_BINS];
    let mut n = 0;
    for &v in values.iter().filter(|v| v.is_finite()) {
        let b = ((v.clamp(0.0, 1.0) * SCORE_BINS as f64) as usize).min(SCORE_BINS - 1);
        counts[b] += 1;
        n += 1;
    }
    let shares = counts
        .iter()
        .map(|&c| if n == 0 { 0.0 } else { c as f64 / n as f64 })
        .collect();
    (shares, n)
}

struct ScoreDist<'a> {
    assigned: &'a [f64],
    eligible: &'a [f64],
}

/// Histogram of pair scores: the share of all eligible (non-conflicted)
/// adviser–proposal pairs in each score bin next to the share of the
/// assigned pairs, so a planner sees whether the assignment picked from the
/// top of what was available. Scores are the combined affinity in [0, 1]
/// (0 = no overlap, 1 = best possible); 20 bins of width 0.05. Both series
/// are normalised to shares so that they are comparable although there are
/// far more eligible than assigned pairs. File stem: `score_distribution`.
pub fn score_distribution(
    title: &str,
    assigned: &[f64],
    eligible: &[f64],
) -> Result<Chart, ChartError> {
    render(
        "score_distribution",
        title,
        &ScoreDist { assigned, eligible },
    )
}

impl Draw for ScoreDist<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        let (sa, na) = score_shares(self.assigned);
        let (se, ne) = score_shares(self.eligible);
        if na == 0 && ne == 0 {
            return no_data(area, st, "no scored pairs");
        }
        let top = sa.iter().chain(&se).cloned().fold(0.0, f64::max);
        // Head room for the legend in the upper left.
        let ymax = (top * 1.35).max(0.05);
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(st.upx(60.0))
            .y_label_area_size(st.upx(80.0))
            .build_cartesian_2d(0f64..1f64, 0f64..ymax)
            .map_err(de)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_labels(11)
            .y_labels(6)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .x_desc("score (0 = no overlap, 1 = best match)")
            .y_desc("share of pairs")
            .axis_desc_style(st.axis())
            .label_style(st.label())
            .draw()
            .map_err(de)?;
        let w = 1.0 / SCORE_BINS as f64;
        let gap = w * 0.08;
        let bars = |shares: &[f64], left: bool| -> Vec<Rectangle<(f64, f64)>> {
            shares
                .iter()
                .enumerate()
                .filter(|(_, &s)| s > 0.0)
                .map(|(i, &s)| {
                    let x0 = i as f64 * w + if left { gap } else { w / 2.0 };
                    let x1 = i as f64 * w + if left { w / 2.0 } else { w - gap };
                    let c = if left {
                        BLUE_MAIN.mix(0.55)
                    } else {
                        ORANGE.mix(0.95)
                    };
                    Rectangle::new([(x0, 0.0), (x1, s)], c.filled())
                })
                .collect()
        };
        let sq = st.px(7.0);
        chart
            .draw_series(bars(&se, true))
            .map_err(de)?
            .label(format!("all eligible pairs (n = {ne})"))
            .legend(move |(x, y)| {
                Rectangle::new(
                    [(x, y - sq), (x + 2 * sq, y + sq)],
                    BLUE_MAIN.mix(0.55).filled(),
                )
            });
        chart
            .draw_series(bars(&sa, false))
            .map_err(de)?
            .label(format!("assigned pairs (n = {na})"))
            .legend(move |(x, y)| {
                Rectangle::new(
                    [(x, y - sq), (x + 2 * sq, y + sq)],
                    ORANGE.mix(0.95).filled(),
                )
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(st.label())
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .margin(st.upx(10.0))
            .draw()
            .map_err(de)?;
        Ok(())
    }
}

struct AdviserLoad<'a> {
    loads: &'a [usize],
    max_load: Option<usize>,
}

/// Histogram of adviser loads: how many advisers were assigned 0, 1, 2, …
/// proposals, with a dashed line just right of `max_load` (the default cap
/// on proposals per adviser; bars right of it would be over the cap) and
/// the count on top of each bar. `loads` holds one entry per adviser.
/// File stem: `adviser_load`.
pub fn adviser_load(
    title: &str,
    loads: &[usize],
    max_load: Option<usize>,
) -> Result<Chart, ChartError> {
    render("adviser_load", title, &AdviserLoad { loads, max_load })
}

impl Draw for AdviserLoad<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        if self.loads.is_empty() {
            return no_data(area, st, "no advisers");
        }
        // Sized by the data: the axis reaches the cap only when the cap is
        // near the loads (a cap of 4294967295 once allocated 34 GB here);
        // a far cap is named in the label instead of drawn.
        let data_top = self.loads.iter().copied().max().unwrap_or(0);
        let cap_shown = self
            .max_load
            .filter(|&m| m <= data_top.saturating_mul(2).max(data_top.saturating_add(10)));
        let top = data_top.max(cap_shown.unwrap_or(0));
        let mut counts = vec![0usize; top + 1];
        for &l in self.loads {
            counts[l] += 1;
        }
        let cmax = counts.iter().copied().max().unwrap_or(0);
        let ymax = (cmax as f64 * 1.2).max(1.0);
        let xmax = top as f64 + 0.5;
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(st.upx(60.0))
            .y_label_area_size(st.upx(70.0))
            .build_cartesian_2d(-0.5f64..xmax, 0f64..ymax)
            .map_err(de)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_labels((top + 2).min(22))
            .y_labels(8)
            .x_label_formatter(&|v| int_label(*v))
            .y_label_formatter(&|v| int_label(*v))
            .x_desc("proposals assigned to the adviser (load)")
            .y_desc("advisers")
            .axis_desc_style(st.axis())
            .label_style(st.label())
            .draw()
            .map_err(de)?;
        let half = if top > 40 { 0.5 } else { 0.38 };
        chart
            .draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, &c)| c > 0)
                    .map(|(k, &c)| {
                        let k = k as f64;
                        Rectangle::new([(k - half, 0.0), (k + half, c as f64)], BLUE_MAIN.filled())
                    }),
            )
            .map_err(de)?;
        if top <= 30 {
            let style = st.label().pos(Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(
                    counts
                        .iter()
                        .enumerate()
                        .filter(|(_, &c)| c > 0)
                        .map(|(k, &c)| {
                            Text::new(
                                c.to_string(),
                                (k as f64, c as f64 + ymax * 0.01),
                                style.clone(),
                            )
                        }),
                )
                .map_err(de)?;
        }
        if let Some(m) = self.max_load.filter(|_| cap_shown.is_none()) {
            let style = st
                .label()
                .color(&REF_RED)
                .pos(Pos::new(HPos::Right, VPos::Top));
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("max load = {m} (off the chart)"),
                    (xmax, ymax * 0.98),
                    style,
                )))
                .map_err(de)?;
        }
        if let Some(m) = cap_shown {
            let x = m as f64 + 0.5;
            chart
                .draw_series(DashedLineSeries::new(
                    [(x, 0.0), (x, ymax)],
                    st.upx(8.0),
                    st.upx(5.0),
                    REF_RED.stroke_width(st.upx(2.5)),
                ))
                .map_err(de)?;
            // Label on whichever side of the line has room.
            let right = x < xmax - (xmax + 0.5) * 0.25;
            let pos = Pos::new(if right { HPos::Left } else { HPos::Right }, VPos::Top);
            let dx = (xmax + 0.5) * 0.01 * if right { 1.0 } else { -1.0 };
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("max load = {m}"),
                    (x + dx, ymax * 0.98),
                    st.label().color(&REF_RED).pos(pos),
                )))
                .map_err(de)?;
        }
        Ok(())
    }
}

/// Tick label for integer-valued axes: integers only, nothing in between.
fn int_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 && v >= -1e-6 {
        format!("{}", v.round() as i64)
    } else {
        String::new()
    }
}

struct DegreeDist<'a> {
    degrees: &'a [usize],
}

/// Degree distribution on log–log axes: one point per degree k ≥ 1 at
/// (k, number of nodes with degree k). Heavy tails (a few hubs) show as
/// points far right. Isolated nodes (k = 0) cannot sit on a log axis; their
/// number is printed in the corner. `degrees` holds one entry per node.
/// File stem: `degree_distribution`.
pub fn degree_distribution(title: &str, degrees: &[usize]) -> Result<Chart, ChartError> {
    render("degree_distribution", title, &DegreeDist { degrees })
}

impl Draw for DegreeDist<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        let mut counts = std::collections::BTreeMap::<usize, usize>::new();
        let mut isolated = 0usize;
        for &d in self.degrees {
            if d == 0 {
                isolated += 1;
            } else {
                *counts.entry(d).or_default() += 1;
            }
        }
        if counts.is_empty() {
            let reason = if isolated > 0 {
                format!("all {isolated} nodes are isolated (degree 0)")
            } else {
                "no nodes".to_string()
            };
            return no_data(area, st, &reason);
        }
        let kmax = counts.keys().copied().max().unwrap_or(1) as f64;
        let cmax = counts.values().copied().max().unwrap_or(1) as f64;
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(st.upx(60.0))
            .y_label_area_size(st.upx(70.0))
            .build_cartesian_2d(
                (0.8f64..(kmax * 1.5).max(10.0)).log_scale(),
                (0.8f64..(cmax * 1.6).max(10.0)).log_scale(),
            )
            .map_err(de)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| fmt_num(*v, 1))
            .y_label_formatter(&|v| fmt_num(*v, 1))
            .x_desc("degree k (co-authors / collaborators)")
            .y_desc("number of nodes with degree k")
            .axis_desc_style(st.axis())
            .label_style(st.label())
            .draw()
            .map_err(de)?;
        let r = st.upx(5.0);
        chart
            .draw_series(
                counts
                    .iter()
                    .map(|(&k, &c)| Circle::new((k as f64, c as f64), r, BLUE_MAIN.filled())),
            )
            .map_err(de)?;
        let total = self.degrees.len();
        let note = if isolated > 0 {
            format!("{total} nodes; {isolated} isolated (k = 0) not shown")
        } else {
            format!("{total} nodes")
        };
        let (w, _) = area.dim_in_pixel();
        area.draw_text(
            &note,
            &st.label().pos(Pos::new(HPos::Right, VPos::Top)),
            (w as i32 - st.px(12.0), st.px(6.0)),
        )
        .map_err(de)?;
        Ok(())
    }
}

struct Expertise<'a> {
    value_label: &'a str,
    rows: &'a [(String, f64)],
}

/// Each proposal's assigned expertise, weakest first: one bar per proposal
/// (x = rank, 1 = weakest) with height = the value the caller passes (the
/// total or mean score of its assigned advisers, named by `value_label`).
/// The weakest 10 % (at least one) are orange and the weakest three are
/// named, because PeerReview4All-style fairness (Stelmakh et al.) judges an
/// assignment by its worst-served proposals; a dashed line marks the median.
/// Ties are ordered by proposal ID; non-finite values are skipped.
/// File stem: `proposal_expertise`.
pub fn proposal_expertise(
    title: &str,
    value_label: &str,
    rows: &[(String, f64)],
) -> Result<Chart, ChartError> {
    render(
        "proposal_expertise",
        title,
        &Expertise { value_label, rows },
    )
}

impl Draw for Expertise<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        let mut rows: Vec<(&str, f64)> = self
            .rows
            .iter()
            .filter(|(_, v)| v.is_finite())
            .map(|(id, v)| (id.as_str(), *v))
            .collect();
        if rows.is_empty() {
            return no_data(area, st, "no proposals with an assignment");
        }
        rows.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
        let n = rows.len();
        let vmax = rows[n - 1].1;
        let vmin = rows[0].1.min(0.0);
        let ymax = if vmax > 0.0 { vmax * 1.3 } else { 1.0 };
        let median = if n % 2 == 1 {
            rows[n / 2].1
        } else {
            (rows[n / 2 - 1].1 + rows[n / 2].1) / 2.0
        };
        let weak = n.div_ceil(10);
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(st.upx(60.0))
            .y_label_area_size(st.upx(80.0))
            .build_cartesian_2d(0.5f64..n as f64 + 0.5, vmin..ymax)
            .map_err(de)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_labels(n.min(12) + 1)
            .y_labels(6)
            .x_label_formatter(&|v| int_label(*v))
            .y_label_formatter(&|v| fmt_num(*v, 2))
            .x_desc("proposals, weakest first (rank)")
            .y_desc(self.value_label)
            .axis_desc_style(st.axis())
            .label_style(st.label())
            .draw()
            .map_err(de)?;
        // Bars touch when there are too many to separate by a gap.
        let half = if n > 60 { 0.5 } else { 0.4 };
        let sq = st.px(7.0);
        chart
            .draw_series(rows[weak..].iter().enumerate().map(|(i, &(_, v))| {
                let x = (weak + i + 1) as f64;
                Rectangle::new([(x - half, 0.0), (x + half, v)], BLUE_MAIN.filled())
            }))
            .map_err(de)?
            .label("other proposals")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - sq), (x + 2 * sq, y + sq)], BLUE_MAIN.filled())
            });
        chart
            .draw_series(rows[..weak].iter().enumerate().map(|(i, &(_, v))| {
                let x = (i + 1) as f64;
                Rectangle::new([(x - half, 0.0), (x + half, v)], ORANGE.filled())
            }))
            .map_err(de)?
            .label(format!("weakest 10 % ({weak} of {n})"))
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - sq), (x + 2 * sq, y + sq)], ORANGE.filled())
            });
        chart
            .draw_series(DashedLineSeries::new(
                [(0.5, median), (n as f64 + 0.5, median)],
                st.upx(8.0),
                st.upx(5.0),
                BLACK.mix(0.7).stroke_width(st.upx(2.0)),
            ))
            .map_err(de)?
            .label(format!("median = {}", fmt_num(median, 3)))
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 2 * sq, y)], BLACK.stroke_width(2))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(st.label())
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .margin(st.upx(10.0))
            .draw()
            .map_err(de)?;
        let names: Vec<String> = rows
            .iter()
            .take(3)
            .map(|(id, v)| format!("{} ({})", super::ellipsize(id, 16), fmt_num(*v, 3)))
            .collect();
        let (w, _) = area.dim_in_pixel();
        area.draw_text(
            &format!("weakest: {}", names.join(", ")),
            &st.label().pos(Pos::new(HPos::Right, VPos::Top)),
            (w as i32 - st.px(12.0), st.px(6.0)),
        )
        .map_err(de)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_chart;
    use super::*;

    #[test]
    fn huge_max_load_does_not_size_the_histogram() {
        // Regression: max_load = 4294967295 allocated one bucket per load
        // value (34 GB) and aborted; the histogram now follows the data.
        let c = adviser_load("Loads", &[0, 1, 2, 2], Some(u32::MAX as usize)).unwrap();
        assert!(c.svg.contains("off the chart"), "cap named in the label");
        let near = adviser_load("Loads", &[0, 1, 2, 2], Some(3)).unwrap();
        assert!(!near.svg.contains("off the chart"));
    }

    #[test]
    fn score_shares_are_hand_computed() {
        let (s, n) = score_shares(&[0.0, 0.04, 0.05, 1.0, 1.7, -0.2, f64::NAN]);
        assert_eq!(n, 6);
        // bin 0: 0.0, 0.04, -0.2 (clamped); bin 1: 0.05; bin 19: 1.0, 1.7.
        assert_eq!(s[0], 0.5);
        assert!((s[1] - 1.0 / 6.0).abs() < 1e-12);
        assert!((s[19] - 2.0 / 6.0).abs() < 1e-12);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(score_shares(&[]).1, 0);
    }

    #[test]
    fn int_label_skips_fractions() {
        assert_eq!(int_label(3.0), "3");
        assert_eq!(int_label(2.5), "");
        assert_eq!(int_label(-0.5), "");
    }

    #[test]
    fn every_distribution_chart_is_valid_and_deterministic() {
        let a = [0.9, 0.8, 0.85, 0.7];
        let e = [0.1, 0.2, 0.9, 0.8, 0.85, 0.7, 0.3];
        let c = score_distribution("Scores <all> & assigned", &a, &e).unwrap();
        check_chart(&c, "score_distribution", "Scores <all> & assigned");
        assert!(c.svg.contains("assigned pairs (n = 4)"));
        assert_eq!(
            c,
            score_distribution("Scores <all> & assigned", &a, &e).unwrap()
        );

        let c = adviser_load("Loads", &[0, 1, 1, 2, 3, 3, 3], Some(3)).unwrap();
        check_chart(&c, "adviser_load", "Loads");
        assert!(c.svg.contains("max load = 3"));

        let c = degree_distribution("Degrees", &[0, 1, 1, 2, 5, 1, 3]).unwrap();
        check_chart(&c, "degree_distribution", "Degrees");
        assert!(c.svg.contains("1 isolated"));

        let rows = vec![
            ("P-2".to_string(), 0.5),
            ("P-1".into(), 0.5),
            ("P-3".into(), 0.1),
        ];
        let c = proposal_expertise("Expertise", "mean score", &rows).unwrap();
        check_chart(&c, "proposal_expertise", "Expertise");
        // Weakest first, ties by ID.
        assert!(
            c.svg.contains("weakest: P-3 (0.1), P-1 (0.5), P-2 (0.5)"),
            "{}",
            c.svg
        );
    }

    #[test]
    fn empty_inputs_draw_no_data() {
        for c in [
            score_distribution("S", &[], &[f64::NAN]).unwrap(),
            adviser_load("L", &[], Some(3)).unwrap(),
            degree_distribution("D", &[0, 0]).unwrap(),
            proposal_expertise("E", "total", &[]).unwrap(),
        ] {
            assert!(c.svg.contains("no data"), "{}", c.name);
            check_chart(&c, c.name, &c.title.clone());
        }
    }
}
