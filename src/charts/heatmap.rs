//! Area × area collaboration heat map.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use super::{de, ellipsize, fit_text, no_data, render, Chart, ChartError, Draw, Sty};

/// Matrices up to this size print the count in each cell.
const MAX_VALUE_CELLS: usize = 12;
/// Column labels longer than this are shortened with "…".
const MAX_COL_CHARS: usize = 16;

struct Heat<'a> {
    labels: &'a [String],
    columns: &'a [String],
    counts: &'a [Vec<u64>],
}

/// Heat map of collaboration between R&D areas: cell (row i, column j) is
/// the number of collaboration edges between researchers of area i and
/// area j (the diagonal: edges inside an area), as the caller counted them.
/// `labels` names the rows and columns (short names or area IDs read best);
/// `counts` must be square with one row per label. Colour runs from white
/// (0) to dark blue (the maximum) on a log(1 + count) scale, because within-
/// area counts are usually an order of magnitude larger than cross-area
/// ones and would wash a linear scale out; a colour bar shows the scale.
/// Counts are printed in the cells when there are at most 12 areas.
/// File stem: `collaboration_heatmap`.
///
/// Errors: [`ChartError::Input`] when the matrix is not square or does not
/// match `labels`.
pub fn collaboration_heatmap(
    title: &str,
    labels: &[String],
    counts: &[Vec<u64>],
) -> Result<Chart, ChartError> {
    let n = labels.len();
    if counts.len() != n {
        return Err(ChartError::Input {
            chart: "collaboration_heatmap",
            message: format!(
                "the matrix has {} rows but there are {n} area labels; pass one row per area",
                counts.len()
            ),
        });
    }
    if let Some((i, row)) = counts.iter().enumerate().find(|(_, r)| r.len() != n) {
        return Err(ChartError::Input {
            chart: "collaboration_heatmap",
            message: format!(
                "row {i} ({}) has {} columns, expected {n} (one per area)",
                labels[i],
                row.len()
            ),
        });
    }
    collaboration_heatmap_named(title, labels, labels, counts)
}

/// [`collaboration_heatmap`] with separate column labels: rows carry the
/// full area names ("A01 Cancer immunotherapy") and columns a short form
/// ("A01") in the same order, so the rotated column labels take little
/// height and the cells stay large enough for their counts.
pub fn collaboration_heatmap_named(
    title: &str,
    labels: &[String],
    columns: &[String],
    counts: &[Vec<u64>],
) -> Result<Chart, ChartError> {
    if columns.len() != labels.len() {
        return Err(ChartError::Input {
            chart: "collaboration_heatmap",
            message: format!(
                "{} column labels for {} rows; pass one column label per area",
                columns.len(),
                labels.len()
            ),
        });
    }
    render(
        "collaboration_heatmap",
        title,
        &Heat {
            labels,
            columns,
            counts,
        },
    )
}

/// Sequential blue scale (ColorBrewer "Blues" end points and middle) for
/// t in [0, 1].
fn blues(t: f64) -> RGBColor {
    const STOPS: [(f64, [f64; 3]); 3] = [
        (0.0, [247.0, 251.0, 255.0]),
        (0.5, [107.0, 174.0, 214.0]),
        (1.0, [8.0, 48.0, 107.0]),
    ];
    let t = t.clamp(0.0, 1.0);
    let (a, b) = if t <= 0.5 {
        (STOPS[0], STOPS[1])
    } else {
        (STOPS[1], STOPS[2])
    };
    let u = (t - a.0) / (b.0 - a.0);
    let c = |k: usize| (a.1[k] + (b.1[k] - a.1[k]) * u).round() as u8;
    RGBColor(c(0), c(1), c(2))
}

/// A cell's count: exact, or compact ("1.2k", "35k", "1.2M") when asked.
fn cell_text(v: u64, compact: bool) -> String {
    if !compact || v < 1000 {
        return v.to_string();
    }
    let (x, unit) = if v < 1_000_000 {
        (v as f64 / 1e3, "k")
    } else {
        (v as f64 / 1e6, "M")
    };
    if x < 10.0 {
        format!("{x:.1}{unit}")
    } else {
        format!("{x:.0}{unit}")
    }
}

/// Position on the colour scale: log(1 + v) / log(1 + max), in [0, 1].
fn scale(v: u64, max: u64) -> f64 {
    if max == 0 {
        0.0
    } else {
        (1.0 + v as f64).ln() / (1.0 + max as f64).ln()
    }
}

impl Draw for Heat<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        st: &Sty,
    ) -> Result<(), String> {
        let n = self.labels.len();
        if n == 0 {
            return no_data(area, st, "no R&D areas");
        }
        let max = self.counts.iter().flatten().copied().max().unwrap_or(0);
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let pad = st.px(8.0);
        let cbar_w = st.px(110.0);
        let font = st.label();
        // Row labels on the left, column labels (rotated) at the bottom.
        let row_max = (w as f64 * 0.3) as u32;
        let rows: Vec<String> = self
            .labels
            .iter()
            .map(|l| fit_text(area, &ellipsize(l, 30), &font, row_max))
            .collect();
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|l| ellipsize(l, MAX_COL_CHARS))
            .collect();
        let tw = |t: &str| {
            area.estimate_text_size(t, &font)
                .map(|(w, _)| w as i32)
                .unwrap_or(0)
        };
        let row_w = rows.iter().map(|r| tw(r)).max().unwrap_or(0) + pad;
        let col_h = cols.iter().map(|c| tw(c)).max().unwrap_or(0) + pad;
        let cell = ((w - row_w - cbar_w - pad) / n as i32)
            .min((h - col_h - pad) / n as i32)
            .max(1);
        // Centre the block (row labels, matrix, colour bar) horizontally.
        let block = row_w + pad + n as i32 * cell + cbar_w;
        let x0 = row_w + pad + ((w - block) / 2).max(0);
        let y0 = pad;
        // Counts must fit inside their cells: shrink the font to the widest
        // count (down to 9 px), then switch to compact counts ("1.2k"),
        // else leave the cells unlabelled (the colour bar still reads).
        let fits = |size: f64, compact: bool| {
            let f = st.font(size);
            self.counts.iter().flatten().all(|&v| {
                let t = cell_text(v, compact);
                area.estimate_text_size(&t, &f)
                    .map(|(w, h)| (w as i32) <= cell * 9 / 10 && (h as i32) <= cell * 8 / 10)
                    .unwrap_or(false)
            })
        };
        let mut value_style: Option<(f64, bool)> = None;
        if n <= MAX_VALUE_CELLS {
            'search: for compact in [false, true] {
                let mut size = (cell as f64 / st.s * 0.42).clamp(9.0, 16.0);
                while size >= 9.0 {
                    if fits(size, compact) {
                        value_style = Some((size, compact));
                        break 'search;
                    }
                    size -= 1.0;
                }
            }
        }
        let show_values = value_style.is_some();
        let (vfont_size, compact) = value_style.unwrap_or((10.0, false));
        let vfont = st.font(vfont_size);
        for (i, row) in self.counts.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let (cx, cy) = (x0 + j as i32 * cell, y0 + i as i32 * cell);
                let t = scale(v, max);
                area.draw(&Rectangle::new(
                    [(cx, cy), (cx + cell, cy + cell)],
                    blues(t).filled(),
                ))
                .map_err(de)?;
                if show_values {
                    let colour = if t > 0.55 { WHITE } else { BLACK };
                    area.draw_text(
                        &cell_text(v, compact),
                        &vfont
                            .clone()
                            .color(&colour)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                        (cx + cell / 2, cy + cell / 2),
                    )
                    .map_err(de)?;
                }
            }
        }
        // Grid lines keep equal cells apart when colours are close.
        let grid = RGBColor(255, 255, 255).stroke_width(1);
        for k in 0..=n as i32 {
            area.draw(&PathElement::new(
                [(x0, y0 + k * cell), (x0 + n as i32 * cell, y0 + k * cell)],
                grid,
            ))
            .map_err(de)?;
            area.draw(&PathElement::new(
                [(x0 + k * cell, y0), (x0 + k * cell, y0 + n as i32 * cell)],
                grid,
            ))
            .map_err(de)?;
        }
        area.draw(&Rectangle::new(
            [(x0, y0), (x0 + n as i32 * cell, y0 + n as i32 * cell)],
            BLACK.mix(0.5).stroke_width(1),
        ))
        .map_err(de)?;
        // Labels shrink with the cells (down to 8 px) so rows do not overlap.
        let rfont = if cell < st.px(20.0) {
            st.font((cell as f64 / st.s * 0.8).max(8.0))
        } else {
            font.clone()
        };
        {
            for (i, r) in rows.iter().enumerate() {
                area.draw_text(
                    r,
                    &rfont.clone().pos(Pos::new(HPos::Right, VPos::Center)),
                    (x0 - pad, y0 + i as i32 * cell + cell / 2),
                )
                .map_err(de)?;
            }
            let cfont = rfont
                .clone()
                .transform(FontTransform::Rotate90)
                .pos(Pos::new(HPos::Left, VPos::Center));
            for (j, c) in cols.iter().enumerate() {
                area.draw_text(
                    c,
                    &cfont,
                    (x0 + j as i32 * cell + cell / 2, y0 + n as i32 * cell + pad),
                )
                .map_err(de)?;
            }
        }
        // Colour bar: 0 at the bottom, max at the top, log-spaced ticks.
        let bx = x0 + n as i32 * cell + st.px(24.0);
        let bw = st.px(18.0);
        let bh = (n as i32 * cell).max(st.px(120.0)).min(h - 2 * pad);
        let steps = bh.max(1);
        for k in 0..steps {
            let t = 1.0 - k as f64 / steps as f64;
            area.draw(&Rectangle::new(
                [(bx, y0 + k), (bx + bw, y0 + k + 1)],
                blues(t).filled(),
            ))
            .map_err(de)?;
        }
        area.draw(&Rectangle::new(
            [(bx, y0), (bx + bw, y0 + bh)],
            BLACK.mix(0.5).stroke_width(1),
        ))
        .map_err(de)?;
        let mut ticks = vec![0u64, max];
        let mut p = 1u64;
        while p < max {
            if scale(p, max) > 0.12 && scale(p, max) < 0.88 {
                ticks.push(p);
            }
            p = p.saturating_mul(10);
        }
        ticks.sort_unstable();
        ticks.dedup();
        let tfont = st.label().pos(Pos::new(HPos::Left, VPos::Center));
        for v in ticks {
            let y = y0 + ((1.0 - scale(v, max)) * bh as f64).round() as i32;
            area.draw(&PathElement::new(
                [(bx + bw, y), (bx + bw + st.px(5.0), y)],
                BLACK.stroke_width(1),
            ))
            .map_err(de)?;
            area.draw_text(&v.to_string(), &tfont, (bx + bw + st.px(8.0), y))
                .map_err(de)?;
        }
        area.draw_text(
            "edges",
            &st.label().pos(Pos::new(HPos::Left, VPos::Top)),
            (bx, y0 + bh + st.px(6.0)),
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
    fn compact_counts() {
        assert_eq!(cell_text(999, true), "999");
        assert_eq!(cell_text(1234, true), "1.2k");
        assert_eq!(cell_text(35_400, true), "35k");
        assert_eq!(cell_text(2_500_000, true), "2.5M");
        assert_eq!(cell_text(1234, false), "1234");
    }

    #[test]
    fn four_digit_counts_fit_their_cells() {
        // 12 areas with four-digit counts: every printed count is no wider
        // than 90 % of a cell (measured with the embedded font).
        let labels: Vec<String> = (0..12).map(|i| format!("Area name number {i}")).collect();
        let m: Vec<Vec<u64>> = (0..12)
            .map(|i| {
                (0..12)
                    .map(|j| if i == j { 4321 } else { 1000 + (i * j) as u64 })
                    .collect()
            })
            .collect();
        let cols: Vec<String> = (1..=12).map(|i| format!("A{i:02}")).collect();
        let c = collaboration_heatmap_named("t", &labels, &cols, &m).unwrap();
        check_chart(&c, "collaboration_heatmap", "t");
        assert!(c.svg.contains("Area name number 11"), "area names shown");
        assert!(c.svg.contains("\nA12\n"), "short column labels");
        // Either the exact or the compact count of the diagonal is drawn.
        assert!(
            c.svg.contains("\n4321\n") || c.svg.contains("\n4.3k\n"),
            "counts drawn"
        );
        // With names on both axes the cells may be too small for any count;
        // then none is drawn rather than spilling over (the search keeps a
        // size only when the widest count is within 90 % of a cell).
        let both = collaboration_heatmap("t", &labels, &m).unwrap();
        check_chart(&both, "collaboration_heatmap", "t");
    }

    #[test]
    fn colour_scale_ends_and_log_position() {
        assert_eq!(blues(0.0), RGBColor(247, 251, 255));
        assert_eq!(blues(1.0), RGBColor(8, 48, 107));
        assert_eq!(blues(0.5), RGBColor(107, 174, 214));
        assert_eq!(scale(0, 99), 0.0);
        assert!((scale(9, 99) - 0.5).abs() < 1e-12); // ln 10 / ln 100
        assert_eq!(scale(99, 99), 1.0);
        assert_eq!(scale(0, 0), 0.0);
    }

    #[test]
    fn small_matrix_prints_cell_values() {
        let labels = vec!["Onc".to_string(), "Neuro & <brain>".into(), "Infect".into()];
        let m = vec![vec![120, 7, 0], vec![7, 45, 3], vec![0, 3, 88]];
        let c = collaboration_heatmap("Collaboration", &labels, &m).unwrap();
        check_chart(&c, "collaboration_heatmap", "Collaboration");
        for v in ["\n120\n", "\n45\n", "\n88\n", "\n7\n", "\n3\n"] {
            assert!(c.svg.contains(v), "{v}");
        }
        assert!(c.svg.contains("Neuro &amp; &lt;brain&gt;"));
        assert_eq!(
            c,
            collaboration_heatmap("Collaboration", &labels, &m).unwrap()
        );
    }

    #[test]
    fn bad_shapes_are_input_errors_and_empty_is_no_data() {
        let l = vec!["a".to_string(), "b".into()];
        let e = collaboration_heatmap("t", &l, &[vec![1, 2]]).unwrap_err();
        assert!(e.to_string().contains("1 rows but there are 2"), "{e}");
        let e = collaboration_heatmap("t", &l, &[vec![1, 2], vec![3]]).unwrap_err();
        assert!(e.to_string().contains("row 1 (b) has 1 columns"), "{e}");
        let c = collaboration_heatmap("t", &[], &[]).unwrap();
        assert!(c.svg.contains("no data"));
    }

    #[test]
    fn large_matrix_renders_without_values() {
        let labels: Vec<String> = (0..30).map(|i| format!("AREA-{i:02}")).collect();
        let m: Vec<Vec<u64>> = (0..30)
            .map(|i| {
                (0..30)
                    .map(|j| if i == j { 500 } else { (i * j % 7) as u64 })
                    .collect()
            })
            .collect();
        let c = collaboration_heatmap("Big", &labels, &m).unwrap();
        check_chart(&c, "collaboration_heatmap", "Big");
        // Cell values (e.g. 6) are not printed; 500 is only the colour-bar maximum.
        assert!(!c.svg.contains("\n6\n"));
        assert!(c.svg.contains("AREA-29"));
    }
}
