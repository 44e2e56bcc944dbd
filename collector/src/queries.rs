//! `docs/queries.sql`, compiled in: the file a self-hoster reads is the SQL the summary runs.
//! Each query is found by its `-- name: <key>` line.

use std::collections::HashMap;

use std::sync::LazyLock;

pub const QUERIES_SQL: &str = include_str!("../../docs/queries.sql");

static QUERIES: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse(QUERIES_SQL));

/// The queries of `sql` by name: each runs from its `-- name:` line to the next one.
pub fn parse(sql: &'static str) -> HashMap<&'static str, &'static str> {
    let mut queries = HashMap::new();
    let mut rest = sql;
    while let Some(start) = rest.find("-- name: ") {
        let after = &rest[start + "-- name: ".len()..];
        let name_end = after.find('\n').unwrap_or(after.len());
        let name = after[..name_end].trim();
        let body = &after[name_end..];
        let end = body.find("-- name: ").unwrap_or(body.len());
        queries.insert(name, body[..end].trim());
        rest = &body[end..];
    }
    queries
}

/// The query named `name` (panics on a name the file lacks: a test checks every name).
pub fn query(name: &str) -> &'static str {
    QUERIES
        .get(name)
        .unwrap_or_else(|| panic!("docs/queries.sql has no query {name}"))
}

/// Every query's name, in the summary's order.
pub const NAMES: [&str; 8] = [
    "installations",
    "events_by_type",
    "daily_active_installations",
    "events_per_type_per_day",
    "top_operations",
    "error_rate",
    "performance",
    "platforms",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_one_statement() {
        for name in NAMES {
            let sql = query(name);
            assert!(sql.trim_end().ends_with(';'), "{name}");
            assert_eq!(sql.matches(';').count(), 1, "{name}");
        }
        assert_eq!(QUERIES.len(), NAMES.len());
    }
}
