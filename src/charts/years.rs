//! Collaboration by publication year: co-authorship ties per year (bars,
//! left axis) overlaid with the share of those ties that cross
//! institutions and sectors (lines, right axis).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{de, no_data, render, Chart, ChartError, Draw, Sty, BLUE_MAIN, GRID, ORANGE};

/// One year of the overlay (see `network::years`).
#[derive(Clone, Debug, PartialEq)]
pub struct YearPoint {
    pub year: i32,
    /// Distinct co-author pairs with a joint paper that year.
    pub ties: u64,
    /// Shares of those ties, [0, 1].
    pub cross_institution_share: Option<f64>,
    pub cross_sector_share: Option<f64>,
}

struct Years<'a> {
    rows: &'a [YearPoint],
}

/// The overlay chart; `rows` ascending by year. File stem
/// `collaboration_by_year`. Years without ties leave a gap in the lines.
pub fn collaboration_by_year(title: &str, rows: &[YearPoint]) -> Result<Chart, ChartError> {
    render("collaboration_by_year", title, &Years { rows })
}

const GREEN: RGBColor = RGBColor(44, 160, 44);

impl Draw for Years<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        if self.rows.is_empty() {
            return no_data(area, st, "no publications with years");
        }
        let y0 = self.rows.iter().map(|r| r.year).min().unwrap_or(0);
        let y1 = self.rows.iter().map(|r| r.year).max().unwrap_or(0);
        let tmax = self.rows.iter().map(|r| r.ties).max().unwrap_or(0) as f64;
        let ymax = (tmax * 1.3).max(1.0);
        let xr = (f64::from(y0) - 0.6)..(f64::from(y1) + 0.6);
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(st.upx(55.0))
            .y_label_area_size(st.upx(80.0))
            .right_y_label_area_size(st.upx(80.0))
            .build_cartesian_2d(xr.clone(), 0f64..ymax)
            .map_err(de)?
            .set_secondary_coord(xr, 0f64..1.0f64);
        let span = (y1 - y0 + 1).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_labels(usize::try_from(span).unwrap_or(1).min(16) + 1)
            .y_labels(6)
            .x_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-6 {
                    format!("{}", v.round() as i64)
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("publication year")
            .y_desc("co-authorship ties")
            .axis_desc_style(st.axis())
            .label_style(st.label())
            .draw()
            .map_err(de)?;
        chart
            .configure_secondary_axes()
            .y_labels(6)
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .y_desc("share of ties crossing")
            .axis_desc_style(st.axis())
            .label_style(st.label())
            .draw()
            .map_err(de)?;
        let sq = st.px(7.0);
        chart
            .draw_series(self.rows.iter().map(|r| {
                let x = f64::from(r.year);
                Rectangle::new(
                    [(x - 0.35, 0.0), (x + 0.35, r.ties as f64)],
                    BLUE_MAIN.mix(0.45).filled(),
                )
            }))
            .map_err(de)?
            .label("ties (left axis)")
            .legend(move |(x, y)| {
                Rectangle::new(
                    [(x, y - sq), (x + 2 * sq, y + sq)],
                    BLUE_MAIN.mix(0.45).filled(),
                )
            });
        let width = st.upx(3.0).max(1);
        type Get = fn(&YearPoint) -> Option<f64>;
        let series: [(&str, RGBColor, Get); 2] = [
            ("cross-institution share", ORANGE, |r| {
                r.cross_institution_share
            }),
            ("cross-sector share", GREEN, |r| r.cross_sector_share),
        ];
        for (name, colour, get) in series {
            let pts: Vec<(f64, f64)> = self
                .rows
                .iter()
                .filter_map(|r| get(r).map(|s| (f64::from(r.year), s)))
                .collect();
            chart
                .draw_secondary_series(LineSeries::new(pts.clone(), colour.stroke_width(width)))
                .map_err(de)?
                .label(format!("{name} (right axis)"))
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 2 * sq, y)], colour.stroke_width(width))
                });
            chart
                .draw_secondary_series(
                    pts.into_iter()
                        .map(|p| Circle::new(p, st.px(4.0), colour.filled())),
                )
                .map_err(de)?;
        }
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

#[cfg(test)]
mod tests {
    use super::super::tests::check_chart;
    use super::*;

    #[test]
    fn overlay_is_valid_deterministic_and_handles_gaps() {
        let rows: Vec<YearPoint> = (2015..2025)
            .map(|y| YearPoint {
                year: y,
                ties: (100 + 20 * (y - 2015)) as u64,
                cross_institution_share: Some(0.2 + 0.01 * f64::from(y - 2015)),
                cross_sector_share: (y != 2018).then_some(0.05),
            })
            .collect();
        let c = collaboration_by_year("Collaboration by year", &rows).unwrap();
        check_chart(&c, "collaboration_by_year", "Collaboration by year");
        assert!(c.svg.contains("cross-sector share (right axis)"));
        assert!(c.svg.contains("2024"));
        assert_eq!(
            c,
            collaboration_by_year("Collaboration by year", &rows).unwrap()
        );
        let e = collaboration_by_year("t", &[]).unwrap();
        assert!(e.svg.contains("no data"));
    }
}
