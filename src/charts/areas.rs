//! Per-area bar charts: coverage ratio and sector mix. Areas are rows of
//! horizontal bars (first area at the top), so long area names stay
//! readable; names longer than the label column are cut with "…".

use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::RangedCoordusize;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    de, ellipsize, fit_text, fmt_num, no_data, render, Chart, ChartError, Draw, Sty, BLUE_MAIN,
    GRID, REF_RED,
};
use crate::model::Sector;

/// Longest area label in characters before "…" (further cut to fit).
const MAX_LABEL_CHARS: usize = 30;

/// Font size (SVG px) of row labels: 16 px while rows are tall enough,
/// smaller (down to 10 px) when many areas share the height.
fn row_font(st: &Sty, plot_h: u32, rows: usize) -> TextStyle<'static> {
    let per_row = plot_h as f64 / st.s / rows.max(1) as f64;
    st.font((per_row * 0.72).clamp(10.0, 16.0))
}

/// Width of the label column: the widest (shortened) label, at most 38 %
/// of the area.
fn label_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    font: &TextStyle,
    st: &Sty,
) -> (Vec<String>, u32) {
    let (w, _) = area.dim_in_pixel();
    let max_px = (w as f64 * 0.38) as u32;
    let shown: Vec<String> = labels
        .iter()
        .map(|l| fit_text(area, &ellipsize(l, MAX_LABEL_CHARS), font, max_px))
        .collect();
    let widest = shown
        .iter()
        .map(|l| {
            area.estimate_text_size(l, font)
                .map(|(w, _)| w)
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0);
    (shown, widest + st.upx(14.0))
}

/// Draws row labels right-aligned left of the plot, row i of the input at
/// segment n-1-i (first row on top). Done by hand because plotters drops
/// the only tick label of a one-segment axis.
fn row_labels<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<DB, Cartesian2d<X, SegmentedCoord<RangedCoordusize>>>,
    shown: &[String],
    font: &TextStyle,
    st: &Sty,
) -> Result<(), String> {
    let n = shown.len();
    let (bx, by) = area.get_base_pixel();
    let style = font.clone().pos(Pos::new(HPos::Right, VPos::Center));
    for (i, label) in shown.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, SegmentValue::CenterOf(n - 1 - i)));
        area.draw_text(label, &style, (x - bx - st.px(8.0), y - by))
            .map_err(de)?;
    }
    Ok(())
}

/// Bar colour for a coverage ratio: orange below the 1.0 target.
const BELOW: RGBColor = RGBColor(230, 110, 40);

struct Coverage<'a> {
    rows: &'a [(String, f64)],
}

/// Coverage ratio per R&D area as horizontal bars (one row per area, in the
/// caller's order, first at the top) with a dashed line at 1.0, the level
/// at which the area is fully covered; bars below it are orange and each
/// bar carries its value. The ratio is whatever the coverage stage defines
/// (≥ 0; 1.0 = target met); the axis spans [0, 1] and grows to show larger
/// values. Non-finite ratios are drawn as 0 and labelled "n/a".
/// File stem: `coverage_by_area`.
pub fn coverage_by_area(title: &str, rows: &[(String, f64)]) -> Result<Chart, ChartError> {
    render("coverage_by_area", title, &Coverage { rows })
}

impl Draw for Coverage<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        let n = self.rows.len();
        if n == 0 {
            return no_data(area, st, "no R&D areas");
        }
        let (_, h) = area.dim_in_pixel();
        let x_area = st.upx(60.0);
        let font = row_font(st, h.saturating_sub(x_area), n);
        let labels: Vec<String> = self.rows.iter().map(|(l, _)| l.clone()).collect();
        let (shown, label_w) = label_column(area, &labels, &font, st);
        let vmax = self
            .rows
            .iter()
            .map(|r| r.1)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let xmax = (vmax * 1.12).max(1.15);
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(x_area)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..xmax, (0..n - 1).into_segmented())
            .map_err(de)?;
        // Row i of the input is drawn at segment n-1-i so the first is on top.
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .y_labels(n + 1)
            .y_label_formatter(&|_| String::new())
            .x_label_formatter(&|v| fmt_num(*v, 2))
            .x_desc("coverage ratio (1.0 = fully covered)")
            .axis_desc_style(st.axis())
            .label_style(st.label())
            .y_label_style(font.clone())
            .draw()
            .map_err(de)?;
        row_labels(area, &chart, &shown, &font, st)?;
        let gap = st.upx(3.0).min(h / (4 * n as u32).max(1));
        chart
            .draw_series(self.rows.iter().enumerate().map(|(i, (_, v))| {
                let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
                let k = n - 1 - i;
                let c = if v < 1.0 { BELOW } else { BLUE_MAIN };
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(k)),
                        (v, SegmentValue::Exact(k + 1)),
                    ],
                    c.filled(),
                );
                r.set_margin(gap, gap, 0, 0);
                r
            }))
            .map_err(de)?;
        let vfont = font.clone().pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(self.rows.iter().enumerate().map(|(i, (_, v))| {
                let text = if v.is_finite() {
                    fmt_num(*v, 2)
                } else {
                    "n/a".to_string()
                };
                let x = if v.is_finite() { v.max(0.0) } else { 0.0 };
                Text::new(
                    text,
                    (x + xmax * 0.01, SegmentValue::CenterOf(n - 1 - i)),
                    vfont.clone(),
                )
            }))
            .map_err(de)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(1.0, SegmentValue::Exact(0)), (1.0, SegmentValue::Exact(n))],
                st.upx(8.0),
                st.upx(5.0),
                REF_RED.stroke_width(st.upx(2.5)),
            ))
            .map_err(de)?;
        Ok(())
    }
}

/// Applicants and advisers of one R&D area, counted by the sector of their
/// institution, in the order of [`Sector::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectorMixRow {
    /// Area label (name or ID).
    pub area: String,
    /// Applicants (proposal members) per sector.
    pub applicants: [usize; 5],
    /// Advisers per sector.
    pub advisers: [usize; 5],
}

/// Fixed colour of each sector, same order as [`Sector::ALL`], so every
/// chart and report shows a sector in the same colour.
pub(crate) fn sector_colour(s: Sector) -> RGBColor {
    match s {
        Sector::Academia => RGBColor(31, 119, 180),
        Sector::Industry => RGBColor(255, 127, 14),
        Sector::Government => RGBColor(44, 160, 44),
        Sector::Hospital => RGBColor(214, 39, 40),
        Sector::Nonprofit => RGBColor(148, 103, 189),
    }
}

struct SectorMix<'a> {
    rows: &'a [SectorMixRow],
}

/// Sector mix per R&D area: two panels of 100 %-stacked horizontal bars,
/// applicants on the left and advisers on the right, one row per area (first
/// on top), five sectors in fixed colours with a legend, and each row's head
/// count after its bar. Shares make panels comparable although applicants
/// far outnumber advisers; a row with no one shows an empty bar and n = 0.
/// File stem: `sector_mix`.
pub fn sector_mix(title: &str, rows: &[SectorMixRow]) -> Result<Chart, ChartError> {
    render("sector_mix", title, &SectorMix { rows })
}

impl Draw for SectorMix<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        let n = self.rows.len();
        if n == 0 {
            return no_data(area, st, "no R&D areas");
        }
        let (w, h) = area.dim_in_pixel();
        let legend_h = st.upx(34.0);
        let (top, legend) = area.split_vertically(h.saturating_sub(legend_h));
        let x_area = st.upx(40.0);
        let caption_h = st.upx(30.0);
        let font = row_font(st, h.saturating_sub(legend_h + x_area + caption_h), n);
        let labels: Vec<String> = self.rows.iter().map(|r| r.area.clone()).collect();
        let (shown, label_w) = label_column(&top, &labels, &font, st);
        let panel_w = w.saturating_sub(label_w) / 2;
        let (left, right) = top.split_horizontally(label_w + panel_w);
        let panels: [(&DrawingArea<DB, Shift>, &str, u32, bool); 2] = [
            (&left, "applicants", label_w, true),
            (&right, "advisers", 0, false),
        ];
        for (panel, caption, yl, applicants) in panels {
            let xmax = 1.25;
            let mut chart = ChartBuilder::on(panel)
                .caption(caption, st.axis())
                .x_label_area_size(x_area)
                .y_label_area_size(yl)
                .build_cartesian_2d(0f64..xmax, (0..n - 1).into_segmented())
                .map_err(de)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(WHITE)
                .bold_line_style(GRID)
                .x_labels(6)
                .y_labels(n + 1)
                .y_label_formatter(&|_| String::new())
                .x_label_formatter(&|v| {
                    if *v <= 1.0 + 1e-9 {
                        format!("{:.0}%", v * 100.0)
                    } else {
                        String::new()
                    }
                })
                .label_style(st.label())
                .y_label_style(font.clone())
                .draw()
                .map_err(de)?;
            // The right panel shares the rows of the left one: no labels.
            if applicants {
                row_labels(panel, &chart, &shown, &font, st)?;
            }
            let gap = st.upx(3.0).min(h / (4 * n as u32).max(1));
            let mut bars = Vec::new();
            let mut notes = Vec::new();
            for (i, row) in self.rows.iter().enumerate() {
                let counts = if applicants {
                    &row.applicants
                } else {
                    &row.advisers
                };
                let total: usize = counts.iter().sum();
                let k = n - 1 - i;
                let mut x = 0.0;
                for (s, &c) in Sector::ALL.iter().zip(counts) {
                    if c == 0 {
                        continue;
                    }
                    let dx = c as f64 / total as f64;
                    let mut r = Rectangle::new(
                        [
                            (x, SegmentValue::Exact(k)),
                            (x + dx, SegmentValue::Exact(k + 1)),
                        ],
                        sector_colour(*s).filled(),
                    );
                    r.set_margin(gap, gap, 0, 0);
                    bars.push(r);
                    x += dx;
                }
                notes.push(Text::new(
                    format!("n={total}"),
                    (1.02, SegmentValue::CenterOf(k)),
                    font.clone().pos(Pos::new(HPos::Left, VPos::Center)),
                ));
            }
            chart.draw_series(bars).map_err(de)?;
            chart.draw_series(notes).map_err(de)?;
        }
        // Legend: one swatch and name per sector, centred under the panels.
        let lf = st.label().pos(Pos::new(HPos::Left, VPos::Center));
        let sw = st.px(16.0);
        let item_w: Vec<i32> = Sector::ALL
            .iter()
            .map(|s| {
                let tw = legend
                    .estimate_text_size(s.as_str(), &lf)
                    .map(|(w, _)| w as i32)
                    .unwrap_or(0);
                sw + st.px(6.0) + tw + st.px(18.0)
            })
            .collect();
        let total_w: i32 = item_w.iter().sum();
        // Centred under the bars when it fits there, else under the whole width.
        let mut x = if total_w <= (w - label_w) as i32 {
            label_w as i32 + ((w - label_w) as i32 - total_w) / 2
        } else {
            (w as i32 - total_w).max(0) / 2
        };
        let y = legend_h as i32 / 2 + st.px(2.0);
        for (s, iw) in Sector::ALL.iter().zip(item_w) {
            legend
                .draw(&Rectangle::new(
                    [(x, y - sw / 2), (x + sw, y + sw / 2)],
                    sector_colour(*s).filled(),
                ))
                .map_err(de)?;
            legend
                .draw_text(s.as_str(), &lf, (x + sw + st.px(6.0), y))
                .map_err(de)?;
            x += iw;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_chart;
    use super::*;

    #[test]
    fn coverage_chart_shows_each_area_and_value() {
        let rows = vec![
            ("Regenerative & <cell> therapy".to_string(), 0.42),
            ("Infectious disease".into(), 1.3),
            (
                "A very long area name that will certainly not fit the label column".into(),
                f64::NAN,
            ),
        ];
        let c = coverage_by_area("Coverage <by> area & gaps", &rows).unwrap();
        check_chart(&c, "coverage_by_area", "Coverage <by> area & gaps");
        assert!(c.svg.contains("Regenerative &amp; &lt;cell&gt; therapy"));
        assert!(c.svg.contains("\n0.42\n") && c.svg.contains("\n1.3\n") && c.svg.contains("n/a"));
        assert!(c.svg.contains('…'), "long label is shortened");
        assert_eq!(
            c,
            coverage_by_area("Coverage <by> area & gaps", &rows).unwrap()
        );
        let many: Vec<(String, f64)> = (0..40)
            .map(|i| (format!("Area {i:02}"), i as f64 / 30.0))
            .collect();
        let c = coverage_by_area("Many", &many).unwrap();
        check_chart(&c, "coverage_by_area", "Many");
        assert!(c.svg.contains("Area 00") && c.svg.contains("Area 39"));
    }

    #[test]
    fn sector_mix_has_legend_and_counts() {
        let rows = vec![
            SectorMixRow {
                area: "Oncology".into(),
                applicants: [10, 5, 0, 3, 2],
                advisers: [3, 1, 1, 0, 0],
            },
            SectorMixRow {
                area: "Empty area".into(),
                applicants: [0; 5],
                advisers: [0; 5],
            },
        ];
        let c = sector_mix("Sector mix", &rows).unwrap();
        check_chart(&c, "sector_mix", "Sector mix");
        for s in Sector::ALL {
            assert!(c.svg.contains(s.as_str()), "{s:?} in legend");
        }
        assert!(c.svg.contains("n=20") && c.svg.contains("n=5") && c.svg.contains("n=0"));
        assert_eq!(c, sector_mix("Sector mix", &rows).unwrap());
    }

    #[test]
    fn a_single_area_draws() {
        let c = coverage_by_area("One", &[("Only area".to_string(), 0.5)]).unwrap();
        check_chart(&c, "coverage_by_area", "One");
        assert!(c.svg.contains("Only area"));
        let row = SectorMixRow {
            area: "Only area".into(),
            applicants: [1, 0, 0, 0, 0],
            advisers: [0, 0, 0, 0, 2],
        };
        let c = sector_mix("One", &[row]).unwrap();
        check_chart(&c, "sector_mix", "One");
        assert!(c.svg.contains("Only area"));
    }

    #[test]
    fn empty_area_charts_say_no_data() {
        let c = coverage_by_area("C", &[]).unwrap();
        assert!(c.svg.contains("no data"));
        check_chart(&c, "coverage_by_area", "C");
        let c = sector_mix("S", &[]).unwrap();
        assert!(c.svg.contains("no data"));
        check_chart(&c, "sector_mix", "S");
    }
}
