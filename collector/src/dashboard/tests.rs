//! The page drawn from the planted summary the browser test also serves, from hostile strings,
//! and from summaries with missing or mistyped fields.

use super::text::{count, date_of, day_number, decimal, escape, percent, window_days};
use super::{content_security_policy, render};
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn planted() -> Value {
    serde_json::from_str(include_str!("sample-summary.json")).expect("planted JSON")
}

/// The SVG element with this id, up to its end.
fn svg<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<svg class=\"chart\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = page[start..].find("</svg>").expect("closed svg");
    &page[start..start + end]
}

fn bars(page: &str, id: &str) -> usize {
    svg(page, id).matches("<rect class=\"bar\"").count()
}

#[test]
fn the_page_shows_the_planted_numbers() {
    let summary = planted();
    let page = render(&summary);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<dd id=\"installations\">42</dd>"));
    let total: u64 = summary["events_by_type"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(page.contains(&format!("<dd id=\"events-total\">{}</dd>", count(total))));
    assert!(
        page.contains("<dd data-type=\"agent_usage\">21,004</dd>"),
        "grouped digits"
    );
    assert!(page.contains("Last 30 days: <time datetime=\"2026-11-03\">2026-11-03</time> to"));

    let days_with_data = summary["daily_active_installations"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(bars(&page, "chart-daily"), days_with_data);
    let segments = summary["events_per_type_per_day"].as_array().unwrap().len();
    assert_eq!(bars(&page, "chart-types"), segments);
    assert_eq!(bars(&page, "chart-top-operations"), 10);
    assert_eq!(bars(&page, "chart-error-rate"), 4);
    assert_eq!(
        bars(&page, "chart-performance"),
        6,
        "p50 and p95 of three metrics"
    );
    assert_eq!(bars(&page, "chart-platforms"), 5);
    // Every chart is an image with a title and a description, and has its table.
    assert_eq!(page.matches("role=\"img\" aria-labelledby=").count(), 6);
    assert_eq!(page.matches("<details><summary>").count(), 6);
    assert!(
        page.contains("<td class=\"num\">0.29 %</td>"),
        "rate 50/17500 as a percentage"
    );
    assert!(
        page.contains("<td class=\"num\">141.75</td>"),
        "p95 of tokens_per_second"
    );
}

#[test]
fn a_bar_is_as_tall_as_its_share_of_the_axis() {
    let summary = json!({"from": "2026-01-01", "to": "2026-01-03",
        "daily_active_installations": [{"day": "2026-01-01", "installations": 5}, {"day": "2026-01-03", "installations": 10}]});
    let page = render(&summary);
    let chart = svg(&page, "chart-daily");
    let heights: Vec<f64> = chart
        .split("<rect class=\"bar\"")
        .skip(1)
        .map(|r| {
            let at = r.find("height=\"").unwrap() + 8;
            r[at..at + r[at..].find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(heights.len(), 2);
    assert!((heights[1] - 2.0 * heights[0]).abs() < 0.2, "{heights:?}");
    assert!(chart.contains("data-day=\"2026-01-01\""));
    assert!(
        !chart.contains("data-day=\"2026-01-02\""),
        "a day without data draws no bar"
    );
}

#[test]
fn hostile_strings_are_shown_as_text_never_as_markup() {
    let evil = "<script>alert(1)</script>";
    let attr = "\"><img src=x onerror=alert(1)>";
    let summary = json!({
        "days": "<b>30</b>", "from": attr, "to": "</title><script>x()</script>",
        "installations": 1,
        "events_by_type": {evil: 3, attr: 1, "</style>": 2},
        "daily_active_installations": [{"day": attr, "installations": 1}],
        "events_per_type_per_day": [{"day": evil, "event_type": attr, "events": 2}],
        "top_operations": [{"operation": evil, "events": 7}, {"operation": "read <user>/x & 'y'", "events": 1}],
        "error_rate": [{"library_version": attr, "platform": evil, "errors": 1, "events": 2, "rate": 0.5}],
        "performance": [{"metric_name": evil, "unit": attr, "samples": 1, "p50": 1.0, "p95": 2.0}],
        "platforms": [{"platform": "</svg>", "runtime": evil, "installations": 1}]
    });
    let page = render(&summary);
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script"), "no script element");
    assert!(!lower.contains("<img"), "no img element");
    assert!(!lower.contains("<b>"));
    assert_eq!(
        lower.matches("</style>").count(),
        1,
        "only the page's own style ends"
    );
    assert_eq!(
        lower.matches("<title").count(),
        lower.matches("</title>").count(),
        "no stray </title>"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("read &lt;user&gt;/x &amp; &#39;y&#39;"));
    assert!(page.contains("data-key=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
}

#[test]
fn the_page_loads_nothing_and_runs_nothing() {
    let page = render(&planted());
    let lower = page.to_lowercase();
    for needle in [
        "<script", " src=\"", "<iframe", "<object", "<embed", "@import", "url(",
    ] {
        assert!(!lower.contains(needle), "{needle} in the page");
    }
    // The only addresses are the SVG namespace (a name, never fetched) and the empty data: icon.
    let links = lower.matches("http").count();
    assert_eq!(
        links,
        lower
            .matches("xmlns=\"http://www.w3.org/2000/svg\"")
            .count()
            + 1,
        "http-equiv only"
    );
    assert_eq!(lower.matches("href=").count(), 1);
    assert!(lower.contains("<link rel=\"icon\" href=\"data:,\">"));
    // Inline style attributes would need 'unsafe-inline'.
    assert!(!lower.contains(" style="));
}

#[test]
fn the_policy_allows_exactly_the_pages_stylesheet() {
    let page = render(&planted());
    let start = page.find("<style>").unwrap() + "<style>".len();
    let css = &page[start..start + page[start..].find("</style>").unwrap()];
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    let policy = content_security_policy();
    assert!(policy.starts_with("default-src 'none'; "));
    assert!(
        policy.contains(&format!("style-src 'sha256-{hash}';")),
        "{policy}"
    );
    assert!(policy.ends_with("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe"));
    let meta = policy
        .trim_end_matches("; frame-ancestors 'none'")
        .replace('\'', "&#39;");
    assert!(page.contains(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{meta}\">"
    )));
}

#[test]
fn missing_and_mistyped_fields_draw_an_empty_page_not_an_error() {
    for summary in [
        json!({}),
        json!(null),
        json!([1, 2]),
        json!({"installations": "many", "events_by_type": [1], "top_operations": {"a": 1},
               "daily_active_installations": [7, null, {"day": 3, "installations": -4}],
               "error_rate": [{"rate": "high"}], "performance": [{"p50": null}], "platforms": "x"}),
        json!({"from": "0000-01-01", "to": "9999-12-31", "daily_active_installations": [{"day": "2026-01-01", "installations": 1}]}),
    ] {
        let page = render(&summary);
        assert!(page.ends_with("</html>\n"), "{summary}");
        assert!(
            page.contains("<dd id=\"installations\">0</dd>"),
            "{summary}"
        );
        assert!(page.len() < 200_000, "bounded page for {summary}");
    }
    let empty = render(&json!({}));
    assert_eq!(empty.matches("No data in this window.").count(), 6);
}

#[test]
fn numbers_read_as_people_write_them() {
    assert_eq!(count(0), "0");
    assert_eq!(count(999), "999");
    assert_eq!(count(1000), "1,000");
    assert_eq!(count(1_234_567), "1,234,567");
    assert_eq!(decimal(12.5), "12.5");
    assert_eq!(decimal(40.0), "40");
    assert_eq!(decimal(0.004), "0");
    assert_eq!(decimal(-0.001), "0");
    assert_eq!(decimal(f64::NAN), "–");
    assert_eq!(percent(0.0125), "1.25 %");
    assert_eq!(escape("a\u{0}b"), "a\u{fffd}b");
}

#[test]
fn days_count_across_months_and_leap_years() {
    assert_eq!(day_number("1970-01-01"), Some(0));
    assert_eq!(day_number("2000-03-01"), Some(11_017));
    assert_eq!(
        day_number("2024-02-29").map(date_of).as_deref(),
        Some("2024-02-29")
    );
    for day in [-800_000, -1, 0, 59, 11_016, 20_000, 2_932_896] {
        assert_eq!(day_number(&date_of(day)), Some(day));
    }
    for bad in [
        "",
        "2026-13-01",
        "2026-00-10",
        "2026-1-01",
        "yyyy-mm-dd",
        "2026-01-32",
        "２０２６-01-01",
    ] {
        assert_eq!(day_number(bad), None, "{bad}");
    }
    let days = window_days("2026-11-03", "2026-12-02", &[]);
    assert_eq!(days.len(), 30);
    assert_eq!(
        (days[0].as_str(), days[29].as_str()),
        ("2026-11-03", "2026-12-02")
    );
    assert_eq!(window_days("2024-02-28", "2024-03-01", &[]).len(), 3);
    // A window far too long for a chart falls back to the days with data.
    assert_eq!(
        window_days("0001-01-01", "2026-01-01", &["2025-12-31", "2026-01-01"]).len(),
        2
    );
}
