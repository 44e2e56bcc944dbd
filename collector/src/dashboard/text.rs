//! Text for the page: HTML escaping, the numbers as shown, the days of the window, and reading
//! fields of the summary JSON leniently (a missing or mistyped field shows as nothing or zero,
//! never as a failed page).

use serde_json::Value;
use std::fmt::Write;

/// Escapes text for an HTML element or a double-quoted attribute (also inside SVG). Every value
/// of the summary can come from a user's event, so nothing reaches the page without this.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in HTML text; show their place instead.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with an ellipsis when cut: chart labels have a fixed width (the
/// whole label stays in the bar's tooltip and in the table).
pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A count as shown: digits grouped by thousands with commas ("1,234,567").
pub(super) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A measurement as shown: at most two decimals, without trailing zeros ("12.5", "40").
pub(super) fn decimal(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let mut out = format!("{x:.2}");
    while out.ends_with('0') {
        out.pop();
    }
    if out.ends_with('.') {
        out.pop();
    }
    if out == "-0" {
        out = "0".to_owned();
    }
    out
}

/// A rate (0.0125) as a percentage ("1.25 %").
pub(super) fn percent(rate: f64) -> String {
    format!("{} %", decimal(rate * 100.0))
}

/// A string field, or "" when it is missing or not a string.
pub(super) fn str_of<'a>(item: &'a Value, key: &str) -> &'a str {
    item.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A count field: a non-negative integer, else 0.
pub(super) fn u64_of(item: &Value, key: &str) -> u64 {
    match item.get(key) {
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_f64().filter(|x| *x >= 0.0).map(|x| x as u64))
            .unwrap_or(0),
        None => 0,
    }
}

/// A measurement field, or None when missing or not a number.
pub(super) fn f64_of(item: &Value, key: &str) -> Option<f64> {
    item.get(key).and_then(Value::as_f64)
}

/// The array under `key`, or an empty slice.
pub(super) fn list<'a>(summary: &'a Value, key: &str) -> &'a [Value] {
    summary
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Days since 1970-01-01 of a "YYYY-MM-DD" date (proleptic Gregorian), None if it is not one.
/// Written out (Howard Hinnant's days_from_civil) because it is the only date arithmetic the
/// page needs: listing every day of the window, also those without data.
pub(super) fn day_number(date: &str) -> Option<i64> {
    let bytes = date.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let field = |range: std::ops::Range<usize>| date.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (field(0..4)?, field(5..7)?, field(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The "YYYY-MM-DD" date of a day number (the inverse of [`day_number`]): the collector's own.
pub(super) use crate::day::format_day as date_of;

/// Longest window the charts draw day by day; a summary claiming more is drawn over the days
/// that have data only, so a hostile `from` cannot make the page huge.
const MOST_DAYS: i64 = 400;

/// Every day of the window `from..=to`, widened to the days that have data; when the dates are
/// unusable, just the days with data, in order.
pub(super) fn window_days(from: &str, to: &str, data_days: &[&str]) -> Vec<String> {
    let numbers: Vec<i64> = data_days.iter().filter_map(|d| day_number(d)).collect();
    let first = day_number(from)
        .into_iter()
        .chain(numbers.iter().copied())
        .min();
    let last = day_number(to)
        .into_iter()
        .chain(numbers.iter().copied())
        .max();
    if let (Some(first), Some(last)) = (first, last) {
        if last >= first && last - first < MOST_DAYS {
            return (first..=last).map(date_of).collect();
        }
    }
    let mut days: Vec<String> = data_days.iter().map(|d| (*d).to_owned()).collect();
    days.sort();
    days.dedup();
    days
}

/// A column of [`table`]: its header and whether it holds numbers (aligned right).
pub(super) type Column = (&'static str, bool);

/// An HTML table: a caption, the columns, then rows of cells (already escaped HTML).
pub(super) fn table(caption: &str, columns: &[Column], rows: &[Vec<String>]) -> String {
    let class = |i: usize| match columns.get(i) {
        Some((_, true)) => " class=\"num\"",
        _ => "",
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<table><caption>{}</caption><thead><tr>",
        escape(caption)
    );
    for (i, (name, _)) in columns.iter().enumerate() {
        let _ = write!(out, "<th scope=\"col\"{}>{}</th>", class(i), escape(name));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(out, "<td{}>{cell}</td>", class(i));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}
