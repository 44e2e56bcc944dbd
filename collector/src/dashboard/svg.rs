//! The two chart shapes the dashboard draws as inline SVG: columns per day (stacked when there
//! are several series) and labelled horizontal bars. Colours are SVG presentation attributes and
//! the rest of the look comes from the page's one stylesheet, so the strict Content-Security-Policy
//! (no inline style attributes) holds. Every bar carries a <title> (its tooltip and accessible
//! name) and data-* attributes with its raw value, which the browser test reads back.

use super::text::{count, escape, shorten};
use std::fmt::Write;

/// What a screen reader announces for a chart: the svg is role="img", labelled by these.
pub(super) struct Chart<'a> {
    /// Prefix of the element ids (unique in the page, never user text).
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// One stacked series of a column chart.
pub(super) struct Series<'a> {
    pub name: &'a str,
    pub colour: &'static str,
}

const WIDTH: f64 = 720.0;

fn open_svg(out: &mut String, chart: &Chart, width: f64, height: f64) {
    let id = chart.id;
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(chart.title),
        escape(chart.desc)
    );
}

/// The smallest 1, 2, 2.5 or 5 times a power of ten at or above `max`: the top of the y axis,
/// so its ticks are round numbers.
fn axis_top(max: u64) -> u64 {
    if max == 0 {
        return 1;
    }
    let mut power = 1u64;
    loop {
        for step in [10, 20, 25, 50] {
            let top = power.saturating_mul(step) / 10;
            if top >= max && top > 0 {
                return top;
            }
        }
        if power > u64::MAX / 10 {
            return max;
        }
        power *= 10;
    }
}

/// Columns, one per day, each stacked from `values[day][series]` in series order. Days with no
/// value draw no rectangle; the x axis still has a place for them.
pub(super) fn day_columns(
    chart: &Chart,
    days: &[String],
    series: &[Series],
    values: &[Vec<u64>],
    unit: &str,
) -> String {
    let (left, right, top, bottom) = (56.0, 12.0, 12.0, 28.0);
    let height = 240.0;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let totals: Vec<u64> = values.iter().map(|v| v.iter().sum()).collect();
    let axis = axis_top(totals.iter().copied().max().unwrap_or(0));
    let y_of = |v: u64| top + plot_h - v as f64 / axis as f64 * plot_h;

    let mut out = String::new();
    open_svg(&mut out, chart, WIDTH, height);
    // Three gridlines with their values: 0, half and the top of the axis.
    for tick in [0, axis / 2, axis] {
        let y = y_of(tick);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - right,
            left - 6.0,
            y + 4.0,
            count(tick)
        );
    }
    let step = plot_w / days.len().max(1) as f64;
    let bar_w = (step * 0.8).max(1.0);
    for (i, day) in days.iter().enumerate() {
        let x = left + i as f64 * step + (step - bar_w) / 2.0;
        let mut base = 0u64;
        for (s, value) in values.get(i).into_iter().flatten().enumerate() {
            if *value == 0 {
                continue;
            }
            let Some(series) = series.get(s) else {
                continue;
            };
            let (y_top, y_bottom) = (y_of(base + value), y_of(base));
            base += value;
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y_top:.1}\" width=\"{bar_w:.1}\" \
                 height=\"{:.1}\" fill=\"{}\" data-day=\"{}\" data-series=\"{}\" \
                 data-value=\"{value}\"><title>{}: {} {} {}</title></rect>",
                (y_bottom - y_top).max(0.5),
                series.colour,
                escape(day),
                escape(series.name),
                escape(day),
                count(*value),
                escape(series.name),
                escape(unit)
            );
        }
    }
    // A few dates under the axis: first, quarters, last.
    let n = days.len();
    let mut marks: Vec<usize> = if n == 0 {
        Vec::new()
    } else {
        vec![0, n / 4, n / 2, 3 * n / 4, n - 1]
    };
    marks.dedup();
    for i in marks {
        let x = left + (i as f64 + 0.5) * step;
        let label = days[i].get(5..).unwrap_or(&days[i]);
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            height - 8.0,
            escape(label)
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/></svg>",
        WIDTH - right,
        y_of(0),
        y_of(0)
    );
    out
}

/// One horizontal bar: `value` drawn against `scale` (the row's full width).
pub(super) struct Bar {
    /// The row's label (plain text; shortened on the chart, whole in the tooltip).
    pub label: String,
    /// What the bar stands for, in data-key (plain text).
    pub key: String,
    pub value: f64,
    pub scale: f64,
    /// The value as shown at the end of the bar (plain text).
    pub shown: String,
    pub colour: &'static str,
}

/// Labelled horizontal bars, one row each, top to bottom in the given order.
pub(super) fn bars(chart: &Chart, rows: &[Bar]) -> String {
    // Narrower than the column charts: these sit in half-width panels, where the text would
    // otherwise shrink below reading size.
    let (width, label_w, value_w, row_h, top) = (480.0, 168.0, 128.0, 24.0, 6.0);
    let plot_w = width - label_w - value_w;
    let height = top * 2.0 + row_h * rows.len().max(1) as f64;
    let mut out = String::new();
    open_svg(&mut out, chart, width, height);
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let fraction = if row.scale > 0.0 && row.value.is_finite() {
            (row.value / row.scale).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let w = (fraction * plot_w).max(if row.value > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar\" x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" \
             fill=\"{}\" data-key=\"{}\" data-value=\"{}\"><title>{}: {}</title></rect>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_w - 8.0,
            y + row_h * 0.65,
            escape(&shorten(&row.label, 22)),
            y + 4.0,
            row_h - 8.0,
            row.colour,
            escape(&row.key),
            row.value,
            escape(&row.label),
            escape(&row.shown),
            label_w + w + 6.0,
            y + row_h * 0.65,
            escape(&row.shown)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::axis_top;

    #[test]
    fn the_axis_ends_on_a_round_number_at_or_above_the_largest_value() {
        let cases = [
            (0, 1),
            (1, 1),
            (3, 5),
            (7, 10),
            (12, 20),
            (21, 25),
            (26, 50),
            (812, 1000),
        ];
        for (max, top) in cases {
            assert_eq!(axis_top(max), top, "axis for {max}");
        }
        assert!(axis_top(u64::MAX) >= u64::MAX / 10);
    }
}
