//! The report's charts, drawn as inline SVG with plotters. Each takes plain numbers and
//! returns the `<svg>` element; the page gives each a one-line reading and the table behind it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::util::number::number;

/// Winners, and every mark that stands for them.
const WINNER: RGBColor = RGBColor(31, 95, 168);
/// The rest of the field.
const FIELD: RGBColor = RGBColor(140, 146, 153);
/// The cut, and flagged jurors.
const ALERT: RGBColor = RGBColor(192, 57, 43);
/// Reference lines.
const GUIDE: RGBColor = RGBColor(200, 200, 200);
/// The width of every chart, in SVG units (it scales to the page).
const WIDTH: u32 = 760;
/// The room for row labels at the left.
const LABELS: u32 = 110;

type Failed = String;

/// One row of the forest plot: a label, the point and its interval, whether it wins.
pub(crate) struct Point {
    pub label: String,
    pub value: f64,
    pub interval: Option<(f64, f64)>,
    pub winner: bool,
}

/// Totals (points) with their 90% intervals (lines), first place at the top, and a line
/// under the last winner: the cut.
pub(crate) fn forest(rows: &[Point], cut_after: Option<usize>) -> Result<String, Failed> {
    let values = rows
        .iter()
        .flat_map(|r| {
            [
                Some(r.value),
                r.interval.map(|i| i.0),
                r.interval.map(|i| i.1),
            ]
        })
        .flatten();
    let (lo, hi) = padded(values, None);
    let n = rows.len();
    let mut svg = String::new();
    {
        let root = area(&mut svg, 50 + 20 * n as u32)?;
        let mut chart = rows_chart(&root, lo..hi, n, "total")?;
        let y = |i: usize| (n - 1 - i) as f64;
        let color = |r: &Point| if r.winner { WINNER } else { FIELD };
        chart
            .draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
                let (a, b) = r.interval?;
                Some(PathElement::new(
                    vec![(a, y(i)), (b, y(i))],
                    color(r).stroke_width(2),
                ))
            }))
            .map_err(text)?;
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| Circle::new((r.value, y(i)), 4, color(r).filled())),
            )
            .map_err(text)?;
        if let Some(c) = cut_after.filter(|&c| c + 1 < n) {
            let at = y(c) - 0.5;
            chart
                .draw_series([PathElement::new(
                    vec![(lo, at), (hi, at)],
                    ALERT.stroke_width(1),
                )])
                .map_err(text)?;
        }
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        row_labels(&root, &chart, &labels, lo)?;
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// One juror: leniency against scale.
pub(crate) struct Juror {
    pub label: String,
    pub leniency: f64,
    pub scale: f64,
    pub flagged: bool,
}

/// Leniency (x) against scale (y), with the neutral juror's lines (0 and 1); flagged jurors
/// in the alert colour; labels when there are few enough jurors to read them.
pub(crate) fn jurors(jurors: &[Juror]) -> Result<String, Failed> {
    let (x0, x1) = padded(jurors.iter().map(|j| j.leniency), Some(0.0));
    let (y0, y1) = padded(jurors.iter().map(|j| j.scale), Some(1.0));
    let mut svg = String::new();
    {
        let root = area(&mut svg, 420)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(text)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_desc("leniency (score points above the panel)")
            .y_desc("scale (spread against the panel)")
            .x_label_formatter(&|x| number(*x))
            .y_label_formatter(&|y| number(*y))
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(text)?;
        let guides = [vec![(0.0, y0), (0.0, y1)], vec![(x0, 1.0), (x1, 1.0)]];
        chart
            .draw_series(guides.map(|g| PathElement::new(g, GUIDE.stroke_width(1))))
            .map_err(text)?;
        let color = |j: &Juror| if j.flagged { ALERT } else { WINNER };
        chart
            .draw_series(
                jurors
                    .iter()
                    .map(|j| Circle::new((j.leniency, j.scale), 4, color(j).filled())),
            )
            .map_err(text)?;
        if jurors.len() <= 40 {
            let style = ("sans-serif", 13).into_font().color(&BLACK);
            chart
                .draw_series(
                    jurors
                        .iter()
                        .map(|j| Text::new(j.label.clone(), (j.leniency, j.scale), style.clone())),
                )
                .map_err(text)?;
        }
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// One criterion: the field's spread (as a box: quartiles, with whiskers to the ends and a
/// median tick) and the winners' values, each as a share of the criterion's scale.
pub(crate) struct Spread {
    pub label: String,
    /// Minimum, lower quartile, median, upper quartile, maximum of the field.
    pub field: Option<[f64; 5]>,
    pub winners: Vec<f64>,
}

/// The field's box and the winners' points per criterion, on 0–100% of each scale.
pub(crate) fn criteria(rows: &[Spread]) -> Result<String, Failed> {
    let n = rows.len();
    let mut svg = String::new();
    {
        let root = area(&mut svg, 50 + 34 * n as u32)?;
        let mut chart = rows_chart(&root, 0.0..100.0, n, "% of the criterion's scale")?;
        let y = |i: usize| (n - 1 - i) as f64;
        for (i, row) in rows.iter().enumerate() {
            let Some([min, q1, median, q3, max]) = row.field else {
                continue;
            };
            let (y, h) = (y(i), 0.25);
            let field = [
                PathElement::new(vec![(min, y), (max, y)], FIELD.stroke_width(1)),
                PathElement::new(
                    vec![(median, y - h), (median, y + h)],
                    BLACK.stroke_width(2),
                ),
            ];
            chart
                .draw_series([Rectangle::new(
                    [(q1, y - h), (q3, y + h)],
                    FIELD.mix(0.35).filled(),
                )])
                .map_err(text)?;
            chart.draw_series(field).map_err(text)?;
            chart
                .draw_series(
                    row.winners
                        .iter()
                        .map(|&v| Circle::new((v, y), 4, WINNER.filled())),
                )
                .map_err(text)?;
        }
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        row_labels(&root, &chart, &labels, 0.0)?;
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// A horizontal bar per row, with reference lines (Krippendorff's 0.667 and 0.8).
pub(crate) fn bars(rows: &[(String, f64)], guides: &[f64]) -> Result<String, Failed> {
    let (lo, _) = padded(rows.iter().map(|r| r.1), Some(0.0));
    let (lo, hi) = (lo.min(0.0), 1.0);
    let n = rows.len();
    let mut svg = String::new();
    {
        let root = area(&mut svg, 50 + 26 * n as u32)?;
        let mut chart = rows_chart(&root, lo..hi, n, "Krippendorff's alpha (interval)")?;
        let y = |i: usize| (n - 1 - i) as f64;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (_, v))| {
                Rectangle::new([(0.0, y(i) - 0.3), (*v, y(i) + 0.3)], WINNER.filled())
            }))
            .map_err(text)?;
        let top = n as f64 - 0.5;
        chart
            .draw_series(
                guides
                    .iter()
                    .map(|&g| PathElement::new(vec![(g, -0.5), (g, top)], ALERT.stroke_width(1))),
            )
            .map_err(text)?;
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        row_labels(&root, &chart, &labels, lo)?;
        root.present().map_err(text)?;
    }
    Ok(svg)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type RowsChart<'a> = ChartContext<
    'a,
    SVGBackend<'a>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn area(svg: &mut String, height: u32) -> Result<Area<'_>, Failed> {
    let root = SVGBackend::with_string(svg, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(text)?;
    Ok(root)
}

/// A chart with one row per item (the first at the top), `x` across, no y labels of its own
/// (see [`row_labels`]).
fn rows_chart<'a>(
    root: &Area<'a>,
    x: std::ops::Range<f64>,
    n: usize,
    x_desc: &str,
) -> Result<RowsChart<'a>, Failed> {
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .x_label_area_size(34)
        .y_label_area_size(LABELS)
        .build_cartesian_2d(x, -0.5..(n as f64 - 0.5))
        .map_err(text)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(WHITE)
        .x_desc(x_desc)
        .x_label_formatter(&|x| number(*x))
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(text)?;
    Ok(chart)
}

/// Writes each row's label at the left of its row, right-aligned against the plot.
fn row_labels(
    root: &Area<'_>,
    chart: &RowsChart<'_>,
    labels: &[&str],
    x: f64,
) -> Result<(), Failed> {
    let n = labels.len();
    let style = ("sans-serif", 14)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (i, label) in labels.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(x, (n - 1 - i) as f64));
        root.draw(&Text::new(short(label), (px - 6, py), style.clone()))
            .map_err(text)?;
    }
    Ok(())
}

/// A label cut to what fits the label area.
fn short(label: &str) -> String {
    const MOST: usize = 14;
    if label.chars().count() <= MOST {
        return label.to_string();
    }
    let mut s: String = label.chars().take(MOST - 1).collect();
    s.push('…');
    s
}

/// The range of `values` (and `include`), widened by 5% on each side; (0, 1) when empty.
fn padded(values: impl Iterator<Item = f64>, include: Option<f64>) -> (f64, f64) {
    let (lo, hi) = values
        .chain(include)
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if lo > hi {
        return (0.0, 1.0);
    }
    let pad = if hi > lo { (hi - lo) * 0.05 } else { 0.5 };
    (lo - pad, hi + pad)
}

fn text(e: impl std::fmt::Display) -> Failed {
    format!("cannot draw a chart: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_padded_range_holds_every_value_and_the_included_one() {
        assert_eq!(padded([2.0, 4.0].into_iter(), None), (1.9, 4.1));
        assert_eq!(padded([2.0, 4.0].into_iter(), Some(0.0)), (-0.2, 4.2));
        assert_eq!(padded(std::iter::empty(), None), (0.0, 1.0));
        assert_eq!(padded([3.0].into_iter(), None), (2.5, 3.5));
    }

    #[test]
    fn a_forest_plot_has_a_point_per_row_an_interval_per_bootstrap_and_a_cut() {
        let rows: Vec<Point> = (0..3)
            .map(|i| Point {
                label: format!("P{i}"),
                value: 10.0 - i as f64,
                interval: (i < 2).then_some((9.0 - i as f64, 11.0 - i as f64)),
                winner: i == 0,
            })
            .collect();
        let svg = forest(&rows, Some(0)).unwrap();
        assert_eq!(svg.matches("<circle").count(), 3);
        let lines = |color: &str| {
            svg.lines()
                .filter(|l| l.starts_with("<polyline") && l.contains(color))
                .count()
        };
        // P0's interval as a winner's, P1's as the field's (P2 has none), and the cut.
        assert_eq!(lines("stroke=\"#1F5FA8\""), 1, "{svg}");
        assert_eq!(lines("stroke=\"#8C9299\""), 1, "{svg}");
        assert_eq!(lines("stroke=\"#C0392B\""), 1, "{svg}");
        assert!(svg.contains("\nP2\n</text>"), "{svg}");
    }
}
