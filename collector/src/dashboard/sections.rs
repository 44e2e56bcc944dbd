//! The page's panels, one per answer of the summary: a chart, a line on how to read it, and the
//! same numbers as a table (for screen readers, copying, and browsers without SVG).

use super::event_types;
use super::svg::{self, Bar, Chart, Series};
use super::text::{
    count, decimal, escape, f64_of, list, percent, str_of, table, u64_of, window_days, Column,
};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// Colours that stay apart for the common kinds of colour blindness (Okabe and Ito).
const PALETTE: [&str; 7] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#b8a000",
];
/// Event types past the palette share one series, so the chart stays readable.
const OTHER: (&str, &str) = ("other types", "#8c8c8c");
/// Rows a bar chart draws at most (the table below it lists them all).
const MOST_ROWS: usize = 50;

pub(super) fn all(page: &mut String, summary: &Value) {
    daily_active(page, summary);
    events_per_type(page, summary);
    top_operations(page, summary);
    error_rate(page, summary);
    performance(page, summary);
    platforms(page, summary);
}

/// One panel: heading, chart (or a line saying there is no data) and the table under it.
fn panel(page: &mut String, id: &str, heading: &str, wide: bool, chart: &str, numbers: &str) {
    let class = if wide { "panel wide" } else { "panel" };
    let _ = write!(
        page,
        "<section class=\"{class}\" id=\"{id}\" aria-labelledby=\"{id}-h\">\
         <h2 id=\"{id}-h\">{}</h2>",
        escape(heading)
    );
    if chart.is_empty() {
        page.push_str("<p class=\"empty\">No data in this window.</p>");
    } else {
        let _ = write!(
            page,
            "{chart}<details><summary>The numbers as a table</summary>{numbers}</details>"
        );
    }
    page.push_str("</section>");
}

fn window(summary: &Value) -> (&str, &str) {
    (str_of(summary, "from"), str_of(summary, "to"))
}

fn daily_active(page: &mut String, summary: &Value) {
    let items = list(summary, "daily_active_installations");
    let (from, to) = window(summary);
    let mut by_day: HashMap<&str, u64> = HashMap::new();
    for item in items {
        *by_day.entry(str_of(item, "day")).or_default() += u64_of(item, "installations");
    }
    let data_days: Vec<&str> = by_day.keys().copied().collect();
    let days = window_days(from, to, &data_days);
    let values: Vec<Vec<u64>> = days
        .iter()
        .map(|d| vec![by_day.get(d.as_str()).copied().unwrap_or(0)])
        .collect();
    let peak = days
        .iter()
        .zip(&values)
        .max_by_key(|(_, v)| v[0])
        .map(|(d, v)| format!("; the most, {}, on {d}", count(v[0])))
        .unwrap_or_default();
    let chart = if items.is_empty() {
        String::new()
    } else {
        let desc =
            format!("Distinct installations that sent events, per day from {from} to {to}{peak}.");
        let series = [Series {
            name: "installations",
            colour: PALETTE[0],
        }];
        let text = Chart {
            id: "chart-daily",
            title: "Daily active installations",
            desc: &desc,
        };
        svg::day_columns(&text, &days, &series, &values, "")
    };
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| vec![escape(str_of(i, "day")), count(u64_of(i, "installations"))])
        .collect();
    let columns = [("Day", false), ("Installations", true)];
    let numbers = table("Daily active installations", &columns, &rows);
    panel(
        page,
        "daily-active",
        "Daily active installations",
        true,
        &chart,
        &numbers,
    );
}

fn events_per_type(page: &mut String, summary: &Value) {
    let items = list(summary, "events_per_type_per_day");
    // Series in the headline's order (most events first), then types only seen per day.
    let mut names: Vec<&str> = event_types(summary).into_iter().map(|(n, _)| n).collect();
    for item in items {
        let name = str_of(item, "event_type");
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut series: Vec<Series> = names
        .iter()
        .zip(PALETTE)
        .map(|(name, colour)| Series { name, colour })
        .collect();
    if names.len() > PALETTE.len() {
        series.push(Series {
            name: OTHER.0,
            colour: OTHER.1,
        });
    }
    let slot = |name: &str| {
        let at = names.iter().position(|n| *n == name).unwrap_or(0);
        at.min(PALETTE.len())
    };
    let (from, to) = window(summary);
    let data_days: Vec<&str> = items.iter().map(|i| str_of(i, "day")).collect();
    let days = window_days(from, to, &data_days);
    let index: HashMap<&str, usize> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    let mut values = vec![vec![0u64; series.len()]; days.len()];
    for item in items {
        if let Some(&d) = index.get(str_of(item, "day")) {
            let cell = &mut values[d][slot(str_of(item, "event_type"))];
            *cell = cell.saturating_add(u64_of(item, "events"));
        }
    }
    let mut chart = String::new();
    if !items.is_empty() {
        let desc = format!("Events stored per day from {from} to {to}, stacked by event type.");
        let text = Chart {
            id: "chart-types",
            title: "Events per type per day",
            desc: &desc,
        };
        chart = svg::day_columns(&text, &days, &series, &values, "events");
        chart.push_str("<ul class=\"legend\" aria-label=\"Event types\">");
        for s in &series {
            let _ = write!(
                chart,
                "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" \
                 height=\"12\" fill=\"{}\"/></svg>{}</li>",
                s.colour,
                escape(s.name)
            );
        }
        chart.push_str("</ul>");
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let cells = [str_of(i, "day"), str_of(i, "event_type")];
            vec![
                escape(cells[0]),
                escape(cells[1]),
                count(u64_of(i, "events")),
            ]
        })
        .collect();
    let columns = [("Day", false), ("Event type", false), ("Events", true)];
    let numbers = table("Events per type per day", &columns, &rows);
    panel(
        page,
        "events-per-type",
        "Events per type per day",
        true,
        &chart,
        &numbers,
    );
}

/// A bar chart panel's words and its table's columns.
struct BarPanel<'a> {
    id: &'a str,
    heading: &'a str,
    desc: &'a str,
    columns: &'a [Column],
}

/// A bar chart panel: the bars (at most [`MOST_ROWS`]) and the table of all rows.
fn bar_panel(page: &mut String, spec: &BarPanel, bars: &[Bar], rows: &[Vec<String>]) {
    let chart = if bars.is_empty() {
        String::new()
    } else {
        let id = format!("chart-{}", spec.id);
        let text = Chart {
            id: &id,
            title: spec.heading,
            desc: spec.desc,
        };
        svg::bars(&text, &bars[..bars.len().min(MOST_ROWS)])
    };
    let numbers = table(spec.heading, spec.columns, rows);
    panel(page, spec.id, spec.heading, false, &chart, &numbers);
}

/// A bar named by its label, scaled against the largest value of its list by [`scaled`].
fn bar(label: String, value: f64, shown: String, colour: &'static str) -> Bar {
    Bar {
        key: label.clone(),
        label,
        value,
        scale: 0.0,
        shown,
        colour,
    }
}

/// Scales every bar against the largest value of the list.
fn scaled(mut bars: Vec<Bar>) -> Vec<Bar> {
    let top = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    for bar in &mut bars {
        bar.scale = top;
    }
    bars
}

fn top_operations(page: &mut String, summary: &Value) {
    let (mut bars, mut rows) = (Vec::new(), Vec::new());
    for i in list(summary, "top_operations") {
        let (name, n) = (str_of(i, "operation"), u64_of(i, "events"));
        bars.push(bar(name.to_owned(), n as f64, count(n), PALETTE[2]));
        rows.push(vec![escape(name), count(n)]);
    }
    let spec = BarPanel {
        id: "top-operations",
        heading: "Top operations",
        desc: "agent_usage events per operation, the most used first.",
        columns: &[("Operation", false), ("Events", true)],
    };
    bar_panel(page, &spec, &scaled(bars), &rows);
}

fn error_rate(page: &mut String, summary: &Value) {
    let (mut bars, mut rows) = (Vec::new(), Vec::new());
    for i in list(summary, "error_rate") {
        let (version, platform) = (str_of(i, "library_version"), str_of(i, "platform"));
        let (errors, events) = (u64_of(i, "errors"), u64_of(i, "events"));
        let rate = f64_of(i, "rate").unwrap_or(0.0);
        let shown = format!("{} ({} of {})", percent(rate), count(errors), count(events));
        bars.push(bar(
            format!("{version} · {platform}"),
            rate,
            shown,
            PALETTE[5],
        ));
        let (errors, events) = (count(errors), count(events));
        rows.push(vec![
            escape(version),
            escape(platform),
            errors,
            events,
            percent(rate),
        ]);
    }
    let spec = BarPanel {
        id: "error-rate",
        heading: "Error rate by version and platform",
        desc: "Share of events that are errors, by library version and platform.",
        columns: &[
            ("Library version", false),
            ("Platform", false),
            ("Errors", true),
            ("Events", true),
            ("Rate", true),
        ],
    };
    bar_panel(page, &spec, &scaled(bars), &rows);
}

fn performance(page: &mut String, summary: &Value) {
    let (mut bars, mut rows) = (Vec::new(), Vec::new());
    for i in list(summary, "performance") {
        let (metric, unit) = (str_of(i, "metric_name"), str_of(i, "unit"));
        let p50 = f64_of(i, "p50").unwrap_or(0.0);
        let p95 = f64_of(i, "p95").unwrap_or(0.0);
        // Units differ between metrics: each metric's two bars share a scale of their own.
        for (name, value, colour) in [("p50", p50, PALETTE[4]), ("p95", p95, PALETTE[0])] {
            let shown = format!("{} {unit}", decimal(value));
            let mut one = bar(format!("{metric} {name}"), value, shown, colour);
            (one.key, one.scale) = (format!("{metric} ({unit}) {name}"), p50.max(p95));
            bars.push(one);
        }
        let samples = count(u64_of(i, "samples"));
        rows.push(vec![
            escape(metric),
            escape(unit),
            samples,
            decimal(p50),
            decimal(p95),
        ]);
    }
    let spec = BarPanel {
        id: "performance",
        heading: "Performance p50 and p95",
        desc: "Median (p50) and 95th percentile (p95) of each performance metric; each metric has its own scale.",
        columns: &[("Metric", false), ("Unit", false), ("Samples", true), ("p50", true), ("p95", true)],
    };
    bar_panel(page, &spec, &bars, &rows);
}

fn platforms(page: &mut String, summary: &Value) {
    let (mut bars, mut rows) = (Vec::new(), Vec::new());
    for i in list(summary, "platforms") {
        let (platform, runtime) = (str_of(i, "platform"), str_of(i, "runtime"));
        let n = u64_of(i, "installations");
        let label = match runtime {
            "" => platform.to_owned(),
            _ => format!("{platform} · {runtime}"),
        };
        bars.push(bar(label, n as f64, count(n), PALETTE[3]));
        rows.push(vec![escape(platform), escape(runtime), count(n)]);
    }
    let spec = BarPanel {
        id: "platforms",
        heading: "Platforms and runtimes",
        desc: "Installations per platform and runtime.",
        columns: &[
            ("Platform", false),
            ("Runtime", false),
            ("Installations", true),
        ],
    };
    bar_panel(page, &spec, &scaled(bars), &rows);
}
