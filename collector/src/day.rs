//! Days are stored as whole days since 1970-01-01 UTC: the one date type SQLite and PostgreSQL
//! compare, group and partition on the same way, so `docs/queries.sql` runs unchanged on both.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs_f64())
        .unwrap_or(0.0)
}

/// The UTC day number of a Unix time.
pub fn day_of(seconds: f64) -> i64 {
    (seconds / 86_400.0).floor() as i64
}

/// `YYYY-MM-DD` of a day number (the proleptic Gregorian calendar; Howard Hinnant's
/// days-to-civil conversion).
pub fn format_day(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_days() {
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(format_day(day_of(1_795_634_410.12)), "2026-11-25");
        assert_eq!(format_day(11_016), "2000-02-29");
        assert_eq!(format_day(-1), "1969-12-31");
    }
}
